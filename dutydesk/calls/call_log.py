"""Calls: logging every contact, and finding calls again.

``log_call`` records a call for the signed-in worker and their team in one
write transaction, together with (optionally) a child recorded on the spot, a
placement request opened from the call (``intake.open_request``) and a
callback. Everything typed is cleaned; every write is audited.

``list_calls`` filters by date range, team, category, caller type and links,
searches summaries and notes with the store's full-text index, and pages in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from db import call_search
from db.enums import CallbackStatus, CallCategory, CallDirection, CallerType
from db.models import Call, Callback, Child, Household, Placement, PlacementRequest, Team, User
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.calls.views import CallbackView, CallRow, local_day_start  # noqa: F401 - re-exported
from dutydesk.calls.inputs import CallbackInput, CallFilter, CallInput, CallPage, CallView
from dutydesk.calls.intake import as_enum, create_child, open_request
from dutydesk.calls.typed import parse_phone, parse_when
from dutydesk.text import field_text

SUMMARY_MAX = 500
NOTES_MAX = 20000
NAME_MAX = 120
FUTURE_SKEW = dt.timedelta(minutes=5)
OLDEST_CALL = dt.timedelta(days=31)
PAGE_MAX = 200

# ---------------------------------------------------------------- logging


def _exists(session: Session, model: Any, ident: int | None, what: str) -> None:
    if ident is not None and session.get(model, ident) is None:
        raise NotFound(f"There is no {what} number {ident}; find it again by name or reference.")


def validate_call(inp: CallInput, now: dt.datetime | None = None) -> dict[str, Any]:
    """Check a CallInput's own fields; return cleaned Call column values (no database needed)."""
    now = now or clock.now()
    received = inp.received_at or now.replace(microsecond=0)
    if received.tzinfo is None:
        raise InvalidInput("The time received must carry a time zone; type it as HH:MM.")
    if received > now + FUTURE_SKEW:
        raise InvalidInput(
            f"Time received {clock.fmt_local(received)} is in the future; type when the call came in (HH:MM)."
        )
    if received < now - OLDEST_CALL:
        raise InvalidInput(
            f"Time received {clock.fmt_local(received, '%d/%m/%Y')} is more than a month ago; "
            "check the date (DD/MM HH:MM)."
        )
    category = as_enum(CallCategory, inp.category, "Category")
    values = {
        "received_at": received,
        "direction": as_enum(CallDirection, inp.direction, "Direction"),
        "caller_type": as_enum(CallerType, inp.caller_type, "Caller type"),
        "category": category,
        "caller_name": field_text(inp.caller_name, "Caller's name", limit=NAME_MAX),
        "caller_phone": parse_phone(inp.caller_phone),
        "summary": field_text(inp.summary, "Summary", limit=SUMMARY_MAX, required=True,
                              missing="Summary is required; type a line saying what the call was about"),
        "notes": field_text(inp.notes, "Notes", limit=NOTES_MAX, multiline=True),
    }
    if category == CallCategory.PLACEMENT_REQUEST and inp.request is None and inp.request_id is None:
        raise InvalidInput(
            "A placement request call needs the request part (placement type, urgency, needed from) "
            "or a link to the request it is about."
        )
    if inp.request is not None and inp.request_id is not None:
        raise InvalidInput("Either open a new placement request or link an existing one, not both.")
    if inp.child_id is not None and inp.new_child is not None:
        raise InvalidInput("Either choose a recorded child or record a new one, not both.")
    return values


def validate_callback_due(due: dt.datetime | None, now: dt.datetime | None = None) -> dt.datetime:
    now = now or clock.now()
    if due is None:
        raise InvalidInput("A callback needs a due time; type HH:MM, 'DD/MM HH:MM' or '+30m'.")
    if due.tzinfo is None:
        raise InvalidInput("The callback's due time must carry a time zone; type it as HH:MM.")
    if due < now - dt.timedelta(minutes=1):
        raise InvalidInput(
            f"Callback due {clock.fmt_local(due)} is already past; type a time from now on (HH:MM or +30m)."
        )
    if due > now + dt.timedelta(days=366):
        raise InvalidInput("A callback more than a year ahead is not a callback; type a nearer time.")
    return due.replace(microsecond=0)


