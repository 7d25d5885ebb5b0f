"""Allegations: the open ones newest first (or one household's, closed too), or the steps
overdue and due today, the oldest due first (from oversight). Enter opens one."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from screens.row_table import RowTable
from screens.loading import LoadingScreen


class AllegationListScreen(LoadingScreen):
    RELOAD_ON_RESUME = True
    BINDINGS = [
        Binding("enter", "open", "Open", id="allegations.open"),
        Binding("escape", "back", "Back", id="allegations.back"),
    ]
    DEFAULT_CSS = """
    AllegationListScreen #allegations-title { height: 1; padding: 0 1; text-style: bold; }
    AllegationListScreen DataTable { height: 1fr; }
    """

    def __init__(self, *, household_id: int | None = None, due: bool = False) -> None:
        super().__init__()
        self.household_id = household_id
        self.due = due
        self.refs: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="allegations-title", markup=False)
        yield RowTable(id="allegations-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        if self.due:
            for name, width in (("Due", 10), ("State", 9), ("Step", 18), ("Allegation", 14), ("Household", 15)):
                t.add_column(name, width=width)
        else:
            for name, width in (("Allegation", 14), ("Raised", 6), ("Household", 13), ("Next step", 15), ("Due", 20)):
                t.add_column(name, width=width)
        t.focus()
        self.reload()

    def fetch(self, desk: Any) -> Any:
        from dutydesk.allegations import views

        if self.due:
            return views.due_steps(desk)
        return views.list_allegations(desk, open_only=self.household_id is None, household_id=self.household_id)

    def show(self, rows: Any) -> None:
        from dutydesk import clock

        t = self.query_one(DataTable)
        t.clear()
        self.refs = []
        for r in rows:
            if self.due:
                style = "reverse bold" if r.state == "overdue" else "bold"
                t.add_row(Text(f"{r.due_on:%a %d %b}", style=style), Text(r.state, style=style), Text(r.step),
                          Text(r.reference), Text(r.household_name, no_wrap=True, overflow="ellipsis"))
            else:
                style = "reverse bold" if r.state == "overdue" else ""
                due = f"{r.next_due:%a %d %b} {r.state}" if r.next_due else r.status.value
                t.add_row(Text(r.reference), Text(clock.fmt_local(r.raised_at, "%d %b")),
                          Text(r.household_name, no_wrap=True, overflow="ellipsis"),
                          Text(r.next_step, no_wrap=True, overflow="ellipsis"), Text(due, style=style))
            self.refs.append(r.reference)
        what = ("Allegation steps overdue or due today, oldest first" if self.due
                else "This household's allegations" if self.household_id is not None
                else "Open allegations, newest first")
        self.query_one("#allegations-title", Static).update(Text(f"{what}: {len(rows)}"))

    def action_open(self) -> None:
        t = self.query_one(DataTable)
        if not self.refs or t.cursor_row is None or t.cursor_row >= len(self.refs):
            self.app.bell()
            return
        from screens.allegation import AllegationScreen

        self.app.push_screen(AllegationScreen(self.refs[t.cursor_row]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_back(self) -> None:
        self.app.pop_screen()
