"""Allegations as the screens, the command line and the export read them: plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from db.enums import AllegationCategory, AllegationParty, AllegationStatus, AllegationStep
from db.models import (
    Allegation,
    AllegationChild,
    AllegationEvent,
    AllegationStepDue,
    Child,
    Household,
    User,
)
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.allegations.found import find
from dutydesk.allegations.record import placed_children
from dutydesk.allegations.timeline import state
from dutydesk.errors import NotFound
from dutydesk.labels import label

LIST_MAX = 200
LATE = ("overdue", "due today")


@dataclass(frozen=True)
class StepView:
    kind: AllegationStep
    title: str
    seq: int
    due_on: dt.date
    done_at: dt.datetime | None
    done_by: str
    note: str
    delay_reason: str
    state: str  # met, late, overdue, due today, due


@dataclass(frozen=True)
class EventView:
    at: dt.datetime
    by: str
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class ChildLine:
    child_id: int
    name: str
    case_reference: str
    concerned: bool
    placed: bool
    safety: str  # words, "" when not placed there
    reason: str


@dataclass(frozen=True)
class AllegationView:
    id: int
    reference: str
    household_id: int
    household_reference: str
    household_name: str
    category: AllegationCategory
    category_words: str
    status: AllegationStatus
    raised_at: dt.datetime
    raised_by: str
    summary: str
    said_by: str
    told: tuple[str, ...]
    children: tuple[ChildLine, ...]
    on_hold: bool
    hold_lifted_at: dt.datetime | None
    hold_lifted_by: str
    hold_decision: str
    carers_told_at: dt.datetime | None
    carers_support: str
    outcome: str
    outcome_on: dt.date | None
    outcome_rationale: str
    approval_review_needed: bool | None
    approval_review_on: dt.date | None
    closed_at: dt.datetime | None
    closed_by: str
    steps: tuple[StepView, ...]
    events: tuple[EventView, ...]

    @property
    def is_open(self) -> bool:
        return self.status == AllegationStatus.OPEN

    @property
    def next_step(self) -> StepView | None:
        waiting = [st for st in self.steps if st.done_at is None]
        return min(waiting, key=lambda st: st.due_on) if waiting else None

    @property
    def days_open(self) -> int:
        end = self.closed_at or clock.now()
        return max(0, (clock.local(end).date() - clock.local(self.raised_at).date()).days)


@dataclass(frozen=True)
class AllegationRow:
    reference: str
    household_id: int
    household_reference: str
    household_name: str
    category_words: str
    status: AllegationStatus
    raised_at: dt.datetime
    next_step: str  # "" when closed
    next_due: dt.date | None
    state: str


@dataclass(frozen=True)
class DueStep:
    """A step overdue or due today, for the dashboard, the handover and the oversight queue."""

    reference: str
    household_id: int
    household_name: str
    step: str
    due_on: dt.date
    state: str
    raised_at: dt.datetime


def _names(s, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(s.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all())


def get_allegation(desk: Desk, reference: str) -> AllegationView:
    require(desk.actor, Permission.READ, "read allegations")
    today = clock.today()
    with desk.db.read() as s:
        a = find(s, reference)
        h = s.get(Household, a.household_id)
        steps = s.execute(sa.select(AllegationStepDue).where(AllegationStepDue.allegation_id == a.id)
                          .order_by(AllegationStepDue.due_on, AllegationStepDue.id)).scalars().all()
        events = s.execute(sa.select(AllegationEvent).where(AllegationEvent.allegation_id == a.id)
                           .order_by(AllegationEvent.at, AllegationEvent.id)).scalars().all()
        kids = s.execute(sa.select(AllegationChild, Child).join(Child, Child.id == AllegationChild.child_id)
                         .where(AllegationChild.allegation_id == a.id)
                         .order_by(AllegationChild.concerned.desc(), Child.first_name, Child.id)).all()
        names = _names(s, {a.raised_by_id, a.hold_lifted_by_id, a.closed_by_id,
                           *(st.done_by_id for st in steps), *(e.by_user_id for e in events)})
    told = {p.strip() for p in (a.told or "").split(",") if p.strip()}
    return AllegationView(
        id=a.id, reference=a.reference, household_id=h.id, household_reference=h.reference, household_name=h.name,
        category=AllegationCategory(a.category), category_words=label(AllegationCategory(a.category)),
        status=AllegationStatus(a.status), raised_at=a.raised_at, raised_by=names.get(a.raised_by_id, ""),
        summary=a.summary, said_by=a.said_by or "",
        told=tuple(label(p) for p in AllegationParty if p.value in told),
        children=tuple(ChildLine(c.id, c.display_name, c.case_reference, ac.concerned, ac.placed,
                                 label(ac.safety) if ac.safety else "", ac.safety_reason or "") for ac, c in kids),
        on_hold=bool(a.on_hold), hold_lifted_at=a.hold_lifted_at, hold_lifted_by=names.get(a.hold_lifted_by_id, ""),
        hold_decision=a.hold_decision or "", carers_told_at=a.carers_told_at, carers_support=a.carers_support or "",
        outcome=label(a.outcome) if a.outcome else "", outcome_on=a.outcome_on,
        outcome_rationale=a.outcome_rationale or "", approval_review_needed=a.approval_review_needed,
        approval_review_on=a.approval_review_on, closed_at=a.closed_at, closed_by=names.get(a.closed_by_id, ""),
        steps=tuple(StepView(AllegationStep(st.kind), _step_title(st), st.seq, st.due_on, st.done_at,
                             names.get(st.done_by_id, ""), st.note, st.delay_reason,
                             state(st.due_on, st.done_at, today)) for st in steps),
        events=tuple(EventView(e.at, names.get(e.by_user_id, ""), str(e.kind), label(e.kind), e.text)
                     for e in events),
    )


def _step_title(st) -> str:
    words = label(AllegationStep(st.kind))
    return f"{words} {st.seq}" if st.kind == AllegationStep.REVIEW else words


def _next_steps(s, allegation_ids: list[int]) -> dict[int, AllegationStepDue]:
    if not allegation_ids:
        return {}
    out: dict[int, AllegationStepDue] = {}
    for st in s.execute(sa.select(AllegationStepDue).where(AllegationStepDue.allegation_id.in_(allegation_ids),
                                                            AllegationStepDue.done_at.is_(None))
                        .order_by(AllegationStepDue.due_on.desc(), AllegationStepDue.id.desc())).scalars():
        out[st.allegation_id] = st
    return out


def list_allegations(desk: Desk, *, open_only: bool = True, household_id: int | None = None,
                     limit: int = 100) -> list[AllegationRow]:
    """Allegations, newest raised first, each with its next step and that step's state."""
    require(desk.actor, Permission.READ, "read allegations")
    today = clock.today()
    q = (sa.select(Allegation, Household.reference, Household.name)
         .join(Household, Household.id == Allegation.household_id)
         .order_by(Allegation.raised_at.desc(), Allegation.id.desc()).limit(max(1, min(limit, LIST_MAX))))
    if open_only:
        q = q.where(Allegation.status == AllegationStatus.OPEN)
    if household_id is not None:
        q = q.where(Allegation.household_id == household_id)
    with desk.db.read() as s:
        rows = s.execute(q).all()
        nxt = _next_steps(s, [a.id for a, _, _ in rows])
    out = []
    for a, href, hname in rows:
        st = nxt.get(a.id)
        out.append(AllegationRow(a.reference, a.household_id, href, hname, label(AllegationCategory(a.category)),
                                 AllegationStatus(a.status), a.raised_at, _step_title(st) if st else "",
                                 st.due_on if st else None, state(st.due_on, None, today) if st else "closed"))
    return out


