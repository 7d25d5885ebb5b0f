"""The call form: log a call in as few keys as possible, from anywhere (F2).

Caller type and category take one letter each; the time received starts as
the moment the form opened; the child or household is found by typing part of
a name or reference, or recorded on the spot; "placement request" opens the
request part; a callback takes a due time. ctrl+s saves through
``dutydesk.calls.call_log.log_call`` and returns to the screen the worker came from.

A draft is saved as you type (1.5 s after the last key, and at least every
2 s while typing goes on) and, when the
SSH session drops (SIGHUP), at once; the next time the form or the desk opens
it offers the draft back.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import Function, Length, ValidationResult, Validator
from textual.widgets import Footer, Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from screens.base import DeskScreen
from screens.pickers import KeyChoice, KeyOption, KeyToggles, Picked, Picker

DRAFT_KIND = "call"
DRAFT_DELAY_S = 1.5  # after the last key
DRAFT_MAX_WAIT_S = 2.0  # however fast the typing, a draft at least this often

CALLER_OPTIONS = [
    KeyOption("p", "police", "police"),
    KeyOption("w", "childs_social_worker", "child's SW"),
    KeyOption("o", "out_of_hours", "out of hours"),
    KeyOption("c", "carer", "carer"),
    KeyOption("i", "ifa", "IFA"),
    KeyOption("a", "other_authority", "other LA"),
    KeyOption("h", "hospital", "hospital"),
    KeyOption("m", "parent", "parent"),
    KeyOption("x", "other", "other"),
]
CATEGORY_OPTIONS = [
    KeyOption("r", "placement_request", "placement request"),
    KeyOption("u", "placement_update", "update/breakdown"),
    KeyOption("v", "carer_availability", "availability"),
    KeyOption("s", "carer_support", "carer support"),
    KeyOption("g", "allegation", "allegation/concern"),
    KeyOption("k", "complaint", "complaint"),
    KeyOption("n", "information", "information"),
]
GENDER_OPTIONS = [
    KeyOption("f", "female", "female"),
    KeyOption("m", "male", "male"),
    KeyOption("n", "non_binary", "non-binary"),
    KeyOption("u", "unknown", "not known"),
]
TYPE_OPTIONS = [
    KeyOption("e", "emergency", "emergency"),
    KeyOption("s", "short_term", "short term"),
    KeyOption("l", "long_term", "long term"),
    KeyOption("b", "short_breaks", "short breaks"),
    KeyOption("p", "parent_and_child", "parent & child"),
    KeyOption("r", "remand", "remand"),
]
URGENCY_OPTIONS = [
    KeyOption("e", "emergency", "emergency (tonight)"),
    KeyOption("u", "urgent", "urgent (days)"),
    KeyOption("p", "planned", "planned"),
]
NEEDS_OPTIONS = [
    KeyOption("d", "disability", "disability"),
    KeyOption("h", "complex_health", "health"),
    KeyOption("s", "sibling_groups", "siblings"),
    KeyOption("t", "teenagers", "teenager"),
    KeyOption("a", "uasc", "UASC"),
    KeyOption("y", "therapeutic", "therapeutic"),
    KeyOption("b", "babies", "baby"),
]
LIMIT_OPTIONS = [
    KeyOption("w", "wheelchair", "wheelchair access"),
    KeyOption("y", "no_younger_children", "no younger children"),
    KeyOption("o", "no_other_children", "no other children"),
    KeyOption("p", "no_pets", "no pets"),
    KeyOption("s", "no_smokers", "no smokers"),
]
DIRECTION_OPTIONS = [KeyOption("i", "incoming", "incoming"), KeyOption("o", "outgoing", "outgoing")]

TEXT_FIELDS = ("summary", "received", "caller_name", "caller_phone", "child_first", "child_last", "child_age",
               "req_from", "req_until", "req_km", "cb_due", "cb_for")
CHOICE_FIELDS = ("caller_type", "category", "child_gender", "req_type", "req_urgency", "direction")
TOGGLE_FIELDS = ("req_needs", "req_limits")
PICKER_FIELDS = ("child", "household", "req_place")


# ---------------------------------------------------------------- validators (as you type)


class DeskCheck(Validator):
    """Runs one of the desk's own parsers; its InvalidInput message is what the worker sees."""

    def __init__(self, parse: Any) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        from dutydesk.errors import InvalidInput

        try:
            self.parse(value)
        except InvalidInput as err:
            return self.failure(str(err))
        return self.success()


