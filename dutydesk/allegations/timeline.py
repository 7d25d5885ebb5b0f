"""The timeline's steps and their timescales, in working days (English bank holidays).

- LADO referral within 1 working day of the allegation being raised;
- the LADO's decision within 1 working day of the referral;
- the strategy or evaluation meeting within 5 working days of it being raised;
- a conclusion within 3 months, and, while there is none, a monthly review each
  recording the reason for the delay (a review closes the step it answers and sets
  the next one month on).

A step is due by the end of its due day (London). Each step done records when,
who and a note; one done after its due day must say why.
"""

from __future__ import annotations

import calendar
import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import AllegationEventKind, AllegationStep
from db.models import Allegation, AllegationEvent, AllegationStepDue
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.allegations.found import find, refuse_if_closed
from dutydesk.allegations.inputs import NOTE_MAX, REASON_MAX
from dutydesk.errors import Conflict, InvalidInput
from dutydesk.labels import label
from dutydesk.text import field_text
from dutydesk.working_days import add_working_days

LADO_DAYS = 1
DECISION_DAYS = 1
MEETING_DAYS = 5
CONCLUSION_MONTHS = 3

# The steps a worker records by hand (the conclusion is the outcome; reviews have their own call).
RECORDABLE = (AllegationStep.LADO_REFERRAL, AllegationStep.LADO_DECISION, AllegationStep.STRATEGY_MEETING)
EVENT_FOR = {
    AllegationStep.LADO_REFERRAL: AllegationEventKind.LADO_REFERRAL,
    AllegationStep.LADO_DECISION: AllegationEventKind.LADO_DECISION,
    AllegationStep.STRATEGY_MEETING: AllegationEventKind.STRATEGY_MEETING,
    AllegationStep.REVIEW: AllegationEventKind.REVIEW,
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter), moved on to a working day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    moved = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return add_working_days(moved, 0)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a due day, London time, in UTC."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)


def state(due_on: dt.date, done_at: dt.datetime | None, today: dt.date) -> str:
    """"met", "late" (done after its due day), "overdue", "due today" or "due"."""
    if done_at is not None:
        return "met" if clock.local(done_at).date() <= due_on else "late"
    if due_on < today:
        return "overdue"
    return "due today" if due_on == today else "due"


def open_steps(s: Session, a: Allegation) -> list[AllegationStepDue]:
    """The steps an allegation starts with, due from the day it was raised."""
    raised = clock.local(a.raised_at).date()
    steps = [
        AllegationStepDue(allegation_id=a.id, kind=AllegationStep.LADO_REFERRAL,
                          due_on=add_working_days(raised, LADO_DAYS)),
        AllegationStepDue(allegation_id=a.id, kind=AllegationStep.STRATEGY_MEETING,
                          due_on=add_working_days(raised, MEETING_DAYS)),
        AllegationStepDue(allegation_id=a.id, kind=AllegationStep.CONCLUSION,
                          due_on=add_months(raised, CONCLUSION_MONTHS)),
    ]
    s.add_all(steps)
    s.flush()
    return steps


def pending(s: Session, allegation_id: int, kinds: tuple[AllegationStep, ...]) -> AllegationStepDue | None:
    return s.execute(
        sa.select(AllegationStepDue)
        .where(AllegationStepDue.allegation_id == allegation_id, AllegationStepDue.kind.in_(kinds),
               AllegationStepDue.done_at.is_(None))
        .order_by(AllegationStepDue.due_on, AllegationStepDue.id).limit(1)
    ).scalar_one_or_none()


def _when(at: dt.datetime | None) -> dt.datetime:
    return (at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)


def _done(s: Session, actor: Actor, a: Allegation, step: AllegationStepDue, at: dt.datetime, note: str,
          delay: str, kind: AllegationEventKind) -> None:
    if at < a.raised_at:
        raise InvalidInput(f"A step cannot be before the allegation was raised ({clock.fmt_local(a.raised_at)}).")
    if at > clock.now() + dt.timedelta(minutes=5):
        raise InvalidInput("A step is recorded when it has happened; the time given is in the future.")
    late = clock.local(at).date() > step.due_on
    if late and not delay:
        raise InvalidInput(f"The {label(step.kind)} was due by {step.due_on:%a %d %b}; "
                           "say why it was late (reason for delay).")
    step.done_at, step.done_by_id, step.note, step.delay_reason = at, actor.user_id, note, delay
    text = note + (f" Reason for delay: {delay}" if delay else "")
    s.add(AllegationEvent(allegation_id=a.id, at=at, by_user_id=actor.user_id, kind=kind, text=text.strip()))
    s.flush()


