"""The callbacks screen's steps: one service call each, one sentence back.

The screen runs them through ``screens.loading.LoadingScreen.act`` (which then
loads the fresh queue in the same worker); refusals are the services' own words.
"""

from __future__ import annotations

from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.calls import callbacks
from dutydesk.calls.call_log import team_id_for, user_id_for
from dutydesk.calls.typed import parse_when
from dutydesk.errors import NotFound


def done(desk: Desk, callback_id: int) -> str:
    callbacks.mark_done(desk, callback_id)
    return "Marked done."


def snooze(desk: Desk, callback_id: int, until_text: str, reason: str) -> str:
    until = parse_when(until_text, what="Until", prefer_future=True)
    v = callbacks.snooze(desk, callback_id, until, reason)
    return f"Snoozed to {clock.fmt_local(v.due_at, '%d/%m %H:%M')}."


def reassign(desk: Desk, callback_id: int, to: str) -> str:
    """To a team (by code) or, failing that, a worker (by login)."""
    target = to.strip()
    try:
        v = callbacks.reassign(desk, callback_id, to_team_id=team_id_for(desk, target))
    except NotFound:
        v = callbacks.reassign(desk, callback_id, to_user_id=user_id_for(desk, target))
    return f"Now for {v.assigned_to_name or v.team_name}."
