"""The sufficiency report, every figure checked against a store built by hand, on SQLite and PostgreSQL.

The register: three approved in-house households (A, B, C), one on hold (E) and
one agency household (D), in Thanet and Dover. Four needs in October and
November 2026 were not met in-house: two closed unmet, two placed with the agency.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import HouseholdKind as HK
from db.enums import HouseholdStatus
from db.enums import PlacementType as PT
from db.enums import RequestState as RS
from db.enums import Specialism as SP
from dutydesk.access.desk import Desk
from dutydesk.errors import NotAllowed
from dutydesk.reports import sufficiency
from dutydesk.reports.period import Period
from dutydesk.reports.shapes import Drill, Params
from report_builders import Store

D = dt.date
PERIOD = Period(D(2026, 10, 1), D(2026, 11, 30))
PARAMS = Params("sufficiency", PERIOD.start, PERIOD.end)


def born(age: int, on: dt.date) -> dt.date:
    return on.replace(year=on.year - age) - dt.timedelta(days=30)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T12:00:00")


@pytest.fixture
def store(database, people):
    st = Store(database, people)
    ramsgate = st.place("Ramsgate", "Thanet")
    dover = st.place("Dover", "Dover")
    a = st.household("HH-A", "A", age_min=0, age_max=10, places=2, specialisms=frozenset({SP.SIBLING_GROUPS}),
                     place_id=ramsgate)
    b = st.household("HH-B", "B", age_min=11, age_max=17, places=1, occupied=1,
                     types=frozenset({PT.SHORT_TERM, PT.REMAND}), specialisms=frozenset({SP.DISABILITY}),
                     place_id=dover)
    c = st.household("HH-C", "C", places=3, occupied=1, types=frozenset({PT.PARENT_AND_CHILD, PT.SHORT_TERM}),
                     specialisms=frozenset({SP.SIBLING_GROUPS, SP.UASC}), place_id=ramsgate)
    d = st.household("HH-D", "D", kind=HK.IFA, places=2, place_id=dover)
    e = st.household("HH-E", "E", status=HouseholdStatus.ON_HOLD, place_id=dover)

    def out(*rules):
        return None, {"x": [list(r) for r in rules]}

    # U1: three brothers (4, 7, 9) closed unmet on 12 October. The first search ranked A; the latest
    # ruled out A and C by sibling group size alone, B by vacancy and age, E (on hold) by status.
    day = D(2026, 10, 12)
    kids = [st.child("Tom", "Brook", born(a_, day)) for a_ in (4, 7, 9)]
    u1 = st.request("PR-U1", "EAST", "worker", "2026-10-12 09:00", RS.CLOSED_UNMET, children=kids,
                    near_place_id=ramsgate, needed_from=day)
    st.search(u1, "2026-10-12 09:10", "worker", {a: (1, {"f": []})})
    st.search(u1, "2026-10-12 09:30", "worker", {
        a: out(("siblings", [2, 3])), b: out(("vacancy", [1, 1]), ("age", [11, 17])),
        c: out(("siblings", [2, 3])), e: out(("status", "on_hold")), d: out(("distance", 50.0))})
    st.move(u1, RS.CLOSED_UNMET, "2026-10-12 15:00", "worker")
    # U2: a disabled 15-year-old on remand, closed unmet on 3 November; B alone ruled out by vacancy.
    day = D(2026, 11, 3)
    u2 = st.request("PR-U2", "WEST", "worker2", "2026-11-02 10:00", RS.CLOSED_UNMET, placement_type=PT.REMAND,
                    children=[st.child("Kai", "Moss", born(15, day))], needs=frozenset({SP.DISABILITY}),
                    near_place_id=dover, needed_from=day)
    st.search(u2, "2026-11-02 10:30", "worker2", {
        a: out(("age", [0, 10]), ("type", "remand"), ("needs", 1)), b: out(("vacancy", [1, 1])),
        c: out(("type", "remand"), ("needs", 1))})
    st.move(u2, RS.CLOSED_UNMET, "2026-11-03 11:00", "worker2")
    # I1: a 16-year-old asylum seeker placed with the agency on 10 November though C was eligible.
    day = D(2026, 11, 10)
    i1 = st.request("PR-I1", "EAST", "worker", "2026-11-09 10:00", RS.PLACED, children=[
        st.child("Ali", "Noor", born(16, day))], needs=frozenset({SP.UASC}), near_place_id=dover, needed_from=day)
    st.search(i1, "2026-11-09 10:30", "worker", {c: (1, {"f": []}), d: (2, {"f": []}), a: out(("age", [0, 10]))})
    st.move(i1, RS.PLACED, "2026-11-10 12:00", "worker")
    st.placement(i1, d, day)
    # I2: a mother of 17 and her baby, placed with the agency on 20 October, with no saved search.
    day = D(2026, 10, 20)
    i2 = st.request("PR-I2", "EAST", "worker", "2026-10-20 09:00", RS.PLACED, placement_type=PT.PARENT_AND_CHILD,
                    children=[st.child("Mia", "Reed", born(17, day)), st.child("Ava", "Reed", day)], needed_from=day)
    st.move(i2, RS.PLACED, "2026-10-20 18:00", "worker")
    st.placement(i2, d, day)
    # Not counted: placed in-house; closed unmet in September.
    x1 = st.request("PR-X1", "EAST", "worker", "2026-10-14 09:00", RS.PLACED)
    st.move(x1, RS.PLACED, "2026-10-15 09:00", "worker")
    st.placement(x1, a, D(2026, 10, 15))
    x2 = st.request("PR-X2", "EAST", "worker", "2026-09-20 09:00", RS.CLOSED_UNMET)
    st.move(x2, RS.CLOSED_UNMET, "2026-09-25 09:00", "worker")
    return st


def test_every_category_with_the_register_against_it(store, database, people):
    r = sufficiency.build(Desk(database, people["manager"]), PERIOD)
    assert (r.unmet, r.ifa, r.children) == (2, 2, 7)
    assert r.register == (3, 6, 4)  # A, B, C: 2 + 1 + 3 places; 2 + 0 + 2 free (E on hold, D an agency)

    def line(key):
        c = r.category(key)
        return c.unmet, c.ifa, c.households, c.places, c.free

    assert line("age:0-4") == (1, 1, 2, 5, 4)  # U1's 4-year-old, I2's baby; A and C take under-5s
    assert line("age:5-10") == (1, 0, 2, 5, 4)
    assert line("age:11-15") == (1, 0, 2, 4, 2)  # B and C
    assert line("age:16-17") == (0, 2, 2, 4, 2)  # I1, and I2's mother of 17
    assert line("siblings:2") == (0, 0, 2, 5, 4)  # A and C are approved for sibling groups
    assert line("siblings:3") == (1, 0, 1, 3, 2)  # only C has three places
    assert line("siblings:4+") == (0, 0, 0, 0, 0)
    assert line("disability") == (1, 0, 1, 1, 0)
    assert line("parent_and_child") == (0, 1, 1, 3, 2)  # a mother and baby are not a sibling group
    assert line("uasc") == (0, 1, 1, 3, 2)
    assert line("teenagers") == (1, 2, 2, 4, 2)
    assert line("remand") == (1, 0, 1, 1, 0)
    assert [c.key for c in r.categories if c.group == "Where"] == [
        "place:Dover", "place:(not recorded)", "place:Thanet"]
    assert line("place:Dover") == (1, 1, 1, 1, 0) and line("place:Thanet") == (1, 0, 2, 5, 4)
    assert "age:unknown" not in {c.key for c in r.categories}


def hold_back(database, reference: str, places: int, until: dt.date) -> None:
    """Places declared "not available" until a date, as the availability service records them."""
    import sqlalchemy as sa

    from db.models import Household

    with database.write() as s:
        s.execute(sa.update(Household).where(Household.reference == reference).values(
            places_unavailable=places, places_unavailable_reason="Bedroom being decorated",
            places_unavailable_until=until))


def test_places_not_available_are_not_free(store, database, people):
    # C (3 places, 1 child) holds one back until the new year: 1 free, not 2. A's two held back until
    # yesterday are free again. The same rule as matching (dutydesk.matching.capacity).
    hold_back(database, "HH-C", 1, D(2026, 12, 31))
    hold_back(database, "HH-A", 2, D(2026, 11, 19))
    desk = Desk(database, people["manager"])
    r = sufficiency.build(desk, PERIOD)
    assert r.register == (3, 6, 3)  # A 2 free, B full, C 1 free (places are still its places)

    def line(key):
        c = r.category(key)
        return c.households, c.places, c.free

    assert line("siblings:3") == (1, 3, 1)
    assert line("age:0-4") == (2, 5, 3)
    assert line("place:Thanet") == (2, 5, 3)
    homes = sufficiency.drill(desk, PARAMS, Drill("sufficiency", "free", key="siblings:3"))
    assert [(x.reference, x.text) for x in homes.rows] == [("HH-C", "ages 0-17, 3 places, 1 free")]
    # All of C's free places held back: it no longer has a free place at all.
    hold_back(database, "HH-C", 2, D(2026, 11, 20))
    r = sufficiency.build(desk, PERIOD)
    assert r.register == (3, 6, 2) and line("siblings:3") == (1, 3, 0)
    assert sufficiency.drill(desk, PARAMS, Drill("sufficiency", "free", key="siblings:3")).rows == ()


def test_why_in_house_carers_could_not_take_them(store, database, people):
    r = sufficiency.build(Desk(database, people["manager"]), PERIOD)
    assert [(x.key, x.requests, x.alone, x.ruled_out) for x in r.reasons] == [
        ("eligible", 1, None, None),  # I1: C was eligible
        ("nosearch", 1, None, None),  # I2
        ("rule:siblings", 1, 2, 2),  # U1's latest search: A and C ruled out by group size alone
        ("rule:vacancy", 1, 1, 1),  # U2: B, full
    ]


def test_the_trend_by_month(store, database, people):
    r = sufficiency.build(Desk(database, people["manager"]), PERIOD)
    oct_, nov = r.months
    assert (oct_.month, oct_.unmet, oct_.ifa) == (D(2026, 10, 1), 1, 1)
    assert oct_.by_trend == {"siblings": 1, "teenagers": 1, "disability": 0, "parent_and_child": 1, "uasc": 0,
                             "remand": 0}
    assert (nov.unmet, nov.ifa) == (1, 1)
    assert nov.by_trend == {"siblings": 0, "teenagers": 2, "disability": 1, "parent_and_child": 0, "uasc": 1,
                            "remand": 1}


def test_drill_down_to_requests_and_households(store, database, people):
    desk = Desk(database, people["manager"])
    teens = sufficiency.drill(desk, PARAMS, Drill("sufficiency", "total", key="teenagers"))
    assert sorted(x.reference for x in teens.rows) == ["PR-I1", "PR-I2", "PR-U2"]
    assert all(x.kind == "request" for x in teens.rows)
    nov_ifa = sufficiency.drill(desk, PARAMS, Drill("sufficiency", "ifa", month=D(2026, 11, 1)))
    assert [x.reference for x in nov_ifa.rows] == ["PR-I1"]
    reason = sufficiency.drill(desk, PARAMS, Drill("sufficiency", "reason", key="rule:siblings"))
    assert [x.reference for x in reason.rows] == ["PR-U1"]
    homes = sufficiency.drill(desk, PARAMS, Drill("sufficiency", "free", key="siblings:2"))
    assert [(x.kind, x.reference) for x in homes.rows] == [("household", "HH-A"), ("household", "HH-C")]
    dover = sufficiency.drill(desk, PARAMS, Drill("sufficiency", "households", key="place:Dover"))
    assert [x.reference for x in dover.rows] == ["HH-B"]


def test_names_no_child_and_no_household(store, database, people):
    from dutydesk.reports import render

    v = sufficiency.view(sufficiency.build(Desk(database, people["manager"]), PERIOD), PARAMS)
    text = render.markdown(v) + render.html(v)
    for name in ("Tom", "Brook", "Kai", "Moss", "Ali", "Noor", "Mia", "Reed", "Ava", "HH-A", "PR-U1"):
        assert name not in text
    assert "could not meet 4 placement needs (7 children)" in text


def test_one_team_and_roles(store, database, people):
    west = sufficiency.build(Desk(database, people["admin"]), PERIOD, "WEST")
    assert (west.unmet, west.ifa) == (1, 0) and west.register == (3, 6, 4)  # the county's register
    with pytest.raises(NotAllowed):
        sufficiency.build(Desk(database, people["worker"]), PERIOD)
