"""The duty dashboard (home screen).

At a glance: open placement requests by urgency (state, worker, how long they
have waited), callbacks due and overdue (time left), households with
vacancies (how many, the longest waiting), calls logged today by the team, and
what waits for the signed-in user (for a manager: decisions to sign off).

It reloads from the store every few seconds in a thread worker (one load at a
time, each with a generation: ``screens.loading``), so another worker's change
shows without a restart. Enter opens the row's record; Tab
moves between the lists. The lists share the height, so a taller terminal
shows more rows of each.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from screens.loading import LoadingScreen
from dutydesk.labels import label

REFRESH_S = 4.0



def short_name(full: str) -> str:
    """'Oliver Bennett' -> 'Oliver B.' so a column of workers stays narrow."""
    parts = full.split()
    return full if len(parts) < 2 else f"{parts[0]} {parts[-1][0]}."


class RecordFetched(Message):
    def __init__(self, detail: Any) -> None:
        super().__init__()
        self.detail = detail


class DraftFound(Message):
    def __init__(self, fields: dict[str, Any], when: str) -> None:
        super().__init__()
        self.fields = fields
        self.when = when


class Panel(DataTable):
    """One dashboard list: a bordered table whose rows open records."""

    HELP_NAME = "list"

    def __init__(self, title: str, columns: list[tuple[str, str]], *, header: bool = False, empty_column: int = 0,
                 flex_column: int = -1, id: str) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_header=header,
                         cursor_foreground_priority="renderable")
        self.base_title = title
        self.column_spec = columns
        self.border_title = title
        self.empty_column = empty_column
        self.flex_column = flex_column % len(columns)
        self._signature: Any = None
        self._last: Any = None

    def on_mount(self) -> None:
        for key, title in self.column_spec:
            self.add_column(title, key=key)

    def on_resize(self) -> None:
        if self._last is not None:
            self.call_after_refresh(self.fill, *self._last)

    def fill(self, rows: list[tuple[str, list[Any]]], empty: str) -> None:
        """Replace the rows, keeping the cursor on the same record when it is still there.

        Columns are rebuilt each time so they fit this content (a DataTable's
        automatic widths only grow), and the widest column (``flex``, the last
        by default) takes the room that is left, so text uses a wide terminal.
        """
        signature = (self.size.width, tuple((k, tuple(c.plain if isinstance(c, Text) else str(c) for c in cells))
                                            for k, cells in rows))
        if signature == self._signature:
            return  # nothing changed since the last refresh: leave the table (and its cursor) alone
        self._signature = signature
        self._last = (rows, empty)
        keep = None
        if self.row_count and self.cursor_row is not None:
            try:
                keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
            except Exception:  # noqa: BLE001
                keep = None
        if not rows:
            cells = [Text("")] * len(self.column_spec)
            cells[self.empty_column] = Text(empty, style="italic")
            rows = [("none:0", cells)]
        widths = [len(label) if self.show_header else 1 for _k, label in self.column_spec]
        for _key, cells in rows:
            for i, cell in enumerate(cells):
                widths[i] = max(widths[i], cell.cell_len if isinstance(cell, Text) else len(str(cell)))
        flex = self.flex_column
        room = self.scrollable_content_region.width or self.size.width
        if room:
            fixed = sum(w + 2 * self.cell_padding for i, w in enumerate(widths) if i != flex)
            widths[flex] = max(6, room - fixed - 2 * self.cell_padding)
        self.clear(columns=True)
        for (key, title), width in zip(self.column_spec, widths):
            self.add_column(title, key=key, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if keep is not None:
            try:
                self.move_cursor(row=self.get_row_index(keep), animate=False)
            except Exception:  # noqa: BLE001 - the record went
                pass


class RecordScreen(Screen):
    """A read-only view of a record opened from the dashboard (when no richer screen exists)."""

    HELP_TITLE = "Record"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="record.back")]

    def __init__(self, detail: Any) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record"):
            yield Static(Text(self.detail.title, style="bold"), id="record-title")
            for label, value in self.detail.lines:
                yield Static(Text.assemble((f"{label:<13}", "bold"), value), classes="record-line")
        yield Footer()


class DashboardScreen(LoadingScreen):
    """Home: what needs doing now."""

    CSS_PATH = "dashboard.tcss"
    HELP_TITLE = "Dashboard"
    RELOAD_ON_RESUME = True  # back from a request, a call, the finder: show what changed at once
    BINDINGS = [
        Binding("c", "app.desk('log_call')", "Log call", show=False, id="dashboard.log_call"),
        Binding("l", "calls", "Calls", id="dashboard.calls"),
        Binding("b", "callbacks", "Callbacks", id="dashboard.callbacks"),
        # Hidden from the footer: the lists refresh themselves every few seconds.
        Binding("r", "reload", "Refresh", show=False, id="dashboard.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Any = None
        self._draft_checked = False

    def compose(self) -> ComposeResult:
        yield Static("Loading the dashboard…", id="dash-summary", markup=False)
        with Grid(id="dash"):
            yield Panel("Open requests", [("urg", "Urgency"), ("ref", "Request"), ("kids", "Child"),
                                          ("state", "State"), ("who", "Worker"), ("wait", "Waited")],
                        header=True, empty_column=2, flex_column=2, id="p-requests")
            yield Panel("Callbacks", [("due", "Due"), ("left", "Left"), ("what", "What")], id="p-callbacks")
            yield Panel("Waiting for you", [("what", "What"), ("detail", "Detail")], id="p-waiting")
            yield Panel("Vacancies", [("name", "Household"), ("free", "Free"), ("days", "Waiting")],
                        flex_column=0, id="p-vacancies")
            yield Panel("Calls today", [("at", "At"), ("caller", "Caller"), ("what", "Summary")], id="p-calls")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(REFRESH_S, self._tick)

    def _tick(self) -> None:
        # Covered by another screen: no need to read the store; resuming reloads at once.
        # One load at a time: on a slow store a tick never cancels the load it would replace.
        if self.is_current and self.settled:
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def load_args(self) -> tuple[Any, ...]:
        return (not self._draft_checked,)

    def fetch(self, desk: Any, look_for_draft: bool) -> tuple[Any, DraftFound | None]:
        """The dashboard, and on the first load a call draft left from a dropped session (same worker)."""
        from dutydesk.overview import dashboard

        data = dashboard.load(desk)
        # A light look first: dutydesk.calls.drafts imports the models, which the dashboard does not need.
        if not look_for_draft or not dashboard.has_call_draft(desk):
            return data, None
        from dutydesk import clock
        from dutydesk.calls.drafts import has_content, load_draft

        draft = load_draft(desk, "call")
        if draft is None or not has_content(draft.fields):
            return data, None
        return data, DraftFound(draft.fields, clock.fmt_local(draft.updated_at, "%H:%M"))

    def show(self, loaded: tuple[Any, DraftFound | None]) -> None:
        data, draft = loaded
        self._fill(data)
        if not self._draft_checked:
            self._draft_checked = True  # offered once, over the first data on screen
            if draft is not None:
                self.on_draft_found(draft)

    def _fill(self, d: Any) -> None:
        from dutydesk import clock
        from dutydesk.overview.dashboard import fmt_left, fmt_wait
        self.data = d
        today = clock.local(d.at).date()
        summary = (f"{clock.fmt_local(d.at, '%a %d %b %H:%M')} · open requests {d.requests_total} · "
                   f"callbacks {d.callbacks_total}" + (f" ({d.callbacks_overdue} overdue)" if d.callbacks_overdue else "")
                   + f" · vacant places {d.vacant_places} · calls today {d.calls_today_count}")
        self.query_one("#dash-summary", Static).update(Text(summary, no_wrap=True, overflow="ellipsis"))

        req = self.query_one("#p-requests", Panel)
        req.border_title = f"Open requests ({d.requests_total})"
        req.fill([
            (f"request:{r.id}", [
                Text(label(r.urgency, short=True),
                     style="bold reverse" if r.urgency.value == "emergency" else "bold"),
                Text(r.reference), Text(r.children, no_wrap=True, overflow="ellipsis"),
                Text(label(r.state, short=True)), Text(short_name(r.worker_name)),
                Text(fmt_wait(r.waited(d.at))),
            ])
            for r in d.requests
        ], "No open placement requests.")

        cbs = self.query_one("#p-callbacks", Panel)
        cbs.border_title = f"Callbacks ({d.callbacks_total}" + (
            f", {d.callbacks_overdue} overdue)" if d.callbacks_overdue else ")")
        cbs.fill([
            (f"callback:{c.id}", [
                Text(clock.fmt_local(c.due_at, "%H:%M" if clock.local(c.due_at).date() == today else "%d/%m")),
                Text(fmt_left(c.due_at - d.at), style="bold reverse" if c.overdue(d.at) else ""),
                Text(c.summary, no_wrap=True, overflow="ellipsis"),
            ])
            for c in d.callbacks
        ], "No callbacks due.")

        waiting = self.query_one("#p-waiting", Panel)
        waiting.border_title = f"Waiting for you ({len(d.waiting)})"
        waiting.fill([
            (f"{w.kind}:{w.id}:{i}", [Text(w.title, no_wrap=True), Text(w.detail, no_wrap=True, overflow="ellipsis")])
            for i, w in enumerate(d.waiting)
        ], "Nothing waiting for you.")

        vac = self.query_one("#p-vacancies", Panel)
        vac.border_title = f"Vacant: {d.households_with_vacancy} homes, {d.vacant_places} places"
        vac.fill([
            (f"household:{v.household_id}", [
                Text(v.name, no_wrap=True, overflow="ellipsis"), Text(str(v.vacancies)),
                Text(f"{v.days_waiting(today)}d" if v.vacant_since else "-"),
            ])
            for v in d.vacancies
        ], "No vacancies.")

        calls = self.query_one("#p-calls", Panel)
        calls.border_title = f"Calls today, {d.team_name or 'your team'} ({d.calls_today_count})"
        calls.fill([
            (f"call:{c.id}", [
                Text(clock.fmt_local(c.received_at, "%H:%M")), Text(label(c.caller_type, short=True)),
                Text(c.summary, no_wrap=True, overflow="ellipsis"),
            ])
            for c in d.calls_today
        ], "No calls logged today.")

    def on_draft_found(self, message: DraftFound) -> None:
        from screens.call_drafts import RestoreDraftScreen
        from screens.call_form import CallFormScreen

        def answered(answer: str | None) -> None:
            if answer == "restore":
                self.app.push_screen(CallFormScreen(restore=message.fields))
            elif answer == "discard":
                self.discard_draft()

        self.app.push_screen(RestoreDraftScreen(message.when, str(message.fields.get("summary") or "")),
                             callback=answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-draft")
    def discard_draft(self) -> None:
        from dutydesk.calls.drafts import discard_draft

        discard_draft(self.desk, "call")

    # -- opening records ----------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _open_row(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        kind, _, rest = key.partition(":")
        ident = int(rest.split(":")[0]) if rest.split(":")[0].isdigit() else 0
        if kind == "none" or not ident:
            return
        self.open_record(kind, ident)

    def open_record(self, kind: str, ident: int) -> None:
        if kind == "call":
            from screens.calls_list import CallDetailScreen

            self.app.push_screen(CallDetailScreen(ident))
            return
        if kind == "allegation":
            from screens.allegation import AllegationScreen

            self.app.push_screen(AllegationScreen(str(ident)))
            return
        if kind == "callback":
            from screens.callbacks import CallbacksScreen

            self.app.push_screen(CallbacksScreen(focus_id=ident))
            return
        if kind in ("request", "decision", "household"):
            target = "request" if kind in ("request", "decision") else "household"
            opener = getattr(self.app, f"open_{target}", None) or getattr(self.app, f"action_open_{target}", None)
            if callable(opener):
                opener(ident)
                return
            self.load_record(target, ident)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-record")
    def load_record(self, kind: str, ident: int) -> None:
        from dutydesk.overview import records

        detail = (records.request_detail if kind == "request" else records.household_detail)(self.desk, ident)
        self.post_message(RecordFetched(detail))

    def on_record_fetched(self, message: RecordFetched) -> None:
        self.app.push_screen(RecordScreen(message.detail))

    def action_calls(self) -> None:
        from screens.calls_list import CallsListScreen

        self.app.push_screen(CallsListScreen())

    def action_callbacks(self) -> None:
        from screens.callbacks import CallbacksScreen

        self.app.push_screen(CallbacksScreen())
