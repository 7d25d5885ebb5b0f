"""The calls list: filters, full-text search, pages from SQL; and one call's detail.

Type in the search line to search summaries and notes (the store's full-text
index); g cycles the category, t the caller type, m toggles "my team only";
the from/to fields take dates. n and p page. Enter opens a call.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Label, Static

from screens.row_table import RowTable
from screens.loading import LoadingScreen
from screens.fields import DeskInput
from dutydesk.labels import label

PAGE = 50


class CallsListScreen(LoadingScreen):
    CSS_PATH = ["call_form.tcss", "calls_list.tcss"]
    HELP_TITLE = "Calls"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="calls.back"),
        Binding("ctrl+g", "cycle_category", "Category", id="calls.category"),
        Binding("ctrl+t", "cycle_caller", "Caller type", id="calls.caller"),
        Binding("ctrl+o", "toggle_team", "My team/all", id="calls.team"),
        Binding("pagedown", "page(1)", "Next page", id="calls.next"),
        Binding("pageup", "page(-1)", "Previous page", id="calls.previous"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.category: str | None = None
        self.caller: str | None = None
        self.my_team = False
        self.current_page: Any = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Search", classes="field-label", markup=False)
            yield DeskInput(placeholder="words in summaries and notes", id="calls-search", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("From / to", classes="field-label", markup=False)
            yield DeskInput(placeholder="from DD/MM/YYYY", id="calls-from", compact=True)
            yield DeskInput(placeholder="to DD/MM/YYYY", id="calls-to", compact=True)
            yield DeskInput(placeholder="team code", id="calls-team", compact=True)
        yield Static("", id="calls-filters", markup=False)
        table: DataTable = RowTable(id="calls-table", cursor_type="row")
        yield table
        yield Static("", id="form-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        for key, title, width in self.columns(self.app.size.width):
            t.add_column(title, key=key, width=width)
        self.query_one("#calls-search", Input).focus()
        self.show_filters()
        self.fetch_page()

    @staticmethod
    def columns(screen_width: int) -> list[tuple[str, str, int]]:
        """Columns that fit the terminal with no sideways scrolling; the summary takes what is left.

        At 80 columns the summary had 10 characters: caller and category used their long
        labels in auto-width columns. Short labels now, and "Taken by" (also in the call's
        detail) only where there is room for it.
        """
        cols = [("at", "Received", 11), ("caller", "Caller", 12), ("cat", "About", 18)]
        if screen_width >= 110:
            cols.append(("who", "Taken by", 16))
        used = sum(w for _k, _l, w in cols) + 2 * (len(cols) + 1) + 1  # padding and the scrollbar
        cols.insert(3, ("what", "Summary", max(20, screen_width - used)))
        return cols

    def show_filters(self) -> None:
        from dutydesk.enums import CallCategory, CallerType

        cat = label(self.category, CallCategory) if self.category else "any category"
        caller = label(self.caller, CallerType) if self.caller else "any caller"
        team = "my team" if self.my_team else "all teams"
        self.query_one("#calls-filters", Static).update(
            Text(f"{cat} · {caller} · {team} · page {self.page_offset // PAGE + 1}", style="italic"))

    def raw_filters(self) -> dict[str, Any]:
        return {
            "search": self.query_one("#calls-search", Input).value,
            "date_from": self.query_one("#calls-from", Input).value,
            "date_to": self.query_one("#calls-to", Input).value,
            "team": self.query_one("#calls-team", Input).value,
            "category": self.category, "caller_type": self.caller, "my_team": self.my_team,
        }

    def fetch_page(self) -> None:
        self.reload()

    def load_args(self) -> tuple[Any, ...]:
        return (self.raw_filters(), self.page_offset)

    def fetch(self, desk: Any, raw: dict[str, Any], offset: int) -> Any:
        from dutydesk.calls.call_log import CallFilter, list_calls, team_id_for
        from dutydesk.calls.typed import parse_day

        team_id = team_id_for(desk, raw["team"]) if raw["team"].strip() else (
            desk.actor.team_id if raw["my_team"] else None)
        f = CallFilter(
            search=raw["search"], date_from=parse_day(raw["date_from"], what="From"),
            date_to=parse_day(raw["date_to"], what="To"), category=raw["category"],
            caller_type=raw["caller_type"], team_id=team_id,
        )
        return list_calls(desk, f, limit=PAGE, offset=offset)

    def load_failed(self, error: BaseException) -> None:
        from dutydesk.errors import DeskError

        if isinstance(error, DeskError):  # a date or team typed wrong: said under the list, as you type
            self.query_one("#form-status", Static).update(Text(str(error)))
            return
        super().load_failed(error)

    def show(self, page: Any) -> None:
        from dutydesk import clock
        from screens.call_options import CALLER_OPTIONS, CATEGORY_OPTIONS

        self.current_page = page
        callers = {o.value: o.label for o in CALLER_OPTIONS}  # the form's short words: "child's SW"
        about = {o.value: o.label for o in CATEGORY_OPTIONS}
        t = self.query_one(DataTable)
        with_who = "who" in t.columns
        t.clear()
        for r in page.rows:
            cells = [Text(clock.fmt_local(r.received_at, "%d/%m %H:%M")),
                     Text(callers.get(r.caller_type.value, r.caller_type.value), no_wrap=True, overflow="ellipsis"),
                     Text(about.get(r.category.value, r.category.value), no_wrap=True, overflow="ellipsis"),
                     Text(r.summary, no_wrap=True, overflow="ellipsis")]
            if with_who:
                cells.append(Text(r.taken_by_name, no_wrap=True, overflow="ellipsis"))
            t.add_row(*cells, key=str(r.id))
        more = " · more: PgDn" if page.has_more else ""
        n = len(page.rows)
        self.query_one("#form-status", Static).update(
            Text(f"{n} call{'s' if n != 1 else ''} on this page{more}" if n else "No calls match."))
        self.show_filters()

    @on(Input.Changed)
    def _changed(self, _event: Input.Changed) -> None:
        self.page_offset = 0
        self.fetch_page()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(DataTable).focus()

    def _cycle(self, current: str | None, values: list[str]) -> str | None:
        order: list[str | None] = [None, *values]
        return order[(order.index(current) + 1) % len(order)]

    def action_cycle_category(self) -> None:
        from dutydesk.enums import CallCategory

        self.category = self._cycle(self.category, [c.value for c in CallCategory])
        self.page_offset = 0
        self.fetch_page()

    def action_cycle_caller(self) -> None:
        from dutydesk.enums import CallerType

        self.caller = self._cycle(self.caller, [c.value for c in CallerType])
        self.page_offset = 0
        self.fetch_page()

    def action_toggle_team(self) -> None:
        self.my_team = not self.my_team
        self.page_offset = 0
        self.fetch_page()

    def action_page(self, step: int) -> None:
        if step > 0 and not (self.current_page and self.current_page.has_more):
            return
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.fetch_page()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(CallDetailScreen(int(event.row_key.value)))


class CallDetailScreen(LoadingScreen):
    """One call: who, when, what, its links and its follow-ups (read only)."""

    CSS_PATH = "dashboard.tcss"
    HELP_TITLE = "Call"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="call_detail.back"),
        Binding("o", "open_request", "Request", tooltip="Open the placement request this call is about",
                id="call_detail.request"),
        Binding("h", "open_household", "Household", tooltip="Open the household this call is about",
                id="call_detail.household"),
    ]

    def __init__(self, call_id: int) -> None:
        super().__init__()
        self.call_id = call_id
        self.view: Any = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A carer rings about her empty bed: from the call, h opens her household (and o the request).
        if action == "open_request":
            return bool(self.view and self.view.request_id)
        if action == "open_household":
            return bool(self.view and self.view.household_id)
        return True

    def action_open_request(self) -> None:
        if self.view and self.view.request_id:
            self.app.open_request(self.view.request_id)

    def action_open_household(self) -> None:
        from screens.finder import open_household

        if self.view and self.view.household_id:
            open_household(self.app, self.view.household_id)

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static("Loading…", markup=False), id="record")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def load_args(self) -> tuple[Any, ...]:
        return (self.call_id,)

    def fetch(self, desk: Any, call_id: int) -> Any:
        from dutydesk.calls.call_log import get_call

        return get_call(desk, call_id)

    def show(self, view: Any) -> None:
        self.view = view
        self.refresh_bindings()
        self.run_worker(self._show(view), group="call-detail-show", exclusive=True)

    async def _show(self, v: Any) -> None:
        from dutydesk import clock

        box = self.query_one("#record", VerticalScroll)
        await box.remove_children()
        lines: list[tuple[str, str]] = [
            ("Received", f"{clock.fmt_local(v.received_at, '%d/%m/%Y %H:%M')} ({v.direction.value})"),
            ("Caller", label(v.caller_type) + (f": {v.caller_name}" if v.caller_name else "")
             + (f", {v.caller_phone}" if v.caller_phone else "")),
            ("About", label(v.category)),
            ("Taken by", f"{v.taken_by_name}, {v.team_name}"),
            ("Summary", v.summary),
        ]
        if v.child_id:
            lines.append(("Child", f"{v.child_name} ({v.child_reference})"))
        if v.household_id:
            lines.append(("Household", f"{v.household_name} ({v.household_reference})  h opens it"))
        if v.request_id:
            lines.append(("Request", f"{v.request_reference}  o opens it"))
        for cb in v.callbacks:
            state = "done" if cb.status.value == "done" else ("OVERDUE" if cb.overdue() else "open")
            lines.append(("Callback", f"{clock.fmt_local(cb.due_at, '%d/%m %H:%M')} {state}: {cb.summary}"))
        if v.notes:
            lines.append(("Notes", v.notes))
        widgets = [Static(Text(f"Call {v.id}", style="bold"), id="record-title")]
        widgets += [Static(Text.assemble((f"{label:<11}", "bold"), value), classes="record-line")
                    for label, value in lines]
        await box.mount_all(widgets)
