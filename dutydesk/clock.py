"""The desk's clock: UTC inside, London time on screen.

``DUTYDESK_NOW`` (an ISO time) fixes the clock, for snapshot tests and demos,
but only once the environment is trusted: signing in to a demo or test store
trusts it (``dutydesk.access.identity.sign_in``), a real store does not, so
nobody can back-date a call or its audit event on a real store. The test
suite trusts it for tests that call services without signing in.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/London")


_trusted = False


def trust_environment(on: bool) -> None:
    """Honour DUTYDESK_NOW (demo and test stores) or not (a real store: the default)."""
    global _trusted
    _trusted = bool(on)


def now() -> dt.datetime:
    fixed = os.environ.get("DUTYDESK_NOW") if _trusted else None
    if fixed:
        value = dt.datetime.fromisoformat(fixed)
        if value.tzinfo is None:
            value = value.replace(tzinfo=LOCAL_TZ)
        return value.astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date at the desk (London), which is what timescales count in."""
    return now().astimezone(LOCAL_TZ).date()


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_TZ)


def fmt_local(value: dt.datetime | None, fmt: str = "%d %b %H:%M") -> str:
    return "" if value is None else local(value).strftime(fmt)
