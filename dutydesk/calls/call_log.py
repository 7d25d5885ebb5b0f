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
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from db import call_search
from db.enums import CallbackStatus, CallCategory, CallDirection, CallerType
from db.models import Call, Callback, Child, Household, Placement, PlacementRequest, Team, User
from dutydesk import clock, labels
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.calls.views import CallbackView, CallRow, local_day_start  # noqa: F401 - re-exported
from dutydesk.calls.intake import ChildInput, RequestInput, as_enum, create_child, open_request
from dutydesk.text import clean, field_text

SUMMARY_MAX = 500
NOTES_MAX = 20000
NAME_MAX = 120
FUTURE_SKEW = dt.timedelta(minutes=5)
OLDEST_CALL = dt.timedelta(days=31)
PAGE_MAX = 200

# The screens read these two names (kept until they take their words from dutydesk.labels).
CALLER_LABELS = labels.CALLER_TYPE
CATEGORY_LABELS = labels.CALL_CATEGORY


# ---------------------------------------------------------------- parsing typed values


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
_DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?$")


def parse_day(text: str | None, *, what: str = "Date", today: dt.date | None = None) -> dt.date | None:
    """DD/MM/YYYY, DD/MM (this year), YYYY-MM-DD, 'today', 'tomorrow', '+N' days; None for blank."""
    raw = clean(text).lower()
    if not raw:
        return None
    today = today or clock.today()
    if raw in ("today", "tod", "t"):
        return today
    if raw in ("tomorrow", "tom"):
        return today + dt.timedelta(days=1)
    if raw in ("yesterday",):
        return today - dt.timedelta(days=1)
    if re.fullmatch(r"\+\d{1,3}", raw):
        return today + dt.timedelta(days=int(raw[1:]))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return dt.date.fromisoformat(raw)
        m = _DATE_DMY.match(raw)
        if m:
            day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
            y = today.year if year is None else int(year)
            if year is not None and len(year) == 2:
                y += 2000
            return dt.date(y, month, day)
    except ValueError:
        pass
    raise InvalidInput(f"{what} {raw!r} is not a date; type DD/MM/YYYY (for example 01/12/2026), 'today' or 'tomorrow'.")


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


# ---------------------------------------------------------------- inputs and views


@dataclass(frozen=True)
class CallbackInput:
    """A callback set from a call or on its own. No worker: it is for the whole team."""

    due_at: dt.datetime
    summary: str = ""  # blank: the call's summary
    assigned_to_id: int | None = None
    team_id: int | None = None  # default the actor's team
    household_id: int | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class CallInput:
    caller_type: CallerType | str
    category: CallCategory | str
    summary: str
    received_at: dt.datetime | None = None  # default now
    direction: CallDirection | str = CallDirection.INCOMING
    caller_name: str = ""
    caller_phone: str = ""
    notes: str = ""
    child_id: int | None = None
    new_child: ChildInput | None = None  # recorded on the spot
    household_id: int | None = None
    request_id: int | None = None
    placement_id: int | None = None
    request: RequestInput | None = None  # opens a placement request with the call
    callback: CallbackInput | None = None


@dataclass(frozen=True)
class CallView:
    id: int
    received_at: dt.datetime
    direction: CallDirection
    taken_by_id: int
    taken_by_name: str
    team_id: int
    team_name: str
    caller_type: CallerType
    caller_name: str
    caller_phone: str
    category: CallCategory
    summary: str
    notes: str
    child_id: int | None = None
    child_name: str = ""
    child_reference: str = ""
    household_id: int | None = None
    household_name: str = ""
    household_reference: str = ""
    request_id: int | None = None
    request_reference: str = ""
    placement_id: int | None = None
    created_at: dt.datetime | None = None
    callbacks: tuple[CallbackView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("direction", "caller_type", "category"):
            d[k] = getattr(self, k).value
        d["callbacks"] = [c.to_json() for c in self.callbacks]
        return d


@dataclass(frozen=True)
class CallFilter:
    date_from: dt.date | None = None  # local dates, inclusive
    date_to: dt.date | None = None
    team_id: int | None = None
    category: CallCategory | str | None = None
    caller_type: CallerType | str | None = None
    taken_by_id: int | None = None
    child_id: int | None = None
    household_id: int | None = None
    request_id: int | None = None
    search: str = ""


@dataclass(frozen=True)
class CallPage:
    rows: list[CallRow]
    offset: int
    limit: int
    has_more: bool


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
