"""The timescales report: each step of the process against its timescale, and what is overdue now.

For the steps that fell due in the period: how many, how many met in time, how
many late; and, whatever their due date, how many are overdue today. Steps:

- placement plan within 5 working days of placing (the desk holds the due date and
  the delegated-authority agreement, the part of the plan it records: a plan counts
  as done when that agreement is complete, and its completion date is not recorded);
- the notifications due on placing (child's social worker, IRO, health, school...);
- an emergency placement outside the terms of approval signed off within 6 working days;
- decisions signed off within 1 working day, and retrospective sign-offs within
  1 working day of an out-of-hours placement;
- callbacks done by the time they were due;
- an allegation's LADO referral within 1 working day (from the allegations record).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.enums import AllegationStatus, CallbackStatus, DecisionStatus, RequestState
from db.models import (
    Allegation,
    Callback,
    Decision,
    Placement,
    PlacementRequest,
    RequestTransition,
    User,
)
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.reports.period import Period, on_time, stored_day, utc, working_deadline
from dutydesk.reports import timescales_sql as TS
from dutydesk.reports.scope import TeamRef, all_teams, report_team
from dutydesk.reports.shapes import (
    COUNT,
    SHARE,
    Cell,
    Chart,
    Column,
    Drill,
    DrillResult,
    DrillRow,
    Params,
    ReportView,
    Share,
    Table,
)

KIND = "timescales"
Progress = Callable[[str, int, int], None]
P = Placement.__table__
R = PlacementRequest.__table__
D = Decision.__table__
CB = Callback.__table__
A = Allegation.__table__
U = User.__table__

STEPS: tuple[tuple[str, str, str], ...] = (
    ("plan", "Placement plan", "5 working days after placing"),
    ("notify", "Notifications on placing", "the day of placing or the next working day"),
    ("outside", "Emergency placement outside terms signed off", "6 working days"),
    ("signoff", "Decision signed off", "1 working day"),
    ("retro", "Retrospective sign-off after an out-of-hours placement", "1 working day"),
    ("callback", "Callback made", "by the time it was due"),
    ("lado", "Allegation referred to the LADO", "1 working day"),
)
TITLES = {k: t for k, t, _w in STEPS}


@dataclass(slots=True)  # thousands a report: not frozen (a frozen init is twice as slow)
class Item:
    step: str
    open_kind: str  # "request", "household" or "" (nothing to open)
    open_id: int
    reference: str
    team_id: int | None
    due: dt.date
    verdict: bool | None  # True in time, False late or overdue, None not yet due
    done: bool
    what: str

    @property
    def overdue(self) -> bool:
        return not self.done and self.verdict is False


@dataclass(frozen=True)
class StepLine:
    step: str
    title: str
    timescale: str
    due: int
    met: int | None  # None where the desk does not record when it was done
    late: int | None
    overdue_now: int

    @property
    def share(self) -> Share:
        return Share(self.met or 0, (self.met or 0) + (self.late or 0))


@dataclass(frozen=True)
class TimescalesReport:
    period: Period
    team: TeamRef | None
    steps: tuple[StepLine, ...]
    made_at: dt.datetime
    made_by: str

    def step(self, key: str) -> StepLine:
        return next(s for s in self.steps if s.step == key)


def _placements(s, team_id):
    stmt = (sa.select(P.c.id, P.c.reference, P.c.request_id, P.c.household_id, TS.team_of_placement(), P.c.starts_on,
                      P.c.plan_due_on, P.c.ended_on, P.c.delegated_authority, P.c.notifications_due,
                      P.c.outside_terms, P.c.emergency, P.c.decision_id)
            .select_from(P).outerjoin(R, R.c.id == P.c.request_id).outerjoin(U, U.c.id == P.c.created_by_id))
    if team_id is not None:
        stmt = stmt.where(TS.team_of_placement() == team_id)
    return stmt


def _raw(col):
    """A time column read as stored and parsed by ``period.utc`` (quicker than the ORM type per row)."""
    return type_coerce(col, String)


def items(s, period: Period, team_id: int | None, today: dt.date, now: dt.datetime, *,
          words: bool = True, callbacks: bool = True) -> list[Item]:
    """Every step item that fell due in the period or is overdue today (``words`` off: without the
    drill-down's words, for the counts; ``callbacks`` off: those are counted by ``callback_counts``)."""
    out: list[Item] = []
    conn = s.connection()  # Core rows, without the ORM's result machinery
    base = _placements(s, team_id)
    # Placement plans are counted by the database (``plan_counts``); there are tens of thousands.
    # Notifications, from the placements that have them.
    for r in conn.execute(base.where(P.c.notifications_due.not_in(["", "[]"]))).all():
        pid, ref, rid, hid, team = r[0], r[1], r[2], r[3], r[4]
        try:
            notes = json.loads(r[9] or "[]")
        except ValueError:
            notes = []
        for n in notes:
            try:
                due = dt.date.fromisoformat(str(n.get("due_on")))
            except ValueError:
                continue
            done = bool(n.get("done"))
            if not (period.holds_day(due) or (not done and due < today)):
                continue
            verdict = True if done else (False if due < today else None)
            out.append(Item("notify", "request" if rid else "household", rid or hid, ref, team, due, verdict, done,
                            f"tell the {n.get('to', 'people concerned')} by {due:%d %b}"))
    # Decisions: sign-off and retrospective sign-off; emergencies outside terms within 6 working days.
    placed = (sa.select(RequestTransition.request_id.label("rid"), sa.func.min(RequestTransition.at).label("at"))
              .where(type_coerce(RequestTransition.to_state, String) == RequestState.PLACED.value)
              .group_by(RequestTransition.request_id).subquery())
    starts = (sa.select(P.c.decision_id.label("did"), sa.func.min(P.c.starts_on).label("on"),
                        sa.func.max(sa.case((sa.and_(P.c.outside_terms, P.c.emergency), 1), else_=0)).label("outside"))
              .where(P.c.decision_id.is_not(None)).group_by(P.c.decision_id).subquery())
    dq = (sa.select(D.c.id, D.c.request_id, R.c.reference, R.c.team_id, type_coerce(R.c.state, String),
                    type_coerce(D.c.status, String), _raw(D.c.proposed_at), _raw(D.c.signed_off_at),
                    D.c.retrospective, _raw(placed.c.at), starts.c.on, starts.c.outside)
          .join(R, R.c.id == D.c.request_id).outerjoin(placed, placed.c.rid == D.c.request_id)
          .outerjoin(starts, starts.c.did == D.c.id)
          .where(type_coerce(D.c.status, String) != DecisionStatus.RETURNED.value,
                 sa.or_(sa.and_(D.c.proposed_at >= period.start_at - dt.timedelta(days=14),
                                D.c.proposed_at < period.end_at),
                        D.c.signed_off_at.is_(None))))
    if team_id is not None:
        dq = dq.where(R.c.team_id == team_id)
    proposed_state = RequestState.PROPOSED.value
    for did, rid, ref, team, rstate, status, proposed, signed, retro, placed_at, start_on, outside in conn.execute(
            dq).all():  # one fetchall, not one call a row
        waiting = signed is None
        proposed, placed_at, signed_day = stored_day(proposed), stored_day(placed_at), stored_day(signed)
        if retro:
            cases = [("retro", placed_at or proposed, 1)]
        elif not waiting or rstate == proposed_state:
            cases = [("signoff", proposed, 1)]
        else:
            cases = []
        if outside and start_on is not None:
            cases.append(("outside", start_on, 6))
        for step, start, days in cases:
            due = working_deadline(start, days)
            if not (period.holds_day(due) or (waiting and due < today)):
                continue
            verdict = on_time(start, signed_day, days, today)
            out.append(Item(step, "request", rid, ref, team, due, verdict, not waiting,
                            (f"sign-off due by {due:%d %b}" + (f", signed {signed_day:%d %b}"
                                                               if signed else "")) if words else ""))
    if callbacks:
        out.extend(_callback_items(conn, period, team_id, now, words))
    out.extend(_lado_items(conn, period, team_id, today))
    return out


def _callback_items(conn, period: Period, team_id: int | None, now: dt.datetime, words: bool) -> list[Item]:
    out = []
    cq = (sa.select(CB.c.id, CB.c.request_id, CB.c.household_id, CB.c.team_id, _raw(CB.c.due_at), _raw(CB.c.done_at),
                    type_coerce(CB.c.status, String), CB.c.summary, R.c.reference)
          .outerjoin(R, R.c.id == CB.c.request_id)
          .where(type_coerce(CB.c.status, String) != CallbackStatus.CANCELLED.value, sa.or_(
              sa.and_(CB.c.due_at >= period.start_at, CB.c.due_at < period.end_at),
              sa.and_(type_coerce(CB.c.status, String) == CallbackStatus.OPEN.value, CB.c.due_at < now))))
    if team_id is not None:
        cq = cq.where(CB.c.team_id == team_id)
    done_status = CallbackStatus.DONE.value
    for cid, rid, hid, team, due_at, done_at, status, summary, ref in conn.execute(cq).all():
        done = status == done_status
        if done:  # stored the same way, so the raw values compare as the times do
            verdict = done_at is not None and done_at <= due_at
        else:
            verdict = False if utc(due_at) < now else None
        kind, oid = ("request", rid) if rid else ("household", hid) if hid else ("", cid)
        out.append(Item("callback", kind, oid, ref or f"callback {cid}", team, stored_day(due_at), verdict,
                        done, f"due {clock.fmt_local(utc(due_at))}" if words else ""))
    return out


def _lado_items(conn, period: Period, team_id: int | None, today: dt.date) -> list[Item]:
    """Allegations: the LADO referral within one working day."""
    out = []
    aq = (sa.select(A.c.id, A.c.reference, A.c.household_id, U.c.team_id, A.c.raised_at, A.c.lado_referral_due_at,
                    A.c.lado_referred_at, type_coerce(A.c.status, String))
          .join(U, U.c.id == A.c.raised_by_id))
    if team_id is not None:
        aq = aq.where(U.c.team_id == team_id)
    for aid, ref, hid, team, raised, due_at, referred, status in conn.execute(aq):
        due = clock.local(due_at).date() if due_at else working_deadline(raised, 1)
        waiting = referred is None and status == AllegationStatus.OPEN.value
        if not (period.holds_day(due) or (waiting and due < today)):
            continue
        if referred is not None:
            verdict = clock.local(referred).date() <= due
        else:
            verdict = False if (waiting and due < today) else None
        out.append(Item("lado", "household", hid, ref, team, due, verdict, referred is not None,
                        f"LADO referral due {due:%d %b}"))
    return out


def plan_items(s, period: Period, team_id: int | None, today: dt.date, figure: str, limit: int) -> tuple[list[Item], int]:
    where = TS.plans_where(period, today, figure)
    base = _placements(s, team_id)
    total = s.execute(sa.select(sa.func.count()).select_from(base.where(*where).subquery())).scalar() or 0
    out = []
    for r in s.execute(base.where(*where).order_by(P.c.plan_due_on, P.c.id).limit(limit)):
        pid, ref, rid, hid, team, due = r[0], r[1], r[2], r[3], r[4], r[6]
        overdue = figure == "overdue"
        out.append(Item("plan", "request" if rid else "household", rid or hid, ref, team, due,
                        False if overdue else None, not overdue, "placement plan due " + due.strftime("%d %b")))
    return out, total


def lines(found: list[Item], period: Period, plans: tuple[int, int] = (0, 0),
          callbacks: TS.StepCounts | None = None) -> tuple[StepLine, ...]:
    by_step: dict[str, list[Item]] = {}
    for i in found:  # one pass over the items, not one for each step
        by_step.setdefault(i.step, []).append(i)
    out = []
    for key, title, scale in STEPS:
        if key == "plan":
            out.append(StepLine(key, title, scale, plans[0], None, None, plans[1]))
            continue
        if key == "callback" and callbacks is not None:
            out.append(StepLine(key, title, scale, callbacks.due, callbacks.met, callbacks.late, callbacks.overdue))
            continue
        mine = by_step.get(key, [])
        in_period = [i for i in mine if period.holds_day(i.due)]
        met = sum(1 for i in in_period if i.verdict is True)
        late = sum(1 for i in in_period if i.verdict is False)
        recorded = key != "plan"
        out.append(StepLine(key, title, scale, len(in_period), met if recorded else None,
                            late if recorded else None, sum(1 for i in mine if i.overdue)))
    return tuple(out)


def build(desk: Desk, period: Period, team: str | int | None = None, *,
          progress: Progress | None = None) -> TimescalesReport:
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, team)
        if progress:
            progress("Reading the steps", 0, 2)
        tid = chosen.id if chosen else None
        now, today = clock.now(), clock.today()
        found = items(s, period, tid, today, now, words=False, callbacks=False)
        plans = TS.plan_counts(s, period, tid, today)
        calls = TS.callback_counts(s, period, tid, now)
    if progress:
        progress("Done", 2, 2)
    return TimescalesReport(period, chosen, lines(found, period, plans, calls), clock.now(), desk.actor.full_name)


