"""The outcome that closes an allegation, and the notes and addenda that add to the record.

A manager records the outcome, its date and rationale, whether the household's
approval must be reviewed (and by when), and whether the hold is lifted or
continues. After that the record never changes: corrections are addenda.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from db.enums import AllegationEventKind, AllegationStatus, AllegationStep
from db.models import Allegation, AllegationEvent
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.allegations import timeline
from dutydesk.allegations.found import find, refuse_if_closed
from dutydesk.allegations.inputs import DECISION_MIN, NOTE_MAX, REASON_MAX, OutcomeInput
from dutydesk.allegations.record import release_household
from dutydesk.errors import InvalidInput
from dutydesk.labels import label
from dutydesk.text import field_text


def outcome_in(s: Session, actor: Actor, reference: str, inp: OutcomeInput) -> Allegation:
    require(actor, Permission.SIGN_OFF, "record an allegation's outcome")
    at = (inp.at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    rationale = field_text(inp.rationale, "Rationale", limit=REASON_MAX, required=True, minimum=DECISION_MIN,
                           multiline=True, missing="Give the rationale for the outcome")
    a = find(s, reference)
    refuse_if_closed(a, "closed again")
    if inp.on < clock.local(a.raised_at).date() or inp.on > clock.local(at).date():
        raise InvalidInput("The outcome's date must be between the day it was raised and today.")
    if inp.approval_review and inp.approval_review_on is None:
        raise InvalidInput("A review of the household's approval is needed: give its date.")
    review_on = inp.approval_review_on if inp.approval_review else None
    if review_on is not None and review_on < inp.on:
        raise InvalidInput("The approval review cannot be before the outcome.")
    step = timeline.pending(s, a.id, (AllegationStep.CONCLUSION, AllegationStep.REVIEW))
    if step is not None:
        step.done_at, step.done_by_id, step.note = at, actor.user_id, f"Outcome: {label(inp.outcome)}"
    a.outcome, a.outcome_on, a.outcome_rationale = inp.outcome, inp.on, rationale
    a.approval_review_needed, a.approval_review_on = inp.approval_review, review_on
    a.status, a.closed_at, a.closed_by_id = AllegationStatus.CLOSED, at, actor.user_id
    held = a.on_hold
    a.on_hold = False
    hold = "lifted" if inp.lift_hold else "continued"
    text = (f"Outcome: {label(inp.outcome)} ({inp.on:%d %b %Y}). {rationale} "
            f"Approval review: {f'needed by {review_on:%d %b %Y}' if review_on else 'not needed'}. "
            f"Hold {hold}.")
    s.add(AllegationEvent(allegation_id=a.id, at=at, by_user_id=actor.user_id, kind=AllegationEventKind.OUTCOME,
                          text=text))
    s.flush()
    released = release_household(s, actor, a, at) if (held and inp.lift_hold) else False
    audit.record(s, actor, "allegation.closed", "allegations", a.id, {
        "reference": a.reference, "outcome": inp.outcome.value, "on": inp.on.isoformat(), "rationale": rationale,
        "approval_review": review_on.isoformat() if review_on else None, "hold": hold,
        "household_released": released}, at=at)
    return a


def record_outcome(desk: Desk, reference: str, inp: OutcomeInput) -> None:
    with desk.db.write() as s:
        outcome_in(s, desk.actor, reference, inp)


def note_in(s: Session, actor: Actor, reference: str, text: str, *, at: dt.datetime | None = None) -> str:
    """A note while open, an addendum once closed; returns which."""
    require(actor, Permission.LOG, "add to an allegation's record")
    at = (at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    body = field_text(text, "Note", limit=NOTE_MAX, required=True, multiline=True)
    a = find(s, reference)
    kind = AllegationEventKind.ADDENDUM if a.status == AllegationStatus.CLOSED else AllegationEventKind.NOTE
    s.add(AllegationEvent(allegation_id=a.id, at=at, by_user_id=actor.user_id, kind=kind, text=body))
    audit.record(s, actor, f"allegation.{kind.value}", "allegations", a.id, {"reference": a.reference, "text": body},
                 at=at)
    return label(kind)


def add_note(desk: Desk, reference: str, text: str) -> str:
    with desk.db.write() as s:
        return note_in(s, desk.actor, reference, text)
