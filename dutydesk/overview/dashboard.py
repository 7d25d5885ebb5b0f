"""The duty dashboard's figures: a handful of small, bounded queries.

``load(desk)`` returns plain dataclasses; the screen calls it every few
seconds from a thread worker, so each query is limited and uses an index.

Start-up: the dashboard is the first screen, and its first load is on the path
from process start to the desk being ready. So this module reads the store
through light table descriptions (``dutydesk.overview.light_tables``) of the
columns it selects, and does not import ``db.models`` (about 0.15 s of SQLModel
class building and mapper configuration) or the services that do. The read-only
record views (``dutydesk.overview.records``) import the models when opened.
The names are the models' own; the dashboard tests run every query against a
store built from the models, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.enums import (
    CallbackStatus,
    DecisionStatus,
    RequestState,
    Urgency,
)
from dutydesk import clock
from dutydesk.calls.views import CallbackView, CallRow, local_day_start
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, can, require
from dutydesk.labels import label
from dutydesk.matching import capacity
from dutydesk.overview import waiting
from dutydesk.overview.waiting import LIST_MAX, WaitingItem
from dutydesk.overview.light_tables import (
    Call,
    Callback,
    Child,
    Decision,
    Draft,
    PlacementRequest,
    RequestChild,
    Team,
    User,
)

FREE = capacity.FREE_PLACES_SQL

# The open states of a request (dutydesk.requests.transitions.OPEN_STATES, which imports the models).
OPEN_STATES = frozenset(s for s in RequestState if s.is_open)


def callback_views(s: Session, where: Any, *, limit: int) -> list[CallbackView]:
    """Callbacks matching ``where``, soonest first (as dutydesk.calls.call_log.callback_views orders them)."""
    assignee = User.alias()
    cb = Callback
    rows = s.execute(
        sa.select(cb.id, cb.due_at, cb.team_id, Team.name, cb.assigned_to_id, assignee.full_name, cb.summary,
                  cb.status, cb.snooze_reason, cb.snooze_count, cb.call_id, cb.request_id, cb.household_id,
                  cb.done_at)
        .join(Team, Team.id == cb.team_id)
        .join(assignee, assignee.id == cb.assigned_to_id, isouter=True)
        .where(where)
        .order_by(cb.due_at, cb.id)
        .limit(limit)
    ).all()
    return [CallbackView(r[0], r[1], r[2], r[3], r[4], r[5] or "", *r[6:]) for r in rows]


def has_call_draft(desk: Desk) -> bool:
    """Whether the signed-in worker has a saved call form (then dutydesk.calls.drafts reads it)."""
    if desk.actor.user_id is None:
        return False
    with desk.db.read() as s:
        return s.execute(
            sa.select(sa.literal(1)).select_from(Draft)
            .where(Draft.user_id == desk.actor.user_id, Draft.kind == "call").limit(1)
        ).first() is not None



URGENCY_ORDER = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.PLANNED: 2}


@dataclass(frozen=True)
class RequestLine:
    id: int
    reference: str
    urgency: Urgency
    state: RequestState
    placement_type: str
    worker_name: str
    team_name: str
    children: str  # "Amy O'Brien (13)" or "Al (4), Bo (7), Cy (9)"
    child_count: int
    needed_from: dt.date
    created_at: dt.datetime

    def waited(self, at: dt.datetime) -> dt.timedelta:
        return at - self.created_at


@dataclass(frozen=True)
class VacancyLine:
    household_id: int
    reference: str
    name: str
    vacancies: int
    vacant_since: dt.date | None

    def days_waiting(self, today: dt.date) -> int | None:
        return None if self.vacant_since is None else (today - self.vacant_since).days


@dataclass(frozen=True)
class DashboardData:
    at: dt.datetime
    requests: list[RequestLine] = field(default_factory=list)
    requests_total: int = 0
    callbacks: list[CallbackView] = field(default_factory=list)
    callbacks_overdue: int = 0
    callbacks_total: int = 0
    households_with_vacancy: int = 0
    vacant_places: int = 0
    vacancies: list[VacancyLine] = field(default_factory=list)
    calls_today: list[CallRow] = field(default_factory=list)
    calls_today_count: int = 0
    waiting: list[WaitingItem] = field(default_factory=list)
    team_name: str = ""


def age_text(dob: dt.date | None, today: dt.date) -> str:
    if dob is None:
        return "?"
    return str(today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day)))


def fmt_wait(delta: dt.timedelta) -> str:
    """'45m', '3h10m', '2d4h': how long something has waited, short enough for a column."""
    mins = max(0, int(delta.total_seconds() // 60))
    if mins < 60:
        return f"{mins}m"
    hours, mins = divmod(mins, 60)
    if hours < 24:
        return f"{hours}h{mins:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours}h"


def fmt_left(delta: dt.timedelta) -> str:
    """Time left before a callback is due, or 'overdue 25m'."""
    if delta.total_seconds() < 0:
        return f"overdue {fmt_wait(-delta)}"
    return f"in {fmt_wait(delta)}"


def _requests(s: Session, today: dt.date) -> tuple[list[RequestLine], int]:
    open_states = [st.value for st in OPEN_STATES]
    urgency_rank = sa.case(
        {Urgency.EMERGENCY.value: 0, Urgency.URGENT.value: 1},
        value=sa.type_coerce(PlacementRequest.urgency, sa.String), else_=2,
    )
    worker = User.alias()
    P = PlacementRequest
    q = (
        sa.select(P.id, P.reference, P.urgency, P.state, P.placement_type, P.needed_from, P.created_at,
                  worker.full_name, Team.name)
        .join(worker, worker.id == PlacementRequest.worker_id, isouter=True)
        .join(Team, Team.id == PlacementRequest.team_id)
        .where(sa.type_coerce(PlacementRequest.state, sa.String).in_(open_states))
        .order_by(urgency_rank, PlacementRequest.created_at, PlacementRequest.id)
        .limit(LIST_MAX)
    )
    rows = s.execute(q).all()
    total = s.execute(
        sa.select(sa.func.count()).select_from(PlacementRequest)
        .where(sa.type_coerce(PlacementRequest.state, sa.String).in_(open_states))
    ).scalar_one()
    ids = [r[0] for r in rows]
    kids: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for rid, first, last, dob in s.execute(
            sa.select(RequestChild.request_id, Child.first_name, Child.last_name, Child.date_of_birth)
            .join(Child, Child.id == RequestChild.child_id)
            .where(RequestChild.request_id.in_(ids))
            .order_by(RequestChild.request_id, Child.date_of_birth.desc(), Child.id)
        ).all():
            kids[rid].append((first, last, dob))  # type: ignore[arg-type]
    out = []
    for rid, ref, urgency, state, ptype, needed_from, created_at, who, team in rows:
        names = kids.get(rid, [])
        if len(names) == 1:
            f, last, dob = names[0]  # type: ignore[misc]
            text = f"{f} {last}".strip() + f" ({age_text(dob, today)})"
        else:
            text = ", ".join(f"{f} ({age_text(dob, today)})" for f, _l, dob in names)  # type: ignore[misc]
        out.append(RequestLine(
            id=rid, reference=ref, urgency=urgency, state=state, placement_type=ptype.value,
            worker_name=who or "", team_name=team, children=text, child_count=len(names),
            needed_from=needed_from, created_at=created_at,
        ))
    return out, total


def _vacancies(s: Session, today: dt.date) -> tuple[list[VacancyLine], int, int]:
    """Households with a free place: how many, how many places, the longest waiting.

    The condition is literal SQL matching the partial index ``ix_households_vacancy``
    (db.call_search), so both queries read that small index instead of every
    household. SQLite's planner, without ANALYZE statistics, prefers the status
    index, so on SQLite the index is named (INDEXED BY); a store made before the
    index existed falls back to the plain table.
    """
    from db.call_search import VACANCY_INDEX

    sqlite = s.get_bind().dialect.name == "sqlite"
    try:
        return _vacancy_queries(s, f"households INDEXED BY {VACANCY_INDEX}" if sqlite else "households",
                                capacity.VACANCY_SQL, today)
    except sa.exc.OperationalError as err:
        if not sqlite or "no such index" not in str(err):
            raise
        return _vacancy_queries(s, "households", capacity.VACANCY_SQL, today)


def _vacancy_queries(s: Session, from_: str, where: str, today: dt.date) -> tuple[list[VacancyLine], int, int]:
    day = capacity.today_param(today)
    count, places = s.execute(sa.text(
        f"SELECT count(*), coalesce(sum({FREE}), 0) FROM {from_} "
        f"WHERE {where}"
    ).bindparams(day)).one()
    cols = sa.text(
        f"SELECT households.id, households.reference, households.name, "
        f"{FREE} AS free, households.vacant_since FROM {from_} "
        f"WHERE {where} AND households.vacant_since IS NOT NULL ORDER BY households.vacant_since, households.id "
        f"LIMIT :n"
    ).columns(sa.column("id", sa.Integer), sa.column("reference", sa.String), sa.column("name", sa.String),
              sa.column("free", sa.Integer), sa.column("vacant_since", sa.Date)).bindparams(day)
    rows = list(s.execute(cols, {"n": LIST_MAX}).all())
    if len(rows) < LIST_MAX:  # households with a free place but no date recorded come last
        nulls = sa.text(
            f"SELECT households.id, households.reference, households.name, "
            f"{FREE} AS free, households.vacant_since FROM households "
            f"WHERE {where} AND households.vacant_since IS NULL ORDER BY households.id LIMIT :n"
        ).columns(sa.column("id", sa.Integer), sa.column("reference", sa.String), sa.column("name", sa.String),
                  sa.column("free", sa.Integer), sa.column("vacant_since", sa.Date)).bindparams(day)
        rows += s.execute(nulls, {"n": LIST_MAX - len(rows)}).all()
    return [VacancyLine(*r) for r in rows], int(count), int(places)


def _calls_today(s: Session, team_id: int | None, today: dt.date) -> tuple[list[CallRow], int]:
    if team_id is None:
        return [], 0
    start = local_day_start(today)
    cond = sa.and_(Call.team_id == team_id, Call.received_at >= start)
    count = s.execute(sa.select(sa.func.count()).select_from(Call).where(cond)).scalar_one()
    rows = s.execute(
        sa.select(Call.id, Call.received_at, Call.caller_type, Call.caller_name, Call.category, Call.summary,
                  User.full_name, Child.first_name, Child.last_name)
        .join(User, User.id == Call.taken_by_id)
        .join(Child, Child.id == Call.child_id, isouter=True)
        .where(cond)
        .order_by(Call.received_at.desc(), Call.id.desc())
        .limit(LIST_MAX)
    ).all()
    return [
        CallRow(id=r[0], received_at=r[1], caller_type=r[2], caller_name=r[3], category=r[4], summary=r[5],
                taken_by_name=r[6], team_name="", child_name=f"{r[7] or ''} {r[8] or ''}".strip())
        for r in rows
    ], int(count)


def _waiting(s: Session, desk: Desk, at: dt.datetime) -> list[WaitingItem]:
    actor = desk.actor
    items: list[WaitingItem] = []
    if can(actor, Permission.SIGN_OFF):
        rows = s.execute(
            sa.select(Decision.id, Decision.request_id, Decision.kind, Decision.proposed_at, Decision.retrospective,
                      PlacementRequest.reference, User.full_name)
            .join(PlacementRequest, PlacementRequest.id == Decision.request_id)
            .join(User, User.id == Decision.proposed_by_id)
            .where(sa.type_coerce(Decision.status, sa.String) == DecisionStatus.PROPOSED.value,
                   Decision.proposed_by_id != (actor.user_id or -1))
            .order_by(Decision.retrospective.desc(), Decision.proposed_at)
            .limit(LIST_MAX)
        ).all()
        for _did, rid, kind, at_, retro, ref, who in rows:
            items.append(WaitingItem(
                kind="decision", id=rid, title=f"Sign off {ref}",
                detail=f"{'placed, retrospective' if retro else label(kind)} by {who}", since=at_,
            ))
        line = waiting.allegation_steps(s, clock.local(at).date())
        if line is not None:
            items.insert(0, line)  # a missed timescale on an allegation stands out first
    if actor.user_id is not None:
        rows = s.execute(
            sa.select(Decision.request_id, PlacementRequest.reference, Decision.returned_at)
            .join(PlacementRequest, PlacementRequest.id == Decision.request_id)
            .where(sa.type_coerce(Decision.status, sa.String) == DecisionStatus.RETURNED.value,
                   Decision.proposed_by_id == actor.user_id,
                   sa.type_coerce(PlacementRequest.state, sa.String).in_([st.value for st in OPEN_STATES]))
            .order_by(Decision.returned_at)
            .limit(LIST_MAX)
        ).all()
        for rid, ref, when in rows:
            items.append(WaitingItem(kind="request", id=rid, title=f"Returned: {ref}",
                                     detail="manager sent the proposal back", since=when))
        rows = s.execute(
            sa.select(PlacementRequest.id, PlacementRequest.reference, PlacementRequest.state,
                      PlacementRequest.state_changed_at)
            .where(PlacementRequest.worker_id == actor.user_id,
                   sa.type_coerce(PlacementRequest.state, sa.String).in_([st.value for st in OPEN_STATES]))
            .order_by(PlacementRequest.state_changed_at)
            .limit(LIST_MAX)
        ).all()
        for rid, ref, state, when in rows:
            items.append(WaitingItem(kind="request", id=rid, title=f"Yours: {ref}",
                                     detail=label(state, RequestState), since=when))
        cbs = s.execute(
            sa.select(Callback.id, Callback.summary, Callback.due_at)
            .where(Callback.assigned_to_id == actor.user_id,
                   sa.type_coerce(Callback.status, sa.String) == CallbackStatus.OPEN.value,
                   Callback.due_at < at)
            .order_by(Callback.due_at)
            .limit(LIST_MAX)
        ).all()
        for cid, summary, due in cbs:
            items.append(WaitingItem(kind="callback", id=cid, title="Overdue callback", detail=summary, since=due))
    items += waiting.approvals_ending(s, clock.local(at).date())
    return items[:LIST_MAX]


def load(desk: Desk) -> DashboardData:
    """Everything the dashboard shows, read in one short session."""
    actor = desk.actor
    require(actor, Permission.READ, "see the dashboard")
    at = clock.now()
    today = clock.local(at).date()
    with desk.db.read() as s:
        requests, requests_total = _requests(s, today)
        mine = sa.and_(
            sa.type_coerce(Callback.status, sa.String) == CallbackStatus.OPEN.value,
            sa.or_(
                Callback.assigned_to_id == (actor.user_id or -1),
                sa.and_(Callback.team_id == (actor.team_id or -1), Callback.assigned_to_id.is_(None)),
            ),
        )
        callbacks = callback_views(s, mine, limit=LIST_MAX)
        cb_total, cb_overdue = s.execute(
            sa.select(sa.func.count(), sa.func.count(sa.case((Callback.due_at < at, 1))))
            .select_from(Callback).where(mine)
        ).one()
        vacancies, hh_count, places = _vacancies(s, today)
        calls, calls_count = _calls_today(s, actor.team_id, today)
        waiting = _waiting(s, desk, at)
    return DashboardData(
        at=at, requests=requests, requests_total=int(requests_total), callbacks=callbacks,
        callbacks_overdue=int(cb_overdue), callbacks_total=int(cb_total), households_with_vacancy=hh_count,
        vacant_places=places, vacancies=vacancies, calls_today=calls, calls_today_count=calls_count,
        waiting=waiting, team_name=actor.team_name,
    )
