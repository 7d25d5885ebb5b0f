"""Carer availability: how many children a household can take for some dates, and why not.

Free places for a date range = the places in its terms of approval
  - placements that hold a place at any time in the range
    (started by the end, not ended before the start; see ``overlapping_placements``),
with none at all when

* the household is not approved (on hold, suspended, in assessment, resigned);
* a connected person's temporary approval has ended before the range starts
  (up to 16 weeks, one extension of up to 8: no places after the expiry until approved);
* places declared "not available" (a bedroom being decorated) until a date on or
  after the range's start are taken off;
* a declared unavailable period (holiday, break, hold) overlaps the range. A
  household away for any part of the dates cannot take the child for those
  dates, so any overlap means no place. For an open-ended range the first
  14 days are looked at (a holiday months ahead does not stop a placement tonight).

For a range starting today or earlier the atomic ``occupied_places`` counter the
placement service moves is taken into account too (the larger of it and the
overlapping placements), so the desk never shows a place the placement would refuse.

Lapsed review and DBS dates do not remove places; they are warnings shown
wherever the household is (finder, profile, command line).

This module and the matching engine share one SQL query, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from db.enums import HouseholdKind, HouseholdStatus
from db.models import Household
from dutydesk import clock
from dutydesk.errors import NotFound

TEMPORARY_APPROVAL_WEEKS = 16
EXTENSION_WEEKS = 8
SOON_DAYS = 30
APPROVAL_SOON_DAYS = 14  # a temporary approval ending this soon is a serious warning (and on the dashboard)


@dataclass(frozen=True, slots=True)
class Availability:
    household_id: int
    from_on: dt.date
    until_on: dt.date | None
    places: int  # in the terms of approval
    taken: int  # children holding a place during the dates
    free: int
    blocked: str | None  # "status", "expired" or "unavailable" when there are no places at all
    note: str  # in the desk's words

    @property
    def available(self) -> bool:
        return self.free > 0


@dataclass(frozen=True, slots=True)
class Warning:
    code: str  # dbs_lapsed, dbs_soon, review_overdue, review_soon, approval_ended, approval_ends, approval_limit, status
    label: str
    serious: bool


def availability(session: Session, household_id: int, from_on: dt.date, until_on: dt.date | None = None,
                 *, today: dt.date | None = None) -> Availability:
    """Free places in one household for the dates (``until_on`` None: open-ended)."""
    return availability_many(session, [household_id], from_on, until_on, today=today)[household_id]


def availability_many(session: Session, household_ids: list[int], from_on: dt.date, until_on: dt.date | None = None,
                      *, today: dt.date | None = None) -> dict[int, Availability]:
    from dutydesk.matching import rules as R
    from dutydesk.matching.criteria import MatchCriteria
    from dutydesk.matching.query import D_EXPIRES, D_FREE, D_HELD, D_LOAD, D_MASK, D_PLACES, D_STATUS, details_select

    today = today or clock.today()
    crit = MatchCriteria(from_on=from_on, until_on=until_on)
    rows = session.execute(details_select(crit, today, household_ids)).all()
    out: dict[int, Availability] = {}
    for row in rows:
        a = _from_row(row, from_on, until_on, R, D_FREE, D_LOAD, D_MASK, D_PLACES, D_STATUS, D_EXPIRES)
        held = row[D_HELD]
        if held and not a.blocked:
            a = Availability(a.household_id, from_on, until_on, a.places, a.taken, a.free, a.blocked,
                             f"{a.note} ({held} not available: declared by the carer)")
        out[row[0]] = a
    missing = set(household_ids) - set(out)
    if missing:
        raise NotFound(f"There is no household with id {min(missing)}.")
    return out


def _from_row(row: Any, from_on, until_on, R, I_FREE, I_LOAD, I_MASK, I_PLACES, I_STATUS, I_EXPIRES) -> Availability:
    mask = row[I_MASK]
    places, load, free = row[I_PLACES], row[I_LOAD], max(0, row[I_FREE])
    blocked = None
    if mask & R.BIT["status"]:
        blocked, note = "status", f"No places: household is {R.status_words(row[I_STATUS])}"
    elif mask & R.BIT["expired"]:
        from dutydesk.matching.result import as_date

        blocked, note = "expired", f"No places: temporary approval ended on {as_date(row[I_EXPIRES]):%d %b %Y}"
    elif mask & R.BIT["unavailable"]:
        blocked, note = "unavailable", "No places: declared unavailable during these dates"
    else:
        note = f"{free} of {places} place{'s' if places != 1 else ''} free"
    if blocked:
        free = 0
    return Availability(row[0], from_on, until_on, places, load, free, blocked, note)


def weekly(session: Session, household_id: int, weeks: int = 8, *, start: dt.date | None = None,
           today: dt.date | None = None) -> list[Availability]:
    """Free places week by week from ``start`` (default today), each week Monday to Sunday
    except the first, which starts on ``start``."""
    today = today or clock.today()
    start = start or today
    out = []
    day = start
    for _ in range(weeks):
        end = day + dt.timedelta(days=6 - day.weekday())
        out.append(availability(session, household_id, day, end, today=today))
        day = end + dt.timedelta(days=1)
    return out


def temporary_approval_limit(approved_on: dt.date, extended: bool) -> dt.date:
    """The latest a connected person's temporary approval may run: 16 weeks, plus one extension of 8."""
    weeks = TEMPORARY_APPROVAL_WEEKS + (EXTENSION_WEEKS if extended else 0)
    return approved_on + dt.timedelta(weeks=weeks)


