"""Unavailable periods and places not available, recorded by a duty worker and read by matching at once."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk.access.desk import Desk
from dutydesk.carers import availability_edit as av
from dutydesk.carers.availability import availability
from dutydesk.errors import InvalidInput, NotAllowed
from dutydesk.matching import MatchCriteria, match
from matching_builders import household, places

D = dt.timedelta


@pytest.fixture
def today(monkeypatch) -> dt.date:
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T10:00:00")  # a Monday
    return dt.date(2026, 11, 23)


@pytest.fixture
def worker(database, people) -> Desk:
    places(database)
    return Desk(database, people["worker"])


def _excluded_codes(db, hid, start, end):
    with db.read() as s:
        res = match(s, MatchCriteria(from_on=start, until_on=end))
        ex = [e for e in res.excluded if e.household_id == hid]
        return [code for code, _ in res.explain(s, ex)[hid]] if ex else []


def test_a_holiday_recorded_during_the_call_rules_the_household_out_for_those_dates(database, worker, today):
    hid = household(database, "HH-H")
    friday = today + D(days=4)
    p = av.add_period(worker, hid, "holiday", friday, friday + D(days=13), "family away for a fortnight")
    assert _excluded_codes(database, hid, friday + D(days=2), friday + D(days=5)) == ["unavailable"]
    assert _excluded_codes(database, hid, today, today + D(days=2)) == []
    assert [x.reason for x in av.periods(worker, hid)] == ["family away for a fortnight"]
    # Back early: available again from the Wednesday of the second week.
    back = friday + D(days=5)
    ended = av.end_period(worker, p.id, reason="came home early", available_from=back)
    assert ended.ends_on == back - D(days=1)
    assert _excluded_codes(database, hid, back, back + D(days=3)) == []
    # A period ended before it starts is cancelled.
    later = av.add_period(worker, hid, "break", today + D(days=30), today + D(days=31), "wedding")
    assert av.end_period(worker, later.id, reason="not going") is None
    assert [x.id for x in av.periods(worker, hid)] == [p.id]


def test_periods_are_checked_and_viewers_cannot_record_them(database, worker, people, today):
    hid = household(database, "HH-I")
    with pytest.raises(InvalidInput, match="before it starts"):
        av.add_period(worker, hid, "holiday", today + D(days=3), today, "x")
    with pytest.raises(InvalidInput, match="Say why"):
        av.add_period(worker, hid, "holiday", today, today, "")
    with pytest.raises(InvalidInput, match="not a kind"):
        av.add_period(worker, hid, "sabbatical", today, today, "x")
    with pytest.raises(NotAllowed):
        av.add_period(Desk(database, people["viewer"]), hid, "holiday", today, today, "x")


def test_places_not_available_reduce_free_places_until_the_date(database, worker, today):
    hid = household(database, "HH-J", places=2)
    av.hold_places(worker, hid, 1, until=today + D(days=20), reason="bedroom being decorated")
    with database.read() as s:
        now = availability(s, hid, today, today + D(days=6))
        after = availability(s, hid, today + D(days=21), today + D(days=27))
    assert (now.free, after.free) == (1, 2)
    assert "1 not available" in now.note
    av.hold_places(worker, hid, 2, until=today + D(days=20), reason="whole house being decorated")
    assert _excluded_codes(database, hid, today, today + D(days=3)) == ["vacancy"]
    with pytest.raises(InvalidInput, match="from 0 to 2"):
        av.hold_places(worker, hid, 3, until=today, reason="x")
    av.hold_places(worker, hid, 0, until=None, reason="finished")
    assert _excluded_codes(database, hid, today, today + D(days=3)) == []
