"""The reports screen's two dialogs: the period to report on, and the records behind a figure.

Both are ``ModalScreen`` with Escape to cancel. The period dialog keeps what was
typed when a date is wrong and says what to type. The drill-down lists the
requests or households behind a figure (at most the service's limit, with the
total); Enter opens the highlighted one. Every value shown is ``Text``, never markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Input, Label, Static

from dutydesk.days import day_text, parse_day
from dutydesk.errors import InvalidInput
from screens.row_table import RowTable
from screens.fields import DeskInput
from screens.dialog_base import DeskDialog


class PeriodDialog(DeskDialog[tuple[dt.date, dt.date] | None]):
    """From and To, as DD/MM/YYYY like every day the desk asks for; Enter on the last field or ctrl+s answers."""

    BINDINGS = [
        Binding("ctrl+s", "answer", "OK", priority=True, id="period.ok"),
        Binding("escape", "cancel", "Cancel", id="period.cancel"),
    ]

    def __init__(self, start: dt.date, end: dt.date) -> None:
        super().__init__()
        self.start, self.end = start, end

    def compose(self) -> ComposeResult:
        with Vertical(id="period-box"):
            yield Static(Text("Report on the period", style="bold"))
            yield Label("From (DD/MM/YYYY)", markup=False)
            yield DeskInput(day_text(self.start), id="period-from", compact=True, max_length=10)
            yield Label("To (DD/MM/YYYY)", markup=False)
            yield DeskInput(day_text(self.end), id="period-to", compact=True, max_length=10)
            yield Static("", id="period-problem", markup=False)
        yield Footer()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "period-from":
            self.query_one("#period-to", Input).focus()
        else:
            self.action_answer()

    def action_answer(self) -> None:
        values = []
        for fid, what in (("period-from", "From"), ("period-to", "To")):
            text = self.query_one(f"#{fid}", Input).value.strip()
            try:
                day = parse_day(text, what=what)
            except InvalidInput as err:
                day, problem = None, str(err)
            else:
                problem = f"{what}: type a date as DD/MM/YYYY." if day is None else ""
            if day is None:
                self.query_one("#period-problem", Static).update(Text(problem, style="bold"))
                self.query_one(f"#{fid}", Input).focus()
                return
            values.append(day)
        if values[0] > values[1]:
            self.query_one("#period-problem", Static).update(
                Text("From is after To: swap them.", style="bold"))
            return
        self.dismiss((values[0], values[1]))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DrillScreen(DeskDialog[tuple[str, int] | None]):
    """The records behind one figure. Enter opens one (dismissed as (kind, id)); Escape closes."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="drill.open"),
        Binding("escape", "close", "Close", id="drill.close"),
    ]

    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        with Vertical(id="drill-box"):
            more = f" (the first {len(r.rows)} of {r.total})" if r.total > len(r.rows) else f" ({r.total})"
            yield Static(Text(r.title + more, style="bold", overflow="ellipsis", no_wrap=True), id="drill-title")
            table: DataTable = RowTable(id="drill-table", cursor_type="row", zebra_stripes=True)
            table.add_column("Record", key="ref", width=10)
            table.add_column("When", key="when", width=9)
            table.add_column("Team", key="team", width=5)
            table.add_column("", key="met", width=4)
            table.add_column("What it shows", key="text", width=40)
            for i, row in enumerate(r.rows):
                met = {True: "ok", False: "NO", None: ""}[row.met]
                table.add_row(Text(row.reference, overflow="ellipsis", no_wrap=True), Text(_when(row.when)),
                              Text(row.team), Text(met, style="bold reverse" if row.met is False else ""),
                              Text(row.text, overflow="ellipsis", no_wrap=True), key=str(i))
            yield table
            if not r.rows:
                yield Static("Nothing behind this figure.", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drill-table", DataTable).focus()

    @on(DataTable.RowSelected, "#drill-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        rows = self.result.rows
        if not rows or table.cursor_row is None or table.cursor_row >= len(rows):
            return
        row = rows[table.cursor_row]
        if row.kind not in ("request", "household"):
            self.notify("This record has no screen of its own; its request or household is not recorded.",
                        markup=False)
            return
        self.dismiss((row.kind, row.id))

    def action_close(self) -> None:
        self.dismiss(None)


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        from dutydesk import clock

        return clock.fmt_local(value, "%d %b %y")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %y")
    return ""
