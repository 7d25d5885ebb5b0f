"""Typed values as a duty worker types them: a phone number, a day, a time ("02:10", "yesterday 17:00")."""

from __future__ import annotations

import datetime as dt
import re

from dutydesk import clock
from dutydesk.days import parse_day  # the one day reader; kept here for the callers that import it from typed
from dutydesk.errors import InvalidInput
from dutydesk.text import clean


def parse_phone(text: str | None) -> str:
    """A UK (or +international) phone number, formatted; '' for blank. InvalidInput says what to type."""
    raw = clean(text)
    if not raw:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None:
        if phonenumbers.is_valid_number(number):
            fmt = (
                phonenumbers.PhoneNumberFormat.NATIONAL
                if number.country_code == 44
                else phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            return phonenumbers.format_number(number, fmt)
    raise InvalidInput(
        f"Phone number {raw!r} is not a UK number to call back; type the full number like 01843 123456 "
        "or 07911 123456, or +33 1 42 68 53 00 for abroad, or leave it blank."
    )


_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")


def parse_when(text: str | None, *, what: str = "Time", now: dt.datetime | None = None,
               prefer_future: bool = False) -> dt.datetime | None:
    """A local time typed at the desk, as aware UTC; None for blank.

    Accepts 'now', 'HH:MM' (today; with ``prefer_future`` a time already past
    means tomorrow, and without it a time still ahead means the night before
    is NOT assumed: it is today), 'DD/MM HH:MM', 'DD/MM/YYYY HH:MM',
    'YYYY-MM-DD HH:MM', '+30m', '+2h'.
    """
    raw = clean(text).lower()
    if not raw:
        return None
    now = now or clock.now()
    local_now = clock.local(now)
    if raw == "now":
        return now.replace(microsecond=0)
    m = re.fullmatch(r"\+(\d{1,4})\s*(m|min|mins|h|hr|hrs|d)", raw)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = dt.timedelta(minutes=n) if unit.startswith("m") else (
            dt.timedelta(hours=n) if unit.startswith("h") else dt.timedelta(days=n))
        return (now + delta).replace(second=0, microsecond=0)
    parts = raw.replace("t", " ", 1).split() if re.match(r"^\d{4}-\d{2}-\d{2}t", raw) else raw.split()
    try:
        if len(parts) == 1 and _TIME.match(parts[0]):
            hh, mm = _hm(parts[0])
            day = local_now.date()
            value = dt.datetime.combine(day, dt.time(hh, mm), tzinfo=clock.LOCAL_TZ)
            if prefer_future and value < local_now - dt.timedelta(minutes=1):
                value = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(hh, mm), tzinfo=clock.LOCAL_TZ)
            return value.astimezone(dt.UTC)
        if len(parts) == 2 and _TIME.match(parts[1]):
            day = parse_day(parts[0], what=what, today=local_now.date())
            hh, mm = _hm(parts[1])
            return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    except (ValueError, InvalidInput):
        pass
    raise InvalidInput(
        f"{what} {raw!r} is not a time; type HH:MM (for example 02:10), 'DD/MM HH:MM', 'now' or '+30m'."
    )


def _hm(text: str) -> tuple[int, int]:
    m = _TIME.match(text)
    assert m
    hh, mm = int(m.group(1)), int(m.group(2))
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise ValueError("out of range")
    return hh, mm