def _check_phone(value: str) -> None:
    from dutydesk.calls.call_log import parse_phone

    parse_phone(value)


def _check_when(value: str) -> None:
    from dutydesk.calls.call_log import parse_when

    parse_when(value, what="Time")


def _check_day(value: str) -> None:
    from dutydesk.calls.call_log import parse_day

    parse_day(value)


def _check_age(value: str) -> None:
    from dutydesk.calls.call_log import parse_day
    from dutydesk.errors import InvalidInput

    v = value.strip()
    if not v:
        return
    if v.isdigit():
        if not 0 <= int(v) <= 17:
            raise InvalidInput("Type an age from 0 to 17, or the date of birth as DD/MM/YYYY.")
        return
    parse_day(v, what="Date of birth")


def _check_km(value: str) -> None:
    from dutydesk.errors import InvalidInput

    v = value.strip()
    if v and not (v.replace(".", "", 1).isdigit() and 0 < float(v) <= 500):
        raise InvalidInput("Type a distance in kilometres (1 to 500), or leave it blank.")


# ---------------------------------------------------------------- restore offer


class RestoreDraftScreen(ModalScreen[str]):
    """Offers back a call that was being typed when the session ended."""

    BINDINGS = [
        Binding("r", "answer('restore')", "Restore it", id="draft.restore"),
        Binding("d", "answer('discard')", "Discard it", id="draft.discard"),
        Binding("escape", "answer('later')", "Not now", id="draft.later"),
    ]

    def __init__(self, when: str, summary: str) -> None:
        super().__init__()
        self.when = when
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="restore-box"):
            yield Static(Content(f"A call you were typing at {self.when} was not saved."), id="restore-title")
            if self.summary:
                yield Static(Text(self.summary, no_wrap=True, overflow="ellipsis"), id="restore-summary")
            yield Static("r restores it, d discards it, Esc decides later.", id="restore-keys", markup=False)
        yield Footer()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


# ---------------------------------------------------------------- the form


def _row(label: str, *widgets: Any, id: str | None = None, classes: str = "") -> Horizontal:
    return Horizontal(Label(label, classes="field-label", markup=False), *widgets,
                      classes=f"field-row {classes}".strip(), id=id)