def create_callback(
    session: Session, actor: Actor, inp: CallbackInput, *, call_id: int | None = None,
    default_summary: str = "", default_request_id: int | None = None, default_household_id: int | None = None,
) -> Callback:
    """Add a callback in the caller's write transaction; audited."""
    require(actor, Permission.LOG, "set a callback")
    due = validate_callback_due(inp.due_at)
    summary = field_text(inp.summary, "Callback summary", limit=SUMMARY_MAX) or default_summary
    if not summary:
        raise InvalidInput("Say what the callback is for; type a line such as 'ring police back'.")
    team_id = inp.team_id or actor.team_id
    if team_id is None:
        raise InvalidInput("Choose the team the callback is for; your account has no team.")
    _exists(session, Team, team_id, "team")
    if inp.assigned_to_id is not None:
        user = session.get(User, inp.assigned_to_id)
        if user is None or not user.active:
            raise NotFound(f"There is no active worker number {inp.assigned_to_id}; choose a worker from the list.")
    request_id = inp.request_id or default_request_id
    household_id = inp.household_id or default_household_id
    _exists(session, PlacementRequest, request_id, "placement request")
    _exists(session, Household, household_id, "household")
    cb = Callback(
        due_at=due, team_id=team_id, assigned_to_id=inp.assigned_to_id, call_id=call_id,
        request_id=request_id, household_id=household_id, summary=summary,
        status=CallbackStatus.OPEN, created_by_id=actor.user_id, created_at=clock.now(),
    )
    session.add(cb)
    session.flush()
    audit.record(session, actor, "callback.create", "callbacks", cb.id,
                 {"due_at": due.isoformat(), "team_id": team_id, "assigned_to_id": inp.assigned_to_id,
                  "call_id": call_id})
    return cb


def log_call(desk: Desk, inp: CallInput) -> CallView:
    """Log a call (and its new child, request and callback) in one transaction."""
    actor = desk.actor
    require(actor, Permission.LOG, "log a call")
    if actor.team_id is None:
        raise InvalidInput("Your account has no team, so the call cannot be filed; ask an administrator.")
    values = validate_call(inp)
    with desk.db.write() as s:
        call_id = _log_call(s, actor, inp, values)
    return get_call(desk, call_id)


def _log_call(s: Session, actor: Actor, inp: CallInput, values: dict[str, Any]) -> int:
    _exists(s, Child, inp.child_id, "child")
    _exists(s, Household, inp.household_id, "household")
    _exists(s, PlacementRequest, inp.request_id, "placement request")
    _exists(s, Placement, inp.placement_id, "placement")
    child_id = inp.child_id
    if inp.new_child is not None:
        child_id = create_child(s, actor, inp.new_child).id
    request_id = inp.request_id
    if inp.request is not None:
        req_in = inp.request
        if not req_in.child_ids and not req_in.new_children and child_id is not None:
            req_in = replace(req_in, child_ids=(child_id,))
        if req_in.at is None:
            req_in = replace(req_in, at=values["received_at"])
        req = open_request(s, actor, req_in)
        request_id = req.id
        if child_id is None:
            first = s.execute(
                sa.text("SELECT child_id FROM request_children WHERE request_id = :r ORDER BY child_id LIMIT 1"),
                {"r": req.id},
            ).scalar()
            child_id = first
    call = Call(
        taken_by_id=actor.user_id, team_id=actor.team_id, child_id=child_id, household_id=inp.household_id,
        request_id=request_id, placement_id=inp.placement_id, created_at=clock.now(), **values,
    )
    s.add(call)
    s.flush()
    audit.record(
        s, actor, "call.log", "calls", call.id,
        {"caller_type": call.caller_type.value, "category": call.category.value,
         "received_at": call.received_at.isoformat(), "child_id": child_id, "household_id": inp.household_id,
         "request_id": request_id},
    )
    if inp.callback is not None:
        create_callback(
            s, actor, inp.callback, call_id=call.id, default_summary=f"Call back: {call.summary}"[:SUMMARY_MAX],
            default_request_id=request_id, default_household_id=inp.household_id,
        )
    return call.id


# ---------------------------------------------------------------- reading


def callback_views(session: Session, where: Any, *, order: Any = None, limit: int = 50) -> list[CallbackView]:
    assignee = aliased(User)
    q = (
        select(Callback, Team.name, assignee.full_name)
        .join(Team, Team.id == Callback.team_id)
        .join(assignee, assignee.id == Callback.assigned_to_id, isouter=True)
        .where(where)
        .order_by(*(order if order is not None else [Callback.due_at, Callback.id]))
        .limit(limit)
    )
    return [_cb_view(cb, team, who) for cb, team, who in session.exec(q).all()]


def _cb_view(cb: Callback, team: str, who: str | None) -> CallbackView:
    return CallbackView(
        id=cb.id, due_at=cb.due_at, team_id=cb.team_id, team_name=team, assigned_to_id=cb.assigned_to_id,
        assigned_to_name=who or "", summary=cb.summary, status=cb.status, snooze_reason=cb.snooze_reason,
        snooze_count=cb.snooze_count, call_id=cb.call_id, request_id=cb.request_id, household_id=cb.household_id,
        done_at=cb.done_at,
    )


