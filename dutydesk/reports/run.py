"""The one door to the reports for the screens and the command line: run, drill down, export.

Callers pass plain values (report kind, dates, team code) and get a ``ReportView``
or a ``DrillResult``; ``export`` renders a view and writes the audit line, since a
report leaving the desk (a file, a spreadsheet, a printout) is data leaving the desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from dutydesk.reports import consistency, render, sufficiency, timescales, vacancies
from dutydesk.reports.period import make_period
from dutydesk.reports.scope import REPORT_ROLES, TeamRef, all_teams
from dutydesk.reports.shapes import Drill, DrillResult, Params, ReportView

KINDS = ("consistency", "sufficiency", "vacancies", "timescales")
TITLES = {"consistency": "Consistency", "sufficiency": "Sufficiency", "vacancies": "Vacancies",
          "timescales": "Timescales"}
_MODULES = {"consistency": consistency, "sufficiency": sufficiency, "vacancies": vacancies, "timescales": timescales}
Progress = Callable[[str, int, int], None]


def _module(kind: str):
    try:
        return _MODULES[kind]
    except KeyError:
        raise InvalidInput(f"There is no report called {kind!r}; choose one of {', '.join(KINDS)}.") from None


def run(desk: Desk, kind: str, date_from: dt.date | str | None = None, date_to: dt.date | str | None = None,
        team: str | None = None, *, by_worker: bool = False, progress: Progress | None = None) -> ReportView:
    module = _module(kind)
    period = make_period(date_from, date_to)
    if kind == "consistency":
        report = module.build(desk, period, team, by_worker=by_worker, progress=progress)
    else:
        if by_worker:
            raise InvalidInput("Figures for each worker are in the consistency report only.")
        report = module.build(desk, period, team, progress=progress)
    code = report.team.code if report.team else None
    return module.view(report, Params(kind, period.start, period.end, code, by_worker))


def drill(desk: Desk, params: Params, figure: Drill, *, limit: int = 200) -> DrillResult:
    return _module(figure.report).drill(desk, params, figure, limit=limit)


def export(desk: Desk, view: ReportView, fmt: str, *, destination: str = "") -> str:
    """The view in ``fmt``, with a line in the audit trail saying who took which report where."""
    if fmt not in render.FORMATS:
        raise InvalidInput(f"Choose the format {', '.join(render.FORMATS)}.")
    text = render.render(view, fmt)
    with desk.db.write() as s:
        audit.record(s, desk.actor, "report.exported", "reports", view.params.kind, {
            "format": fmt, "from": view.params.start.isoformat(), "to": view.params.end.isoformat(),
            "team": view.params.team, "by_worker": view.params.by_worker, "to_file": destination})
    return text


def teams(desk: Desk) -> list[TeamRef]:
    """The teams a report may be chosen for by this person (a duty worker: their own)."""
    with desk.db.read() as s:
        found = all_teams(s)
    if desk.actor.role in REPORT_ROLES:
        return found
    return [t for t in found if t.id == desk.actor.team_id]


def kinds_for(role: str) -> tuple[str, ...]:
    """The reports a role may open."""
    if role in {r.value for r in REPORT_ROLES}:
        return KINDS
    return ("consistency",) if role == "duty_worker" else ()
