"""Open placement requests, most urgent and oldest first; Enter opens one (F4).

``/`` finds a request by reference or child's name as you type; ``a`` shows the
closed ones too. Each load carries a generation (``screens.loading``), so a
slow search for an earlier keystroke never replaces a newer one. Back from a
request, the list reloads and the cursor stays on that request.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from screens.row_table import RowTable
from screens.loading import LoadingScreen
from screens.fields import DeskInput
from dutydesk.labels import label

LIMIT = 50


class RequestListScreen(LoadingScreen):
    """Open placement requests, most urgent and oldest first; Enter opens one."""

    CSS_PATH = "request.tcss"
    RELOAD_ON_RESUME = True
    BINDINGS = [
        # priority: the list's own Enter ("Select", hidden) would otherwise hide this one from the footer.
        Binding("enter", "open", "Open", priority=True, id="requests.open"),
        Binding("a", "toggle_all", "All/open", tooltip="Show closed requests too, or only open ones",
                id="requests.all"),
        Binding("slash", "find", "Find", tooltip="Find a request by reference or child's name", id="requests.find"),
        Binding("down", "to_list", "To the list", show=False, id="requests.to_list"),
        Binding("escape", "back", "Back", tooltip="Clear the find box, or go back", id="requests.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("Open placement requests", id="requests-title", markup=False)
        yield DeskInput(placeholder="Press / to find a reference or child's name (PR-S04, Ruby)", id="requests-find",
                    compact=True)
        yield RowTable(id="requests-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#requests-table", DataTable)
        # Fits 80 columns with the scrollbar (no sideways scrolling): 14+9+17+17+10 plus 2 padding each.
        t.add_column("Reference", key="ref", width=14)
        t.add_column("Urgency", key="urgency", width=9)
        t.add_column("State", key="state", width=17)
        t.add_column("Children", key="children", width=17)
        t.add_column("Worker", key="worker", width=10)
        t.focus()
        self.reload()

    def load_args(self) -> tuple[Any, ...]:
        return (self.show_all, self.query_one("#requests-find", Input).value)

    def fetch(self, desk: Any, show_all: bool, find: str) -> tuple[list[Any], bool, str]:
        from dutydesk.requests import lists

        return lists.list_requests(desk, open_only=not show_all, limit=LIMIT, find=find), show_all, find

    def show(self, data: tuple[list[Any], bool, str]) -> None:
        rows, show_all, find = data
        t = self.query_one("#requests-table", DataTable)
        was = self.rows[t.cursor_row].id if self.rows and 0 <= t.cursor_row < len(self.rows) else None
        self.rows = rows
        t.clear()
        for r in self.rows:
            t.add_row(Text(r.reference), Text(r.urgency.value), Text(label(r.state)),
                      Text(r.children, overflow="ellipsis", no_wrap=True),
                      Text(r.worker, overflow="ellipsis", no_wrap=True), key=str(r.id))
        # Back from a request, the cursor stays on it (the list reloads, it does not jump to the top).
        again = next((i for i, r in enumerate(self.rows) if r.id == was), None)
        if again is not None:
            t.move_cursor(row=again, animate=False)
        title = "All placement requests" if show_all else "Open placement requests"
        find = find.strip()
        matching = f" matching {find!r}" if find else ""
        self.query_one("#requests-title", Static).update(
            Text(f"{title}{matching} ({len(self.rows)}{'+' if len(self.rows) == LIMIT else ''})"
                 + ("" if self.rows or not find else ": none; a shows closed ones too" if not show_all
                    else ": none")))

    @on(DataTable.RowSelected, "#requests-table")
    def action_open(self) -> None:
        t = self.query_one("#requests-table", DataTable)
        if not self.rows or t.cursor_row is None or t.cursor_row >= len(self.rows):
            return
        self.app.open_request(self.rows[t.cursor_row].id)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_find(self) -> None:
        self.query_one("#requests-find", Input).focus()

    def action_to_list(self) -> None:
        table = self.query_one("#requests-table", DataTable)
        if not table.has_focus:
            table.focus()
        else:
            table.action_cursor_down()

    @on(Input.Changed, "#requests-find")
    def _find_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#requests-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#requests-table", DataTable).focus()

    def action_back(self) -> None:
        box = self.query_one("#requests-find", Input)
        if box.value:
            box.value = ""
            self.query_one("#requests-table", DataTable).focus()
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
