"""The reports' figures, counted by the database, against the same figures judged record by record.

The consistency report counts in SQL (``consistency_counts``) while its drill-down
judges each request in Python (``consistency_facts``); the timescales report counts
callbacks in SQL and lists them in Python. These tests hold the two ways to the same
answers for every team, month and worker, on a small demo county (with its saved
searches) on SQLite and PostgreSQL, where the hand-worked stores of the other
tests cannot reach every combination.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
import sqlalchemy as sa

from db.models import User
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.demo.build import build as build_demo
from dutydesk.reports import consistency, timescales
from dutydesk.reports import consistency_facts as F
from dutydesk.reports.consistency_counts import Tally
from dutydesk.reports.period import Period, month_of

PERIOD = Period(dt.date(2025, 6, 1), dt.date(2026, 11, 22))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T10:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "deskdemo")


@pytest.fixture
def county(database):
    build_demo(database, seed=5, households=60)
    with database.read() as s:
        manager = s.execute(sa.select(User.username).where(User.role == "manager").order_by(User.id)).scalar()
    return Desk(database, actor_for(database, manager))


def judged(f: F.RequestFact, today: dt.date) -> Tally:
    """One request's tally, judged by the drill-down's rules."""
    t = Tally(logged=1)
    sf = F.search_first(f)
    if sf is not None:
        t.sf_of, t.sf = 1, int(sf)
    t.ra_of, t.ra = len(f.decisions), sum(d.has_rationale for d in f.decisions)
    so, re = F.signoff_verdicts(f, today), F.retro_verdicts(f, today)
    t.so_of, t.so, t.re_of, t.re = len(so), sum(so), len(re), sum(re)
    h = F.hours_to_place(f)
    if h is not None:
        t.hours.append(h)
    o = F.outcome(f)
    if o is not None:
        setattr(t, o, 1)
    t.plans = sum(1 for p in f.placements if F.plan_overdue(p, today))
    t.da = sum(1 for p in f.placements if not p.authority_complete)
    return t


def test_consistency_counts_equal_the_request_by_request_judgement(county):
    today = clock.today()
    report = consistency.build(county, PERIOD, by_worker=True)
    with county.db.read() as s:
        facts = F.load_facts(s, PERIOD, None)
    assert len(facts) > 50 and any(f.decisions for f in facts) and any(f.placements for f in facts)
    groups: dict[tuple, Tally] = defaultdict(Tally)
    for f in facts:
        t = judged(f, today)
        for key in (("team", f.team_id, None), ("team", f.team_id, month_of(f.created_at)), ("team", None, None),
                    ("team", None, month_of(f.created_at)), ("worker", f.worker_id, f.team_id)):
            groups[key].add(t)
    checked = 0
    for row in report.by_team + report.by_month:
        assert row.figures == groups.get(("team", row.team_id, row.month), Tally()).figures(), (row.team, row.month)
        checked += 1
    for row in report.by_worker:
        assert row.figures == groups[("worker", row.worker_id, row.team_id)].figures(), row.worker
        checked += 1
    assert checked > 20
    every = report.row(None).figures
    assert every.logged == len(facts) and every.signoff.of > 0 and every.search_first.of > 0
    assert every.placed_median_h is not None


def test_timescales_callback_counts_equal_the_listed_callbacks(county):
    report = timescales.build(county, PERIOD)
    with county.db.read() as s:
        listed = [i for i in timescales.items(s, PERIOD, None, clock.today(), clock.now()) if i.step == "callback"]
    line = report.step("callback")
    in_period = [i for i in listed if PERIOD.holds_day(i.due)]
    assert line.due == len(in_period) > 0
    assert line.met == sum(1 for i in in_period if i.verdict is True)
    assert line.late == sum(1 for i in in_period if i.verdict is False)
    assert line.overdue_now == sum(1 for i in listed if i.overdue)
