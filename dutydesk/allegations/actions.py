"""What the allegation screens call: each step as one service call and one sentence back.

The screens hand in plain values from their dialogs; the services decide (roles,
due dates, a closed record refusing change) and these say what happened in the
desk's words.
"""

from __future__ import annotations

import datetime as dt

from db.enums import AllegationCategory, AllegationOutcome, AllegationParty, AllegationStep, SafetyDecision
from dutydesk.access.desk import Desk
from dutydesk.allegations import outcome, record, timeline
from dutydesk.allegations.inputs import AllegationInput, OutcomeInput, SafetyInput
from dutydesk.errors import InvalidInput
from dutydesk.labels import label


def log(desk: Desk, household_id: int, category: str, summary: str, said_by: str, children: list[int],
        told: list[str], safety: list[tuple[int, str, str]], call_id: int | None = None) -> str:
    """Record it from the screen's values; returns the new reference."""
    if not category:
        raise InvalidInput("Choose the category: harm, standards of care, or complaint.")
    for cid, decision, _reason in safety:
        if not decision:
            raise InvalidInput("Choose a safety decision (remain, move, under review) for every child placed there.")
    return record.log_allegation(desk, AllegationInput(
        household_id=household_id, category=AllegationCategory(category), summary=summary, said_by=said_by,
        children=tuple(children), told=frozenset(AllegationParty(t) for t in told),
        safety=tuple(SafetyInput(cid, SafetyDecision(d), reason) for cid, d, reason in safety), call_id=call_id))


def step(desk: Desk, reference: str, kind: str, note: str, delay_reason: str = "") -> str:
    verdict = timeline.record_step(desk, reference, AllegationStep(kind), note, delay_reason=delay_reason)
    return f"{label(AllegationStep(kind)).capitalize()} recorded for {reference}: {verdict}."


def review(desk: Desk, reference: str, delay_reason: str) -> str:
    nxt = timeline.record_review(desk, reference, delay_reason)
    return f"Review recorded for {reference}; the next is due {nxt:%a %d %b %Y}."


def told_time(text: str) -> dt.datetime:
    """"14:30" (today), "2026-11-24 14:30", or blank (now): London time."""
    from dutydesk import clock

    text = (text or "").strip()
    if not text:
        return clock.now()
    try:
        if len(text) <= 5:
            hh, mm = (int(p) for p in text.split(":"))
            return dt.datetime.combine(clock.today(), dt.time(hh, mm), tzinfo=clock.LOCAL_TZ)
        value = dt.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise InvalidInput(f"When the carers were told: {text!r} is not a time; type 14:30 or 2026-11-24 14:30.") from None
    return value if value.tzinfo else value.replace(tzinfo=clock.LOCAL_TZ)


def support(desk: Desk, reference: str, offered: str, told_at: str) -> str:
    timeline.record_support(desk, reference, offered, told_time(told_at))
    return f"Carers' support recorded for {reference}."


def note(desk: Desk, reference: str, text: str) -> str:
    kind = outcome.add_note(desk, reference, text)
    return f"{kind.capitalize()} added to {reference}."


def lift(desk: Desk, reference: str, decision: str) -> str:
    available = record.lift_hold(desk, reference, decision)
    return f"Hold lifted on {reference}" + ("; the household takes placements again." if available
                                            else "; another allegation still holds the household.")


def close(desk: Desk, reference: str, result: str, on: dt.date, rationale: str, review_on: dt.date | None,
          lift_hold: bool) -> str:
    outcome.record_outcome(desk, reference, OutcomeInput(
        AllegationOutcome(result), on, rationale, approval_review=review_on is not None,
        approval_review_on=review_on, lift_hold=lift_hold))
    return (f"{reference} closed: {label(AllegationOutcome(result))}; hold "
            f"{'lifted' if lift_hold else 'continues'}.")
