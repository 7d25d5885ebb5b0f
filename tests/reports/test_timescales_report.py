"""The timescales report, each step checked against a store built by hand, on SQLite and PostgreSQL.

Today is Friday 20 November 2026; the period is November 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import AllegationStatus, CallbackStatus
from db.enums import RequestState as RS
from db.models import Allegation, Callback
from dutydesk.access.desk import Desk
from dutydesk.errors import NotAllowed
from dutydesk.reports import timescales
from dutydesk.reports.period import Period
from dutydesk.reports.shapes import Drill, Params
from report_builders import Store, at, authority

D = dt.date
PERIOD = Period(D(2026, 11, 1), D(2026, 11, 30))
PARAMS = Params("timescales", PERIOD.start, PERIOD.end)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T12:00:00")


@pytest.fixture
def store(database, people):
    st = Store(database, people)
    h = st.household("HH-1", "One, Ann", places=9)

    def req(ref, logged, state=RS.PLACED):
        return st.request(ref, "EAST", "worker", logged, state)

    # Plans: P1 agreed (done); P2 overdue; P3 overdue since October; P4 not yet due; P5 ended before its date.
    st.placement(req("PR-P1", "2026-11-02 09:00"), h, D(2026, 11, 2), plan_due=D(2026, 11, 9), da=authority(True))
    st.placement(req("PR-P2", "2026-11-09 09:00"), h, D(2026, 11, 9), plan_due=D(2026, 11, 16), da=authority(False))
    st.placement(req("PR-P3", "2026-10-01 09:00"), h, D(2026, 10, 1), plan_due=D(2026, 10, 8), da=authority(False))
    st.placement(req("PR-P4", "2026-11-18 09:00"), h, D(2026, 11, 18), plan_due=D(2026, 11, 25), da="{}")
    st.placement(req("PR-P5", "2026-11-05 09:00"), h, D(2026, 11, 5), plan_due=D(2026, 11, 12), da=authority(False),
                 ended=D(2026, 11, 11))
    # Notifications: one done, one late (the IRO), one not yet due.
    st.placement(req("PR-N1", "2026-11-16 09:00"), h, D(2026, 11, 16), notifications=[
        {"to": "child's social worker", "due_on": "2026-11-16", "done": True},
        {"to": "independent reviewing officer", "due_on": "2026-11-17", "done": False},
        {"to": "school and virtual school", "due_on": "2026-11-23", "done": False}])
    # Sign-off: in time; Thursday's signed on Monday (late); Monday's still waiting (overdue).
    t2 = req("PR-T2", "2026-11-02 09:00", RS.SIGNED_OFF)
    st.decision(t2, "2026-11-02 10:00", "worker", signed="2026-11-03 09:00")
    t3 = req("PR-T3", "2026-11-05 09:00", RS.SIGNED_OFF)
    st.decision(t3, "2026-11-05 10:00", "worker", signed="2026-11-09 09:00")
    t4 = req("PR-T4", "2026-11-16 09:00", RS.PROPOSED)
    st.decision(t4, "2026-11-16 10:00", "worker")
    # Retrospective: placed Saturday night, signed Monday (in time); an emergency outside terms on
    # Monday 2 November never signed: late for both its timescales.
    t5 = req("PR-T5", "2026-11-07 01:00")
    st.move(t5, RS.PLACED, "2026-11-07 02:00", "ooh")
    st.decision(t5, "2026-11-07 01:30", "ooh", retrospective=True, signed="2026-11-09 10:00")
    t6 = req("PR-T6", "2026-11-02 00:30")
    st.move(t6, RS.PLACED, "2026-11-02 01:30", "ooh")
    d6 = st.decision(t6, "2026-11-02 01:00", "ooh", retrospective=True, outside_terms=True)
    st.placement(t6, h, D(2026, 11, 2), decision_id=d6, emergency=True, outside_terms=True)
    east = st.teams["EAST"]
    worker = people["worker"].user_id
    with database.write() as s:
        for due, done, status in [("2026-11-10 10:00", "2026-11-10 09:00", CallbackStatus.DONE),
                                  ("2026-11-11 10:00", "2026-11-12 09:00", CallbackStatus.DONE),
                                  ("2026-11-19 10:00", None, CallbackStatus.OPEN),
                                  ("2026-11-25 10:00", None, CallbackStatus.OPEN),
                                  ("2026-11-12 10:00", None, CallbackStatus.CANCELLED),
                                  ("2026-10-20 10:00", None, CallbackStatus.OPEN)]:
            s.add(Callback(due_at=at(due), team_id=east, summary="Ring back", status=status,
                           done_at=at(done) if done else None, created_by_id=worker, created_at=at("2026-10-01 09:00")))
        for ref, raised, due, referred, status in [
            ("AL-1", "2026-11-02 10:00", "2026-11-03 10:00", "2026-11-02 15:00", AllegationStatus.CLOSED),
            ("AL-2", "2026-11-12 10:00", "2026-11-13 10:00", "2026-11-16 09:00", AllegationStatus.OPEN),
            ("AL-3", "2026-11-18 10:00", "2026-11-19 10:00", None, AllegationStatus.OPEN)]:
            s.add(Allegation(reference=ref, household_id=h, raised_at=at(raised), raised_by_id=worker,
                             summary="Child said a carer shouted.", status=status, lado_referral_due_at=at(due),
                             lado_referred_at=at(referred) if referred else None))
    return st


def test_each_step_against_its_timescale(store, database, people):
    r = timescales.build(Desk(database, people["manager"]), PERIOD)

    def line(step):
        x = r.step(step)
        return x.due, x.met, x.late, x.overdue_now

    assert line("plan") == (4, None, None, 2)  # P1, P2, P4, P5 due; P2 and P3 (October) overdue
    assert line("notify") == (3, 1, 1, 1)
    assert line("signoff") == (3, 1, 2, 1)  # T2 in time; T3 late; T4 waiting since Tuesday
    assert line("retro") == (2, 1, 1, 1)  # T5 in time; T6 never signed
    assert line("outside") == (1, 0, 1, 1)  # T6: due Tuesday 10 November (6 working days)
    assert line("callback") == (4, 1, 2, 2)  # due in November: 4 (not the cancelled); overdue: 19 Nov, 20 Oct
    assert line("lado") == (3, 1, 2, 1)


def test_drill_down_to_what_is_overdue(store, database, people):
    desk = Desk(database, people["manager"])
    plans = timescales.drill(desk, PARAMS, Drill("timescales", "overdue", key="plan"))
    assert [x.text for x in plans.rows] == ["placement plan due 08 Oct", "placement plan due 16 Nov"]
    assert {x.kind for x in plans.rows} == {"request"}
    late = timescales.drill(desk, PARAMS, Drill("timescales", "late", key="signoff"))
    assert [x.reference for x in late.rows] == ["PR-T3", "PR-T4"]
    calls = timescales.drill(desk, PARAMS, Drill("timescales", "overdue", key="callback"))
    assert len(calls.rows) == 2 and {x.kind for x in calls.rows} == {""}
    lado = timescales.drill(desk, PARAMS, Drill("timescales", "overdue", key="lado"))
    assert [(x.kind, x.reference) for x in lado.rows] == [("household", "AL-3")]


def test_timescales_are_for_managers(store, database, people):
    with pytest.raises(NotAllowed):
        timescales.build(Desk(database, people["worker"]), PERIOD)
    assert timescales.build(Desk(database, people["admin"]), PERIOD, "WEST").step("signoff").due == 0


def test_placement_plans_counted_for_one_team_and_for_all(store, database, people):
    # Every placement here is for an East request: East's plans are all of them, West has none.
    desk = Desk(database, people["admin"])
    plans = [(x.due, x.overdue_now) for x in (timescales.build(desk, PERIOD, t).step("plan") for t in (None, "EAST", "WEST"))]
    assert plans == [(4, 2), (4, 2), (0, 0)]
