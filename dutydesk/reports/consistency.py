"""The consistency report: does every team follow the same duty process? (Kent review 2.4, 2.6)

Per team and month (and per worker, for a manager), over the requests logged in
the period:

- requests logged;
- share with a saved search before the first contact with a carer (of those with a contact);
- share of decisions with a rationale;
- share signed off within one working day of the proposal (decisions made in office hours), and
  of retrospective sign-offs within one working day of the out-of-hours placement;
- median and 90th percentile hours from logged to placed;
- share placed in-house (own carers and connected persons), with an IFA, or closed unmet
  (of the requests with one of those outcomes);
- placement plans overdue and delegated-authority agreements incomplete (placements made).

The figures are counted by the database for each team, worker and month
(``consistency_counts``); every figure drills down to the requests behind it
(``drill``), judged one by one by ``consistency_facts``. A test holds the two to
the same answers on both stores.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from db.models import User
from db.enums import RequestState
from dutydesk import clock, labels
from dutydesk.access.desk import Desk
from dutydesk.reports import consistency_facts as F
from dutydesk.reports.consistency_counts import Figures, Tally, count_cells
from dutydesk.reports.period import Period, month_label, month_of
from dutydesk.reports.scope import TeamRef, all_teams, check_by_worker, report_team
from dutydesk.reports.shapes import (
    COUNT,
    HOURS,
    MIXED,
    SHARE,
    TEXT,
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

KIND = "consistency"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Figure:
    code: str
    title: str
    short: str
    kind: str


FIGURES: tuple[Figure, ...] = (
    Figure("logged", "Requests logged", "Requests logged", COUNT),
    Figure("search_first", "Saved search before the first contact", "Search before contact", SHARE),
    Figure("rationale", "Decisions with a rationale", "Decisions with rationale", SHARE),
    Figure("signoff", "Signed off within one working day", "Signed off in 1 day", SHARE),
    Figure("retro_signoff", "Retrospective sign-offs within one working day of placing",
           "Retro sign-off in 1 day", SHARE),
    Figure("placed_median_h", "Logged to placed, median (hours)", "To placed, median", HOURS),
    Figure("placed_p90_h", "Logged to placed, 90th percentile (hours)", "To placed, 90th pct", HOURS),
    Figure("in_house", "Placed in-house (own carers, connected persons)", "Placed in-house", SHARE),
    Figure("ifa", "Placed with an IFA", "Placed with IFA", SHARE),
    Figure("unmet", "Closed unmet", "Closed unmet", SHARE),
    Figure("plans_overdue", "Placement plans overdue", "Plans overdue", COUNT),
    Figure("da_incomplete", "Delegated authority incomplete", "Deleg. authority open", COUNT),
)
BY_CODE = {f.code: f for f in FIGURES}


@dataclass(frozen=True)
class ConsistencyRow:
    team_id: int | None  # None: every team in the report
    team: str
    month: dt.date | None  # None: the whole period
    figures: Figures
    worker_id: int | None = None
    worker: str = ""


@dataclass(frozen=True)
class ConsistencyReport:
    period: Period
    team: TeamRef | None
    teams: tuple[TeamRef, ...]
    by_team: tuple[ConsistencyRow, ...]  # the whole period: each team, then all of them
    by_month: tuple[ConsistencyRow, ...]  # each team (then all) by month
    by_worker: tuple[ConsistencyRow, ...]
    made_at: dt.datetime
    made_by: str

    def row(self, team_id: int | None, month: dt.date | None = None) -> ConsistencyRow:
        rows = self.by_team if month is None else self.by_month
        return next(r for r in rows if r.team_id == team_id and r.month == month)


def build(desk: Desk, period: Period, team: str | int | None = None, *, by_worker: bool = False,
          progress: Progress | None = None) -> ConsistencyReport:
    today = clock.today()
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, team)
        if by_worker:
            check_by_worker(desk.actor)
        teams = (chosen,) if chosen else tuple(all_teams(s))
        if progress:
            progress("Counting the requests", 0, 3)
        cells = count_cells(s, period, chosen.id if chosen else None, today)
        if progress:
            progress("Adding up", 1, 3)
        names = {}
        if by_worker:
            ids = sorted({wid for _t, wid, _m in cells})
            names = dict(s.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids or [-1]))).all())
    # The database counts each (team, worker, month); the groups are sums of those cells.
    months = period.months()
    groups: list[tuple[int | None, str]] = [(t.id, t.code) for t in teams]
    if len(teams) > 1:
        groups.append((None, "All"))
    totals: dict[tuple[int | None, int | None], Tally] = defaultdict(Tally)  # (team or None, month or None)
    per_worker: dict[tuple[int, int], Tally] = defaultdict(Tally)
    for (tid, wid, m), c in cells.items():
        for key in ((tid, m), (tid, None), (None, m), (None, None)):
            totals[key].add(c)
        if by_worker:
            per_worker[(wid, tid)].add(c)
    by_team: list[ConsistencyRow] = []
    by_month: list[ConsistencyRow] = []
    for tid, code in groups:
        by_team.append(ConsistencyRow(tid, code, None, totals.get((tid, None), Tally()).figures()))
        for i, m in enumerate(months):
            by_month.append(ConsistencyRow(tid, code, m, totals.get((tid, i), Tally()).figures()))
    workers: list[ConsistencyRow] = []
    if by_worker:
        team_code = {t.id: t.code for t in teams}
        for (wid, tid), c in sorted(per_worker.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0])):
            workers.append(ConsistencyRow(tid, team_code.get(tid, ""), None, c.figures(), wid,
                                          names.get(wid, f"user {wid}")))
    if progress:
        progress("Done", 3, 3)
    return ConsistencyReport(period, chosen, teams, tuple(by_team), tuple(by_month), tuple(workers),
                             clock.now(), desk.actor.full_name)


# --------------------------------------------------------------------------- the view


def _value(figs: Figures, code: str) -> Cell:
    v = getattr(figs, code)
    if isinstance(v, Share):
        return Cell(v.value, share=v)
    return Cell(v)


def _cell(figs: Figures, code: str, drill: Drill) -> Cell:
    """A figure's cell, with its drill-down when there are records behind it."""
    c = _value(figs, code)
    if c.share is not None:
        behind = c.share.of
    elif BY_CODE[code].kind == HOURS:
        behind = c.value is not None
    else:
        behind = c.value
    return Cell(c.value, drill if behind else None, c.share, BY_CODE[code].kind)


