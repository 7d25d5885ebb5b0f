"""The period a report covers, months in London time, working-day deadlines and percentiles.

A period is a range of whole local days (both ends included). Records store UTC,
so the bounds are turned into UTC instants once, here, and every query compares
against those: an event at 23:30 UTC on 30 June is in July in London.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from dutydesk import clock, working_days
from dutydesk.days import parse_day
from dutydesk.errors import InvalidInput

MAX_MONTHS = 36
DEFAULT_MONTHS = 6


def local_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant at which ``day`` begins in London."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_of(at: dt.datetime) -> dt.date:
    """The first day of the London month ``at`` falls in."""
    return first_of_month(local_day(at))


def month_label(month: dt.date) -> str:
    return month.strftime("%b %Y")


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, included
    end: dt.date  # last day, included

    @property
    def start_at(self) -> dt.datetime:
        return local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The instant just after the period: local midnight after ``end``."""
        return local_midnight(self.end + dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        out = []
        m = first_of_month(self.start)
        while m <= self.end:
            out.append(m)
            m = next_month(m)
        return out

    def holds(self, at: dt.datetime | None) -> bool:
        return at is not None and self.start_at <= at < self.end_at

    def holds_day(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


def month_index(col, period: Period):
    """SQL: the position in ``period.months()`` of the London month a stored UTC time in the period falls
    in, compared against each month's end as a UTC instant (so the database groups by it as it stands)."""
    ends = [local_midnight(next_month(m)) for m in period.months()[:-1]]
    if not ends:
        return sa.literal(0)
    return sa.case(*[(col < end, i) for i, end in enumerate(ends)], else_=len(ends))


def _day(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):  # 2026-10: a whole month
        try:
            return dt.date.fromisoformat(text + "-01")
        except ValueError:
            raise InvalidInput(f"{what} {text!r} has no month {text[5:]}; give a month as YYYY-MM "
                               "(for example 2026-10).") from None
    return parse_day(text, what=what)


def make_period(date_from: dt.date | str | None = None, date_to: dt.date | str | None = None) -> Period:
    """The period from ``date_from`` to ``date_to`` (both included). Missing ends default to the last
    six months up to today; a month alone (``2026-10``) as ``date_to`` means its last day."""
    today = clock.today()
    end = _day(date_to, "--to")
    if end is not None and isinstance(date_to, str) and len(date_to.strip()) == 7:
        end = next_month(end) - dt.timedelta(days=1)
    end = end or today
    start = _day(date_from, "--from")
    if start is None:
        start = first_of_month(end)
        for _ in range(DEFAULT_MONTHS - 1):
            start = first_of_month(start - dt.timedelta(days=1))
    if start > end:
        raise InvalidInput(f"The period starts ({start:%d %b %Y}) after it ends ({end:%d %b %Y}); swap the dates.")
    span = (end.year - start.year) * 12 + end.month - start.month + 1
    if span > MAX_MONTHS:
        raise InvalidInput(f"A report covers at most {MAX_MONTHS} months; you asked for {span}. Choose a shorter period.")
    return Period(start, end)


# --------------------------------------------------------------------------- timescales


@functools.lru_cache(maxsize=4096)
def _deadline(day: dt.date, days: int) -> dt.date:
    return working_days.add_working_days(day, days)


@functools.lru_cache(maxsize=65536)
def _local_day(hour: dt.datetime) -> dt.date:
    return clock.local(hour).date()


@functools.lru_cache(maxsize=65536)
def _utc_hour_day(year: int, month: int, day: int, hour: int) -> dt.date:
    return clock.local(dt.datetime(year, month, day, hour, tzinfo=dt.UTC)).date()


def local_day(at: dt.datetime) -> dt.date:
    """The London day of a UTC instant (cached by the hour: London's offset changes on the hour).
    Keyed by the UTC hour's numbers: ``datetime.replace`` costs several times more than the lookup."""
    if at.tzinfo is dt.UTC:
        return _utc_hour_day(at.year, at.month, at.day, at.hour)
    return _local_day(at.replace(minute=0, second=0, microsecond=0))


@functools.lru_cache(maxsize=65536)
def _stored_hour_day(hour_text: str) -> dt.date:
    return _local_day(dt.datetime.fromisoformat(hour_text + ":00").replace(tzinfo=dt.UTC))


def stored_day(value: dt.datetime | str | None) -> dt.date | None:
    """The London day of a stored UTC time read raw (see ``utc``), without parsing each one: SQLite's
    text is cached by its hour (``YYYY-MM-DD HH``), as ``local_day`` caches instants."""
    if value is None:
        return None
    if isinstance(value, str):
        return _stored_hour_day(value[:13])
    return local_day(utc(value))


def working_deadline(at: dt.datetime | dt.date, days: int) -> dt.date:
    """The last local day on which something due ``days`` working days after ``at`` is still on time.

    One working day after a Friday evening (or a Saturday night) is the Monday: the
    whole of that Monday counts, as a duty manager would read "within one working day".
    """
    day = local_day(at) if isinstance(at, dt.datetime) else at
    return _deadline(day, days)


def on_time(event_at: dt.datetime | dt.date, done_at: dt.datetime | dt.date | None, days: int,
            today: dt.date) -> bool | None:
    """True when done within ``days`` working days; False when done later, or not done and past the
    deadline; None when not done and still in time (not yet counted either way)."""
    deadline = working_deadline(event_at, days)
    if done_at is not None:
        done_day = local_day(done_at) if isinstance(done_at, dt.datetime) else done_at
        return done_day <= deadline
    return False if today > deadline else None


# --------------------------------------------------------------------------- percentiles


def quantile(values: Iterable[float], p: float) -> float | None:
    """The ``p`` quantile (0..1) by linear interpolation between closest ranks (the median is the
    usual one: the mean of the middle two of an even count); None for no values."""
    xs: Sequence[float] = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * p
    lo = math.floor(pos)
    hi = math.ceil(pos)
    if lo == hi:
        return float(xs[lo])
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """A stored UTC time read raw (SQLite gives text, PostgreSQL a naive datetime) as an aware one;
    parsing it here is several times quicker than the ORM's type for thousands of rows."""
    if value is None:
        return None
    if isinstance(value, str):
        try:  # SQLite's text is UTC without an offset: parsed with one, it is aware at once (no replace)
            return dt.datetime.fromisoformat(value + "+00:00")
        except ValueError:  # the text had an offset of its own
            value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def hours_between(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 3600.0