def step_in(s: Session, actor: Actor, reference: str, kind: AllegationStep, note: str, *,
            at: dt.datetime | None = None, delay_reason: str = "") -> AllegationStepDue:
    require(actor, Permission.LOG, "record an allegation's steps")
    if kind not in RECORDABLE:
        raise InvalidInput(f"The {label(kind)} is recorded with the outcome or a review, not as a step.")
    when = _when(at)
    note = field_text(note, "Note", limit=NOTE_MAX, required=True, multiline=True,
                      missing=f"Say what happened at the {label(kind)}")
    delay = field_text(delay_reason, "Reason for delay", limit=REASON_MAX, multiline=True)
    a = find(s, reference)
    refuse_if_closed(a, "changed")
    step = pending(s, a.id, (kind,))
    if step is None:
        if kind == AllegationStep.LADO_DECISION:
            raise Conflict(f"Record the LADO referral for {a.reference} first; the decision follows it.")
        raise Conflict(f"The {label(kind)} for {a.reference} is recorded already; add a note to add to it.")
    _done(s, actor, a, step, when, note, delay, EVENT_FOR[kind])
    if kind == AllegationStep.LADO_REFERRAL:
        a.lado_referred_at = when
        s.add(AllegationStepDue(allegation_id=a.id, kind=AllegationStep.LADO_DECISION,
                                due_on=add_working_days(clock.local(when).date(), DECISION_DAYS)))
    elif kind == AllegationStep.STRATEGY_MEETING:
        a.strategy_meeting_at = when
    audit.record(s, actor, "allegation.step", "allegations", a.id, {
        "reference": a.reference, "step": kind.value, "due": step.due_on.isoformat(), "late": bool(delay)}, at=when)
    s.flush()
    return step


def record_step(desk: Desk, reference: str, kind: AllegationStep, note: str, *,
                at: dt.datetime | None = None, delay_reason: str = "") -> str:
    """Record that a step happened; returns "met" or "late" against its due day."""
    with desk.db.write() as s:
        step = step_in(s, desk.actor, reference, kind, note, at=at, delay_reason=delay_reason)
        return state(step.due_on, step.done_at, clock.today())


def review_in(s: Session, actor: Actor, reference: str, delay_reason: str, note: str = "", *,
              at: dt.datetime | None = None) -> AllegationStepDue:
    """A monthly review: why there is no conclusion yet; the next review is due a month on."""
    require(actor, Permission.LOG, "record an allegation's review")
    when = _when(at)
    delay = field_text(delay_reason, "Reason for delay", limit=REASON_MAX, required=True, multiline=True,
                       missing="A review records the reason for the delay; type it")
    note = field_text(note, "Note", limit=NOTE_MAX, multiline=True)
    a = find(s, reference)
    # Two reviews at once would number the next review alike (max + 1): the allegation's row lock
    # makes the second wait for the first (PostgreSQL; SQLite's writers are one at a time already).
    s.execute(sa.select(Allegation.id).where(Allegation.id == a.id).with_for_update())
    s.refresh(a)
    refuse_if_closed(a, "reviewed")
    step = pending(s, a.id, (AllegationStep.CONCLUSION, AllegationStep.REVIEW))
    assert step is not None, "an open allegation always has its conclusion or a review pending"
    step.done_at, step.done_by_id, step.note, step.delay_reason = when, actor.user_id, note, delay
    seq = (s.execute(sa.select(sa.func.max(AllegationStepDue.seq)).where(
        AllegationStepDue.allegation_id == a.id, AllegationStepDue.kind == AllegationStep.REVIEW)).scalar() or 0) + 1
    nxt = AllegationStepDue(allegation_id=a.id, kind=AllegationStep.REVIEW, seq=seq,
                            due_on=add_months(max(step.due_on, clock.local(when).date()), 1))
    s.add(nxt)
    s.add(AllegationEvent(allegation_id=a.id, at=when, by_user_id=actor.user_id, kind=AllegationEventKind.REVIEW,
                          text=f"Reason for delay: {delay}" + (f" {note}" if note else "")))
    audit.record(s, actor, "allegation.reviewed", "allegations", a.id,
                 {"reference": a.reference, "delay": delay, "next_due": nxt.due_on.isoformat()}, at=when)
    s.flush()
    return nxt


def record_review(desk: Desk, reference: str, delay_reason: str, note: str = "") -> dt.date:
    """Returns the next review's due day."""
    with desk.db.write() as s:
        return review_in(s, desk.actor, reference, delay_reason, note).due_on


def support_in(s: Session, actor: Actor, reference: str, support: str, carers_told_at: dt.datetime, *,
               at: dt.datetime | None = None) -> None:
    """The carers' side: independent support offered, and when they were told of the allegation."""
    require(actor, Permission.LOG, "record the carers' support")
    when = _when(at)
    text = field_text(support, "Support offered", limit=REASON_MAX, required=True, multiline=True,
                      missing="Say what independent support the carers were offered")
    a = find(s, reference)
    refuse_if_closed(a, "changed")
    if carers_told_at < a.raised_at or carers_told_at > clock.now() + dt.timedelta(minutes=5):
        raise InvalidInput("When the carers were told must be after the allegation was raised and not in the future.")
    a.carers_told_at, a.carers_support = carers_told_at.astimezone(dt.UTC).replace(microsecond=0), text
    s.add(AllegationEvent(allegation_id=a.id, at=when, by_user_id=actor.user_id,
                          kind=AllegationEventKind.CARER_SUPPORT,
                          text=f"Carers told {clock.fmt_local(carers_told_at, '%d %b %Y %H:%M')}. Support: {text}"))
    audit.record(s, actor, "allegation.carer_support", "allegations", a.id,
                 {"reference": a.reference, "told_at": carers_told_at.isoformat(), "support": text}, at=when)


def record_support(desk: Desk, reference: str, support: str, carers_told_at: dt.datetime) -> None:
    with desk.db.write() as s:
        support_in(s, desk.actor, reference, support, carers_told_at)