def view(report: ConsistencyReport, params: Params) -> ReportView:
    cols = [Column("figure", "Figure", TEXT)] + [Column(f"team:{r.team_id or 'all'}", r.team, MIXED)
                                                  for r in report.by_team]
    rows = []
    for fig in FIGURES:
        cells = [Cell(fig.short)]
        for r in report.by_team:
            cells.append(_cell(r.figures, fig.code, Drill(KIND, fig.code, r.team_id)))
        rows.append(tuple(cells))
    compared = Table("teams", "Teams compared, " + report.period.label, tuple(cols), tuple(rows),
                     row_keys=tuple(f.code for f in FIGURES),
                     note="Shares are of the requests (or decisions) each figure counts; "
                          "on the reports screen, Enter on a figure lists the requests behind it.")
    fig_cols = tuple(Column(f.code, f.title, f.kind, f.short) for f in FIGURES)
    monthly = Table(
        "months", "By team and month",
        (Column("team", "Team"), Column("month", "Month")) + fig_cols,
        tuple((Cell(r.team), Cell(month_label(r.month)))
              + tuple(_cell(r.figures, f.code, Drill(KIND, f.code, r.team_id, month=r.month)) for f in FIGURES)
              for r in report.by_month),
    )
    tables = [compared, monthly]
    if report.by_worker:
        tables.append(Table(
            "workers", "By worker (the worker holding each request)",
            (Column("worker", "Worker"), Column("team", "Team")) + fig_cols,
            tuple((Cell(r.worker), Cell(r.team))
                  + tuple(_cell(r.figures, f.code, Drill(KIND, f.code, r.team_id, worker_id=r.worker_id))
                          for f in FIGURES)
                  for r in report.by_worker),
        ))
    charts = {}
    months = report.period.months()
    for fig in FIGURES:
        for r in report.by_team:
            series = [x for x in report.by_month if x.team_id == r.team_id]
            values = []
            for x in series:
                v = getattr(x.figures, fig.code)
                values.append(v.value if isinstance(v, Share) else v)
            charts[f"{fig.code}:{r.team_id or 'all'}"] = Chart(
                f"{fig.short}, {r.team}, by month", tuple(m.strftime("%b") for m in months), tuple(values), fig.kind)
    team_label = report.team.name if report.team else "All teams"
    total = report.by_team[-1].figures.logged if report.by_team else 0
    intro = (f"{total} placement request{'s' if total != 1 else ''} logged from {report.period.label}, "
             f"{team_label.lower() if not report.team else team_label}.",
             "Figures count the requests logged in the period, whatever has happened to them since; "
             "timescales are judged as of today.")
    notes = (
        "Signed off within one working day: decisions proposed in office hours, signed off by the end of the "
        "next working day (English bank holidays excluded); a returned proposal is left out, and one still "
        "waiting counts as late once that day has passed.",
        "Retrospective sign-offs: emergency placements made out of hours before sign-off, signed off by the "
        "end of the working day after the placing.",
        "Outcome shares are of the requests placed or closed unmet; withdrawn and open requests are left out.",
        "Placement plan overdue: its due date (5 working days after placing) has passed while the child was "
        "still placed and the delegated-authority agreement recorded on the placement is incomplete; the desk "
        "records no other sign of a finished plan.",
    )
    return ReportView(params, "Consistency of the duty process", report.period.label, team_label,
                      report.made_at, report.made_by, intro, tuple(tables), charts, notes)


