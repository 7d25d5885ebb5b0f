"""A household's terms of approval: how placing a request's children would fall outside them.

Placing outside the terms (over the usual limit unless all are siblings, outside the
ages, gender or placement types) is allowed only with an exemption reason and a
manager's sign-off; the proposal records which terms it breaches. What falls outside
is matching's own answer (``dutydesk.matching.exemptions``, the match's SQL), in the
matching rules' words, so the finder, the request screen's carers and the proposal agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session

from db.enums import HouseholdKind, HouseholdStatus
from db.models import Household
from dutydesk import clock, holds, working_days
from dutydesk.child_limits import USUAL_LIMIT  # noqa: F401 - the one limit, where it was always read
from dutydesk.matching import rules as R
from dutydesk.matching.criteria import MatchCriteria, criteria_for_request
from dutydesk.matching.exemptions import outside_terms

OUTSIDE_TERMS_OVERDUE_WORKING_DAYS = 6


def terms_breaches(session: Session, request_id: int, household_ids: Iterable[int],
                   criteria: MatchCriteria | None = None) -> dict[int, list[str]]:
    """For each household: how placing the request's children there would fall outside its terms."""
    crit = criteria or criteria_for_request(session, request_id)
    return outside_terms(session, crit, household_ids)


def no_approval(session: Session, household: Household, on: dt.date) -> str | None:
    """Why the household takes no new child on ``on``, in the matching rule's words, or None.

    Not approved (on hold names the open allegation holding it, as the ruled-out view does),
    or a connected person's temporary approval ended before ``on``."""
    if household.status != HouseholdStatus.APPROVED:
        return R.status_text(household.status, holds.holding_allegation(session, household.id)
                             if household.status == HouseholdStatus.ON_HOLD else None)
    ends = household.approval_expires_on
    if household.kind == HouseholdKind.CONNECTED_PERSON and ends is not None and ends < on:
        return R.expired_text(ends)
    return None


def outside_terms_overdue(starts_on: dt.date, today: dt.date | None = None) -> bool:
    """An emergency placement outside terms not resolved within 6 working days."""
    return working_days.working_days_between(starts_on, today or clock.today()) > OUTSIDE_TERMS_OVERDUE_WORKING_DAYS