def get_call(desk: Desk, call_id: int) -> CallView:
    require(desk.actor, Permission.READ, "read calls")
    with desk.db.read() as s:
        row = s.exec(
            select(Call, User.full_name, Team.name)
            .join(User, User.id == Call.taken_by_id)
            .join(Team, Team.id == Call.team_id)
            .where(Call.id == call_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no call number {call_id}; open it again from the calls list.")
        call, who, team = row
        child = s.get(Child, call.child_id) if call.child_id else None
        hh = s.get(Household, call.household_id) if call.household_id else None
        req = s.get(PlacementRequest, call.request_id) if call.request_id else None
        cbs = callback_views(s, Callback.call_id == call.id)
        return CallView(
            id=call.id, received_at=call.received_at, direction=call.direction, taken_by_id=call.taken_by_id,
            taken_by_name=who, team_id=call.team_id, team_name=team, caller_type=call.caller_type,
            caller_name=call.caller_name, caller_phone=call.caller_phone, category=call.category,
            summary=call.summary, notes=call.notes,
            child_id=call.child_id, child_name=child.display_name if child else "",
            child_reference=child.case_reference if child else "",
            household_id=call.household_id, household_name=hh.name if hh else "",
            household_reference=hh.reference if hh else "",
            request_id=call.request_id, request_reference=req.reference if req else "",
            placement_id=call.placement_id, created_at=call.created_at, callbacks=tuple(cbs),
        )


def filter_clause(dialect: str, f: CallFilter) -> list[Any]:
    where: list[Any] = []
    if f.date_from and f.date_to and f.date_to < f.date_from:
        raise InvalidInput("The 'to' date is before the 'from' date; swap them or clear one.")
    if f.date_from and f.date_from > clock.today():
        # It listed "No calls match", as if there had been none, for a day not yet come.
        raise InvalidInput(f"From: {f.date_from:%d/%m/%Y} is in the future, and calls are logged when they "
                           "come in; type a day up to today, or leave it blank.")
    if f.date_from:
        where.append(Call.received_at >= local_day_start(f.date_from))
    if f.date_to:
        where.append(Call.received_at < local_day_start(f.date_to + dt.timedelta(days=1)))
    if f.team_id is not None:
        where.append(Call.team_id == f.team_id)
    if f.category:
        where.append(Call.category == as_enum(CallCategory, f.category, "Category"))
    if f.caller_type:
        where.append(Call.caller_type == as_enum(CallerType, f.caller_type, "Caller type"))
    for col, val in ((Call.taken_by_id, f.taken_by_id), (Call.child_id, f.child_id),
                     (Call.household_id, f.household_id), (Call.request_id, f.request_id)):
        if val is not None:
            where.append(col == val)
    clause = call_search.search_clause(dialect, f.search)
    if clause is not None:
        where.append(clause)
    return where


def list_calls(desk: Desk, f: CallFilter | None = None, *, limit: int = 50, offset: int = 0) -> CallPage:
    """A page of calls, newest first, filtered and searched in SQL (never unbounded)."""
    require(desk.actor, Permission.READ, "read calls")
    f = f or CallFilter()
    limit = max(1, min(int(limit), PAGE_MAX))
    offset = max(0, int(offset))
    dialect = desk.db.engine.dialect.name
    where = filter_clause(dialect, f)
    q = (
        select(
            Call.id, Call.received_at, Call.caller_type, Call.caller_name, Call.category, Call.summary,
            User.full_name, Team.name, Child.first_name, Child.last_name, PlacementRequest.reference,
        )
        .join(User, User.id == Call.taken_by_id)
        .join(Team, Team.id == Call.team_id)
        .join(Child, Child.id == Call.child_id, isouter=True)
        .join(PlacementRequest, PlacementRequest.id == Call.request_id, isouter=True)
        .where(*where)
        .order_by(Call.received_at.desc(), Call.id.desc())
        .limit(limit + 1)
        .offset(offset)
    )
    with desk.db.read() as s:
        rows = s.exec(q).all()
    out = [
        CallRow(
            id=r[0], received_at=r[1], caller_type=r[2], caller_name=r[3], category=r[4], summary=r[5],
            taken_by_name=r[6], team_name=r[7], child_name=f"{r[8] or ''} {r[9] or ''}".strip(),
            request_reference=r[10] or "",
        )
        for r in rows[:limit]
    ]
    return CallPage(rows=out, offset=offset, limit=limit, has_more=len(rows) > limit)


def team_id_for(desk: Desk, code_or_id: str | int | None) -> int | None:
    """A team id from its code (EAST) or number; None for blank."""
    if code_or_id in (None, ""):
        return None
    with desk.db.read() as s:
        text = str(code_or_id).strip()
        if text.isdigit():
            team = s.get(Team, int(text))
        else:
            team = s.exec(select(Team).where(sa.func.upper(Team.code) == text.upper())).first()
        if team is None:
            codes = ", ".join(t for t in s.exec(select(Team.code).order_by(Team.code)).all())
            raise NotFound(f"There is no team {text!r}; type one of: {codes}.")
        return team.id


def user_id_for(desk: Desk, username: str | None) -> int | None:
    if not username:
        return None
    with desk.db.read() as s:
        user = s.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise NotFound(f"There is no worker with login {username!r}; check the spelling (dutydesk users list).")
    return user.id
