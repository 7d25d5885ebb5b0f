"""Lines of the dashboard's "waiting for you" list, and the lines about carers that stand out for everyone.

Kept apart from dashboard.py so the dashboard's read stays one short module; these read the same light
tables so the first frame's path still loads no models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.enums import AllegationStatus
from dutydesk import clock
from dutydesk.overview.light_tables import Allegation, AllegationStepDue, Household

LIST_MAX = 20  # the length of each of the dashboard's lists


@dataclass(frozen=True)
class WaitingItem:
    kind: str  # "decision", "request", "callback", "allegation"
    id: int  # the record to open (for a decision: its request)
    title: str
    detail: str
    since: dt.datetime | None



def allegation_steps(s: Session, today: dt.date) -> WaitingItem | None:
    """One line for a manager: open allegations' steps overdue or due today; Enter opens the oldest."""
    step, a = AllegationStepDue, Allegation
    waiting = sa.and_(step.done_at.is_(None), step.due_on <= today,
                      sa.type_coerce(a.status, sa.String) == AllegationStatus.OPEN.value)
    overdue, due_today = s.execute(
        sa.select(sa.func.count(sa.case((step.due_on < today, 1))), sa.func.count(sa.case((step.due_on == today, 1))))
        .select_from(step).join(a.__table__, a.id == step.allegation_id).where(waiting)
    ).one()
    if not overdue and not due_today:
        return None
    aid, ref, due = s.execute(
        sa.select(a.id, a.reference, step.due_on).select_from(step).join(a.__table__, a.id == step.allegation_id)
        .where(waiting).order_by(step.due_on, a.id).limit(1)
    ).one()
    parts = [f"{overdue} overdue" if overdue else "", f"{due_today} due today" if due_today else ""]
    since = dt.datetime.combine(due, dt.time(0), tzinfo=clock.LOCAL_TZ)
    return WaitingItem(kind="allegation", id=aid, title="Allegation steps",
                       detail=f"{', '.join(p for p in parts if p)}; oldest {ref}", since=since)


# A connected person's temporary approval this close to its end is on everyone's dashboard.
APPROVAL_WARN_DAYS = 14


def approvals_ending(s: Session, today: dt.date) -> list[WaitingItem]:
    rows = s.execute(
        sa.select(Household.id, Household.reference, Household.name, Household.approval_expires_on)
        .where(sa.type_coerce(Household.kind, sa.String) == "connected_person",
               sa.type_coerce(Household.status, sa.String) == "approved",
               Household.approval_expires_on.is_not(None),
               Household.approval_expires_on <= today + dt.timedelta(days=APPROVAL_WARN_DAYS))
        .order_by(Household.approval_expires_on, Household.id).limit(LIST_MAX)
    ).all()
    out = []
    for hid, ref, name, ends in rows:
        left = (ends - today).days
        when = "ended" if left < 0 else ("ends today" if left == 0 else f"ends in {left} day{'s' if left != 1 else ''}")
        out.append(WaitingItem(kind="household", id=hid, title=f"Approval {when}: {ref}",
                               detail=f"{name}: temporary approval {'ended' if left < 0 else 'ends'} {ends:%a %d %b}",
                               since=None))
    return out