def household_warnings(h: Household, today: dt.date | None = None) -> list[Warning]:
    """Lapsed or soon-lapsing dates and status, never silent."""
    today = today or clock.today()
    out: list[Warning] = []
    status = HouseholdStatus(h.status)
    if status is not HouseholdStatus.APPROVED:
        label = {
            HouseholdStatus.ON_HOLD: "On hold: takes no new placements",
            HouseholdStatus.SUSPENDED: "Suspended: takes no new placements",
            HouseholdStatus.IN_ASSESSMENT: "In assessment: not yet approved",
            HouseholdStatus.RESIGNED: "Resigned",
            HouseholdStatus.DEREGISTERED: "De-registered",
        }[status]
        left = getattr(h, "left_on", None)
        if status in (HouseholdStatus.RESIGNED, HouseholdStatus.DEREGISTERED):
            why = (getattr(h, "left_reason", None) or "").splitlines()
            label += (f" on {left:%d %b %Y}" if left else "") + ": left matching, history kept" + \
                (f" ({why[0][:80]})" if why and why[0] else "")
        out.append(Warning("status", label, True))
    if h.dbs_expires_on is not None:
        if h.dbs_expires_on < today:
            out.append(Warning("dbs_lapsed", f"DBS check lapsed on {h.dbs_expires_on:%d %b %Y}", True))
        elif (h.dbs_expires_on - today).days <= SOON_DAYS:
            out.append(Warning("dbs_soon", f"DBS check expires on {h.dbs_expires_on:%d %b %Y}", False))
    if h.annual_review_due is not None:
        if h.annual_review_due < today:
            out.append(Warning("review_overdue", f"Annual review overdue since {h.annual_review_due:%d %b %Y}", True))
        elif (h.annual_review_due - today).days <= SOON_DAYS:
            out.append(Warning("review_soon", f"Annual review due on {h.annual_review_due:%d %b %Y}", False))
    if HouseholdKind(h.kind) is HouseholdKind.CONNECTED_PERSON and h.approval_expires_on is not None:
        if h.approval_expires_on < today:
            out.append(Warning("approval_ended",
                               f"Temporary approval ended on {h.approval_expires_on:%d %b %Y}: no places until approved", True))
        else:
            ext = " (extended)" if h.approval_extended else ""
            left = (h.approval_expires_on - today).days
            soon = left <= APPROVAL_SOON_DAYS
            when = f" (in {left} day{'s' if left != 1 else ''})" if soon else ""
            out.append(Warning("approval_ends",
                               f"Temporary approval{ext} ends on {h.approval_expires_on:%d %b %Y}{when}", soon))
        if h.approved_on is not None and h.approval_expires_on > temporary_approval_limit(h.approved_on, h.approval_extended):
            limit = "24 weeks with its extension" if h.approval_extended else "16 weeks"
            out.append(Warning("approval_limit", f"Temporary approval runs past the legal limit of {limit}", True))
    return out
