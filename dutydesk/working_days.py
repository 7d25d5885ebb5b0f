"""Working days in England: weekdays that are not bank holidays.

Timescales on the desk (placement plan within 5 working days, an emergency
placement outside terms resolved within 6) count working days, and English
bank holidays come from the ``holidays`` package (including substitute days,
for example Boxing Day observed on a Monday).

Office hours (for "out of hours" emergency placements) are 09:00 to 17:00
London time on working days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from dutydesk import clock

OFFICE_OPENS = dt.time(9, 0)
OFFICE_CLOSES = dt.time(17, 0)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count).

    ``add_working_days(Friday, 1)`` is the next Monday (or Tuesday after a bank
    holiday Monday). ``days`` of 0 gives ``start`` moved on to a working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def is_out_of_hours(at: dt.datetime | None = None) -> bool:
    """True outside 09:00-17:00 London time on working days (nights, weekends, bank holidays)."""
    when = clock.local(at or clock.now())
    if not is_working_day(when.date()):
        return True
    return not (OFFICE_OPENS <= when.time() < OFFICE_CLOSES)
