"""What recording an allegation takes, and the limits the services enforce (the screens check
the same numbers before a dialog closes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.enums import AllegationCategory, AllegationOutcome, AllegationParty, SafetyDecision

SUMMARY_MAX = 4000
SAID_BY_MAX = 200
REASON_MAX = 2000
NOTE_MAX = 4000
DECISION_MIN = 10  # a manager's recorded decision says why, not "ok"


@dataclass(frozen=True)
class SafetyInput:
    """The initial safety decision for one child placed in the household."""

    child_id: int
    decision: SafetyDecision
    reason: str


@dataclass(frozen=True)
class AllegationInput:
    household_id: int
    category: AllegationCategory
    summary: str  # what was said
    said_by: str  # by whom (the child, a teacher, a parent ...)
    children: tuple[int, ...] = ()  # the children concerned
    told: frozenset[AllegationParty] = frozenset()
    safety: tuple[SafetyInput, ...] = ()  # one for every child placed in the household
    call_id: int | None = None
    at: dt.datetime | None = None  # when it was raised (default now)


@dataclass(frozen=True)
class OutcomeInput:
    outcome: AllegationOutcome
    on: dt.date
    rationale: str
    approval_review: bool
    lift_hold: bool  # False: the hold continues after the allegation closes
    approval_review_on: dt.date | None = None
    at: dt.datetime | None = None
