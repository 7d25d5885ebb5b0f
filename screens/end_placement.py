"""Ending a placement (scenario 5: the carer gives notice; the placement ends with a reason).

A small dialog opened from the household profile (key e): which placement (a
digit, when the household has more than one), the reason by one key (planned
end, breakdown, move, other), the day it ended (today unless typed) and a note
(needed for "other"). ctrl+s checks what was typed, then calls
``dutydesk.requests.placements.end_placement`` in a thread worker; the service's
refusals (a date ahead, before the start, already ended, a role that cannot)
show in the dialog in its own words. On success the dialog returns the ended
placement's view; the place is freed in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from dutydesk.enums import PlacementEndReason
from dutydesk.labels import label
from screens.pickers import KeyChoice, KeyOption
from screens.fields import DeskInput, DeskTextArea
from screens.dialog_base import DeskDialog


@dataclass(frozen=True)
class PlacementChoice:
    reference: str
    child_name: str
    starts_on: dt.date


REASONS = [KeyOption(key, reason.value, label(reason)) for key, reason in
           zip("pbmo", (PlacementEndReason.PLANNED_END, PlacementEndReason.BREAKDOWN, PlacementEndReason.MOVE,
                        PlacementEndReason.OTHER), strict=True)]


class EndPlacementDialog(DeskDialog[Any]):
    """End one of a household's current placements. ctrl+s ends it; escape cancels."""

    CSS_PATH = "end_placement.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "End placement", priority=True, id="end_placement.save"),
        Binding("escape", "cancel", "Cancel", id="end_placement.cancel"),
    ]

    class Ended(Message):
        def __init__(self, view: Any) -> None:
            super().__init__()
            self.view = view

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, household_name: str, placements: list[PlacementChoice]) -> None:
        super().__init__()
        self.household_name = household_name
        self.placements = placements[:9]
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="end-box"):
            title = Text("End a placement with ", style="bold")
            title.append(Text(self.household_name))
            yield Static(title, classes="dialog-title", markup=False)
            if len(self.placements) == 1:
                yield Static(self._label(self.placements[0]), id="end-which-one", markup=False)
            else:
                yield Static("Which placement (press its number):", classes="dialog-prompt", markup=False)
                for i, p in enumerate(self.placements, start=1):
                    yield Static(Text(f"{i}  ").append_text(self._label(p)), classes="end-option", markup=False)
                yield KeyChoice([KeyOption(str(i), p.reference, p.reference)
                                 for i, p in enumerate(self.placements, start=1)], id="end-which")
            yield Static("Why it ended (one key):", classes="dialog-prompt", markup=False)
            yield KeyChoice(REASONS, id="end-reason")
            yield Static("The day it ended (DD/MM/YYYY, today, yesterday):", classes="dialog-prompt",
                         markup=False)
            yield DeskInput(value="today", id="end-date", compact=True)
            yield Static("Note (needed for 'other'):", classes="dialog-prompt", markup=False)
            yield DeskTextArea(placeholder="for example: carer gave 24 hours' notice after an incident",
                               id="end-note", compact=True)
            yield Static("", id="end-error", classes="dialog-error", markup=False)
        yield Footer()

    @staticmethod
    def _label(p: PlacementChoice) -> Text:
        out = Text(f"{p.reference}  ")
        out.append(Text(p.child_name))
        out.append(f", since {p.starts_on:%d %b %Y}")
        return out

    def on_mount(self) -> None:
        first = "#end-which" if len(self.placements) > 1 else "#end-reason"
        self.query_one(first).focus()

    def _which(self) -> str | None:
        if len(self.placements) == 1:
            return self.placements[0].reference
        return self.query_one("#end-which", KeyChoice).value

    def _error(self, text: str) -> None:
        self.query_one("#end-error", Static).update(Content(text))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "end-date":
            self.query_one("#end-note", DeskTextArea).focus()

    def action_save(self) -> None:
        from dutydesk.calls.typed import parse_day
        from dutydesk.errors import InvalidInput

        if self.busy:
            return
        which = self._which()
        if which is None:
            self._error("Press the number of the placement that ended.")
            self.query_one("#end-which").focus()
            return
        reason = self.query_one("#end-reason", KeyChoice).value
        if reason is None:
            self._error("Choose why it ended: p planned end, b breakdown, m move, o other.")
            self.query_one("#end-reason").focus()
            return
        try:
            day = parse_day(self.query_one("#end-date", Input).value, what="End date")
        except InvalidInput as err:
            self._error(str(err))
            self.query_one("#end-date").focus()
            return
        if day is None:
            self._error("Type the day it ended, for example 'today' or 04/12/2026.")
            self.query_one("#end-date").focus()
            return
        note = self.query_one("#end-note", DeskTextArea).text
        if reason == "other" and not note.strip():
            self._error("Say why the placement ended: a note is needed when the reason is 'other'.")
            self.query_one("#end-note").focus()
            return
        self.busy = True
        self._error("")
        self.end(self.app.desk, which, day, reason, note)

    @work(thread=True, exclusive=True, exit_on_error=False, group="end-placement")
    def end(self, desk: Any, which: str, day: dt.date, reason: str, note: str) -> None:
        from dutydesk.requests import placements
        from dutydesk.errors import DeskError

        try:
            view = placements.end_placement(desk, which, day, reason, note)
        except DeskError as err:
            self.post_message(self.Refused(str(err)))
            return
        self.post_message(self.Ended(view))

    def on_end_placement_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self._error(message.text)

    def on_end_placement_dialog_ended(self, message: Ended) -> None:
        self.dismiss(message.view)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
            self.app.worker_failed(event.worker)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ended_message(view: Any) -> str:
    """What the worker is told once it is done (plain text; shown with markup off)."""
    reason = label(view.end_reason, PlacementEndReason) if view.end_reason else "ended"
    text = (f"Placement {view.reference} ({view.child_name}) ended on {view.ended_on:%d %b %Y}: {reason}. "
            f"{view.household_name} has a place free.")
    if reason in ("breakdown", "move"):
        text += " Log the call (F2) to open a new request for the child."
    return text
