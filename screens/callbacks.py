"""Callbacks: my queue or my team's; mark done, reassign, snooze with a reason.

Overdue callbacks stand out (reverse video, which also shows with NO_COLOR).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Input, Label, Static

from dutydesk.calls import callback_steps
from screens.row_table import RowTable
from screens.loading import LoadingScreen, Outcome
from screens.fields import DeskInput
from screens.dialog_base import DeskDialog


class AskScreen(DeskDialog[dict[str, str] | None]):
    """A small dialog of labelled text fields; ctrl+s or Enter on the last one answers, Esc cancels."""

    CSS_PATH = "calls_list.tcss"
    BINDINGS = [
        Binding("ctrl+s", "answer", "OK", priority=True, id="ask.ok"),
        Binding("escape", "cancel", "Cancel", id="ask.cancel"),
    ]

    def __init__(self, title: str, fields: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields  # (id, label, placeholder)

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(Text(self.title_text, style="bold"))
            for fid, label, placeholder in self.fields:
                yield Label(label, markup=False)
                yield DeskInput(placeholder=placeholder, id=f"ask-{fid}", compact=True)
        yield Footer()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_answer()
        else:
            self.focus_next()

    def action_answer(self) -> None:
        self.dismiss({fid: self.query_one(f"#ask-{fid}", Input).value for fid, _l, _p in self.fields})

    def action_cancel(self) -> None:
        self.dismiss(None)


class CallbacksScreen(LoadingScreen):
    CSS_PATH = ["call_form.tcss", "calls_list.tcss"]
    HELP_TITLE = "Callbacks"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="callbacks.back"),
        Binding("d", "done", "Done", id="callbacks.done"),
        Binding("s", "snooze", "Snooze", id="callbacks.snooze"),
        Binding("a", "reassign", "Reassign", id="callbacks.reassign"),
        Binding("t", "toggle", "Mine/team", id="callbacks.toggle"),
        Binding("r", "reload", "Refresh", id="callbacks.refresh"),
    ]

    def __init__(self, focus_id: int | None = None) -> None:
        super().__init__()
        self.focus_id = focus_id
        self.team_view = False
        self.fetched: Any = None  # the queue on screen

    def compose(self) -> ComposeResult:
        yield Static("", id="callbacks-filters", markup=False)
        yield RowTable(id="callbacks-table", cursor_type="row")
        yield Static("", id="form-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        for key, label, width in self.columns(self.app.size.width):
            t.add_column(label, key=key, width=width)
        t.focus()
        self.reload()

    @staticmethod
    def columns(screen_width: int) -> list[tuple[str, str, int]]:
        """Columns that fit with no sideways scrolling; "What" takes the rest.

        At 80 columns "What" had about 30 characters and "Snoozed" was off the right edge:
        there the snoozes go after the text of "What" instead of a column of their own.
        """
        cols = [("due", "Due", 11), ("left", "Left", 15), ("who", "For", 14)]
        if screen_width >= 110:
            cols.append(("snz", "Snoozed", 20))
        used = sum(w for _k, _l, w in cols) + 2 * (len(cols) + 1) + 1  # padding and the scrollbar
        cols.insert(3, ("what", "What", max(20, screen_width - used)))
        return cols

    def action_reload(self) -> None:
        self.reload()

    def action_toggle(self) -> None:
        self.team_view = not self.team_view
        self.reload()


    def load_args(self) -> tuple[Any, ...]:
        return (self.team_view,)

    def fetch(self, desk: Any, team_view: bool) -> Any:
        from dutydesk.calls.callbacks import queue

        return queue(desk) if team_view else queue(desk, mine=True)

    def show(self, fetched: Any) -> None:
        from dutydesk import clock
        from dutydesk.overview.dashboard import fmt_left

        self.fetched = fetched
        now = clock.now()
        t = self.query_one(DataTable)
        keep = self.selected_id() or self.focus_id
        self.focus_id = None
        t.clear()
        snooze_column = "snz" in t.columns
        for c in fetched.items:
            overdue = c.overdue(now)
            snoozed = f"{c.snooze_count}x: {c.snooze_reason}" if c.snooze_count else ""
            what = Text(c.summary, no_wrap=True, overflow="ellipsis")
            if snoozed and not snooze_column:
                what = Text.assemble(what, Text(f" · snoozed {snoozed}", style="italic"), no_wrap=True,
                                     overflow="ellipsis")
            cells = [
                Text(clock.fmt_local(c.due_at, "%d/%m %H:%M")),
                Text(fmt_left(c.due_at - now), style="bold reverse" if overdue else ""),
                Text(c.assigned_to_name or c.team_name, no_wrap=True, overflow="ellipsis"),
                what,
            ]
            if snooze_column:
                cells.append(Text(snoozed, no_wrap=True, overflow="ellipsis"))
            t.add_row(*cells, key=str(c.id))
        if keep is not None:
            try:
                t.move_cursor(row=t.get_row_index(str(keep)), animate=False)
            except Exception:  # noqa: BLE001 - it is no longer in the queue
                pass
        whose = "team's" if self.team_view else "your"
        self.query_one("#callbacks-filters", Static).update(Text(
            f"Open callbacks, {whose} queue: {len(fetched.items)}, {fetched.overdue} overdue "
            "(t switches mine/team)", style="italic"))

    def selected_id(self) -> int | None:
        t = self.query_one(DataTable)
        if not t.row_count:
            return None
        try:
            return int(t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value)
        except Exception:  # noqa: BLE001
            return None

    def say(self, text: str) -> None:
        self.query_one("#form-status", Static).update(Text(text))

    def acted(self, outcome: Outcome) -> None:
        self.say(outcome.message)
        if not outcome.ok:
            self.notify(outcome.message, severity="error", markup=False)

    def action_done(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self.act(callback_steps.done, cid)

    def action_snooze(self) -> None:
        cid = self.selected_id()
        if cid is None:
            return

        def answered(values: dict[str, str] | None) -> None:
            if values:
                self.act(callback_steps.snooze, cid, values.get("until", ""), values.get("reason", ""))

        self.app.push_screen(AskScreen("Snooze the callback", [
            ("until", "Until", "HH:MM, DD/MM HH:MM or +30m"),
            ("reason", "Reason (required)", "why it can wait, e.g. no answer"),
        ]), callback=answered)

    def action_reassign(self) -> None:
        cid = self.selected_id()
        if cid is None:
            return

        def answered(values: dict[str, str] | None) -> None:
            if values:
                self.act(callback_steps.reassign, cid, values.get("to", ""))

        self.app.push_screen(AskScreen("Reassign the callback", [
            ("to", "To", "a worker's login, or a team code such as OOH"),
        ]), callback=answered)
