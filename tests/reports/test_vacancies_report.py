"""The vacancies report and the carer's letter, checked against a store built by hand (SQLite and
PostgreSQL), and the letter for the demo's Thanet carer searched for every name in the store."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.enums import CandidateStatus as CS
from db.enums import HouseholdKind as HK
from db.enums import PlacementType as PT
from db.enums import RequestState as RS
from db.models import AuditEvent, Child, Household
from dutydesk.access.desk import Desk
from dutydesk.errors import NotAllowed
from dutydesk.reports import letter, vacancies
from dutydesk.reports import vacancies_facts as VF
from dutydesk.reports.period import Period
from dutydesk.reports.shapes import Drill, Params
from report_builders import Store

D = dt.date
PERIOD = Period(D(2026, 10, 1), D(2026, 11, 30))
PARAMS = Params("vacancies", PERIOD.start, PERIOD.end)
NAMES = ("Tom Brook", "Una Brook", "Vine, Bob", "Top, Tess", "Full, Fay", "Agency, Al")


def born(age, on):
    return on.replace(year=on.year - age) - dt.timedelta(days=30)


def ranked(*factors):
    return {"f": [[code, pts, f"{code} label naming Margate"] for code, pts in factors]}


def out(*rules):
    return None, {"x": [list(r) for r in rules]}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T12:00:00")


@pytest.fixture
def store(database, people):
    st = Store(database, people)
    thanet = st.place("Ramsgate", "Thanet")
    v1 = st.household("HH-V1", "Vale, Ann", places=2, occupied=1, age_min=5, age_max=17,
                      vacant_since=D(2026, 10, 4), place_id=thanet)
    v2 = st.household("HH-V2", "Vine, Bob", vacant_since=D(2026, 11, 10))
    st.household("HH-V3", "Void, Cal")
    st.household("HH-F1", "Full, Fay", occupied=1)
    st.household("HH-I1", "Agency, Al", kind=HK.IFA)
    t1 = st.household("HH-T1", "Top, Tess", occupied=1)
    st.ids = {"v1": v1, "v2": v2}

    def req(ref, logged, age, **kw):
        day = dt.datetime.fromisoformat(logged).date()
        return st.request(ref, "EAST", "worker", logged, RS.SEARCHING, needed_from=day,
                          children=[st.child("Tom", "Brook", born(age, day))], **kw)

    r1 = req("PR-1", "2026-10-10 09:00", 3)
    st.search(r1, "2026-10-09 09:00", "worker", {v1: (1, ranked(("distance", 9.0)))})  # older: not the latest
    # V1 too old for a 3-year-old; V2 ranked 2, T1 first, 7 points nearer.
    st.search(r1, "2026-10-10 09:10", "worker", {
        v1: out(("age", [5, 17])), v2: (2, ranked(("distance", 2.0), ("kind", 5.0))),
        t1: (1, ranked(("distance", 9.0), ("kind", 5.0)))})
    r2 = req("PR-2", "2026-10-20 09:00", 4, placement_type=PT.EMERGENCY)
    st.search(r2, "2026-10-20 09:10", "worker", {
        v1: out(("age", [5, 17]), ("type", "emergency")), v2: out(("distance", 40.0)), t1: (1, ranked())})
    r3 = req("PR-3", "2026-11-02 09:00", 9)
    # V1 top of the list, yet not placed; V2 ranked, then ruled out by the worker (the note names a child).
    st.search(r3, "2026-11-02 09:10", "worker", {v1: (1, ranked(("distance", 5.0))), v2: (2, ranked(("distance", 1.0)))})
    st.candidate(r3, v2, "2026-11-02 10:00", "worker", CS.RULED_OUT, "Una Brook is frightened of dogs")
    r4 = req("PR-4", "2026-11-05 09:00", 10)  # no saved search: answers only
    st.candidate(r4, v1, "2026-11-05 10:00", "worker", CS.DECLINED_BY_CARER, "Away that week")
    st.candidate(r4, v2, "2026-11-05 10:05", "worker", CS.SHORTLISTED)
    r5 = req("PR-5", "2026-09-15 09:00", 12)  # before the period
    st.search(r5, "2026-09-15 09:10", "worker", {v1: out(("vacancy", [2, 2]))})
    st.candidate(r5, v1, "2026-09-15 10:00", "worker", CS.NO_ANSWER)
    r6 = req("PR-6", "2026-11-12 09:00", 11)
    # The search ruled V1 out, but it had been rung and not answered: the answer decides.
    st.search(r6, "2026-11-12 09:10", "worker", {v1: out(("vacancy", [2, 2]), ("age", [5, 17]))})
    st.candidate(r6, v1, "2026-11-12 10:00", "worker", CS.NO_ANSWER)
    st.search(None, "2026-11-13 09:00", "worker", {v1: out(("age", [5, 17]))})  # a look-up for no request
    return st


def test_every_household_with_a_free_place_and_what_decided_its_requests(store, database, people):
    r = vacancies.build(Desk(database, people["manager"]), PERIOD)
    assert (r.households, r.free) == (3, 3)  # V1, V2, V3: not the full one, nor the agency's
    assert [x.reference for x in r.lines] == ["HH-V1", "HH-V2", "HH-V3"]  # longest empty first
    v1 = r.line("HH-V1")
    assert v1.days_empty == 47 and v1.district == "Thanet" and v1.free == 1
    c = v1.counts
    assert (c.considered, c.ruled_out, c.top, c.declined, c.no_answer) == (5, 2, 1, 1, 1)
    assert dict(c.rules) == {"age": 2, "type": 1} and v1.decisive == "rule:age"
    v2 = r.line("HH-V2").counts
    assert (v2.considered, v2.ranked, v2.best_rank, v2.ruled_out, v2.worker, v2.loose) == (4, 1, 2, 1, 1, 1)
    assert dict(v2.rules) == {"distance": 1} and dict(v2.factors) == {"distance": 1}
    assert r.line("HH-V2").decisive == "rule:distance"  # ties go to the rules
    assert r.line("HH-V3").counts.considered == 0 and r.line("HH-V3").decisive == "none"
    assert [(g.key, g.households, g.free, g.median_days, g.longest_days) for g in r.groups] == [
        ("none", 1, 1, None, None), ("rule:age", 1, 1, 47, 47), ("rule:distance", 1, 1, 10, 10)]


def test_places_not_available_are_not_free(store, database, people):
    # As matching counts them (dutydesk.matching.capacity): V3's one place is held back until the new
    # year, so it has no free place; V1 (3 places, 1 child) holds one back until today, so 1 is free;
    # V2's place was held back until yesterday and is free again.
    with database.write() as s:
        for ref, places, held, until in (("HH-V3", 1, 1, D(2026, 12, 31)), ("HH-V1", 3, 1, D(2026, 11, 20)),
                                         ("HH-V2", 1, 1, D(2026, 11, 19))):
            s.execute(sa.update(Household).where(Household.reference == ref).values(
                places=places, places_unavailable=held, places_unavailable_reason="Decorating",
                places_unavailable_until=until))
    desk = Desk(database, people["manager"])
    r = vacancies.build(desk, PERIOD)
    assert (r.households, r.free) == (2, 2)
    assert [(x.reference, x.free) for x in r.lines] == [("HH-V1", 1), ("HH-V2", 1)]
    assert [(g.key, g.households, g.free) for g in r.groups] == [("rule:age", 1, 1), ("rule:distance", 1, 1)]
    with database.read() as s:
        assert set(VF.household_counts(s, PERIOD, None)) <= set(store.ids.values())
    assert vacancies.drill(desk, PARAMS, Drill("vacancies", "group", key="none")).rows == ()


def test_the_aggregate_agrees_with_each_household_request_by_request(store, database, people):
    with database.read() as s:
        counts = VF.household_counts(s, PERIOD, None)
        for hid in store.ids.values():
            assert VF.counts_of(VF.pairs(s, hid, PERIOD)) == counts[hid]


def test_drill_down_to_households_and_their_requests(store, database, people):
    desk = Desk(database, people["manager"])
    group = vacancies.drill(desk, PARAMS, Drill("vacancies", "group", key="rule:age"))
    assert [(x.kind, x.reference) for x in group.rows] == [("household", "HH-V1")]
    mine = vacancies.drill(desk, PARAMS, Drill("vacancies", "household", key=str(store.ids["v1"])))
    assert [(x.reference, x.text) for x in mine.rows] == [
        ("PR-6", "no answer when the carers were rung"),
        ("PR-4", "the carers declined when rung"),
        ("PR-3", "ranked first of 2; the child went elsewhere"),
        ("PR-2", "ruled out: the child's age was outside the approved age range; not approved for that type of placement"),
        ("PR-1", "ruled out: the child's age was outside the approved age range"),
    ]
    v2 = vacancies.drill(desk, PARAMS, Drill("vacancies", "household", key=str(store.ids["v2"])))
    assert dict((x.reference, x.text) for x in v2.rows)["PR-1"] == (
        "ranked 2 of 2; the first nearer to the child's school or home")


def test_the_letter_says_what_kept_the_household_from_each_request(store, database, people):
    desk = Desk(database, people["worker"])
    text = letter.export(desk, "HH-V1", "md", D(2026, 10, 1), D(2026, 11, 30))
    assert "considered for 5 placement requests" in text
    assert ("October 2026, a short term placement for one child aged 3: Your approval is for children aged 5 "
            "to 17, and the child was 3.") in text
    assert "and the child was 4; your approval does not cover emergency placements." in text
    assert "You declined when we rang." in text and "We rang but could not reach you." in text
    assert "Your age range (5 to 17) ruled out 2 requests for children aged 3 to 4." in text
    assert "Vale, Ann" in text
    for name in NAMES + ("Margate", "Away that week", "HH-V2", "HH-T1"):
        assert name not in text
    html = letter.export(desk, "HH-V1", "html", D(2026, 10, 1), D(2026, 11, 30))
    assert "<li>October 2026" in html and "Tom Brook" not in html
    with database.read() as s:
        events = s.execute(sa.select(AuditEvent.action, AuditEvent.username).where(
            AuditEvent.action == "household.letter")).all()
    assert events == [("household.letter", "dana")] * 2
    with pytest.raises(NotAllowed):
        letter.export(Desk(database, people["viewer"]), "HH-V1")


def test_the_letter_of_the_second_household_names_nobody_else(store, database, people):
    text = letter.export(Desk(database, people["manager"]), "HH-V2", "md", D(2026, 10, 1), D(2026, 11, 30))
    assert "came 2 of 2; the household placed first nearer to the child's school or home" in text
    assert "The duty worker ruled your household out" in text
    assert "Una Brook" not in text and "frightened" not in text
    assert "Your home is about 40 km from the child's school or home, further than the request allowed." in text


def test_vacancies_is_for_managers_and_one_team(store, database, people):
    with pytest.raises(NotAllowed):
        vacancies.build(Desk(database, people["worker"]), PERIOD)
    west = vacancies.build(Desk(database, people["admin"]), PERIOD, "WEST")
    assert west.households == 0  # no household belongs to the West team


def test_letter_for_the_demo_thanet_carer_names_no_child_and_no_other_household(tmp_path, monkeypatch):
    from db.engine import Database
    from db.schema import create_schema
    from dutydesk.access.identity import actor_for
    from dutydesk.demo import build
    from dutydesk.demo import searches

    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T10:00:00")
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    create_schema(db)
    build(db, seed=1, households=60, searches=False, os_user="deskdemo")
    searches.add_searches(db, None)
    desk = Desk(db, actor_for(db, "dana.e"))
    text = letter.export(desk, "HH-00003", "md") + letter.export(desk, "HH-00003", "html")
    with db.read() as s:
        kemp = s.execute(sa.select(Household).where(Household.reference == "HH-00003")).scalar_one()
        children = s.execute(sa.select(Child.first_name, Child.last_name, Child.case_reference)).all()
        households = s.execute(sa.select(Household.name, Household.reference).where(Household.id != kemp.id)).all()
    assert kemp.name in text and "considered for" in text
    found = [f"{first} {last}" for first, last, _ref in children if f"{first} {last}" in text]
    found += [ref for _f, _l, ref in children if ref in text]
    found += [x for name, ref in households for x in (name, ref) if x in text]
    assert not found, f"the letter names {found}"
    db.dispose()
