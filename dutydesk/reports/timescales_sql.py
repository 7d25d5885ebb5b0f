"""The timescales report's steps that the database counts whole: placement plans and callbacks.

Tens of thousands of placements and thousands of callbacks: each step's due, in time,
late and overdue-now counts are one pass of ``SUM(CASE ...)`` each. The drill-down
lists the same records (``timescales.plan_items``, ``timescales.items``); a test holds
the callbacks' counts to the listed ones on both stores.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.enums import CallbackStatus
from db.models import Callback, Placement, PlacementRequest, User
from dutydesk.reports.period import Period

P = Placement.__table__
R = PlacementRequest.__table__
U = User.__table__
CB = Callback.__table__


@dataclass(frozen=True)
class StepCounts:
    due: int  # fell due in the period
    met: int
    late: int
    overdue: int  # not done and past due now, whenever it fell due


def team_of_placement():
    return sa.func.coalesce(R.c.team_id, U.c.team_id)


def authority_open():
    da = sa.func.coalesce(P.c.delegated_authority, "")
    return sa.or_(da.like("%false%"), da.in_(["", "{}"]))


def plans_where(period: Period, today: dt.date, figure: str) -> list:
    in_period = sa.and_(P.c.plan_due_on >= period.start, P.c.plan_due_on <= period.end)
    overdue = sa.and_(P.c.plan_due_on < today, P.c.ended_on.is_(None), authority_open())
    return [P.c.plan_due_on.is_not(None), in_period if figure == "due" else overdue]


def _n(cond) -> sa.ColumnElement:
    return sa.func.sum(sa.case((cond, 1), else_=0))


def plan_counts(s, period: Period, team_id: int | None, today: dt.date) -> tuple[int, int]:
    """(plans due in the period, plans overdue now): one pass over the placements."""
    due, overdue = (plans_where(period, today, f)[1] for f in ("due", "overdue"))
    # A placement's team is its request's, or its placer's: joined only when a team is asked for.
    source = P if team_id is None else P.outerjoin(R, R.c.id == P.c.request_id).outerjoin(U, U.c.id == P.c.created_by_id)
    stmt = sa.select(_n(due), _n(overdue)).select_from(source).where(P.c.plan_due_on.is_not(None))
    if team_id is not None:
        stmt = stmt.where(team_of_placement() == team_id)
    a, b = s.execute(stmt).one()
    return int(a or 0), int(b or 0)


def callback_counts(s, period: Period, team_id: int | None, now: dt.datetime) -> StepCounts:
    """Callbacks (cancelled ones aside): due in the period, done by their time or not, and open past
    their time now. Times are compared as stored: the same type on both sides."""
    status = type_coerce(CB.c.status, String)
    done = status == CallbackStatus.DONE.value
    in_time = sa.and_(done, CB.c.done_at.is_not(None), CB.c.done_at <= CB.c.due_at)
    overdue = sa.and_(sa.not_(done), CB.c.due_at < now)
    in_period = sa.and_(CB.c.due_at >= period.start_at, CB.c.due_at < period.end_at)
    stmt = (sa.select(_n(in_period), _n(sa.and_(in_period, in_time)),
                      _n(sa.and_(in_period, sa.or_(sa.and_(done, sa.not_(in_time)), overdue))), _n(overdue))
            .where(status != CallbackStatus.CANCELLED.value))
    if team_id is not None:
        stmt = stmt.where(CB.c.team_id == team_id)
    due, met, late, late_now = s.connection().execute(stmt).one()
    return StepCounts(int(due or 0), int(met or 0), int(late or 0), int(late_now or 0))
