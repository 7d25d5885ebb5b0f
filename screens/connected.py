"""Recording a connected person tonight (scenario 8): a relative or friend offers the child a home.

Opened from the finder on a request (key g) and from the call form once the
child is picked (ctrl+g). The carer's name, postcode, phone and who they are to
the child; ctrl+s calls ``dutydesk.carers.connected.record_connected_person`` in
a worker, which approves the household temporarily from today and sets the
16-week end. Refusals show here and what was typed stays.
"""

from __future__ import annotations

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

from screens.fields import DeskInput

from dutydesk.carers.household_values import check_field
from screens.dialog_base import DeskDialog


class ConnectedPersonDialog(DeskDialog[Any]):
    """A connected person's household for a named child, approved temporarily from today."""

    CSS_PATH = "availability.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Record", priority=True, id="connected.save"),
        Binding("escape", "cancel", "Cancel", id="connected.cancel"),
    ]

    class Recorded(Message):
        def __init__(self, approval: Any) -> None:
            super().__init__()
            self.approval = approval

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, child_id: int | None, child_name: str, places: int = 1) -> None:
        super().__init__()
        # None: the child is new on the call form; the dialog returns what was typed and the household
        # is recorded once the call (and so the child) is saved (``record_with_call``).
        self.child_id = child_id
        self.child_name = child_name
        self.places = places
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = Text("Connected person for ", style="bold")
            title.append(Text(self.child_name))
            yield Static(title, classes="dialog-title", markup=False)
            yield Static("Temporary approval from today for 16 weeks; matching offers the household for this "
                         "child only." + ("" if self.child_id is not None else
                                          " Recorded when the call is saved (the child is new to the desk)."),
                         classes="dialog-prompt", markup=False)
            yield Static("Carer's name (last, first):", classes="dialog-prompt", markup=False)
            yield DeskInput(placeholder="for example: Green, Margaret", id="cp-name", compact=True)
            yield Static("Postcode:", classes="dialog-prompt", markup=False)
            yield DeskInput(placeholder="CT9 2AB, or its district CT9", id="cp-postcode", compact=True)
            yield Static("Phone:", classes="dialog-prompt", markup=False)
            yield DeskInput(id="cp-phone", compact=True)
            yield Static("Who they are to the child, and why tonight:", classes="dialog-prompt", markup=False)
            yield DeskInput(placeholder="for example: grandmother; has cared for him at weekends", id="cp-reason",
                        compact=True)
            yield Static("", id="cp-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cp-name").focus()

    def _error(self, text: str) -> None:
        self.query_one("#cp-error", Static).update(Content(text))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = {"cp-postcode": "postcode", "cp-phone": "phone"}.get(event.input.id or "")
        if field:
            problem = check_field(field, event.value)
            self._error(f"{field.title()}: {problem}" if problem else "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "cp-reason":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        if self.busy:
            return
        values = {k: self.query_one(f"#cp-{k}", Input).value for k in ("name", "postcode", "phone", "reason")}
        for key, field in (("postcode", "postcode"), ("phone", "phone")):
            problem = check_field(field, values[key])
            if problem:
                self._error(f"{field.title()}: {problem}")
                self.query_one(f"#cp-{key}").focus()
                return
        for key, what in (("name", "Type the carer's name."), ("reason", "Say who they are to the child.")):
            if not values[key].strip():
                self._error(what)
                self.query_one(f"#cp-{key}").focus()
                return
        if self.child_id is None:
            self.dismiss({"values": values, "places": self.places})
            return
        self.busy = True
        self._error("Recording…")
        self.record(self.app.desk, values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="connected")
    def record(self, desk: Any, values: dict[str, str]) -> None:
        from dutydesk.carers.connected import record_connected_person
        from dutydesk.errors import DeskError

        try:
            approval = record_connected_person(desk, child_id=self.child_id, places=self.places, **values)
        except DeskError as err:
            self.post_message(self.Refused(str(err)))
            return
        self.post_message(self.Recorded(approval))

    def on_connected_person_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self._error(message.text)

    def on_connected_person_dialog_recorded(self, message: Recorded) -> None:
        self.dismiss(message.approval)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)

    def action_cancel(self) -> None:
        self.dismiss(None)


def recorded_message(t: Any) -> str:
    return (f"Recorded {t.reference} ({t.name}) for {t.child}: temporarily approved until "
            f"{t.expires_on:%d %b %Y}. Search again to offer the household.")


def record_with_call(desk: Any, offer: dict[str, Any], child_id: int | None) -> tuple[Any, str]:
    """(the approval, "") or (None, why not) for a connected person typed on the call form before its new
    child existed; run in the call's saving worker once the call is saved."""
    from dutydesk.carers.connected import record_connected_person
    from dutydesk.errors import DeskError

    if child_id is None:
        return None, "The call names no child, so the connected person was not recorded."
    try:
        return record_connected_person(desk, child_id=child_id, places=int(offer.get("places") or 1),
                                       **offer["values"]), ""
    except DeskError as err:
        return None, f"The connected person was not recorded: {err} Record them from the request's finder (g)."


def read_weeks(text: str) -> tuple[int | None, str]:
    """(weeks, "") for 1 to 8, or (None, what is wrong): the one extension is of up to 8 weeks."""
    t = text.strip()
    if not t.isdigit() or not 1 <= int(t) <= 8:
        return None, f"Weeks: type a number from 1 to 8 (the extension is of up to 8 weeks), not {t!r}." if t \
            else "Weeks: type how many, from 1 to 8."
    return int(t), ""


class ExtendDialog(DeskDialog[Any]):
    """A manager extends a temporary approval once: the weeks (1 to 8) and the reason, each its own field.
    ctrl+s returns (weeks, reason); escape cancels. The service (``connected.extend_approval``) decides."""

    CSS_PATH = "availability.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Extend", priority=True, id="extend.save"),
        Binding("escape", "cancel", "Cancel", id="extend.cancel"),
    ]

    def __init__(self, ends_on: Any) -> None:
        super().__init__()
        self.ends_on = ends_on

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Extend the temporary approval (ends {self.ends_on:%d %b %Y})", classes="dialog-title",
                         markup=False)
            yield Static("Weeks (once only, 1 to 8):", classes="dialog-prompt", markup=False)
            yield DeskInput(value="8", id="ext-weeks", compact=True)
            yield Static("Reason:", classes="dialog-prompt", markup=False)
            yield DeskInput(placeholder="for example: assessment goes to panel on 3 May", id="ext-reason",
                            compact=True)
            yield Static("", id="ext-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ext-weeks").focus()

    def _error(self, text: str) -> None:
        self.query_one("#ext-error", Static).update(Content(text))

    @on(Input.Changed, "#ext-weeks")
    def _typed(self, event: Input.Changed) -> None:
        self._error(read_weeks(event.value)[1] if event.value.strip() else "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "ext-reason":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        weeks, problem = read_weeks(self.query_one("#ext-weeks", Input).value)
        if weeks is None:
            self._error(problem)
            self.query_one("#ext-weeks").focus()
            return
        reason = self.query_one("#ext-reason", Input).value.strip()
        if not reason:
            self._error("Say why (the reason is kept with the extension), then ctrl+s.")
            self.query_one("#ext-reason").focus()
            return
        self.dismiss((weeks, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