def view(report: TimescalesReport, params: Params) -> ReportView:
    rows = []
    for x in report.steps:
        def d(col: str, n: int | None) -> Drill | None:
            return Drill(KIND, col, key=x.step) if n else None

        rows.append((Cell(x.title), Cell(x.timescale), Cell(x.due, d("due", x.due)), Cell(x.met, d("met", x.met)),
                     Cell(x.late, d("late", x.late)),
                     Cell(x.share.value if x.met is not None else None, share=x.share if x.met is not None else None),
                     Cell(x.overdue_now, d("overdue", x.overdue_now))))
    table = Table("steps", "Each step against its timescale", (
        Column("step", "Step"), Column("timescale", "Timescale", short="Within"),
        Column("due", "Due in the period", COUNT, "Due"), Column("met", "In time", COUNT, "In time"),
        Column("late", "Late", COUNT), Column("share", "Share in time", SHARE, "In time %"),
        Column("overdue", "Overdue now", COUNT, "Overdue"),
    ), tuple(rows), note="Overdue now counts everything overdue today, whenever it fell due.")
    charts = {"overdue": Chart("Overdue now, by step", tuple(k for k, _t, _w in STEPS),
                               tuple(float(x.overdue_now) for x in report.steps))}
    team_label = report.team.name if report.team else "All teams"
    overdue = sum(x.overdue_now for x in report.steps)
    intro = (f"{overdue} step{'s are' if overdue != 1 else ' is'} overdue today. Steps due from "
             f"{report.period.label} are counted in time or late.",)
    notes = ("Working days exclude weekends and English bank holidays; a step due in one working day may be "
             "done until the end of the next working day.",
             "Placement plans: the desk records the due date and the delegated-authority agreement, not the day a "
             "plan was finished; a plan is overdue while its date has passed, the child is still placed and the "
             "agreement is incomplete, so in time and late are not shown for plans.",
             "Allegations: the LADO referral against its due time; the other allegation steps (strategy meeting, "
             "outcome) have no timescale on the desk's records yet.")
    return ReportView(params, "Timescales: each step against its timescale", report.period.label, team_label,
                      report.made_at, report.made_by, intro, (table,), charts, notes)


