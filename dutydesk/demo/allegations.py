"""The demo's open allegations, made through the allegations service like a worker's.

The scenarios say what each one is (who raised it, when, how far its timeline
has gone); once the county's rows are written (and the store's counters caught
up), ``log_open`` records each with ``dutydesk.allegations``: the AL- reference
from the store's counter, the hold in the same transaction, the due dates in
working days, and every step audited. Each is at a different step, and one has a
step overdue (the LADO's decision on AL-S9B's referral was never recorded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from db.enums import AllegationCategory, AllegationParty, AllegationStep, SafetyDecision
from dutydesk.access.identity import Actor
from dutydesk.allegations import record, timeline
from dutydesk.allegations.inputs import AllegationInput, SafetyInput
from dutydesk.working_days import add_working_days


@dataclass(frozen=True)
class OpenAllegation:
    key: str  # the scenario's name for it ("S09"), replaced by the reference in its notes
    household_id: int
    child_id: int
    call_id: int
    worker: Actor
    raised: dt.datetime
    summary: str
    said_by: str
    referred: dt.datetime | None = None
    decided: bool = False  # the LADO's decision recorded the next working day
    meeting: dt.datetime | None = None
    carers_told: dt.datetime | None = None


def _at(day: dt.date, hour: int, like: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=like.tzinfo or dt.UTC)


def log_open(session: Session, specs: list[OpenAllegation], now: dt.datetime) -> dict[str, str]:
    """Record each allegation and its steps so far; returns scenario key -> reference."""
    refs: dict[str, str] = {}
    for sp in specs:
        placed = record.placed_children(session, sp.household_id, sp.raised.date())
        safety = tuple(
            SafetyInput(cid, SafetyDecision.UNDER_REVIEW if cid == sp.child_id else SafetyDecision.REMAIN,
                        "Stays tonight: the carer's partner has agreed to stay with relatives meanwhile."
                        if cid == sp.child_id else "Not part of the allegation; seen alone and happy to stay.")
            for cid, _name in placed)
        a = record.log_in(session, sp.worker, AllegationInput(
            household_id=sp.household_id, category=AllegationCategory.HARM, summary=sp.summary, said_by=sp.said_by,
            children=(sp.child_id,), told=frozenset({AllegationParty.SOCIAL_WORKER}), safety=safety,
            call_id=sp.call_id, at=sp.raised))
        refs[sp.key] = a.reference
        if sp.referred and sp.referred <= now:
            timeline.step_in(session, sp.worker, a.reference, AllegationStep.LADO_REFERRAL,
                             "Referred to the LADO by phone and email.", at=sp.referred)
            decided_at = _at(add_working_days(sp.referred.date(), 1), 10, sp.referred)
            if sp.decided and decided_at <= now:
                timeline.step_in(session, sp.worker, a.reference, AllegationStep.LADO_DECISION,
                                 "LADO: threshold met; strategy meeting to be held.", at=decided_at)
        if sp.meeting and sp.meeting <= now:
            timeline.step_in(session, sp.worker, a.reference, AllegationStep.STRATEGY_MEETING,
                             "Strategy meeting: police not investigating; LADO enquiry continues.", at=sp.meeting)
        if sp.carers_told and sp.carers_told <= now:
            timeline.support_in(session, sp.worker, a.reference,
                                "Independent support from the Fostering Network offered and accepted.",
                                sp.carers_told, at=sp.carers_told)
    return refs
