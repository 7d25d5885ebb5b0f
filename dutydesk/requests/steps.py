"""The duty process's steps before a decision, and closing: one set of guards for every team.

Each step takes a :class:`Desk` and plain values, checks the role, the request's
state and the step's own guard (a saved search, a reason ...), refuses in plain
words when it cannot happen, and otherwise makes the change in one short write
transaction, moving the request with :func:`dutydesk.requests.transitions.move`
(which timestamps, attributes and audits every transition). Running and saving a
search is :mod:`dutydesk.requests.searches`; decisions are
:mod:`dutydesk.requests.decisions`; placing is :mod:`dutydesk.requests.placements`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from db.enums import CandidateStatus, RequestState, UnmetNeed, UnmetResolution
from db.models import Candidate, CandidateContact, PlacementRequest, SearchResult
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.errors import Conflict, InvalidInput
from dutydesk.labels import label
from dutydesk.matching.saved import latest_search_id
from dutydesk.requests import lookup, transitions
from dutydesk.requests.corrections import no_answer_tries
from dutydesk.requests.limits import REASON_MAX
from dutydesk.text import field_text

S = RequestState

CONTACT_OUTCOMES: dict[str, CandidateStatus] = {
    "accepted": CandidateStatus.ACCEPTED,
    "declined": CandidateStatus.DECLINED_BY_CARER,
    "declined_by_carer": CandidateStatus.DECLINED_BY_CARER,
    "no_answer": CandidateStatus.NO_ANSWER,
    "ruled_out": CandidateStatus.RULED_OUT,
    "contacted": CandidateStatus.CONTACTED,
}


NEEDS_REASON = frozenset({CandidateStatus.DECLINED_BY_CARER, CandidateStatus.RULED_OUT})


NO_ANSWER_LIMIT = 2  # "no answer after two tries" counts as the carer not available


@dataclass(frozen=True)
class StepResult:
    """What a step did: the request's state after it, and when."""

    request_id: int
    reference: str
    state: RequestState
    at: dt.datetime
    message: str


@dataclass(frozen=True)
class ContactResult:
    request_id: int
    reference: str
    candidate_id: int
    household_id: int
    household_name: str
    outcome: CandidateStatus
    candidate_status: CandidateStatus
    no_answer_tries: int
    state: RequestState
    message: str


def step_result(req: PlacementRequest, message: str) -> StepResult:
    return StepResult(req.id, req.reference, req.state, req.state_changed_at, message)


def mark_searched(desk: Desk, request_id: int | str) -> StepResult:
    """After a search was saved: a logged request is now being searched."""
    require(desk.actor, Permission.LOG, "search for a placement")
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        lookup.need_search(s, req, "continue")
        lookup.advance_to_searching(s, desk.actor, req, clock.now())
        return step_result(req, f"{req.reference} is {label(req.state)}.")


def start_contacting(desk: Desk, request_id: int | str) -> StepResult:
    """Searching -> contacting carers. Needs a saved search."""
    require(desk.actor, Permission.LOG, "contact carers")
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        lookup.need_search(s, req, "contact carers")
        when = clock.now()
        lookup.advance_to_searching(s, desk.actor, req, when)
        if req.state == S.CONTACTING:
            return step_result(req, f"{req.reference} is already contacting carers.")
        transitions.move(s, desk.actor, req, S.CONTACTING, "contacting carers", at=when)
        return step_result(req, f"{req.reference}: contacting carers.")


def ensure_candidate(session: Session, actor: Actor, req: PlacementRequest, household_id: int) -> Candidate:
    """The candidate row for a household, made from the latest saved search if matching did not shortlist it."""
    cand = session.exec(
        select(Candidate).where(Candidate.request_id == req.id, Candidate.household_id == household_id)
    ).first()
    if cand is not None:
        return cand
    lookup.household(session, household_id)
    search_id = latest_search_id(session, req.id)
    score = None
    reasons = "[]"
    if search_id is not None:
        row = session.get(SearchResult, (search_id, household_id))
        if row is not None:
            score, reasons = row.score, row.reasons
    cand = Candidate(
        request_id=req.id, household_id=household_id, search_id=search_id, score=score, reasons=reasons,
        status=CandidateStatus.SHORTLISTED, updated_by_id=actor.user_id, updated_at=clock.now(),
    )
    session.add(cand)
    session.flush()
    return cand