# --------------------------------------------------------------------------- drill-down


def _when(at: dt.datetime | None) -> str:
    return clock.fmt_local(at, "%d %b %H:%M") if at else "never"


def explain(code: str, f: F.RequestFact, today: dt.date) -> tuple[bool | None, str] | None:
    """How request ``f`` counts in figure ``code``: (met, words), or None if it is not counted."""
    if code == "logged":
        return None, f"logged {_when(f.created_at)}, now {labels.label(f.state, RequestState)}"
    if code == "search_first":
        v = F.search_first(f)
        if v is None:
            return None
        return v, f"first search {_when(f.first_search_at)}, first contact {_when(f.first_contact_at)}"
    if code == "rationale":
        if not f.decisions:
            return None
        without = sum(1 for d in f.decisions if not d.has_rationale)
        return without == 0, (f"{len(f.decisions)} decision{'s' if len(f.decisions) != 1 else ''}"
                              + (f", {without} without a rationale" if without else ", each with a rationale"))
    if code in ("signoff", "retro_signoff"):
        vs = F.signoff_verdicts(f, today) if code == "signoff" else F.retro_verdicts(f, today)
        if not vs:
            return None
        d = next((d for d in f.decisions if d.retrospective == (code == "retro_signoff")), None)
        start = f.placed_at if code == "retro_signoff" else (d.proposed_at if d else None)
        return all(vs), (f"{'placed' if code == 'retro_signoff' else 'proposed'} {_when(start)}, "
                         f"signed off {_when(d.signed_off_at if d else None)}")
    if code in ("placed_median_h", "placed_p90_h"):
        h = F.hours_to_place(f)
        if h is None:
            return None
        return None, f"placed {h:.1f} hours after it was logged"
    if code in ("in_house", "ifa", "unmet"):
        o = F.outcome(f)
        if o is None:
            return None
        words = {"in_house": "placed in-house", "ifa": "placed with an IFA", "unmet": "closed unmet"}[o]
        return o == code, words
    if code == "plans_overdue":
        late = [p for p in f.placements if F.plan_overdue(p, today)]
        if not late:
            return None
        return False, f"placement plan due {late[0].plan_due_on:%d %b %Y}; delegated authority incomplete"
    if code == "da_incomplete":
        open_ = [p for p in f.placements if not p.authority_complete]
        if not open_:
            return None
        return False, f"{len(open_)} placement{'s' if len(open_) != 1 else ''} without full delegated authority"
    raise KeyError(code)


def drill(desk: Desk, params: Params, d: Drill, *, limit: int = 200) -> DrillResult:
    period = Period(params.start, params.end)
    today = clock.today()
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, d.team_id if d.team_id is not None else params.team)
        if d.worker_id is not None:
            check_by_worker(desk.actor)
        codes = {t.id: t.code for t in all_teams(s)}
        facts = F.load_facts(s, period, chosen.id if chosen else None)
    rows = []
    for f in facts:
        if d.month is not None and month_of(f.created_at) != d.month:
            continue
        if d.worker_id is not None and f.worker_id != d.worker_id:
            continue
        got = explain(d.figure, f, today)
        if got is None:
            continue
        met, text = got
        rows.append(DrillRow("request", f.id, f.reference, f.created_at, codes.get(f.team_id, ""), text, met))
    rows.sort(key=lambda r: (r.met is not False, r.when or dt.datetime.min.replace(tzinfo=dt.UTC), r.id))
    fig = BY_CODE[d.figure]
    where = (chosen.code if chosen else "all teams") + (f", {month_label(d.month)}" if d.month else "")
    return DrillResult(f"{fig.title}: {where}", tuple(rows[:limit]), len(rows))
