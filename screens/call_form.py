"""The call form: log a call in as few keys as possible, from anywhere (F2).

Caller type and category take one letter each; the time received starts as
the moment the form opened; the child or household is found by typing part of
a name or reference, or recorded on the spot; "placement request" opens the
request part; a callback takes a due time. ctrl+s saves through
``dutydesk.calls.call_log.log_call`` and returns to the screen the worker came from.

A draft is saved as you type and, when the SSH session drops (SIGHUP), at once;
the next time the form or the desk opens it offers the draft back
(``screens.call_drafts``). The choices and as-you-type checks are
``screens.call_options``; reading the fields as a call is the service
``dutydesk.calls.form``, in the saving worker (which is handed a snapshot of the
fields, never the widgets).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.validation import Length
from textual.widgets import Footer, Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from screens.base import DeskScreen
from screens.call_carer_steps import CarerSteps
from screens.call_children import AddsChildren
from screens.call_drafts import DRAFT_KIND, KeepsDrafts
from screens.call_options import (
    CALLER_OPTIONS,
    CATEGORY_OPTIONS,
    CHOICE_FIELDS,
    DIRECTION_OPTIONS,
    GENDER_OPTIONS,
    LIMIT_OPTIONS,
    NEEDS_OPTIONS,
    PICKER_FIELDS,
    TEXT_FIELDS,
    TOGGLE_FIELDS,
    TYPE_OPTIONS,
    URGENCY_OPTIONS,
    DeskCheck,
    check_age,
    check_day,
    check_km,
    check_phone,
    check_when,
)
from screens.call_shortcuts import FindsAfterSaving, TypeChoice
from screens.pickers import KeyChoice, KeyToggles, Picked, Picker
from screens.fields import DeskInput, DeskTextArea


# ---------------------------------------------------------------- the form


def _row(label: str, *widgets: Any, id: str | None = None, classes: str = "") -> Horizontal:
    return Horizontal(Label(label, classes="field-label", markup=False), *widgets,
                      classes=f"field-row {classes}".strip(), id=id)


class CallFormScreen(FindsAfterSaving, CarerSteps, AddsChildren, KeepsDrafts, DeskScreen):
    """Log a call."""

    CSS_PATH = "call_form.tcss"
    HELP_TITLE = "Log a call"
    AUTO_FOCUS = "#caller_type"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save call", priority=True, id="call_form.save"),
        Binding("ctrl+f", "save_and_find", "Save, find", priority=True, id="call_form.save_and_find",
                tooltip="Save the call and open its request with the search run"),
        Binding("escape", "close", "Close (draft kept)", id="call_form.close"),
        Binding("ctrl+n", "new_child", "Add child", tooltip="Keep this child and add another (siblings, a baby)",
                id="call_form.new_child"),
        Binding("ctrl+o", "availability", "Carer away", id="call_form.availability"),
        Binding("ctrl+g", "connected_person", "Connected person", show=False, id="call_form.connected"),
        Binding("f8", "discard", "Discard call", show=False, id="call_form.discard"),
    ]

    def __init__(self, restore: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.restore = restore
        self._draft_timer: Any = None
        self._dirty = False
        self._dirty_since = 0.0
        self._saving = False
        self._old_sighup: Any = None
        self._opened_at = ""
        self.added_children: list[dict[str, Any]] = []

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        from dutydesk import clock

        self._opened_at = clock.fmt_local(clock.now(), "%d/%m %H:%M")
        with VerticalScroll(id="call-form"):
            yield _row("Caller", KeyChoice(CALLER_OPTIONS, id="caller_type"))
            yield _row("About", KeyChoice(CATEGORY_OPTIONS, id="category"))
            yield _row("Summary", DeskInput(placeholder="one line: what the call is about", id="summary", compact=True,
                                        validators=[Length(minimum=1, maximum=500,
                                                           failure_description="Type a one-line summary "
                                                           "(up to 500 characters).")]))
            yield _row("Children", Static("", id="children-list", markup=False), id="children-row")
            yield _row("Child", Picker("child", placeholder="name or case reference (Enter on no match: new)",
                                       allow_new=True, id="child"))
            with Vertical(id="new-child", classes="part"):
                yield _row("First name", DeskInput(id="child_first", compact=True, validators=[
                    Length(minimum=1, failure_description="Type the child's first name (or 'unknown').")]))
                yield _row("Last name", DeskInput(id="child_last", compact=True))
                yield _row("Age or DOB", DeskInput(placeholder="13 or DD/MM/YYYY", id="child_age", compact=True,
                                               validators=[DeskCheck(check_age)]))
                yield _row("Gender", KeyChoice(GENDER_OPTIONS, id="child_gender"))
            with Vertical(id="request-part", classes="part"):
                yield Static("Placement request", classes="part-title", markup=False)
                yield _row("Type", TypeChoice(TYPE_OPTIONS, id="req_type"))
                yield _row("Urgency", KeyChoice(URGENCY_OPTIONS, id="req_urgency"))
                yield _row("Needed from", DeskInput(value="today", id="req_from", compact=True,
                                                validators=[DeskCheck(check_day)]))
                yield _row("Until", DeskInput(placeholder="DD/MM/YYYY or blank", id="req_until", compact=True,
                                          validators=[DeskCheck(check_day)]))
                yield _row("Needs", KeyToggles(NEEDS_OPTIONS, id="req_needs"))
                yield _row("Near", Picker("place", placeholder="school or home town", id="req_place"))
                yield _row("Within km", DeskInput(placeholder="blank: any distance", id="req_km", compact=True,
                                              validators=[DeskCheck(check_km)]))
                yield _row("Household", KeyToggles(LIMIT_OPTIONS, id="req_limits"))
            yield _row("Household", Picker("household", placeholder="household name or reference", id="household"))
            yield _row("Call back", DeskInput(placeholder="HH:MM, DD/MM HH:MM or +30m; blank: none", id="cb_due",
                                          compact=True, validators=[DeskCheck(check_when)]))
            yield _row("Back by", DeskInput(placeholder="team code or login; blank: my team", id="cb_for",
                                        compact=True))
            yield _row("Received", DeskInput(value=self._opened_at, id="received", compact=True,
                                         validators=[DeskCheck(check_when)]))
            yield _row("Caller name", DeskInput(id="caller_name", compact=True))
            yield _row("Phone", DeskInput(placeholder="e.g. 01843 123456; blank if none", id="caller_phone", compact=True,
                                      validators=[DeskCheck(check_phone)]))
            yield _row("Direction", KeyChoice(DIRECTION_OPTIONS, value="incoming", id="direction"))
            yield _row("Notes", DeskTextArea(id="notes", soft_wrap=True, tab_behavior="focus", show_line_numbers=False))
        yield Static("", id="form-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-child").display = False
        self.query_one("#request-part").display = False
        self.query_one("#children-row").display = False
        if self.restore:
            self.apply(self.restore)
        else:
            self.check_draft()
        self._install_sighup()

    def on_unmount(self) -> None:
        self._remove_sighup()

    # -- reading and writing the fields -----------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Every field as plain JSON-able values (for drafts and for saving)."""
        out: dict[str, Any] = {}
        for f in TEXT_FIELDS:
            out[f] = self.query_one(f"#{f}", Input).value
        for f in CHOICE_FIELDS:
            out[f] = self.query_one(f"#{f}", KeyChoice).value
        for f in TOGGLE_FIELDS:
            out[f] = sorted(self.query_one(f"#{f}", KeyToggles).selected)
        for f in PICKER_FIELDS:
            p = self.query_one(f"#{f}", Picker)
            out[f] = {"id": p.picked.id, "label": p.picked.label, "detail": p.picked.detail} if p.picked else None
            out[f"{f}_text"] = p.value if p.picked is None else ""
        out["notes"] = self.query_one("#notes", TextArea).text
        out["new_child"] = bool(self.query_one("#new-child").display)
        out["children"] = [dict(c) for c in self.added_children]
        if self.connected_offer is not None:
            out["connected_offer"] = self.connected_offer
        return out

    def apply(self, fields: dict[str, Any]) -> None:
        for f in TEXT_FIELDS:
            if isinstance(fields.get(f), str):
                self.query_one(f"#{f}", Input).value = fields[f]
        for f in CHOICE_FIELDS:
            if f in fields:
                self.query_one(f"#{f}", KeyChoice).value = fields[f]
        for f in TOGGLE_FIELDS:
            if isinstance(fields.get(f), list):
                self.query_one(f"#{f}", KeyToggles).set_values(fields[f])
        for f in PICKER_FIELDS:
            p = self.query_one(f"#{f}", Picker)
            got = fields.get(f)
            if isinstance(got, dict) and isinstance(got.get("id"), int):
                p.set_picked(Picked(got["id"], str(got.get("label", "")), str(got.get("detail", ""))),
                             announce=False)
            elif isinstance(fields.get(f"{f}_text"), str):
                p._setting = True
                p.input.value = fields[f"{f}_text"]
                p._setting = False
        if isinstance(fields.get("notes"), str):
            self.query_one("#notes", TextArea).text = fields["notes"]
        self.query_one("#new-child").display = bool(fields.get("new_child"))
        self.added_children = [dict(c) for c in fields.get("children") or () if isinstance(c, dict)]
        offer = fields.get("connected_offer")
        self.connected_offer = offer if isinstance(offer, dict) and isinstance(offer.get("values"), dict) else None
        self.show_children()
        self._show_request_part()

    def _show_request_part(self) -> None:
        shown = self.query_one("#category", KeyChoice).value == "placement_request"
        self.query_one("#request-part").display = shown

    # -- reacting as the worker types -----------------------------------------------------

    @on(KeyChoice.Changed)
    def _choice_changed(self, event: KeyChoice.Changed) -> None:
        if event.choice.id == "category":
            self._show_request_part()
        self.changed()

    @on(KeyToggles.Changed)
    @on(TextArea.Changed)
    def _other_changed(self, _event: Any) -> None:
        self.changed()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self.changed()
        if event.validation_result is not None and not event.validation_result.is_valid and event.value.strip():
            self.say(event.validation_result.failure_descriptions[0])
        else:
            self.say("")

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on, like Tab; saving is ctrl+s.
        event.stop()
        self.focus_next()

    @on(Picker.Chose)
    def _picked(self, event: Picker.Chose) -> None:
        if event.picker.id == "child" and event.picked is not None:
            self.query_one("#new-child").display = False
        self.changed()

    @on(Picker.NewRequested)
    def _new_child(self, event: Picker.NewRequested) -> None:
        if event.picker.id != "child":
            return
        words = event.text.split()
        self.query_one("#child_first", Input).value = words[0] if words else ""
        self.query_one("#child_last", Input).value = " ".join(words[1:])
        self.query_one("#new-child").display = True
        self.query_one("#child_age", Input).focus()
        self.changed()

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#form-status", Static)
        status.update(Text(message, no_wrap=True, overflow="ellipsis"))
        status.set_class(error, "-error")

    # -- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._saving or self.desk is None:
            return
        self.say("Saving…")
        self._saving = True
        self.save_call(self.snapshot())  # the fields as plain values: the worker never reads widgets

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-save")
    def save_call(self, fields: dict[str, Any]) -> Any:
        from dutydesk.calls.call_log import log_call
        from dutydesk.calls.drafts import discard_draft
        from dutydesk.calls.form import call_input_from_fields

        inp = call_input_from_fields(self.desk, fields)
        view = log_call(self.desk, inp)
        try:
            discard_draft(self.desk, DRAFT_KIND)
        except Exception:  # noqa: BLE001 - the call is saved; a stale draft is only offered back
            pass
        offer = fields.get("connected_offer")
        recorded: tuple[Any, str] = (None, "")
        if offer:
            from screens.connected import record_with_call

            recorded = record_with_call(self.desk, offer, view.child_id)
        self.search_after_logging(fields, view)  # ctrl+f: the search, once a connected person is recorded
        return view, *recorded

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "call-save":
            if event.state == WorkerState.SUCCESS:
                self._saved(worker.result)
            elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
                self._saving = False
                self._failed(worker.error)
            return
        if worker.group.startswith("call-draft") and event.state == WorkerState.ERROR:
            self.say("The draft could not be saved; keep typing, it will try again.", error=True)
            return
        super().on_worker_state_changed(event)

    def _failed(self, error: Any) -> None:
        from dutydesk.errors import DeskError

        if isinstance(error, DeskError):
            self.say(str(error), error=True)
            self.notify(str(error), severity="error", markup=False)
            field = getattr(error, "field", None)
            if field:
                try:
                    target = self.query_one(f"#{field}")
                    if isinstance(target, Picker):
                        target = target.input
                    target.focus()
                except Exception:  # noqa: BLE001 - focusing is a courtesy
                    pass
            return
        failed = getattr(self.app, "worker_failed", None)
        if failed is not None and isinstance(error, BaseException):
            class _W:  # the app's crash path wants a worker-like object
                group = "call-save"

            w = _W()
            w.error = error  # type: ignore[attr-defined]
            failed(w)

    def _saved(self, result: Any) -> None:
        from dutydesk import clock

        view, approval, problem = result
        if approval is not None:
            from screens.connected import recorded_message

            self.app.notify(recorded_message(approval), markup=False)
        elif problem:
            self.app.notify(problem, severity="error", markup=False)

        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._dirty = False
        self._remove_sighup()
        extra = f", opened {view.request_reference}" if view.request_reference else ""
        cb = f", callback {clock.fmt_local(view.callbacks[0].due_at, '%H:%M')}" if view.callbacks else ""
        self.app.notify(f"Call {view.id} logged{extra}{cb}.", markup=False)
        self.dismiss(view.id)
        self.open_after_saved()  # ctrl+f: on to the request, its search run
        if view.category.value == "allegation" and view.household_id is not None:
            from screens.allegation_form import LogAllegationScreen  # the follow-up step: record it

            self.app.push_screen(LogAllegationScreen(view.household_id, call_id=view.id, child_id=view.child_id))

    def action_close(self) -> None:
        from dutydesk.calls.drafts import has_content

        if self._draft_timer is not None:
            self._draft_timer.stop()
        if has_content(self.snapshot()):
            self.flush_draft()
            self.app.notify("Draft kept: F2 offers it back.", markup=False)
        self._remove_sighup()
        self.app.pop_screen()

    def action_discard(self) -> None:
        from dutydesk.calls.drafts import has_content
        from screens.dialogs import ConfirmDialog

        if not has_content(self.snapshot()):
            self._discard()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._discard()

        # A filled-in call is never thrown away by one key: F8 asks first (escape keeps it as a draft).
        self.app.push_screen(ConfirmDialog(["Discard this call? What you typed is thrown away, no draft kept."]),
                             callback=answered)

    def _discard(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._dirty = False
        self._remove_sighup()
        from dutydesk.calls.drafts import discard_draft

        if self.desk is not None:
            discard_draft(self.desk, DRAFT_KIND)
        self.app.notify("Call discarded.", markup=False)
        self.app.pop_screen()
