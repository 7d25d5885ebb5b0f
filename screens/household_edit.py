"""The household record at 80x24: identity, status, terms of approval, facts and dates, by keyboard.

One line per field, typed as the households CSV takes it ("emergency; short
term", "yes", "3; 7"), but days day first as everywhere on the desk (16/03/2027); each is checked as it is typed by the
service's own reader (``dutydesk.carers.household_values.check_field``), and a
field the signed-in role may not change is shown but cannot be typed in (a duty
worker records facts; terms, status and dates need a manager). ctrl+s saves the
fields that changed, with the reason, through ``household_edit.edit_household``
in a worker. A refusal (a bad value, the allegation hold, a child still placed,
or someone else having saved first: "the record changed", with what) is shown
and everything typed stays.

Opened with no household (``HouseholdEditScreen(None)``, ctrl+n in the finder)
the same form adds a new household (a manager: ``household_edit.add_household``,
the fields typed, with the reason); once saved it carries on as that
household's record.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from dutydesk.carers.household_rules import EDITABLE, may_change
from dutydesk.carers.household_values import FIELD_WORDS, check_field, in_sentence, read_value, typed_text
from screens.fields import DeskInput, DeskTextArea
from screens.loading import LoadingScreen, Outcome

LEFT = "left_on"  # not a column of the record: read with a change of status to resigned or deregistered
PANEL = "panel_on"  # nor this: read with new terms of approval, the day panel approved them
# Each extra day, on the row after the field it goes with: (its field, the field it follows, placeholder).
EXTRA = ((LEFT, "status", "resigned/deregistered: DD/MM/YYYY (blank: today)"),
         (PANEL, "specialisms", "with new terms: DD/MM/YYYY of the panel"))


def _add(desk: Any, typed: dict[str, str], reason: str) -> Outcome:
    from dutydesk.carers.household_edit import add_household
    from dutydesk.carers.household_values import FieldProblems

    try:
        saved = add_household(desk, typed, reason=reason)
    except FieldProblems as err:
        return Outcome(str(err), False, err.problems)
    return Outcome(f"Added {saved.record.reference}: the desk can find and match it now.", True, saved)


def _save(desk: Any, household_id: int, typed: dict[str, str], reason: str, version: int,
          seen: dict[str, Any], days: dict[str, Any] | None = None) -> Outcome:
    from dutydesk.carers.household_edit import edit_household
    from dutydesk.carers.household_values import FieldProblems

    try:
        saved = edit_household(desk, household_id, typed, reason=reason, version=version, seen=seen,
                               **(days or {}))
    except FieldProblems as err:
        return Outcome(str(err), False, err.problems)
    if not saved.changed:
        return Outcome("Nothing changed: the record already reads so.", True, saved)
    return Outcome(f"Saved {saved.record.reference}: {', '.join(in_sentence(f) for f in saved.changes)}.",
                   True, saved)


class HouseholdEditScreen(LoadingScreen):
    """Change a household's record, each change with its reason."""

    CSS_PATH = "household_edit.tcss"
    HELP_TITLE = "Household record"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="household_edit.save"),
        Binding("escape", "back", "Back", id="household_edit.back"),
    ]

    def __init__(self, household_id: int | None) -> None:
        super().__init__()
        self.household_id = household_id
        self.record: Any = None
        self._shown: dict[str, str] = {}  # what each field was filled with

    def compose(self) -> ComposeResult:
        yield Static("Opening the record…", id="edit-title", markup=False)
        with VerticalScroll(id="edit-form"):
            for field in EDITABLE:
                yield Horizontal(Label(FIELD_WORDS[field], classes="edit-label", markup=False, id=f"l-{field}"),
                                 DeskInput(id=f"f-{field}", compact=True, disabled=True), classes="edit-row")
                for extra, after, hint in EXTRA:
                    if field == after:
                        yield Horizontal(Label(FIELD_WORDS[extra], classes="edit-label", markup=False,
                                               id=f"l-{extra}"),
                                         DeskInput(id=f"f-{extra}", compact=True, disabled=True, placeholder=hint),
                                         classes="edit-row")
            yield Horizontal(Label("Reason", classes="edit-label", markup=False),
                             DeskTextArea(id="f-reason", compact=True, highlight_cursor_line=False,
                                          placeholder="why: what the carer or panel said"),
                             id="reason-row")
        yield Static("", id="edit-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.household_id is not None:
            self.reload()
            return
        from dutydesk.access.identity import Permission, can

        self.query_one("#edit-title", Static).update(Text("New household", style="bold"))
        for field in EDITABLE:
            self.query_one(f"#f-{field}", Input).disabled = False
            self._shown[field] = ""
        self.query_one(f"#f-{EDITABLE[0]}", Input).focus()
        if can(self.desk.actor, Permission.MANAGE_HOUSEHOLDS):
            self.say("Type the household's record (reference, name, kind, status and places at least); "
                     "the reason, then ctrl+s adds it.")
        else:
            self.say("Adding a household needs a manager; you can type it, but saving is refused.", error=True)

    def load_args(self) -> tuple[Any, ...]:
        return (self.household_id,)

    def fetch(self, desk: Any, household_id: int | None) -> Any:
        from dutydesk.carers.household_edit import load

        return None if household_id is None else load(desk, household_id)

    def show(self, record: Any) -> None:
        if record is None:  # adding: nothing stored yet
            return
        first = self.record is None
        self.record = record
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"{record.reference} ", style="bold")
        title.append(Text(str(record.values.get("name") or "")))
        title.append(f"  record, version {record.version}")
        self.query_one("#edit-title", Static).update(title)
        self._fill(force=first)
        if first and not all(may_change(self.desk.actor, f) for f in EDITABLE):
            self.say("Fields marked * (terms, status, dates, identity) need a manager; you can change "
                     "the household's facts. ctrl+s saves, with a reason.")
        if first:
            target = next((i for i in self.query(Input) if not i.disabled), None)
            if target is not None:
                target.focus()

    def _fill(self, *, force: bool) -> None:
        """Put the stored values in the fields; untouched ones only, unless ``force``."""
        actor = self.desk.actor
        for field in EDITABLE:
            box = self.query_one(f"#f-{field}", Input)
            text = typed_text(self.record.values.get(field), field)
            if force or box.value == self._shown.get(field, box.value):
                box.value = text
                box.remove_class("-invalid")
            self._shown[field] = text
            box.disabled = not may_change(actor, field)
            # Marked in words as well as grey, so it shows in 16 colours and with NO_COLOR.
            self.query_one(f"#l-{field}", Label).update(FIELD_WORDS[field] + (" *" if box.disabled else ""))
        for extra, after, _hint in EXTRA:
            box = self.query_one(f"#f-{extra}", Input)
            box.disabled = not may_change(actor, after)
            if force:
                box.value = ""
            self.query_one(f"#l-{extra}", Label).update(FIELD_WORDS[extra] + (" *" if box.disabled else ""))

    def changed_fields(self) -> dict[str, str]:
        return {f: self.query_one(f"#f-{f}", Input).value for f in EDITABLE
                if self.query_one(f"#f-{f}", Input).value != self._shown.get(f)}

    def unsaved_changes(self) -> str | None:
        return "The household record you are changing is not saved." if self.changed_fields() else None

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#edit-status", Static)
        status.update(Text(text, overflow="ellipsis"))
        status.set_class(error, "-error")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = (event.input.id or "")[2:]
        if field in (LEFT, PANEL):
            if not event.input.has_focus:
                return  # emptied after a save: nothing to say
            problem = check_field("approved_on", event.value) if event.value.strip() else None
            event.input.set_class(problem is not None, "-invalid")
            self.say(f"{FIELD_WORDS[field]}: {problem}" if problem else "", error=problem is not None)
            return
        if field not in FIELD_WORDS or not event.input.has_focus or event.value == self._shown.get(field):
            return  # a field filled from the store, not typed: nothing to say
        problem = check_field(field, event.value)
        event.input.set_class(problem is not None, "-invalid")
        self.say(f"{FIELD_WORDS[field]}: {problem}" if problem else "", error=problem is not None)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()  # the reason is several lines: enter there is a new line, ctrl+s saves
        self.focus_next()

    def action_save(self) -> None:
        adding = self.household_id is None
        if self.record is None and not adding:
            return
        typed = self.changed_fields()
        if not typed:
            self.say("Nothing to save: change a field first.")
            return
        wrong = {f: p for f, v in typed.items() if (p := check_field(f, v))}
        days: dict[str, Any] = {}
        for extra, _after, _hint in EXTRA:
            text = self.query_one(f"#f-{extra}", Input).value.strip()
            if text and (p := check_field("approved_on", text)):
                wrong[extra] = p
            elif text:
                days[extra] = read_value("approved_on", text)
        if wrong:
            self._mark(wrong)
            return
        reason = self.query_one("#f-reason", DeskTextArea).text
        if not reason.strip():
            self.say("Say why (the reason is kept with the change), then ctrl+s.", error=True)
            self.query_one("#f-reason", DeskTextArea).focus()
            return
        self.say("Saving…")
        if adding:
            self.act(_add, typed, reason)
            return
        seen = {f: self.record.values.get(f) for f in EDITABLE}
        self.act(_save, self.household_id, typed, reason, self.record.version, seen, days)

    def _mark(self, problems: dict[str, str]) -> None:
        for field in problems:
            self.query_one(f"#f-{field}", Input).add_class("-invalid")
        field, problem = next(iter(problems.items()))
        self.say(f"{FIELD_WORDS.get(field, field)}: {problem}", error=True)
        self.query_one(f"#f-{field}", Input).focus()

    def acted(self, outcome: Outcome) -> None:
        if outcome.ok and self.household_id is None:  # added: from now on this household's record
            self.household_id = outcome.value.record.id
            self.query_one("#f-reason", DeskTextArea).text = ""
            self.say(outcome.message)
            self.reload()
        elif outcome.ok:
            self._fill(force=True)
            self.query_one("#f-reason", DeskTextArea).text = ""
            self.say(outcome.message)
        elif isinstance(outcome.value, dict):
            self._mark(outcome.value)
        else:
            self.say(outcome.message, error=True)
        super().acted(outcome)

    def action_back(self) -> None:
        from screens.dialogs import ConfirmDialog

        # dismiss, not pop: the profile that opened the record reloads in its callback (what was saved shows).
        if not self.changed_fields():
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(["Leave without saving your changes to this household?"],
                                           hint="y leaves (the changes are lost), n stays"), callback=answered)
