"""Recording an allegation (from a household, or from a call about one), and the outcome dialog.

The form asks what issue 13 asks: the category (harm holds the household at
once), what was said and by whom, who has been told, the children concerned and
an initial safety decision with its reason for every child placed there.
ctrl+s saves and opens the new allegation; escape leaves without saving.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label, Static

from dutydesk.allegations import actions
from dutydesk.allegations.inputs import REASON_MAX, SAID_BY_MAX, SUMMARY_MAX
from dutydesk.enums import AllegationCategory, AllegationOutcome, AllegationParty, SafetyDecision
from dutydesk.days import parse_day
from dutydesk.errors import InvalidInput
from dutydesk.labels import label
from screens.fields import DeskInput, DeskTextArea
from screens.loading import LoadingScreen, Outcome
from screens.pickers import KeyChoice, KeyOption, KeyToggles
from screens.dialog_base import DeskDialog

CATEGORY_OPTIONS = [KeyOption("h", AllegationCategory.HARM.value, "harm (holds)"),
                    KeyOption("s", AllegationCategory.STANDARDS.value, "standards of care"),
                    KeyOption("c", AllegationCategory.COMPLAINT.value, "complaint")]
TOLD_OPTIONS = [KeyOption(k, p.value, label(p)) for k, p in zip("lwpo", AllegationParty)]
SAFETY_OPTIONS = [KeyOption(k, d.value, label(d)) for k, d in zip("rmu", SafetyDecision)]
OUTCOME_OPTIONS = [KeyOption(k, o.value, label(o)) for k, o in zip("sufam", AllegationOutcome)]
HOLD_OPTIONS = [KeyOption("l", "lift", "lift the hold"), KeyOption("k", "continue", "keep it")]


def _row(words: str, *widgets: Any) -> Horizontal:
    return Horizontal(Label(words, classes="field-label", markup=False), *widgets, classes="field-row")


class LogAllegationScreen(LoadingScreen):
    CSS_PATH = "call_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="allegation_log.save"),
        Binding("escape", "back", "Back", id="allegation_log.back"),
    ]

    def __init__(self, household_id: int, *, call_id: int | None = None, child_id: int | None = None) -> None:
        super().__init__()
        self.household_id = household_id
        self.call_id = call_id
        self.child_id = child_id
        self.context: Any = None

    def compose(self) -> ComposeResult:
        yield Static("", id="log-title", markup=False)
        with VerticalScroll(id="call-form"):
            yield _row("Category", KeyChoice(CATEGORY_OPTIONS, id="category"))
            yield _row("What was said", DeskInput(id="summary", compact=True, max_length=SUMMARY_MAX))
            yield _row("Said by", DeskInput(placeholder="the child, a teacher, a parent ...", id="said_by", compact=True,
                                        max_length=SAID_BY_MAX))
            yield _row("Told", KeyToggles(TOLD_OPTIONS, id="told"))
            yield _row("Concerns", KeyToggles([], id="children"))
            yield Vertical(id="safety")
            yield Static("", id="log-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def fetch(self, desk: Any) -> Any:
        from dutydesk.allegations.views import log_context

        return log_context(desk, self.household_id, self.child_id)

    def show(self, ctx: Any) -> None:
        if self.context is not None:
            return  # the form is built once; what is typed stays
        self.context = ctx
        self.query_one("#log-title", Static).update(
            Text(f"Allegation or concern against {ctx.household_name} ({ctx.household_reference})", style="bold"))
        kids = [*ctx.placed, *ctx.others]
        toggles = self.query_one("#children", KeyToggles)
        toggles.options = [KeyOption(str(i + 1), str(c.child_id), c.name) for i, c in enumerate(kids[:9])]
        if self.child_id is not None:
            toggles.set_values([str(self.child_id)])
        toggles.refresh(layout=True)
        box = self.query_one("#safety", Vertical)
        for c in ctx.placed:
            box.mount(_row(f"{c.name[:12]}", KeyChoice(SAFETY_OPTIONS, id=f"safety-{c.child_id}")))
            box.mount(_row("  because", DeskInput(placeholder="the reason for this decision", compact=True,
                                              id=f"reason-{c.child_id}", max_length=REASON_MAX)))
        self.query_one("#category", KeyChoice).focus()

    def action_save(self) -> None:
        ctx = self.context
        if ctx is None:
            return
        safety = [(c.child_id, self.query_one(f"#safety-{c.child_id}", KeyChoice).value or "",
                   self.query_one(f"#reason-{c.child_id}", Input).value) for c in ctx.placed]
        self.act(self._log, ctx.household_id, self.query_one("#category", KeyChoice).value or "",
                 self.query_one("#summary", Input).value, self.query_one("#said_by", Input).value,
                 [int(v) for v in sorted(self.query_one("#children", KeyToggles).selected)],
                 sorted(self.query_one("#told", KeyToggles).selected), safety, self.call_id)

    @staticmethod
    def _log(desk: Any, *args: Any) -> Outcome:
        ref = actions.log(desk, *args)
        return Outcome(f"Recorded {ref}.", True, ref)

    def acted(self, outcome: Outcome) -> None:
        if not outcome.ok:
            self.query_one("#log-error", Static).update(Content(outcome.message))
        super().acted(outcome)
        if outcome.ok and outcome.value:
            from screens.allegation import AllegationScreen

            self.app.switch_screen(AllegationScreen(outcome.value))

    def action_back(self) -> None:
        self.app.pop_screen()


@dataclass(frozen=True)
class Closing:
    outcome: str
    on: dt.date
    rationale: str
    review_on: dt.date | None
    lift_hold: bool


class OutcomeDialog(DeskDialog[Closing | None]):
    """The outcome, its date, the rationale, whether the approval is reviewed (by when), and the hold."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="outcome.save"),
        Binding("escape", "cancel", "Cancel", id="outcome.cancel"),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Outcome of {self.reference}"), classes="dialog-title", markup=False)
            yield KeyChoice(OUTCOME_OPTIONS, id="outcome-choice")
            yield DeskInput(placeholder="outcome date DD/MM/YYYY (blank: today)", id="outcome-on")
            yield DeskTextArea(placeholder="rationale (several lines if need be)", id="outcome-rationale")
            yield DeskInput(placeholder="review of approval by DD/MM/YYYY (blank: not needed)", id="outcome-review")
            yield KeyChoice(HOLD_OPTIONS, id="outcome-hold")
            yield Static("", id="outcome-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#outcome-choice", KeyChoice).focus()

    def _date(self, wid: str, what: str) -> dt.date | None:
        try:
            return parse_day(self.query_one(wid, Input).value, what=what)
        except InvalidInput as err:
            raise ValueError(str(err)) from None

    @on(Input.Submitted)
    def action_save(self) -> None:
        from dutydesk import clock

        error = self.query_one("#outcome-error", Static)
        result = self.query_one("#outcome-choice", KeyChoice).value
        hold = self.query_one("#outcome-hold", KeyChoice).value
        rationale = self.query_one("#outcome-rationale", DeskTextArea).text.strip()
        try:
            on = self._date("#outcome-on", "Outcome date") or clock.today()
            review = self._date("#outcome-review", "Review of approval")
        except ValueError as err:
            error.update(Content(str(err)))
            return
        if not result or not hold or not rationale:
            error.update(Content("Choose the outcome, give the rationale, and lift or keep the hold."))
            return
        self.dismiss(Closing(result, on, rationale, review, hold == "lift"))

    def action_cancel(self) -> None:
        self.dismiss(None)