def drill(desk: Desk, params: Params, d: Drill, *, limit: int = 200) -> DrillResult:
    period = Period(params.start, params.end)
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, params.team)
        codes = {t.id: t.code for t in all_teams(s)}
        tid = chosen.id if chosen else None
        if d.key == "plan":
            got, total = plan_items(s, period, tid, clock.today(), d.figure, limit)
            rows = tuple(DrillRow(i.open_kind, i.open_id, i.reference, i.due,
                                  codes.get(i.team_id, "") if i.team_id else "", i.what, i.verdict) for i in got)
            words = "overdue now" if d.figure == "overdue" else "due in the period"
            return DrillResult(f"{TITLES['plan']}: {words}", rows, total)
        found = [i for i in items(s, period, tid, clock.today(), clock.now()) if i.step == d.key]
    pick = {"due": lambda i: period.holds_day(i.due), "met": lambda i: period.holds_day(i.due) and i.verdict is True,
            "late": lambda i: period.holds_day(i.due) and i.verdict is False, "overdue": lambda i: i.overdue}[d.figure]
    chosen_items = sorted((i for i in found if pick(i)), key=lambda i: (i.due, i.reference))
    rows = tuple(DrillRow(i.open_kind, i.open_id, i.reference, i.due, codes.get(i.team_id, "") if i.team_id else "",
                          i.what, i.verdict) for i in chosen_items[:limit])
    words = {"due": "due in the period", "met": "in time", "late": "late", "overdue": "overdue now"}[d.figure]
    return DrillResult(f"{TITLES.get(d.key, d.key)}: {words}", rows, len(chosen_items))
