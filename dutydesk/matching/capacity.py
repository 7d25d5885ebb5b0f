"""A household's free places now: the one rule, as a Python function and as SQL.

Free places now = the places in its terms of approval less the children living
there (the ``occupied_places`` counter the placement service moves atomically),
and none at all unless the household is approved. A household has a vacancy when
that is above nought.

The dashboard, the type-ahead household finder, the duty process and the
matching engine all use these. The matching engine's date-aware form (for a
range of dates: placements overlapping the range, declared breaks, temporary
approvals; see ``dutydesk.carers.availability``) counts the larger of this
counter and the overlapping placements, built from ``free_places_sql`` below,
and tests hold the two to the same answer for today.

The raw SQL text of the vacancy condition is ``db.call_search.VACANCY_WHERE``,
the predicate of the partial index the dashboard reads (a query must repeat it
literally for the index to apply); a test holds it to ``vacancy_sql``.

Light on purpose (no models): the dashboard is on the start-up path.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.call_search import VACANCY_WHERE
from db.enums import HouseholdStatus

APPROVED = HouseholdStatus.APPROVED.value

# The same rule as raw SQL text over the ``households`` table, for the dashboard's literal queries.
FREE_PLACES_SQL = "households.places - households.occupied_places"
VACANCY_SQL = VACANCY_WHERE


class _Counted(Protocol):
    status: Any
    places: int
    occupied_places: int


def free_places(household: _Counted) -> int:
    """Free places now in one household (a model row or anything with its three columns)."""
    if household.status != HouseholdStatus.APPROVED:
        return 0
    return max(0, household.places - household.occupied_places)


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


def vacancy_sql(households: Any) -> sa.ColumnElement[bool]:
    """The households with a free place now: approved, and fewer children than places."""
    c = households.c
    return sa.and_(type_coerce(c.status, String) == APPROVED, c.occupied_places < c.places)


def free_places_now_sql(households: Any) -> sa.ColumnElement[int]:
    """``free_places`` in SQL: the free places now, nought unless approved."""
    return sa.case((vacancy_sql(households), free_places_sql(households)), else_=0)


def counter_or_overlapping(households: Any, overlapping: Any) -> sa.ColumnElement[int]:
    """Children holding a place for dates starting today or before: the larger of the atomic
    counter and the placements overlapping the dates, so the desk never shows a place the
    placement service would refuse."""
    occupied = households.c.occupied_places
    return sa.case((occupied > overlapping, occupied), else_=overlapping)
