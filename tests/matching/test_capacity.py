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
TODAY = dt.date.today()
# Places declared "not available" (a bedroom being decorated): (held, until).
HELD = {"HC-DECOR": (2, TODAY + dt.timedelta(days=10)), "HC-ALLHELD": (1, TODAY),
        "HC-WASHELD": (2, TODAY - dt.timedelta(days=1))}
# (reference, status, places, children living there)
CASES = [
    ("HC-DECOR", HouseholdStatus.APPROVED, 3, 0),
    ("HC-ALLHELD", HouseholdStatus.APPROVED, 2, 1),
    ("HC-WASHELD", HouseholdStatus.APPROVED, 2, 0),
    ("HC-EMPTY", HouseholdStatus.APPROVED, 2, 0),
    ("HC-ONE", HouseholdStatus.APPROVED, 3, 1),
    ("HC-FULL", HouseholdStatus.APPROVED, 2, 2),
    ("HC-HOLD", HouseholdStatus.ON_HOLD, 2, 0),
    ("HC-ASSESS", HouseholdStatus.IN_ASSESSMENT, 1, 0),
    ("HC-GONE", HouseholdStatus.RESIGNED, 1, 0),
]
EXPECTED = {"HC-DECOR": 1, "HC-ALLHELD": 0, "HC-WASHELD": 2, "HC-EMPTY": 2, "HC-ONE": 2, "HC-FULL": 0, "HC-HOLD": 0, "HC-ASSESS": 0, "HC-GONE": 0}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_the_vacancy_index_predicate_is_the_capacity_rule(dialect) -> None:
    # The raw vacancy condition opens with the partial index's predicate, literally, so the index applies.
    assert capacity.VACANCY_SQL.startswith(VACANCY_WHERE + " AND ")
    index_part = sa.and_(*capacity.vacancy_sql(H).clauses[:2])
    text = str(index_part.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    assert text == VACANCY_WHERE
    free = str(capacity.free_places_sql(H).compile(dialect=dialect))
    assert capacity.FREE_PLACES_SQL.startswith(free + " - ")


def test_the_python_rule() -> None:
    class Row:
        def __init__(self, status, places, occupied, held=(0, None)):
            self.status, self.places, self.occupied_places = status, places, occupied
            self.places_unavailable, self.places_unavailable_until = held

    for ref, status, n, occupied in CASES:
        held = HELD.get(ref, (0, None))
        assert capacity.free_places(Row(status, n, occupied, held)) == EXPECTED[ref], ref
        assert capacity.free_places(Row(status.value, n, occupied, held)) == EXPECTED[ref], ref  # a stored string
    assert capacity.free_places(Row(HouseholdStatus.APPROVED, 1, 3)) == 0  # never below nought
    # Held places come back the day after their date.
    assert capacity.free_places(Row(HouseholdStatus.APPROVED, 3, 0, HELD["HC-DECOR"]), TODAY + dt.timedelta(days=11)) == 3


@pytest.fixture
def counted(database) -> dict[str, int]:
    places(database)
    out = {}
    for ref, status, n, occupied in CASES:
        held, until = HELD.get(ref, (0, None))
        out[ref] = household(database, ref, status=status, places=n, occupied_places=occupied,
                             places_unavailable=held, places_unavailable_until=until,
                             places_unavailable_reason="bedroom being decorated" if held else None)
    return out


def test_every_counter_of_free_places_agrees(database, counted, people) -> None:
    from dutydesk.access.desk import Desk

    ids = {v: k for k, v in counted.items()}
    with database.read() as s:
        rows = {h.reference: h for h in s.execute(sa.select(Household)).scalars()}
        python = {ref: capacity.free_places(rows[ref]) for ref in counted}
        in_sql = dict(s.execute(sa.select(H.c.reference, capacity.free_places_now_sql(H))).all())
        vacant = set(s.execute(sa.select(H.c.reference).where(
            sa.text(capacity.VACANCY_SQL).bindparams(capacity.today_param()))).scalars())
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
