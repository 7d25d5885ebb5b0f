"""Callbacks: things due at a time, for a worker or a whole team.

A worker's queue holds what is assigned to them plus what is for their team
and nobody in particular. Callbacks are marked done, reassigned (to a worker
or another team) or snoozed to a later time with a reason, which is required
and kept. Overdue ones are those still open past their due time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import CallbackStatus
from db.models import Callback, Team, User
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.calls.call_log import SUMMARY_MAX, callback_views, create_callback, validate_callback_due
from dutydesk.calls.inputs import CallbackInput
from dutydesk.calls.views import CallbackView
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.access.identity import Permission, require
from dutydesk.labels import label
from dutydesk.text import clean, field_text

QUEUE_MAX = 200


@dataclass(frozen=True)
class Queue:
    items: list[CallbackView]
    overdue: int
    has_more: bool


def add_callback(desk: Desk, inp: CallbackInput) -> CallbackView:
    with desk.db.write() as s:
        cb_id = create_callback(s, desk.actor, inp).id
    return get_callback(desk, cb_id)


def get_callback(desk: Desk, callback_id: int) -> CallbackView:
    require(desk.actor, Permission.READ, "read callbacks")
    with desk.db.read() as s:
        found = callback_views(s, Callback.id == callback_id, limit=1)
    if not found:
        raise NotFound(f"There is no callback number {callback_id}; open the callbacks list again.")
    return found[0]


def queue(
    desk: Desk, *, worker_id: int | None = None, team_id: int | None = None, mine: bool = False,
    status: CallbackStatus = CallbackStatus.OPEN, limit: int = 50,
) -> Queue:
    """Open callbacks, soonest due first.

    ``mine``: the signed-in worker's queue (assigned to them, or to their team
    with nobody named). ``worker_id``: that worker's own. ``team_id``: the team's
    whole queue. Nothing given: the signed-in worker's team.
    """
    actor = desk.actor
    require(actor, Permission.READ, "read callbacks")
    limit = max(1, min(limit, QUEUE_MAX))
    conds = [Callback.status == status]
    if mine:
        own = Callback.assigned_to_id == actor.user_id
        if actor.team_id is not None:
            own = sa.or_(own, sa.and_(Callback.team_id == actor.team_id, Callback.assigned_to_id.is_(None)))
        conds.append(own)
    elif worker_id is not None:
        conds.append(Callback.assigned_to_id == worker_id)
    else:
        tid = team_id if team_id is not None else actor.team_id
        if tid is not None:
            conds.append(Callback.team_id == tid)
    where = sa.and_(*conds)
    order = [Callback.due_at, Callback.id] if status == CallbackStatus.OPEN else [Callback.done_at.desc(), Callback.id]
    with desk.db.read() as s:
        items = callback_views(s, where, order=order, limit=limit + 1)
        overdue = 0
        if status == CallbackStatus.OPEN:
            overdue = s.execute(
                sa.select(sa.func.count()).select_from(Callback).where(where, Callback.due_at < clock.now())
            ).scalar_one()
    return Queue(items=items[:limit], overdue=overdue, has_more=len(items) > limit)


def _open_callback(s: Session, callback_id: int) -> Callback:
    cb = s.get(Callback, callback_id)
    if cb is None:
        raise NotFound(f"There is no callback number {callback_id}; open the callbacks list again.")
    if cb.status != CallbackStatus.OPEN:
        raise Conflict(f"Callback {callback_id} is already {label(cb.status)}; refresh the list.")
    return cb


def mark_done(desk: Desk, callback_id: int, note: str = "") -> CallbackView:
    actor = desk.actor
    require(actor, Permission.LOG, "mark a callback done")
    note = clean(note)[:SUMMARY_MAX]
    with desk.db.write() as s:
        cb = _open_callback(s, callback_id)
        cb.status = CallbackStatus.DONE
        cb.done_at = clock.now()
        cb.done_by_id = actor.user_id
        s.add(cb)
        audit.record(s, actor, "callback.done", "callbacks", cb.id, {"note": note} if note else {})
    return get_callback(desk, callback_id)


def reassign(
    desk: Desk, callback_id: int, *, to_user_id: int | None = None, to_team_id: int | None = None,
) -> CallbackView:
    """Give a callback to a worker (their team follows), or to a team with nobody named."""
    actor = desk.actor
    require(actor, Permission.LOG, "reassign a callback")
    if to_user_id is None and to_team_id is None:
        raise InvalidInput("Say who takes the callback: choose a worker or a team.")
    with desk.db.write() as s:
        cb = _open_callback(s, callback_id)
        before = {"assigned_to_id": cb.assigned_to_id, "team_id": cb.team_id}
        if to_user_id is not None:
            user = s.get(User, to_user_id)
            if user is None or not user.active:
                raise NotFound(f"There is no active worker number {to_user_id}; choose a worker from the list.")
            cb.assigned_to_id = user.id
            cb.team_id = to_team_id or user.team_id or cb.team_id
        else:
            if s.get(Team, to_team_id) is None:
                raise NotFound(f"There is no team number {to_team_id}; choose a team from the list.")
            cb.assigned_to_id = None
            cb.team_id = to_team_id
        s.add(cb)
        audit.record(s, actor, "callback.reassign", "callbacks", cb.id,
                     {"from": before, "to": {"assigned_to_id": cb.assigned_to_id, "team_id": cb.team_id}})
    return get_callback(desk, callback_id)


def snooze(desk: Desk, callback_id: int, until: dt.datetime | None, reason: str) -> CallbackView:
    """Move a callback's due time later; the reason is required and kept."""
    actor = desk.actor
    require(actor, Permission.LOG, "snooze a callback")
    why = field_text(reason, "Reason", limit=SUMMARY_MAX, required=True,
                     missing="Snoozing needs a reason; type why the callback can wait (for example 'no answer')")
    due = validate_callback_due(until)
    with desk.db.write() as s:
        cb = _open_callback(s, callback_id)
        if due <= cb.due_at:
            raise InvalidInput(
                f"Snooze to a time after {clock.fmt_local(cb.due_at, '%H:%M')}, when it is due now; "
                "type HH:MM or +30m."
            )
        old = cb.due_at
        cb.due_at = due
        cb.snooze_reason = why
        cb.snooze_count += 1
        s.add(cb)
        audit.record(s, actor, "callback.snooze", "callbacks", cb.id,
                     {"from": old.isoformat(), "to": due.isoformat(), "reason": why})
    return get_callback(desk, callback_id)
