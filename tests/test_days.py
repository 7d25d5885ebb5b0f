"""The one day reader (dutydesk/days.py): what the call form, the finder and the lists read."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk.calls import typed
from dutydesk.days import day_text, parse_day
from dutydesk.errors import InvalidInput

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("text, day", [
    ("01/12/2026", dt.date(2026, 12, 1)), ("1/12/2026", dt.date(2026, 12, 1)), ("01.12.2026", dt.date(2026, 12, 1)),
    ("01/12", dt.date(2026, 12, 1)), ("01/12/26", dt.date(2026, 12, 1)), ("2026-12-01", dt.date(2026, 12, 1)),
    ("today", TODAY), ("Tomorrow", TODAY + dt.timedelta(days=1)), ("yesterday", TODAY - dt.timedelta(days=1)),
    ("+3", TODAY + dt.timedelta(days=3)), ("29/02/2028", dt.date(2028, 2, 29)), ("  ", None), ("", None),
])
def test_days_as_a_worker_types_them(text, day):
    assert parse_day(text, today=TODAY) == day


@pytest.mark.parametrize("text, words", [
    ("31/02/2026", "Needed from '31/02/2026' is not a date: February 2026 has 28 days; type a day that exists"),
    ("12/13/2026", "Needed from '12/13/2026' has no month 13; type the day first, then the month"),
    ("1/1/202", "Needed from '1/1/202' is not a date; type it as DD/MM/YYYY (for example 01/12/2026)"),
    ("01/01/0026", "has the year 26; type a four-digit year"),
    ("soon", "Needed from 'soon' is not a date; type it as DD/MM/YYYY"),
])
def test_a_day_that_is_not_one_is_refused_in_desk_words(text, words):
    with pytest.raises(InvalidInput) as err:
        parse_day(text, what="Needed from", today=TODAY)
    assert words in str(err.value)


def test_day_text_reads_back_unchanged_and_the_call_form_uses_the_same_reader():
    for day in (dt.date(2026, 1, 5), dt.date(2027, 12, 31)):
        assert day_text(day) in ("05/01/2026", "31/12/2027")
        assert parse_day(day_text(day), today=TODAY) == day
    assert day_text(None) == ""
    assert typed.parse_day is parse_day  # calls.typed (the call form, calls log) reads days here
