"""The audit trail for managers and administrators: who did or opened what, newest first (ctrl+r).

Filters by user, record (a reference, or table#id) and days; Enter in a box
applies them. n and p page through (50 at a time, found by keyset in the
service, so a long trail pages as fast as its first page). Enter on an event
opens its request or household. Reading the trail is not itself audited: it
shows who opened records, not records.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Static

from dutydesk.clock import fmt_local
from screens.row_table import RowTable
from screens.fields import DeskInput
from screens.loading import LoadingScreen

FILTERS = (("audit-user", "user"), ("audit-record", "record: REQ-…, HH-…"),
           ("audit-from", "from: DD/MM/YYYY"), ("audit-to", "to: DD/MM/YYYY"))


class AuditScreen(LoadingScreen):
    CSS_PATH = "audit.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open record", priority=True, id="audit.open"),
        Binding("slash", "filter", "Filter", tooltip="Filter by user, record or days", id="audit.filter"),
        Binding("n", "next_page", "Older", tooltip="The next page of older events", id="audit.next"),
        Binding("p", "previous_page", "Newer", tooltip="Back to newer events", id="audit.previous"),
        Binding("escape", "back", "Back", id="audit.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []
        self.more = False
        self.pages: list[int | None] = [None]  # the `before` of each page shown, newest first

    def compose(self) -> ComposeResult:
        yield Static("Audit trail", id="audit-title", markup=False)
        with Horizontal(id="audit-filters"):
            for ident, hint in FILTERS:
                yield DeskInput(placeholder=hint, id=ident, compact=True)
        yield RowTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#audit-table", DataTable)
        # 12+12+20+24 plus 2 padding each: fits 80 columns with the scrollbar.
        t.add_column("When", key="at", width=12)
        t.add_column("Who", key="who", width=12)
        t.add_column("What", key="what", width=20)
        t.add_column("Record", key="record", width=24)
        t.focus()
        self.reload()

    def load_args(self) -> tuple[Any, ...]:
        values = tuple(self.query_one(f"#{ident}", Input).value for ident, _hint in FILTERS)
        return (*values, self.pages[-1])

    def fetch(self, desk: Any, user: str, record: str, day_from: str, day_to: str, before: int | None) -> Any:
        from dutydesk.access import trail
        from dutydesk.calls.typed import parse_day

        flt = trail.TrailFilter(username=user or None, record=record or None,
                                day_from=parse_day(day_from, what="The first day"),
                                day_to=parse_day(day_to, what="The last day"))
        return trail.events(desk, flt, before=before)

    def show(self, page: Any) -> None:
        self.rows, self.more = page.events, page.more
        t = self.query_one("#audit-table", DataTable)
        t.clear()
        for e in self.rows:
            t.add_row(Text(fmt_local(e.at)), Text(e.username, overflow="ellipsis", no_wrap=True),
                      Text(e.action, overflow="ellipsis", no_wrap=True),
                      Text(e.record, overflow="ellipsis", no_wrap=True), key=str(e.id))
        number = len(self.pages)
        more = "; n for older" if self.more else ""
        newer = "; p for newer" if number > 1 else ""
        self.query_one("#audit-title", Static).update(
            Text(f"Audit trail, page {number}: {len(self.rows)} events{more}{newer}"
                 if self.rows else "Audit trail: no events match"))
        self._describe()

    @on(DataTable.RowHighlighted, "#audit-table")
    def _describe(self) -> None:
        t = self.query_one("#audit-table", DataTable)
        detail = self.query_one("#audit-detail", Static)
        if not self.rows or t.cursor_row is None or t.cursor_row >= len(self.rows):
            detail.update("")
            return
        e = self.rows[t.cursor_row]
        opens = "  (Enter opens it)" if e.opens else ""
        detail.update(Text(f"#{e.id} {e.detail}{opens}", overflow="ellipsis"))

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):  # Enter in a filter box applies the filters
            self.pages = [None]
            self.query_one("#audit-table", DataTable).focus()
            self.reload()
            return
        t = self.query_one("#audit-table", DataTable)
        if not self.rows or t.cursor_row is None or t.cursor_row >= len(self.rows):
            return
        target = self.rows[t.cursor_row].opens
        if target is None:
            self.notify("The desk has no screen for this kind of record.", markup=False)
        elif target[0] == "placement_requests":
            self.app.open_request(target[1])
        else:
            self.app.open_household(target[1])

    def action_filter(self) -> None:
        self.query_one("#audit-user", Input).focus()

    def action_next_page(self) -> None:
        if self.more and self.rows:
            self.pages.append(self.rows[-1].id)
            self.reload()

    def action_previous_page(self) -> None:
        if len(self.pages) > 1:
            self.pages.pop()
            self.reload()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#audit-table", DataTable).focus()
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