class CallFormScreen(DeskScreen):
    """Log a call."""

    CSS_PATH = "call_form.tcss"
    HELP_TITLE = "Log a call"
    AUTO_FOCUS = "#caller_type"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save call", priority=True, id="call_form.save"),
        Binding("escape", "close", "Close (draft kept)", id="call_form.close"),
        Binding("ctrl+n", "new_child", "New child", id="call_form.new_child"),
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

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        from dutydesk import clock

        self._opened_at = clock.fmt_local(clock.now(), "%d/%m %H:%M")
        with VerticalScroll(id="call-form"):
            yield _row("Caller", KeyChoice(CALLER_OPTIONS, id="caller_type"))
            yield _row("About", KeyChoice(CATEGORY_OPTIONS, id="category"))
            yield _row("Summary", Input(placeholder="one line: what the call is about", id="summary", compact=True,
                                        validators=[Length(minimum=1, maximum=500,
                                                           failure_description="Type a one-line summary "
                                                           "(up to 500 characters).")]))
            yield _row("Child", Picker("child", placeholder="name or case reference (Enter on no match: new)",
                                       allow_new=True, id="child"))
            with Vertical(id="new-child", classes="part"):
                yield _row("First name", Input(id="child_first", compact=True, validators=[
                    Length(minimum=1, failure_description="Type the child's first name (or 'unknown').")]))
                yield _row("Last name", Input(id="child_last", compact=True))
                yield _row("Age or DOB", Input(placeholder="13 or DD/MM/YYYY", id="child_age", compact=True,
                                               validators=[DeskCheck(_check_age)]))
                yield _row("Gender", KeyChoice(GENDER_OPTIONS, id="child_gender"))
            with Vertical(id="request-part", classes="part"):
                yield Static("Placement request", classes="part-title", markup=False)
                yield _row("Type", KeyChoice(TYPE_OPTIONS, id="req_type"))
                yield _row("Urgency", KeyChoice(URGENCY_OPTIONS, id="req_urgency"))
                yield _row("Needed from", Input(value="today", id="req_from", compact=True,
                                                validators=[DeskCheck(_check_day)]))
                yield _row("Until", Input(placeholder="DD/MM/YYYY or blank", id="req_until", compact=True,
                                          validators=[DeskCheck(_check_day)]))
                yield _row("Needs", KeyToggles(NEEDS_OPTIONS, id="req_needs"))
                yield _row("Near", Picker("place", placeholder="school or home town", id="req_place"))
                yield _row("Within km", Input(placeholder="blank: any distance", id="req_km", compact=True,
                                              validators=[DeskCheck(_check_km)]))
                yield _row("Household", KeyToggles(LIMIT_OPTIONS, id="req_limits"))
            yield _row("Household", Picker("household", placeholder="household name or reference", id="household"))
            yield _row("Call back", Input(placeholder="HH:MM, DD/MM HH:MM or +30m; blank: none", id="cb_due",
                                          compact=True, validators=[DeskCheck(_check_when)]))
            yield _row("Back by", Input(placeholder="team code or login; blank: my team", id="cb_for",
                                        compact=True))
            yield _row("Received", Input(value=self._opened_at, id="received", compact=True,
                                         validators=[DeskCheck(_check_when)]))
            yield _row("Caller name", Input(id="caller_name", compact=True))
            yield _row("Phone", Input(placeholder="e.g. 01843 123456; blank if none", id="caller_phone", compact=True,
                                      validators=[DeskCheck(_check_phone)]))
            yield _row("Direction", KeyChoice(DIRECTION_OPTIONS, value="incoming", id="direction"))
            yield _row("Notes", TextArea(id="notes", soft_wrap=True, tab_behavior="focus", show_line_numbers=False))
        yield Static("", id="form-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-child").display = False
        self.query_one("#request-part").display = False
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

    def action_new_child(self) -> None:
        picker = self.query_one("#child", Picker)
        picker.set_picked(None, announce=False)
        self.query_one("#new-child").display = True
        self.query_one("#child_first", Input).focus()
        self.changed()

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#form-status", Static)
        status.update(Text(message, no_wrap=True, overflow="ellipsis"))
        status.set_class(error, "-error")

    # -- drafts --------------------------------------------------------------------------

    def changed(self) -> None:
        """Something was typed: save a draft once typing pauses, and at least every DRAFT_MAX_WAIT_S."""
        if self._saving:
            return
        now = time.monotonic()
        if not self._dirty:
            self._dirty_since = now
        self._dirty = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        wait = min(DRAFT_DELAY_S, max(0.05, self._dirty_since + DRAFT_MAX_WAIT_S - now))
        self._draft_timer = self.set_timer(wait, self._save_draft_soon)

    def _save_draft_soon(self) -> None:
        self._draft_timer = None
        if self._dirty and not self._saving:
            self._dirty = False
            self.save_draft(self.snapshot())

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-draft")
    def save_draft(self, fields: dict[str, Any]) -> None:
        from dutydesk.calls.drafts import save_draft

        if self.desk is not None:
            save_draft(self.desk, DRAFT_KIND, fields)

    def flush_draft(self) -> None:
        """Save the draft now, synchronously (the SSH session is going away)."""
        if self.desk is None or self._saving:
            return
        from dutydesk.calls.drafts import has_content, save_draft

        fields = self.snapshot()
        if has_content(fields):
            save_draft(self.desk, DRAFT_KIND, fields)

    def _install_sighup(self) -> None:
        if not hasattr(signal, "SIGHUP"):
            return
        try:
            self._old_sighup = signal.signal(signal.SIGHUP, self._on_sighup)
        except ValueError:  # not the main thread (some test runners)
            self._old_sighup = None

    def _remove_sighup(self) -> None:
        if self._old_sighup is not None and hasattr(signal, "SIGHUP"):
            try:
                signal.signal(signal.SIGHUP, self._old_sighup)
            except ValueError:
                pass
            self._old_sighup = None

    def _on_sighup(self, signum: int, frame: Any) -> None:
        try:
            self.flush_draft()
        finally:
            previous = self._old_sighup
            self._remove_sighup()
            if callable(previous):
                previous(signum, frame)
            else:
                self.app.exit(129)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-draft-check")
    def check_draft(self) -> None:
        from dutydesk import clock
        from dutydesk.calls.drafts import has_content, load_draft

        if self.desk is None:
            return
        draft = load_draft(self.desk, DRAFT_KIND)
        if draft is not None and has_content(draft.fields):
            self.app.call_from_thread(self._offer, draft.fields, clock.fmt_local(draft.updated_at, "%H:%M"))

    def _offer(self, fields: dict[str, Any], when: str) -> None:
        def answered(answer: str | None) -> None:
            if answer == "restore":
                self.apply(fields)
                self.say("Draft restored.")
            elif answer == "discard":
                self.discard_draft()

        self.app.push_screen(RestoreDraftScreen(when, str(fields.get("summary") or "")), callback=answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-draft")
    def discard_draft(self) -> None:
        from dutydesk.calls.drafts import discard_draft

        if self.desk is not None:
            discard_draft(self.desk, DRAFT_KIND)

    def unsaved_changes(self) -> str | None:
        from dutydesk.calls.drafts import has_content

        if has_content(self.snapshot()):
            self.flush_draft()
            return "The call you are typing is not saved (a draft is kept)."
        return None

    # -- saving ------------------------------------------------------------------------------

    def build_input(self) -> Any:
        """The CallInput from the fields; InvalidInput (with the field's id) says what to fix."""
        from dutydesk import clock
        from dutydesk.calls import call_log as calls
        from dutydesk.errors import InvalidInput
        from dutydesk.calls.intake import ChildInput, RequestInput

        f = self.snapshot()

        def need(ok: bool, field: str, message: str) -> None:
            if not ok:
                err = InvalidInput(message)
                err.field = field  # type: ignore[attr-defined]
                raise err

        def parsed(field: str, fn: Any) -> Any:
            try:
                return fn()
            except InvalidInput as err:
                err.field = field  # type: ignore[attr-defined]
                raise

        need(f["caller_type"] is not None, "caller_type", "Choose who called: press p police, w child's SW, ...")
        need(f["category"] is not None, "category", "Choose what the call is about: r placement request, ...")
        need(bool(f["summary"].strip()), "summary", "Type a one-line summary of the call.")
        received = parsed("received", lambda: calls.parse_when(f["received"], what="Time received"))
        new_child = None
        if f["new_child"] and not f["child"]:
            age_text = f["child_age"].strip()
            need(bool(f["child_first"].strip()), "child_first", "Type the child's first name (or 'unknown').")
            need(bool(age_text), "child_age", "Type the child's age, or their date of birth as DD/MM/YYYY.")
            need(f["child_gender"] is not None, "child_gender", "Choose the child's gender: f, m, n or u.")
            age = int(age_text) if age_text.isdigit() else None
            dob = None if age is not None else parsed("child_age", lambda: calls.parse_day(age_text,
                                                                                        what="Date of birth"))
            new_child = ChildInput(first_name=f["child_first"], last_name=f["child_last"], age=age,
                                   date_of_birth=dob, gender=f["child_gender"])
        request = None
        if f["category"] == "placement_request":
            need(f["req_type"] is not None, "req_type", "Choose the placement type: e emergency, s short term, ...")
            need(f["req_urgency"] is not None, "req_urgency", "Choose the urgency: e emergency, u urgent, p planned.")
            need(bool(f["child"] or new_child), "child",
                 "A placement request needs the child: type a name, or Enter on no match to record them.")
            start = parsed("req_from", lambda: calls.parse_day(f["req_from"], what="Needed from"))
            need(start is not None, "req_from", "Type the date the placement is needed from (DD/MM/YYYY or today).")
            km = f["req_km"].strip()
            limits = set(f["req_limits"])
            request = RequestInput(
                placement_type=f["req_type"], urgency=f["req_urgency"], needed_from=start,
                needed_until=parsed("req_until", lambda: calls.parse_day(f["req_until"], what="Needed until")),
                needs=frozenset(f["req_needs"]), needs_wheelchair_access="wheelchair" in limits,
                near_place_id=f["req_place"]["id"] if f["req_place"] else None,
                max_distance_km=float(km) if km else None,
                no_younger_children="no_younger_children" in limits, no_other_children="no_other_children" in limits,
                no_pets="no_pets" in limits, no_smokers="no_smokers" in limits,
            )
        callback = None
        if f["cb_due"].strip():
            due = parsed("cb_due", lambda: calls.parse_when(f["cb_due"], what="Call back", prefer_future=True))
            callback = calls.CallbackInput(due_at=due, **self._callback_owner(f["cb_for"]))
        elif f["cb_for"].strip():
            need(False, "cb_due", "A callback needs a time: type HH:MM or +30m, or clear 'Back by'.")
        _ = clock
        return calls.CallInput(
            caller_type=f["caller_type"], category=f["category"], summary=f["summary"], received_at=received,
            direction=f["direction"] or "incoming", caller_name=f["caller_name"], caller_phone=f["caller_phone"],
            notes=f["notes"], child_id=f["child"]["id"] if f["child"] else None, new_child=new_child,
            household_id=f["household"]["id"] if f["household"] else None, request=request, callback=callback,
        )

    def _callback_owner(self, text: str) -> dict[str, Any]:
        """'OOH' (a team code) or 'dana' (a login); blank: the worker's own team."""
        from dutydesk.calls import call_log as calls
        from dutydesk.errors import InvalidInput, NotFound

        t = text.strip()
        if not t:
            return {}
        try:
            return {"team_id": calls.team_id_for(self.desk, t)}
        except NotFound:
            pass
        try:
            return {"assigned_to_id": calls.user_id_for(self.desk, t)}
        except NotFound:
            err = InvalidInput(f"'Back by' {t!r} is neither a team code nor a worker's login; "
                               "type a team code such as OOH, a login, or leave it blank.")
            err.field = "cb_for"  # type: ignore[attr-defined]
            raise err from None

    def action_save(self) -> None:
        if self._saving or self.desk is None:
            return
        self.say("Saving…")
        self._saving = True
        self.save_call()

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-save")
    def save_call(self) -> Any:
        from dutydesk.calls.call_log import log_call
        from dutydesk.calls.drafts import discard_draft

        inp = self.app.call_from_thread(self.build_input)
        view = log_call(self.desk, inp)
        try:
            discard_draft(self.desk, DRAFT_KIND)
        except Exception:  # noqa: BLE001 - the call is saved; a stale draft is only offered back
            pass
        return view

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

    def _saved(self, view: Any) -> None:
        from dutydesk import clock

        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._dirty = False
        self._remove_sighup()
        extra = f", opened {view.request_reference}" if view.request_reference else ""
        cb = f", callback {clock.fmt_local(view.callbacks[0].due_at, '%H:%M')}" if view.callbacks else ""
        self.app.notify(f"Call {view.id} logged{extra}{cb}.", markup=False)
        self.dismiss(view.id)

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
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._dirty = False
        self._remove_sighup()
        from dutydesk.calls.drafts import discard_draft

        if self.desk is not None:
            discard_draft(self.desk, DRAFT_KIND)
        self.app.notify("Call discarded.", markup=False)
        self.app.pop_screen()
