"""Stored times read raw (SQLite's text, PostgreSQL's naive datetimes) and their London days: the quick
paths the reports take for thousands of rows give the same answers as attaching the zone by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk import clock
from dutydesk.reports.period import local_day, month_of, stored_day, utc

TEXTS = (
    "2026-03-29 00:59:59.999999",  # the last instant of GMT before the clocks go forward
    "2026-03-29 01:00:00.000000",
    "2026-06-30 22:59:59.000000",  # 23:59 BST on 30 June: still June
    "2026-06-30 23:00:00.000000",  # midnight BST: July
    "2026-10-25 00:30:00.000000",  # BST, the night the clocks go back
    "2026-10-25 01:30:00",  # GMT; SQLite text without microseconds
    "2026-12-31 23:59:59.999999",
)


@pytest.mark.parametrize("text", TEXTS)
def test_stored_text_reads_as_the_utc_instant_and_its_london_day(text):
    by_hand = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
    got = utc(text)
    assert got == by_hand and got.tzinfo is dt.UTC
    assert utc(by_hand.replace(tzinfo=None)) == by_hand  # PostgreSQL's naive datetime
    day = by_hand.astimezone(clock.LOCAL_TZ).date()
    assert local_day(got) == day == stored_day(text) == stored_day(by_hand.replace(tzinfo=None))
    assert month_of(got) == day.replace(day=1)


def test_text_with_an_offset_and_times_in_another_zone():
    assert utc("2026-06-30T23:30:00+01:00") == dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)
    london = dt.datetime(2026, 7, 1, 0, 30, tzinfo=clock.LOCAL_TZ)  # 23:30 UTC on 30 June
    assert local_day(london) == dt.date(2026, 7, 1)
    assert utc(None) is None and stored_day(None) is None
