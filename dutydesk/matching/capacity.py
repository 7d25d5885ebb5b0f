"""A household's free places now: the one rule, as a Python function and as SQL.

Free places now = the places in its terms of approval less the children living
there (the ``occupied_places`` counter the placement service moves atomically)
and less the places declared "not available" until a date not yet passed (a
bedroom being decorated), and none at all unless the household is approved. A household has a vacancy when
that is above nought.

The dashboard, the type-ahead household finder, the duty process and the
matching engine all use these. The matching engine's date-aware form (for a
range of dates: placements overlapping the range, declared breaks, temporary
approvals; see ``dutydesk.carers.availability``) counts the larger of this
counter and the overlapping placements, built from ``free_places_sql`` below,
and tests hold the two to the same answer for today.

The raw SQL text of the vacancy condition is ``db.call_search.VACANCY_WHERE``,
the predicate of the partial index the dashboard reads (a query must repeat it
literally for the index to apply); ``VACANCY_SQL`` repeats it and adds the held-back
places, so the index still narrows the rows; a test holds it to ``vacancy_sql``.

Light on purpose (no models): the dashboard is on the start-up path.
"""

from __future__ import annotations

from typing import Any, Protocol

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from dutydesk import clock
from db.call_search import VACANCY_WHERE
from db.enums import HouseholdStatus

APPROVED = HouseholdStatus.APPROVED.value

# The same rule as raw SQL text over the ``households`` table, for the dashboard's literal queries
# (bind ``:today``, a date, through ``today_param``).
HELD_BACK_NOW_SQL = ("(CASE WHEN households.places_unavailable_until >= :today "
                     "THEN households.places_unavailable ELSE 0 END)")
FREE_PLACES_SQL = f"households.places - households.occupied_places - {HELD_BACK_NOW_SQL}"
VACANCY_SQL = f"{VACANCY_WHERE} AND {FREE_PLACES_SQL} > 0"


def today_param(today: dt.date | None = None) -> sa.BindParameter[dt.date]:
    """The ``:today`` of the raw SQL above, typed so both stores compare it as a date."""
    return sa.bindparam("today", today or clock.today(), type_=sa.Date)


class _Counted(Protocol):
    status: Any
    places: int
    occupied_places: int
    places_unavailable: int
    places_unavailable_until: dt.date | None


def held_back(household: _Counted, on: dt.date | None = None) -> int:
    """Places declared "not available" on ``on`` (today by default)."""
    until = household.places_unavailable_until
    if not household.places_unavailable or until is None or until < (on or clock.today()):
        return 0
    return household.places_unavailable


def held_back_text(household: Any, on: dt.date | None = None) -> str:
    """Why a place is refused while places are held back, in the desk's words ("" when none are)."""
    n = held_back(household, on)
    return f"has {n} place(s) not available until {household.places_unavailable_until:%d %b %Y}" if n else ""


def free_places(household: _Counted, on: dt.date | None = None) -> int:
    """Free places now in one household (a model row or anything with its columns)."""
    if household.status != HouseholdStatus.APPROVED:
        return 0
    return max(0, household.places - household.occupied_places - held_back(household, on))


def free_places_sql(households: Any, load: Any = None) -> sa.ColumnElement[int]:
    """``places - load`` over a households table (``load``: children holding a place, by default
    the ``occupied_places`` counter). Not floored at nought and not limited to approved
    households: callers test the status as its own rule (see ``vacancy_sql``)."""
    c = households.c
    return c.places - (c.occupied_places if load is None else load)


def held_back_sql(households: Any, from_on: Any) -> sa.ColumnElement[int]:
    """Places declared "not available" (a bedroom being decorated) for dates starting ``from_on``:
    taken off the free places while ``places_unavailable_until`` has not passed by then."""
    c = households.c
    return sa.case((sa.and_(c.places_unavailable_until.is_not(None), c.places_unavailable_until >= from_on),
                    c.places_unavailable), else_=0)


def vacancy_sql(households: Any, today: dt.date | None = None) -> sa.ColumnElement[bool]:
    """The households with a free place now: approved, and fewer children and held-back places than
    places (the first two terms are the partial index's predicate, so it still applies)."""
    c = households.c
    return sa.and_(type_coerce(c.status, String) == APPROVED, c.occupied_places < c.places,
                   free_places_sql(households) - held_back_sql(households, today or clock.today()) > 0)


def free_places_now_sql(households: Any, today: dt.date | None = None) -> sa.ColumnElement[int]:
    """``free_places`` in SQL: the free places now, nought unless approved."""
    day = today or clock.today()
    return sa.case((vacancy_sql(households, day), free_places_sql(households) - held_back_sql(households, day)),
                   else_=0)


def counter_or_overlapping(households: Any, overlapping: Any) -> sa.ColumnElement[int]:
    """Children holding a place for dates starting today or before: the larger of the atomic
    counter and the placements overlapping the dates, so the desk never shows a place the
    placement service would refuse."""
    occupied = households.c.occupied_places
    return sa.case((occupied > overlapping, occupied), else_=overlapping)
