"""Correcting a contact outcome recorded by mistake, and counting tries as the corrections leave them.

Nothing is deleted: the correction is a new contact entry that names the one it
supersedes and says why, so the timeline shows both ("no answer" at 02:14, then
"correction: pressed n on the wrong carer"). The carer's status goes back to what
the entries before the mistaken one had made it (shortlisted if none), and a
superseded "no answer" no longer counts as a try.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from db.enums import CandidateStatus, RequestState
from db.models import Candidate, CandidateContact
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.errors import Conflict, NotFound
from dutydesk.labels import label
from dutydesk.requests import lookup
from dutydesk.requests.limits import REASON_MAX
from dutydesk.text import field_text

CORRECTION = "correction: "


def counts_as_a_try() -> sa.ColumnElement[bool]:
    """A contact entry that is a try of its own: neither a correction nor corrected."""
    return sa.and_(CandidateContact.supersedes_id.is_(None), CandidateContact.id.not_in(superseded_ids()))


def superseded_ids() -> sa.Select:
    """The contact entries a later entry corrected (as a subquery)."""
    return sa.select(CandidateContact.supersedes_id).where(CandidateContact.supersedes_id.is_not(None))


def no_answer_tries(session: Session, candidate_id: int) -> int:
    return session.exec(
        select(sa.func.count()).select_from(CandidateContact).where(
            CandidateContact.candidate_id == candidate_id, CandidateContact.outcome == CandidateStatus.NO_ANSWER,
            counts_as_a_try())
    ).one()


@dataclass(frozen=True)
class Corrected:
    household_id: int
    household_name: str
    status: CandidateStatus
    message: str


def correct_last_outcome(desk: Desk, request_id: int | str, household_id: int, reason: str) -> Corrected:
    """Supersede the carer's latest outcome with a correction entry; the status before it comes back."""
    require(desk.actor, Permission.LOG, "correct a contact outcome")
    why = field_text(reason, "Reason", limit=REASON_MAX - len(CORRECTION), required=True, multiline=True,
                     missing="Say why the outcome was wrong: a reason is needed")
    actor = desk.actor
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        if req.state == RequestState.SIGNED_OFF:
            raise Conflict(f"{req.reference} is signed off; its contacts can no longer change.")
        household = lookup.household(s, household_id)
        cand = s.exec(select(Candidate).where(Candidate.request_id == req.id,
                                              Candidate.household_id == household_id)).first()
        if cand is not None and cand.status == CandidateStatus.CHOSEN:
            raise Conflict(f"{household.name} is chosen for {req.reference}; the decision records why.")
        live = [] if cand is None else s.exec(
            select(CandidateContact).where(CandidateContact.candidate_id == cand.id,
                                           CandidateContact.id.not_in(superseded_ids()))
            .order_by(CandidateContact.at, CandidateContact.id)).all()
        outcomes = [k for k in live if not k.note.startswith(CORRECTION)]
        if cand is None or not outcomes:
            raise NotFound(f"No outcome is recorded for {household.name} on {req.reference}: nothing to correct.")
        wrong = outcomes[-1]
        before = outcomes[-2].outcome if len(outcomes) > 1 else CandidateStatus.SHORTLISTED
        when = clock.now()
        note = f"{CORRECTION}{label(wrong.outcome)} at {clock.fmt_local(wrong.at, '%H:%M')} was wrong: {why}"
        s.add(CandidateContact(candidate_id=cand.id, at=when, by_user_id=actor.user_id, outcome=before,
                               note=note[:REASON_MAX], supersedes_id=wrong.id))
        s.flush()
        tries = no_answer_tries(s, cand.id)
        cand.status = before
        cand.status_reason = (f"no answer ({tries} {'try' if tries == 1 else 'tries'})"
                              if before == CandidateStatus.NO_ANSWER else
                              outcomes[-2].note if len(outcomes) > 1 else "")[:1000]
        cand.updated_at = when
        cand.updated_by_id = actor.user_id
        s.add(cand)
        audit.record(s, actor, "candidate.correct", "candidates", cand.id,
                     {"request": req.reference, "household": household.reference, "superseded": wrong.id,
                      "was": wrong.outcome.value, "now": before.value, "reason": why}, at=when)
        return Corrected(household.id, household.name, before,
                         f"{household.name}: {label(wrong.outcome)} corrected; now {label(before)}.")