def record_contact(
    desk: Desk,
    request_id: int | str,
    household_id: int,
    outcome: CandidateStatus | str,
    note: str = "",
) -> ContactResult:
    """Record one try to reach a carer: accepted, declined (reason), no answer, ruled out (reason)."""
    require(desk.actor, Permission.LOG, "record a contact with a carer")
    try:
        status = CONTACT_OUTCOMES[str(outcome.value if isinstance(outcome, CandidateStatus) else outcome).lower()]
    except KeyError:
        raise InvalidInput(
            "Say what happened: accepted, declined, no_answer or ruled_out."
        ) from None
    text = note or ""
    if status in NEEDS_REASON:
        what = "declined" if status == CandidateStatus.DECLINED_BY_CARER else "was ruled out"
        text = field_text(text, "Reason", limit=REASON_MAX, required=True, multiline=True,
                          missing=f"Say why the carer {what}: a reason is needed")
    else:
        text = field_text(text, "Note", limit=REASON_MAX, multiline=True)
    actor = desk.actor
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        if req.state == S.SIGNED_OFF:
            raise Conflict(f"{req.reference} is signed off; place the child, or close or withdraw the request.")
        lookup.need_search(s, req, "record contacts")
        when = clock.now()
        lookup.advance_to_searching(s, actor, req, when)
        household = lookup.household(s, household_id)
        cand = ensure_candidate(s, actor, req, household_id)
        if cand.status == CandidateStatus.CHOSEN:
            raise Conflict(f"{household.name} is already chosen for {req.reference}.")
        s.add(CandidateContact(candidate_id=cand.id, at=when, by_user_id=actor.user_id, outcome=status, note=text))
        s.flush()
        tries = no_answer_tries(s, cand.id)
        reason = text
        if status == CandidateStatus.NO_ANSWER:
            reason = (f"no answer after {tries} tries" if tries >= NO_ANSWER_LIMIT else "no answer (1 try)")
            if text:
                reason = f"{reason}: {text}"
        cand.status = status
        cand.status_reason = reason[:1000]
        cand.updated_at = when
        cand.updated_by_id = actor.user_id
        s.add(cand)
        if req.state == S.SEARCHING:
            transitions.move(s, actor, req, S.CONTACTING, "contacting carers", at=when)
        audit.record(
            s, actor, "candidate.contact", "candidates", cand.id,
            {"request": req.reference, "household": household.reference, "outcome": status.value, "note": text,
             "no_answer_tries": tries},
            at=when,
        )
        words = {
            CandidateStatus.ACCEPTED: "accepted",
            CandidateStatus.DECLINED_BY_CARER: "declined",
            CandidateStatus.NO_ANSWER: reason,
            CandidateStatus.RULED_OUT: "ruled out",
            CandidateStatus.CONTACTED: "contacted",
        }[status]
        return ContactResult(
            request_id=req.id, reference=req.reference, candidate_id=cand.id, household_id=household.id,
            household_name=household.name, outcome=status, candidate_status=cand.status,
            no_answer_tries=tries, state=req.state, message=f"{household.name}: {words}.",
        )


def close_unmet(
    desk: Desk,
    request_id: int | str,
    needs: Iterable[UnmetNeed | str],
    resolution: UnmetResolution | str | None,
    note: str = "",
) -> StepResult:
    """Close a request whose need the county could not meet, recording which need and what was done instead."""
    require(desk.actor, Permission.LOG, "close a request as unmet")
    try:
        cats = frozenset(UnmetNeed(str(getattr(n, "value", n)).lower()) for n in needs)
    except ValueError:
        raise InvalidInput(
            "Unmet-need categories are: " + ", ".join(m.value for m in UnmetNeed) + "."
        ) from None
    if not cats:
        raise InvalidInput(
            "Choose at least one unmet-need category (" + ", ".join(m.value for m in UnmetNeed) + ")."
        )
    if resolution is None or str(getattr(resolution, "value", resolution)).strip() == "":
        raise InvalidInput("Say what was done instead: ifa_commissioned, escalated or other.")
    try:
        res = UnmetResolution(str(getattr(resolution, "value", resolution)).lower())
    except ValueError:
        raise InvalidInput("What was done instead is one of: ifa_commissioned, escalated, other.") from None
    text = field_text(note, "Note", limit=REASON_MAX, required=res == UnmetResolution.OTHER, multiline=True,
                      missing="Say what was done instead (a note is needed when it is 'other')")
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        lookup.need_search(s, req, "close it as unmet (the search is the evidence)")
        when = clock.now()
        lookup.advance_to_searching(s, desk.actor, req, when)
        req.unmet_needs = cats
        req.unmet_resolution = res
        req.closed_reason = text
        transitions.move(
            s, desk.actor, req, S.CLOSED_UNMET,
            f"unmet: {', '.join(sorted(c.value for c in cats))}; {res.value}" + (f"; {text}" if text else ""), at=when,
        )
        return step_result(req, f"{req.reference} closed as unmet need ({', '.join(sorted(c.value for c in cats))}).")


def withdraw(desk: Desk, request_id: int | str, reason: str) -> StepResult:
    """Withdraw an open request; the reason is required."""
    require(desk.actor, Permission.LOG, "withdraw a request")
    why = field_text(reason, "Reason", limit=REASON_MAX, required=True, multiline=True,
                     missing="Say why the request is withdrawn: a reason is needed")
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        req.closed_reason = why
        transitions.move(s, desk.actor, req, S.WITHDRAWN, why, at=clock.now())
        return step_result(req, f"{req.reference} withdrawn.")