def due_steps(desk: Desk, *, limit: int = 50) -> list[DueStep]:
    """Steps of open allegations overdue or due today, the oldest due first."""
    require(desk.actor, Permission.READ, "read allegations")
    today = clock.today()
    st = aliased(AllegationStepDue)
    q = (sa.select(Allegation.reference, Allegation.household_id, Household.name, st, Allegation.raised_at)
         .join(Allegation, Allegation.id == st.allegation_id)
         .join(Household, Household.id == Allegation.household_id)
         .where(st.done_at.is_(None), st.due_on <= today, Allegation.status == AllegationStatus.OPEN)
         .order_by(st.due_on, Allegation.raised_at, st.id).limit(limit))
    with desk.db.read() as s:
        rows = s.execute(q).all()
    return [DueStep(ref, hid, name, _step_title(step), step.due_on, state(step.due_on, None, today), raised)
            for ref, hid, name, step, raised in rows]


@dataclass(frozen=True)
class ChildChoice:
    child_id: int
    name: str
    case_reference: str


def placed_now(desk: Desk, household_id: int) -> list[ChildChoice]:
    """The children living in the household today: each needs a safety decision."""
    require(desk.actor, Permission.READ, "read households")
    with desk.db.read() as s:
        rows = placed_children(s, household_id, clock.today())
        refs = dict(s.execute(sa.select(Child.id, Child.case_reference)
                              .where(Child.id.in_([cid for cid, _ in rows] or [-1]))).all())
    return [ChildChoice(cid, name, refs.get(cid, "")) for cid, name in rows]


def child_ids(desk: Desk, keys: list[str]) -> list[int]:
    """Children by case reference (CR-...) or number, in the order given."""
    out = []
    with desk.db.read() as s:
        for key in keys:
            text = str(key).strip()
            cid = s.execute(sa.select(Child.id).where(sa.func.upper(Child.case_reference) == text.upper())).scalar()
            if cid is None and text.isdigit() and s.get(Child, int(text)) is not None:
                cid = int(text)
            if cid is None:
                raise NotFound(f"There is no child {text!r}; give the case reference (CR-...).")
            out.append(cid)
    return out


@dataclass(frozen=True)
class LogContext:
    """What the form to record an allegation needs: the household and the children to name."""

    household_id: int
    household_reference: str
    household_name: str
    placed: tuple[ChildChoice, ...]  # each needs a safety decision
    others: tuple[ChildChoice, ...]  # the call's child, when not placed there


def log_context(desk: Desk, household_id: int, child_id: int | None = None) -> LogContext:
    placed = placed_now(desk, household_id)
    with desk.db.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise NotFound(f"There is no household number {household_id}; find it again.")
        extra = s.get(Child, child_id) if child_id is not None else None
    others = () if extra is None or any(c.child_id == extra.id for c in placed) else (
        ChildChoice(extra.id, extra.display_name, extra.case_reference),)
    return LogContext(h.id, h.reference, h.name, tuple(placed), others)
