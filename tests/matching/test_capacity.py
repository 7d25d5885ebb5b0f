"""Free places now: one rule, and every place that counts them agrees with it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from db.call_search import VACANCY_WHERE
from db.enums import HouseholdStatus
from db.models import Household
from dutydesk.calls.lookups import find_households
from dutydesk.carers.availability import availability_many
from dutydesk.matching import capacity
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.engine import match
from dutydesk.overview import dashboard
from matching_builders import household, places

H = Household.__table__
# (reference, status, places, children living there)
CASES = [
    ("HC-EMPTY", HouseholdStatus.APPROVED, 2, 0),
    ("HC-ONE", HouseholdStatus.APPROVED, 3, 1),
    ("HC-FULL", HouseholdStatus.APPROVED, 2, 2),
    ("HC-HOLD", HouseholdStatus.ON_HOLD, 2, 0),
    ("HC-ASSESS", HouseholdStatus.IN_ASSESSMENT, 1, 0),
    ("HC-GONE", HouseholdStatus.RESIGNED, 1, 0),
]
EXPECTED = {"HC-EMPTY": 2, "HC-ONE": 2, "HC-FULL": 0, "HC-HOLD": 0, "HC-ASSESS": 0, "HC-GONE": 0}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_the_vacancy_index_predicate_is_the_capacity_rule(dialect) -> None:
    text = str(capacity.vacancy_sql(H).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    assert text == VACANCY_WHERE == capacity.VACANCY_SQL
    free = str(capacity.free_places_sql(H).compile(dialect=dialect))
    assert free == capacity.FREE_PLACES_SQL


def test_the_python_rule() -> None:
    class Row:
        def __init__(self, status, places, occupied):
            self.status, self.places, self.occupied_places = status, places, occupied

    for ref, status, n, occupied in CASES:
        assert capacity.free_places(Row(status, n, occupied)) == EXPECTED[ref], ref
        assert capacity.free_places(Row(status.value, n, occupied)) == EXPECTED[ref], ref  # a stored string too
    assert capacity.free_places(Row(HouseholdStatus.APPROVED, 1, 3)) == 0  # never below nought


@pytest.fixture
def counted(database) -> dict[str, int]:
    places(database)
    return {ref: household(database, ref, status=status, places=n, occupied_places=occupied)
            for ref, status, n, occupied in CASES}


def test_every_counter_of_free_places_agrees(database, counted, people) -> None:
    from dutydesk.access.desk import Desk

    ids = {v: k for k, v in counted.items()}
    with database.read() as s:
        rows = {h.reference: h for h in s.execute(sa.select(Household)).scalars()}
        python = {ref: capacity.free_places(rows[ref]) for ref in counted}
        in_sql = dict(s.execute(sa.select(H.c.reference, capacity.free_places_now_sql(H))).all())
        vacant = set(s.execute(sa.select(H.c.reference).where(sa.text(VACANCY_WHERE))).scalars())
        typed = {m.label.split()[-1]: m.detail for m in find_households(s, "Household HC", limit=20)}
        today = dt.date.today()
        dated = {ids[hid]: a.free for hid, a in availability_many(s, list(ids), today, today).items()}
        result = match(s, MatchCriteria(from_on=today, until_on=today))
        ranked = {r.reference: r.free for r in result.ranked}
    assert python == EXPECTED
    assert in_sql == EXPECTED
    assert vacant == {ref for ref, n in EXPECTED.items() if n > 0}
    assert all(typed[ref].endswith(f"· {EXPECTED[ref]} free") for ref in counted), typed
    # The date-aware availability for today (no placement rows, no breaks) is the counter.
    assert dated == EXPECTED
    assert ranked == {ref: n for ref, n in EXPECTED.items() if n > 0}
    data = dashboard.load(Desk(database, people["worker"]))
    assert data.households_with_vacancy == len(vacant) and data.vacant_places == sum(EXPECTED.values())
