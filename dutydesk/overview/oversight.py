"""Manager oversight: decisions awaiting sign-off, oldest first, with the evidence on one page.

The queue holds every proposed decision, including emergency placements made
out of hours before sign-off (flagged ``retrospective``) until a manager signs
them. An emergency placement outside the household's terms of approval is
``overdue`` once 6 working days have passed without sign-off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from db.enums import DecisionStatus, RequestState, Urgency
from db.models import Decision, Household, Placement, PlacementRequest, Search, User
from dutydesk import clock
from dutydesk.allegations.views import DueStep, due_steps
from dutydesk.labels import label
from dutydesk.requests.decision_record import SearchRecord, summarise_search
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, can
from dutydesk.errors import NotFound
from dutydesk.requests.terms import outside_terms_overdue
from dutydesk.requests.views import DecisionView, RequestDetail, decision_view, load_detail

EVIDENCE_RANKED = 10
EVIDENCE_EXCLUDED = 10


@dataclass(frozen=True)
class QueueItem:
    decision_id: int
    request_id: int
    reference: str
    urgency: Urgency
    request_state: RequestState
    kind: str
    household_name: str
    proposed_by: str
    proposed_at: dt.datetime
    waiting_hours: float
    retrospective: bool  # already placed, out of hours, before sign-off
    outside_terms: bool
    overdue: bool  # emergency placement outside terms unresolved after 6 working days
    placed_on: dt.date | None

    @property
    def flags(self) -> str:
        out = []
        if self.retrospective:
            out.append("PLACED")
        if self.outside_terms:
            out.append("OUTSIDE TERMS")
        if self.overdue:
            out.append("OVERDUE")
        return " ".join(out)


def queue(desk: Desk, *, limit: int = 50, offset: int = 0) -> list[QueueItem]:
    """Decisions awaiting sign-off, oldest first (a page at a time)."""
    now = clock.now()
    today = clock.today()
    with desk.db.read() as s:
        rows = s.exec(
            select(Decision, PlacementRequest, User)
            .join(PlacementRequest, PlacementRequest.id == Decision.request_id)
            .join(User, User.id == Decision.proposed_by_id)
            .where(Decision.status == DecisionStatus.PROPOSED)
            .where(PlacementRequest.state.in_([RequestState.PROPOSED, RequestState.PLACED]))
            .order_by(Decision.proposed_at, Decision.id)
            .offset(offset).limit(limit)
        ).all()
        names: dict[int, str] = {}
        hids = {d.household_id for d, _r, _u in rows if d.household_id}
        if hids:
            names = dict(s.exec(select(Household.id, Household.name).where(Household.id.in_(list(hids)))).all())
        started: dict[int, dt.date] = {}
        ids = [d.id for d, _r, _u in rows]
        if ids:
            for did, first in s.exec(
                select(Placement.decision_id, sa.func.min(Placement.starts_on))
                .where(Placement.decision_id.in_(ids)).group_by(Placement.decision_id)
            ).all():
                started[did] = first
        out = []
        for d, r, u in rows:
            placed_on = started.get(d.id)
            out.append(QueueItem(
                decision_id=d.id, request_id=r.id, reference=r.reference, urgency=r.urgency, request_state=r.state,
                kind=d.kind.value, household_name=names.get(d.household_id, ""), proposed_by=u.full_name,
                proposed_at=d.proposed_at, waiting_hours=round((now - d.proposed_at).total_seconds() / 3600, 1),
                retrospective=d.retrospective, outside_terms=d.outside_terms,
                overdue=bool(d.outside_terms and placed_on and outside_terms_overdue(placed_on, today)),
                placed_on=placed_on,
            ))
        return out


def allegation_steps(desk: Desk) -> list[DueStep]:
    """Steps of open allegations overdue or due today, the oldest due first (managers' oversight)."""
    return due_steps(desk, limit=50)


def waiting_count(desk: Desk) -> int:
    with desk.db.read() as s:
        return s.exec(
            select(sa.func.count()).select_from(Decision)
            .join(PlacementRequest, PlacementRequest.id == Decision.request_id)
            .where(Decision.status == DecisionStatus.PROPOSED,
                   PlacementRequest.state.in_([RequestState.PROPOSED, RequestState.PLACED]))
        ).one()


@dataclass(frozen=True)
class Evidence:
    decision: DecisionView
    request: RequestDetail
    search: SearchRecord | None  # the latest saved search, summarised
    can_sign: bool
    why_not: str


def evidence(desk: Desk, decision_id: int) -> Evidence:
    """Everything a manager needs to sign off or return a decision, on one page."""
    with desk.db.read() as s:
        d = s.get(Decision, decision_id)
        if d is None:
            raise NotFound(f"There is no decision number {decision_id}; open it from the oversight queue.")
        req = s.get(PlacementRequest, d.request_id)
        detail = load_detail(s, req)
        latest = s.exec(
            select(Search).where(Search.request_id == req.id).order_by(sa.desc(Search.id)).limit(1)
        ).first()
        srch = None
        if latest is not None:
            run_by = next((x.run_by for x in detail.searches if x.id == latest.id), "")
            srch = summarise_search(
                s, latest, run_by=run_by, contacted_ids=frozenset(c.household_id for c in detail.candidates),
                ranked_limit=EVIDENCE_RANKED, excluded_limit=EVIDENCE_EXCLUDED,
            )
        why = ""
        if not can(desk.actor, Permission.SIGN_OFF):
            why = "Only a manager can sign off."
        elif d.proposed_by_id == desk.actor.user_id:
            why = "You proposed this decision; another manager must sign it off."
        elif d.status != DecisionStatus.PROPOSED:
            why = f"This decision is {label(d.status)}."
        return Evidence(decision=decision_view(s, d), request=detail, search=srch, can_sign=not why, why_not=why)
