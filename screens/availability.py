"""The availability dialog: a carer rings to say the household is away (scenario 13).

Opened from the household profile (key a) and from the call form when the call
is about carer availability (ctrl+u). The kind by one key (h holiday, b break,
o on hold, x other), the first and last day away (DD/MM/YYYY, today, +N) and
the reason; each field is checked as it is typed, and ctrl+s calls
``dutydesk.carers.availability_edit.add_period`` in a thread worker. The
household's periods not yet over are listed at the foot: ctrl+o copies the
highlighted one into the fields to change it (ctrl+s then saves the change),
ctrl+e ends it today with the reason typed (a period not yet started is
cancelled). A refusal
shows in the dialog in the service's words and everything typed stays. On
success the dialog returns the recorded period; the next search rules the
household out for those dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from dutydesk.enums import UnavailableKind
from dutydesk.labels import label
from screens.fields import DeskInput, DeskTextArea
from screens.pickers import KeyChoice, KeyOption
from screens.dialog_base import DeskDialog

KINDS = [KeyOption(key, kind.value, label(kind)) for key, kind in
         zip("hbox", (UnavailableKind.HOLIDAY, UnavailableKind.BREAK, UnavailableKind.HOLD, UnavailableKind.OTHER),
             strict=True)]


def read_day(text: str, what: str) -> tuple[dt.date | None, str]:
    """(the day, "") or (None, what is wrong), as the call form reads days."""
    from dutydesk.calls.typed import parse_day
    from dutydesk.errors import InvalidInput

    try:
        day = parse_day(text, what=what)
    except InvalidInput as err:
        return None, str(err)
    if day is None:
        return None, f"{what}: type a day, for example 'today', '+3' or 04/12/2026."
    return day, ""


class AvailabilityDialog(DeskDialog[Any]):
    """Record that a household is not available for some dates. ctrl+s saves; escape cancels."""

    CSS_PATH = "availability.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save period", priority=True, id="availability.save"),
        Binding("ctrl+o", "change", "Change highlighted", priority=True, id="availability.change"),
        Binding("ctrl+e", "end", "End highlighted", priority=True, id="availability.end"),
        Binding("escape", "cancel", "Cancel", id="availability.cancel"),
    ]

    class Listed(Message):
        def __init__(self, periods: list[Any]) -> None:
            super().__init__()
            self.periods = periods

    class Saved(Message):
        def __init__(self, period: Any) -> None:
            super().__init__()
            self.period = period

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, household_id: int, household_name: str) -> None:
        super().__init__()
        self.household_id = household_id
        self.household_name = household_name
        self.busy = False
        self.periods: list[Any] = []
        self.editing: Any = None  # the period being changed, or None when adding one

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="availability-box"):
            title = Text("Not available: ", style="bold")
            title.append(Text(self.household_name))
            yield Static(title, classes="dialog-title", markup=False)
            yield Static("What (one key): h holiday, b break, o on hold, x other", classes="dialog-prompt",
                         markup=False)
            yield KeyChoice(KINDS, id="av-kind")
            yield Static("First day away (DD/MM/YYYY, today, +3):", classes="dialog-prompt", markup=False)
            yield DeskInput(id="av-from", compact=True)
            yield Static("Last day away:", classes="dialog-prompt", markup=False)
            yield DeskInput(id="av-until", compact=True)
            yield Static("Reason (what the carer said):", classes="dialog-prompt", markup=False)
            yield DeskTextArea(placeholder="for example: family holiday in Spain", id="av-reason", compact=True,
                               highlight_cursor_line=False)
            yield Static("", id="av-error", classes="dialog-error", markup=False)
            yield Static("Recorded (ctrl+o change, ctrl+e end with the reason above):", id="av-list-title",
                         classes="dialog-prompt", markup=False)
            yield OptionList(id="av-periods", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#av-kind").focus()
        self.list_periods(self.app.desk)

    @work(thread=True, exclusive=True, exit_on_error=False, group="availability-list")
    def list_periods(self, desk: Any) -> None:
        from dutydesk.carers.availability_edit import periods

        self.post_message(self.Listed(periods(desk, self.household_id)))

    def on_availability_dialog_listed(self, message: Listed) -> None:
        self.periods = message.periods
        box = self.query_one("#av-periods", OptionList)
        box.clear_options()
        box.add_options([Option(Text(period_line(p)), id=str(p.id)) for p in self.periods]
                        or [Option(Text("none not yet over"), disabled=True)])
        if self.periods:
            box.highlighted = 0

    def _highlighted(self) -> Any:
        box = self.query_one("#av-periods", OptionList)
        if not self.periods or box.highlighted is None:
            self._error("No period recorded to change or end: record one above.")
            return None
        return self.periods[box.highlighted]

    def action_change(self) -> None:
        p = self._highlighted()
        if p is None:
            return
        self.editing = p
        self.query_one("#av-kind", KeyChoice).value = p.kind.value
        self.query_one("#av-from", Input).value = p.starts_on.strftime("%d/%m/%Y")
        self.query_one("#av-until", Input).value = p.ends_on.strftime("%d/%m/%Y")
        self.query_one("#av-reason", DeskTextArea).text = ""
        # Not in the error line: the fields' own checks, run as they change, would clear it.
        self.query_one("#av-list-title", Static).update(
            Text(f"Changing {period_line(p)}: change the dates, say why, ctrl+s saves."))
        self.query_one("#av-until").focus()

    def action_end(self) -> None:
        p = self._highlighted()
        if p is None or self.busy:
            return
        reason = self.query_one("#av-reason", DeskTextArea).text
        if not reason.strip():
            self._error("Type the reason above (what the carer said), then ctrl+e ends the highlighted period.")
            self.query_one("#av-reason").focus()
            return
        self.busy = True
        self._error("Saving…")
        self.finish(self.app.desk, p, reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="availability")
    def finish(self, desk: Any, period: Any, reason: str) -> None:
        from dutydesk.carers.availability_edit import end_period
        from dutydesk.errors import DeskError

        try:
            left = end_period(desk, period.id, reason=reason)
        except DeskError as err:
            self.post_message(self.Refused(str(err)))
            return
        self.post_message(self.Saved(
            f"Ended: {period_line(period)}; available from today." if left is not None
            else f"Cancelled: {period_line(period)} (it had not started)."))

    def _error(self, text: str) -> None:
        self.query_one("#av-error", Static).update(Content(text))

    def problem(self) -> tuple[str, str]:
        """(what is wrong, the field to go to), or ("", "") when it may be saved."""
        if self.query_one("#av-kind", KeyChoice).value is None:
            return "Choose what it is: h holiday, b break, o on hold, x other.", "#av-kind"
        start, why = read_day(self.query_one("#av-from", Input).value, "First day")
        if start is None:
            return why, "#av-from"
        end, why = read_day(self.query_one("#av-until", Input).value, "Last day")
        if end is None:
            return why, "#av-until"
        if end < start:
            return f"The last day ({end:%d %b}) is before the first ({start:%d %b}); swap them?", "#av-until"
        if not self.query_one("#av-reason", DeskTextArea).text.strip():
            return "Say why (what the carer said); the reason is kept with the period.", "#av-reason"
        return "", ""

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        # Validate as the worker types, but only the fields already filled in.
        if not event.value.strip():
            self._error("")
            return
        if event.input.id in ("av-from", "av-until"):
            _day, why = read_day(event.value, "First day" if event.input.id == "av-from" else "Last day")
            self._error(why)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the reason is several lines: enter there is a new line, ctrl+s saves
        self.focus_next()

    def action_save(self) -> None:
        if self.busy:
            return
        problem, where = self.problem()
        if problem:
            self._error(problem)
            self.query_one(where).focus()
            return
        start, _ = read_day(self.query_one("#av-from", Input).value, "First day")
        end, _ = read_day(self.query_one("#av-until", Input).value, "Last day")
        self.busy = True
        self._error("Saving…")
        self.record(self.app.desk, self.query_one("#av-kind", KeyChoice).value, start, end,
                    self.query_one("#av-reason", DeskTextArea).text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="availability")
    def record(self, desk: Any, kind: str, start: dt.date, end: dt.date, reason: str) -> None:
        from dutydesk.carers.availability_edit import add_period
        from dutydesk.errors import DeskError

        from dutydesk.carers.availability_edit import change_period

        try:
            if self.editing is not None:
                period = change_period(desk, self.editing.id, starts_on=start, ends_on=end, reason=reason, kind=kind)
            else:
                period = add_period(desk, self.household_id, kind, start, end, reason)
        except DeskError as err:
            self.post_message(self.Refused(str(err)))
            return
        self.post_message(self.Saved(period))

    def on_availability_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self._error(message.text)

    def on_availability_dialog_saved(self, message: Saved) -> None:
        self.dismiss(message.period)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)

    def action_cancel(self) -> None:
        self.dismiss(None)


def period_line(p: Any) -> str:
    why = f": {p.reason}" if p.reason else ""
    return f"{label(p.kind)} {p.starts_on:%a %d %b} to {p.ends_on:%a %d %b}{why}"


def saved_message(period: Any) -> str:
    """What the desk is told when the dialog closes: a recorded period, or what ctrl+e did."""
    if isinstance(period, str):
        return period
    return (f"Recorded: {label(period.kind)} {period.starts_on:%a %d %b} to {period.ends_on:%a %d %b}. "
            "Searches for those dates rule the household out.")


def read_places_held(value: str) -> tuple[tuple[int, dt.date | None, str] | None, str]:
    """((places, until, reason), "") from "1 until 31/12/2026: bedroom being decorated" ("0: ..." gives
    every place back), or (None, what is wrong)."""
    head, sep, why = value.partition(":")
    words = head.split()
    if not sep or not words or not words[0].isdigit():
        return None, "Start with how many places, for example '1 until 31/12/2026: bedroom being decorated'."
    if not why.strip():
        return None, "After the colon, say why (what the carer said)."
    n = int(words[0])
    if n == 0:
        return (0, None, why.strip()), ""
    if len(words) < 3 or words[1].lower() != "until":
        return None, "Say until when: '1 until 31/12/2026: ...' (or '0: ...' when every place is back)."
    until, problem = read_day(" ".join(words[2:]), "Until")
    return ((n, until, why.strip()), "") if until else (None, problem)


def places_held_dialog() -> Any:
    """Places "not available" (a bedroom being decorated), typed on one line and checked before saving."""
    from screens.dialogs import ReasonDialog

    class PlacesHeldDialog(ReasonDialog):
        def problem(self, value: str) -> str | None:
            return read_places_held(value)[1] or None

    return PlacesHeldDialog("Places not available", "How many places, until when, and why; '0: ...' gives "
                            "them all back.", placeholder="1 until 31/12/2026: bedroom being decorated")


def hold_places_now(desk: Any, household_id: int, value: str) -> str:
    """Save what ``places_held_dialog`` returned (``screens.loading.act`` runs it in a worker)."""
    from dutydesk.carers.availability_edit import hold_places

    (n, until, why), _ = read_places_held(value)  # type: ignore[misc]
    held = hold_places(desk, household_id, n, until=until, reason=why)
    if not held.places:
        return "Every approved place is available again."
    return f"Recorded: {held.places} place(s) not available until {held.until:%d %b %Y}; they are not free till then."

