"""Days as the desk reads and writes them: DD/MM/YYYY, day first, everywhere a worker types one.

``parse_day`` is the one reader (the call form, the finder's criteria, the lists' date
filters, the command line); ``day_text`` writes a day back in the same form, so a
field filled in by the desk can be read again unchanged.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from dutydesk import clock
from dutydesk.errors import InvalidInput
from dutydesk.text import clean

DAY_FORMAT = "%d/%m/%Y"
EXAMPLE = "01/12/2026"
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = {"today": 0, "tod": 0, "t": 0, "tomorrow": 1, "tom": 1, "yesterday": -1}


def day_text(day: dt.date | None) -> str:
    """A day as a worker types it (01/12/2026); '' for none."""
    return day.strftime(DAY_FORMAT) if day else ""


def parse_day(text: str | None, *, what: str = "Date", today: dt.date | None = None) -> dt.date | None:
    """DD/MM/YYYY (also DD/MM for this year, DD/MM/YY), 'today', 'tomorrow', 'yesterday', '+N' days;
    YYYY-MM-DD is still read. None for blank; InvalidInput says what is wrong and what to type."""
    raw = clean(text).strip().lower()
    if not raw:
        return None
    today = today or clock.today()
    if raw in _WORDS:
        return today + dt.timedelta(days=_WORDS[raw])
    if re.fullmatch(r"\+\d{1,3}", raw):
        return today + dt.timedelta(days=int(raw[1:]))
    iso = _ISO.match(raw)
    m = _DMY.match(raw)
    if iso:
        year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    elif m:
        day, month = int(m.group(1)), int(m.group(2))
        year_text = m.group(3)
        year = today.year if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    else:
        raise InvalidInput(f"{what} {raw!r} is not a date; type it as DD/MM/YYYY (for example {EXAMPLE}), "
                           "'today' or 'tomorrow'.")
    if not 1 <= month <= 12:
        raise InvalidInput(f"{what} {raw!r} has no month {month}; type the day first, then the month, "
                           f"as DD/MM/YYYY (for example {EXAMPLE}).")
    if not 1900 <= year <= 2199:
        raise InvalidInput(f"{what} {raw!r} has the year {year}; type a four-digit year, as DD/MM/YYYY "
                           f"(for example {EXAMPLE}).")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InvalidInput(f"{what} {raw!r} is not a date: {calendar.month_name[month]} {year} has {last} days; "
                           "type a day that exists, as DD/MM/YYYY.")
    return dt.date(year, month, day)
