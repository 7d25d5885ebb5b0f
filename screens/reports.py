"""Reports: consistency, sufficiency, vacancies and timescales, chosen by report, period and team.

One load at a time, in an exclusive thread worker that takes plain values (the
report, dates, team) and posts messages carrying a generation number: its
progress as it goes, then the finished ``ReportView``; a message from an older
load is dropped. The table shows one of the report's tables at a time (n for
the next), sized for 80 columns; the chart below follows the highlighted figure.
Enter on a figure lists the requests or households behind it (a second worker),
and Enter there opens one. The screen never imports storage: it calls
``dutydesk.reports.run`` with plain values and reads plain dataclasses back.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static
from textual_plotext import PlotextPlot

from screens.base import DeskScreen
from screens.report_dialogs import DrillScreen, PeriodDialog

WIDTH = 78  # 80 columns less the scrollbar and a margin
# Columns the screen leaves to the printed report, to keep each table inside 80 columns.
HIDDEN = {"needs": {"group"}, "steps": {"timescale"}, "households": {"name", "decided"}}
KIND_TITLES = {"consistency": "Consistency", "sufficiency": "Sufficiency", "vacancies": "Vacancies",
               "timescales": "Timescales"}
CHART_FOR_TABLE = {"needs": "months", "months": "months", "reasons": "months", "groups": "groups",
                   "households": "groups", "steps": "overdue"}


class ReportsScreen(DeskScreen):
    CSS_PATH = "reports.tcss"
    HELP_TITLE = "Reports"
    BINDINGS = [
        Binding("r", "next_report", "Report", tooltip="Choose the next report", id="reports.report"),
        Binding("d", "dates", "Dates", tooltip="Choose the period", id="reports.dates"),
        Binding("t", "next_team", "Team", tooltip="Choose the next team (or all)", id="reports.team"),
        Binding("n", "next_table", "Next table", tooltip="Show the report's next table", id="reports.table"),
        Binding("w", "by_worker", "By worker", tooltip="Each worker's figures (managers)", id="reports.worker"),
        Binding("enter", "drill", "Behind it", tooltip="The requests or households behind the figure",
                id="reports.drill"),
        Binding("escape", "back", "Back", id="reports.back"),
    ]

    class Progressed(Message):
        def __init__(self, generation: int, step: str, done: int, total: int) -> None:
            super().__init__()
            self.generation, self.step, self.done, self.total = generation, step, done, total

    class Loaded(Message):
        def __init__(self, generation: int, view: Any, teams: list[Any]) -> None:
            super().__init__()
            self.generation, self.view, self.teams = generation, view, teams

    class Failed(Message):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation, self.text = generation, text

    class DrillFetched(Message):
        def __init__(self, generation: int, result: Any) -> None:
            super().__init__()
            self.generation, self.result = generation, result

    def __init__(self, kind: str | None = None) -> None:
        super().__init__()
        from dutydesk.reports.period import make_period

        period = make_period()
        self.kind = kind
        self.start, self.end = period.start, period.end
        self.team: str | None = None
        self.by_worker = False
        self.teams: list[Any] = []
        self.view: Any = None
        self.table_index = 0
        self.generation = 0
        self.drill_generation = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="report-heading", markup=False)
        yield DataTable(id="report-table", cursor_type="cell", zebra_stripes=True)
        yield PlotextPlot(id="report-chart")
        yield Footer()

    def on_mount(self) -> None:
        kinds = self.kinds()
        if self.kind not in kinds:
            self.kind = kinds[0] if kinds else None
        self.query_one("#report-table", DataTable).focus()
        self.reload()

    # -- what may be chosen -------------------------------------------------------------------

    def kinds(self) -> tuple[str, ...]:
        role = getattr(self.app, "role", None) or ""
        if role in ("manager", "admin"):
            return tuple(KIND_TITLES)
        return ("consistency",) if role == "duty_worker" else ()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "by_worker":
            return self.kind == "consistency" and getattr(self.app, "role", None) == "manager"
        if action == "next_team":
            return getattr(self.app, "role", None) in ("manager", "admin")
        if action == "next_report":
            return len(self.kinds()) > 1
        return True

    def palette_commands(self):
        from screens.palette import PaletteCommand

        for kind in self.kinds():
            yield PaletteCommand(f"Report: {KIND_TITLES[kind]}", f"Show the {kind} report",
                                 lambda k=kind: self.choose(k))

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        if self.kind is None:
            self._status("Reports are for managers and administrators.")
            return
        self.generation += 1
        self._heading()
        self._status("Working: starting the report…")
        self.load(self.generation, self.kind, self.start, self.end, self.team, self.by_worker)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-load")
    def load(self, generation: int, kind: str, start: Any, end: Any, team: str | None, by_worker: bool) -> None:
        from dutydesk.errors import DeskError
        from dutydesk.reports import run

        def progress(step: str, done: int, total: int) -> None:
            self.post_message(self.Progressed(generation, step, done, total))

        try:
            teams = run.teams(self.desk)
            view = run.run(self.desk, kind, start, end, team, by_worker=by_worker, progress=progress)
        except DeskError as err:
            self.post_message(self.Failed(generation, str(err)))
            return
        self.post_message(self.Loaded(generation, view, teams))

    def on_reports_screen_progressed(self, message: Progressed) -> None:
        if message.generation == self.generation:
            self._status(f"Working: {message.step.lower()} ({message.done} of {message.total})…")

    def on_reports_screen_failed(self, message: Failed) -> None:
        if message.generation != self.generation:
            return
        self._status(message.text)
        self.notify(message.text, severity="error", markup=False)

    def on_reports_screen_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return  # an older load, overtaken by the one now running
        self.view = message.view
        self.teams = message.teams
        self.table_index = 0
        self._heading()
        self._show_table()

    # -- showing ------------------------------------------------------------------------------

    def _status(self, words: str) -> None:
        """Progress or a problem, in the heading line until the report is shown."""
        self.query_one("#report-heading", Static).update(Text.assemble(
            (KIND_TITLES.get(self.kind or "", "Reports"), "bold"), "  ", (words, "italic"),
            overflow="ellipsis", no_wrap=True))

    def _heading(self) -> None:
        team = self.team or ("your team" if getattr(self.app, "role", None) == "duty_worker" else "all teams")
        title = KIND_TITLES.get(self.kind or "", "Reports")
        extra = ", by worker" if self.by_worker and self.kind == "consistency" else ""
        self.query_one("#report-heading", Static).update(Text.assemble(
            (title, "bold"), f"  {self.start:%d %b %Y} to {self.end:%d %b %Y}  {team}{extra}",
            overflow="ellipsis", no_wrap=True))

    def current_table(self) -> Any:
        if self.view is None or not self.view.tables:
            return None
        return self.view.tables[self.table_index % len(self.view.tables)]

    def _columns(self, table: Any) -> list[int]:
        hidden = HIDDEN.get(table.key, set())
        return [i for i, c in enumerate(table.columns) if c.key not in hidden]

    def _show_table(self) -> None:
        from screens.report_cells import fit_widths, screen_text

        table = self.current_table()
        widget = self.query_one("#report-table", DataTable)
        widget.clear(columns=True)
        if table is None:
            return
        keep = self._columns(table)
        cols = [table.columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in table.rows]
        widths = fit_widths(cols, rows, WIDTH)
        for col, width in zip(cols, widths):
            widget.add_column(Text(col.heading, overflow="ellipsis", no_wrap=True), width=width)
        for n, row in enumerate(rows):
            widget.add_row(*[screen_text(c, cell, w) for c, cell, w in zip(cols, row, widths)], key=str(n))
        widget.border_title = table.title
        self._chart()

    @on(DataTable.CellHighlighted, "#report-table")
    def _highlighted(self) -> None:
        self._chart()

    @on(DataTable.CellSelected, "#report-table")
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_drill()

    def _chart_key(self) -> str | None:
        table = self.current_table()
        if table is None:
            return None
        if table.key != "teams":
            return CHART_FOR_TABLE.get(table.key)
        widget = self.query_one("#report-table", DataTable)
        row, col = widget.cursor_coordinate
        keep = self._columns(table)
        if row >= len(table.row_keys):
            return None
        code = table.row_keys[row]
        team_key = table.columns[keep[col]].key.removeprefix("team:") if col > 0 else "all"
        if f"{code}:{team_key}" not in self.view.charts:
            team_key = table.columns[keep[-1]].key.removeprefix("team:")  # the label column: all teams
        return f"{code}:{team_key}"

    def _chart(self) -> None:
        plot = self.query_one("#report-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        key = self._chart_key()
        chart = self.view.charts.get(key) if (self.view is not None and key) else None
        if chart is None or not chart.labels:
            plot.border_title = "No chart for this table"
            plot.refresh()
            return
        share = chart.kind == "share"
        values = [0.0 if v is None else (v * 100 if share else float(v)) for v in chart.values]
        plt.bar(list(chart.labels), values, marker="hd")
        top = 100.0 if share else max(values + [1.0])
        ticks = [0.0, top / 2, top] if top >= 2 else [0.0, top]
        plt.yticks(ticks, [f"{t:.0f}" for t in ticks])
        plt.ylim(0, top)
        plot.border_title = chart.title + (" (%)" if share else "")
        plot.refresh()

    # -- actions ------------------------------------------------------------------------------

    def choose(self, kind: str) -> None:
        self.kind = kind
        self.view = None
        if kind != "consistency":
            self.by_worker = False
        self.reload()

    def action_next_report(self) -> None:
        kinds = self.kinds()
        if kinds:
            self.choose(kinds[(kinds.index(self.kind) + 1) % len(kinds)] if self.kind in kinds else kinds[0])

    def action_next_team(self) -> None:
        codes = [None] + [t.code for t in self.teams]
        self.team = codes[(codes.index(self.team) + 1) % len(codes)] if self.team in codes else None
        self.reload()

    def action_next_table(self) -> None:
        if self.view is not None and self.view.tables:
            self.table_index = (self.table_index + 1) % len(self.view.tables)
            self._show_table()

    def action_by_worker(self) -> None:
        self.by_worker = not self.by_worker
        self.reload()

    def action_dates(self) -> None:
        def got(answer: Any) -> None:
            if answer:
                self.start, self.end = answer
                self.reload()

        self.app.push_screen(PeriodDialog(self.start, self.end), callback=got)

    def action_drill(self) -> None:
        table = self.current_table()
        if table is None:
            return
        widget = self.query_one("#report-table", DataTable)
        row, col = widget.cursor_coordinate
        keep = self._columns(table)
        if row >= len(table.rows) or col >= len(keep):
            return
        cell = table.rows[row][keep[col]]
        # On a row's label: its figure for every team (the last column) where rows are figures.
        others = [c.drill for c in table.rows[row] if c.drill is not None]
        drill = cell.drill or (others[-1] if table.row_keys and others else others[0] if others else None)
        if drill is None:
            self.notify("No records stand behind this figure.", markup=False)
            return
        self.drill_generation += 1
        self._status("Working: finding the records…")
        self.fetch_drill(self.drill_generation, self.view.params, drill)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-drill")
    def fetch_drill(self, generation: int, params: Any, drill: Any) -> None:
        from dutydesk.errors import DeskError
        from dutydesk.reports import run

        try:
            result = run.drill(self.desk, params, drill)
        except DeskError as err:
            self.post_message(self.Failed(self.generation, str(err)))
            return
        self.post_message(self.DrillFetched(generation, result))

    def on_reports_screen_drill_fetched(self, message: DrillFetched) -> None:
        if message.generation != self.drill_generation:
            return
        self._heading()

        def opened(answer: Any) -> None:
            if not answer:
                return
            kind, record = answer
            if kind == "request":
                self.app.open_request(record)
            else:
                self.app.open_household(record)

        self.app.push_screen(DrillScreen(message.result), callback=opened)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
