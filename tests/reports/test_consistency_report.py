"""The consistency report, every figure checked against a store built by hand, on SQLite and PostgreSQL.

The clock is Friday 20 November 2026, noon in London; the period is October and
November 2026. British Summer Time ended on Sunday 25 October, so October's
times are an hour ahead of UTC and November's are not.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import HouseholdKind as HK
from db.enums import RequestState as RS
from dutydesk.access.desk import Desk
from dutydesk.errors import NotAllowed
from dutydesk.reports import consistency
from dutydesk.reports.period import Period
from dutydesk.reports.shapes import Drill, Params, Share
from report_builders import Store, authority

D = dt.date
PERIOD = Period(D(2026, 10, 1), D(2026, 11, 30))
OCT, NOV = D(2026, 10, 1), D(2026, 11, 1)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T12:00:00")


@pytest.fixture
def store(database, people):
    st = Store(database, people)
    inh = st.household("HH-IN1", "Able, Ann")
    ifa = st.household("HH-IFA1", "Agency, Bea", kind=HK.IFA)
    kin = st.household("HH-CP1", "Gran, Cy", kind=HK.CONNECTED_PERSON)

    # East E1: searched before ringing; proposed Monday 14:00, signed off Tuesday 09:30 (in time);
    # placed in-house 26 hours after logging; delegated authority all agreed, so its plan is not overdue.
    e1 = st.request("PR-E1", "EAST", "worker", "2026-10-05 10:00", RS.PLACED)
    st.search(e1, "2026-10-05 10:30", "worker")
    st.contact(e1, inh, "2026-10-05 11:00", "worker")
    st.decision(e1, "2026-10-05 14:00", "worker", hid=inh, signed="2026-10-06 09:30")
    st.move(e1, RS.PLACED, "2026-10-06 12:00", "worker")
    st.placement(e1, inh, D(2026, 10, 6), plan_due=D(2026, 10, 13), da=authority(True))
    # E2: rang a carer at 15:30 before the search at 16:00; proposed Friday 16:30, signed off the next
    # Tuesday (late: the deadline was Monday 12 October); placed with an IFA 92 hours after logging;
    # delegated authority incomplete and the plan (due 20 October) overdue.
    e2 = st.request("PR-E2", "EAST", "worker", "2026-10-09 15:00", RS.PLACED)
    st.contact(e2, ifa, "2026-10-09 15:30", "worker")
    st.search(e2, "2026-10-09 16:00", "worker")
    st.decision(e2, "2026-10-09 16:30", "worker", hid=ifa, signed="2026-10-13 10:00")
    st.move(e2, RS.PLACED, "2026-10-13 11:00", "worker")
    st.placement(e2, ifa, D(2026, 10, 13), plan_due=D(2026, 10, 20), da=authority(False))
    # E3: a first proposal with no rationale, returned (left out of the sign-off share); the second
    # signed off within the hour; closed unmet.
    e3 = st.request("PR-E3", "EAST", "worker", "2026-11-02 09:00", RS.CLOSED_UNMET)
    st.search(e3, "2026-11-02 09:10", "worker")
    st.contact(e3, inh, "2026-11-02 09:20", "worker")
    st.decision(e3, "2026-11-02 12:00", "worker", rationale="  ", returned="2026-11-02 13:00")
    st.decision(e3, "2026-11-03 10:00", "worker", signed="2026-11-03 11:00")
    # E4: proposed Monday 16 November and still waiting on Friday: late (deadline Tuesday).
    e4 = st.request("PR-E4", "EAST", "worker", "2026-11-16 10:00", RS.PROPOSED)
    st.search(e4, "2026-11-16 10:05", "worker")
    st.decision(e4, "2026-11-16 11:00", "worker", hid=inh)
    # E5: logged 00:30 on 1 October in London (23:30 UTC on 30 September): in the period, in October.
    st.request("PR-E5", "EAST", "worker", "2026-10-01 00:30", RS.LOGGED)
    # E6: proposed Thursday 15:00, still in time on Friday: not counted either way yet.
    e6 = st.request("PR-E6", "EAST", "worker", "2026-11-19 10:00", RS.PROPOSED)
    st.decision(e6, "2026-11-19 15:00", "worker", hid=inh)
    # E7: 23:30 on 30 September in London: before the period.
    st.request("PR-E7", "EAST", "worker", "2026-09-30 23:30", RS.LOGGED)

    # West W1: in time everywhere; placed with a connected person 8 hours after logging (counted
    # in-house); delegated authority incomplete but the placement ended before the plan was due.
    w1 = st.request("PR-W1", "WEST", "worker2", "2026-10-20 10:00", RS.PLACED)
    st.search(w1, "2026-10-20 10:10", "worker2")
    st.contact(w1, kin, "2026-10-20 10:20", "worker2")
    st.decision(w1, "2026-10-20 12:00", "worker2", hid=kin, signed="2026-10-20 16:00")
    st.move(w1, RS.PLACED, "2026-10-20 18:00", "worker2")
    st.placement(w1, kin, D(2026, 10, 20), plan_due=D(2026, 10, 27), da=authority(False), ended=D(2026, 10, 25))
    st.request("PR-W2", "WEST", "worker2", "2026-11-10 10:00", RS.WITHDRAWN)

    # Out of hours O1: Saturday 02:00, placed at 03:00 before sign-off; signed off retrospectively on
    # Monday 2 November 09:15 (in time: one working day after Saturday is that Monday).
    o1 = st.request("PR-O1", "OOH", "ooh", "2026-10-31 02:00", RS.PLACED)
    st.search(o1, "2026-10-31 02:10", "ooh")
    st.contact(o1, inh, "2026-10-31 02:20", "ooh")
    st.decision(o1, "2026-10-31 02:40", "ooh", hid=inh, retrospective=True, signed="2026-11-02 09:15")
    st.move(o1, RS.PLACED, "2026-10-31 03:00", "ooh")
    st.placement(o1, inh, D(2026, 10, 31), plan_due=D(2026, 11, 6), da=authority(True, "done"))
    # O2: Friday 23:00, rang before searching, placed 01:00; never signed off (late since Monday 9th);
    # plan due 13 November overdue with delegated authority incomplete.
    o2 = st.request("PR-O2", "OOH", "ooh", "2026-11-06 23:00", RS.PLACED)
    st.contact(o2, inh, "2026-11-06 23:30", "ooh")
    st.search(o2, "2026-11-06 23:40", "ooh")
    st.decision(o2, "2026-11-07 00:40", "ooh", hid=inh, retrospective=True)
    st.move(o2, RS.PLACED, "2026-11-07 01:00", "ooh")
    st.placement(o2, inh, D(2026, 11, 7), plan_due=D(2026, 11, 13), da="{}")
    return st


def build(database, actor, team=None, **kw):
    return consistency.build(Desk(database, actor), PERIOD, team, **kw)


def test_every_figure_for_each_team_and_all(store, database, people):
    r = build(database, people["manager"])
    ids = store.teams
    east = r.row(ids["EAST"]).figures
    assert east.logged == 6  # E1-E6; E7 was logged the evening before the period began
    assert east.search_first == Share(2, 3)  # E1 and E3 searched first; E2 rang before searching
    assert east.rationale == Share(5, 6)  # E3's first proposal had only spaces
    assert east.signoff == Share(2, 4)  # E1, E3 (second) in time; E2 late; E4 waiting past Tuesday
    assert east.retro_signoff == Share(0, 0) and east.retro_signoff.value is None
    assert east.placed_median_h == pytest.approx(59.0)  # (26 + 92) / 2
    assert east.placed_p90_h == pytest.approx(85.4)  # 26 + 0.9 * (92 - 26)
    assert (east.in_house, east.ifa, east.unmet) == (Share(1, 3), Share(1, 3), Share(1, 3))
    assert east.plans_overdue == 1 and east.da_incomplete == 1  # E2

    west = r.row(ids["WEST"]).figures
    assert (west.logged, west.search_first, west.rationale, west.signoff) == (2, Share(1, 1), Share(1, 1), Share(1, 1))
    assert west.placed_median_h == pytest.approx(8.0) and west.placed_p90_h == pytest.approx(8.0)
    assert (west.in_house, west.ifa, west.unmet) == (Share(1, 1), Share(0, 1), Share(0, 1))  # W2 withdrawn
    assert west.plans_overdue == 0 and west.da_incomplete == 1  # W1 ended before its plan was due

    ooh = r.row(ids["OOH"]).figures
    assert (ooh.logged, ooh.search_first, ooh.rationale) == (2, Share(1, 2), Share(2, 2))
    assert ooh.signoff == Share(0, 0)  # both decisions were retrospective
    assert ooh.retro_signoff == Share(1, 2)  # O1 on Monday in time; O2 never signed
    assert ooh.placed_median_h == pytest.approx(1.5) and ooh.placed_p90_h == pytest.approx(1.9)
    assert ooh.in_house == Share(2, 2) and ooh.plans_overdue == 1 and ooh.da_incomplete == 1

    every = r.row(None).figures
    assert every.logged == 10 and every.search_first == Share(4, 6) and every.rationale == Share(8, 9)
    assert every.signoff == Share(3, 5) and every.retro_signoff == Share(1, 2)
    assert every.placed_median_h == pytest.approx(8.0)  # of 1, 2, 8, 26, 92 hours
    assert every.placed_p90_h == pytest.approx(65.6)  # 26 + 0.6 * (92 - 26)
    assert (every.in_house, every.ifa, every.unmet) == (Share(4, 6), Share(1, 6), Share(1, 6))
    assert every.plans_overdue == 2 and every.da_incomplete == 3


def test_figures_by_month_in_london_time(store, database, people):
    r = build(database, people["manager"])
    ids = store.teams
    assert r.row(ids["EAST"], OCT).figures.logged == 3  # E1, E2 and E5 (00:30 on 1 October)
    assert r.row(ids["EAST"], NOV).figures.logged == 3
    assert r.row(ids["EAST"], OCT).figures.signoff == Share(1, 2)
    assert r.row(ids["EAST"], NOV).figures.signoff == Share(1, 2)
    assert r.row(ids["OOH"], OCT).figures.retro_signoff == Share(1, 1)
    assert r.row(ids["OOH"], NOV).figures.retro_signoff == Share(0, 1)
    assert r.row(None, NOV).figures.logged == 5
    assert [m for m in {x.month for x in r.by_month}] and len(r.by_month) == 4 * 2  # 3 teams and all, 2 months


def test_each_figure_drills_down_to_the_requests_it_counts(store, database, people):
    desk = Desk(database, people["manager"])
    params = Params("consistency", PERIOD.start, PERIOD.end)
    east = store.teams["EAST"]
    late = consistency.drill(desk, params, Drill("consistency", "signoff", east))
    assert [(x.reference, x.met) for x in late.rows] == [
        ("PR-E2", False), ("PR-E4", False), ("PR-E1", True), ("PR-E3", True)]
    assert late.total == 4
    first = consistency.drill(desk, params, Drill("consistency", "search_first", None))
    assert sorted(x.reference for x in first.rows if x.met is False) == ["PR-E2", "PR-O2"]
    assert first.total == 6
    overdue = consistency.drill(desk, params, Drill("consistency", "plans_overdue", None))
    assert sorted(x.reference for x in overdue.rows) == ["PR-E2", "PR-O2"]
    october = consistency.drill(desk, params, Drill("consistency", "logged", east, month=OCT))
    assert sorted(x.reference for x in october.rows) == ["PR-E1", "PR-E2", "PR-E5"]
    # The drill-down and the figure always agree: per request, one row each; per decision (rationale,
    # sign-off), one row per request with at least one decision counted.
    report = build(database, people["manager"])
    every = report.row(None).figures
    for fig in consistency.FIGURES:
        rows = consistency.drill(desk, params, Drill("consistency", fig.code, None)).rows
        v = getattr(every, fig.code)
        if fig.code in ("search_first", "in_house", "ifa", "unmet"):
            assert (sum(1 for x in rows if x.met), len(rows)) == (v.met, v.of), fig.code
        elif fig.code == "logged":
            assert len(rows) == v
    assert len(consistency.drill(desk, params, Drill("consistency", "signoff", None)).rows) == 5
    assert len(consistency.drill(desk, params, Drill("consistency", "rationale", None)).rows) == 8


def test_the_view_puts_teams_side_by_side_and_charts_each_figure(store, database, people):
    report = build(database, people["manager"])
    v = consistency.view(report, Params("consistency", PERIOD.start, PERIOD.end))
    teams = v.table("teams")
    assert [c.title for c in teams.columns] == ["Figure", "EAST", "OOH", "WEST", "All"]
    signoff = next(r for r in teams.rows if r[0].value == "Signed off in 1 day")
    assert signoff[1].value == pytest.approx(0.5) and signoff[1].drill.team_id == store.teams["EAST"]
    assert signoff[2].value is None and signoff[2].drill is None  # nothing to count out of hours
    chart = v.charts[f"logged:{store.teams['EAST']}"]
    assert chart.labels == ("Oct", "Nov") and chart.values == (3, 3)


def test_a_duty_worker_sees_only_their_own_team(store, database, people):
    mine = build(database, people["worker"])
    assert [t.code for t in mine.teams] == ["EAST"] and mine.row(store.teams["EAST"]).figures.logged == 6
    with pytest.raises(NotAllowed):
        build(database, people["worker"], "WEST")
    with pytest.raises(NotAllowed):
        build(database, people["worker"], by_worker=True)
    with pytest.raises(NotAllowed):
        build(database, people["viewer"])
    with pytest.raises(NotAllowed):
        consistency.drill(Desk(database, people["worker"]), Params("consistency", PERIOD.start, PERIOD.end),
                          Drill("consistency", "logged", store.teams["WEST"]))


def test_a_manager_sees_each_worker(store, database, people):
    r = build(database, people["manager"], by_worker=True)
    names = {row.worker: row.figures.logged for row in r.by_worker}
    assert names == {"Dana": 6, "Wes": 2, "Oliver": 2}
    with pytest.raises(NotAllowed):
        build(database, people["admin"], by_worker=True)


def test_one_team_only(store, database, people):
    r = build(database, people["admin"], "west")
    assert [row.team for row in r.by_team] == ["WEST"] and r.by_team[0].figures.logged == 2
