"""The finder's criteria dialog: every criterion a request has, stated as the call form states it.

Type, gender, needs and household limits take the call form's letters; days are
DD/MM/YYYY (``dutydesk.days``); the words come from ``dutydesk.labels``. ctrl+s hands
the fields to ``dutydesk.matching.finding.criteria_from_typed`` in a worker; a refusal
names the field and keeps everything typed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from dutydesk.enums import Gender, PlacementType, Specialism
from dutydesk.labels import label
from screens.call_options import GENDER_OPTIONS, LIMIT_OPTIONS, NEEDS_OPTIONS, TYPE_OPTIONS, DeskCheck, check_day
from screens.dialog_base import DeskDialog
from screens.fields import DeskInput
from screens.pickers import KeyChoice, KeyOption, KeyToggles

# The call form's letters, with the shared words; "a" is any (a look-up need not say).
TYPE_CHOICES = [KeyOption(o.key, o.value, label(PlacementType(o.value), short=True)) for o in TYPE_OPTIONS] + [
    KeyOption("a", "", "any")]
GENDER_CHOICES = [KeyOption(o.key, o.value, label(Gender(o.value))) for o in GENDER_OPTIONS] + [
    KeyOption("a", "", "any")]
NEEDS_CHOICES = [KeyOption(o.key, o.value, label(Specialism(o.value), short=True)) for o in NEEDS_OPTIONS]
LIMIT_CHOICES = list(LIMIT_OPTIONS)

# (field, label, hint) of the typed fields; two to a row where they belong together.
TEXT_ROWS: list[list[tuple[str, str, str]]] = [
    [("from_on", "From", "DD/MM/YYYY or today"), ("until_on", "Until", "DD/MM/YYYY or empty")],
    [("ages", "Ages", "13, or 9,7,4 (siblings)"), ("children", "Children", "empty: one per age")],
    [("near", "Near", "a town, e.g. Margate"), ("within", "Within km", "empty: any distance")],
    [("language", "Language", "e.g. pashto"), ("religion", "Religion", "e.g. muslim")],
    [("culture", "Culture", "the child's ethnicity, e.g. afghan")],
]
TEXT_FIELDS = [f for row in TEXT_ROWS for f, _l, _h in row]
CHOICE_FIELDS = {"type": TYPE_CHOICES, "gender": GENDER_CHOICES}
TOGGLE_FIELDS = {"needs": NEEDS_CHOICES, "limits": LIMIT_CHOICES}


class CriteriaScreen(DeskDialog[Any]):
    """What to look for: checked on ctrl+s; escape keeps the old criteria."""

    CSS_PATH = "finder.tcss"
    HELP_TITLE = "Find a carer: criteria"
    BINDINGS = [
        Binding("ctrl+s", "apply", "Search", priority=True, id="criteria.apply"),
        Binding("escape", "cancel", "Cancel", id="criteria.cancel"),
    ]

    def __init__(self, criteria: Any = None) -> None:
        super().__init__()
        self.criteria = criteria
        self._labels: dict[str, tuple[Static, str]] = {}  # field id -> its label and words

    def on_descendant_focus(self, event: Any) -> None:
        """The focused field's label carries a marker, seen without colour too (NO_COLOR, 16 colours)."""
        focused = getattr(event, "widget", None)
        for wid, (name, words) in self._labels.items():
            name.update(f"▸{words}" if focused is not None and focused.id == wid else f" {words}")

    def compose(self) -> ComposeResult:
        from dutydesk.matching.typed_criteria import fields_of

        values = fields_of(self.criteria)

        def row(*parts: tuple[str, str, Widget]) -> Widget:
            children: list[Widget] = []
            for i, (key, words, widget) in enumerate(parts):
                name = Static(f" {words}", classes="criteria-label" if i == 0 else "criteria-label2", markup=False)
                self._labels[f"crit-{key}"] = (name, words)
                children += [name, widget]
            return Widget(*children, classes="criteria-row")

        def typed(key: str, hint: str) -> DeskInput:
            checks = [DeskCheck(check_day)] if key in ("from_on", "until_on") else []
            return DeskInput(value=values.get(key, ""), placeholder=hint, id=f"crit-{key}", validators=checks)

        def choice(key: str) -> KeyChoice:
            widget = KeyChoice(CHOICE_FIELDS[key], value=values.get(key, ""), id=f"crit-{key}")
            widget.whole_options = True  # the dialog has the rows: "o no other children" on one line
            return widget

        def toggles(key: str) -> KeyToggles:
            widget = KeyToggles(TOGGLE_FIELDS[key], id=f"crit-{key}")
            widget.whole_options = True
            widget.set_values([v for v in values.get(key, "").split(",") if v])
            return widget

        text_rows = {row_[0][0]: row_ for row_ in TEXT_ROWS}
        with Widget(id="criteria-box"):
            yield Static("What is needed: ctrl+s searches, escape cancels, F1 lists the keys",
                         id="criteria-title", markup=False)
            yield row(("type", "Type", choice("type")))
            for first in ("from_on", "ages"):
                yield row(*((k, w, typed(k, h)) for k, w, h in text_rows[first]))
            yield row(("gender", "Gender", choice("gender")))
            yield row(("needs", "Needs", toggles("needs")))
            yield row(*((k, w, typed(k, h)) for k, w, h in text_rows["near"]))
            yield row(("limits", "Household", toggles("limits")))
            for first in ("language", "culture"):
                yield row(*((k, w, typed(k, h)) for k, w, h in text_rows[first]))
            yield Static("", id="criteria-error", markup=False)
        yield Footer()

    def action_cancel(self) -> None:
        self.dismiss(None)

    class Parsed(Message):
        def __init__(self, criteria: Any = None, refused: str = "") -> None:
            super().__init__()
            self.criteria = criteria
            self.refused = refused

    def fields(self) -> dict[str, str]:
        """Every field as text, as the service reads them."""
        out = {key: self.query_one(f"#crit-{key}", Input).value for key in TEXT_FIELDS}
        for key in CHOICE_FIELDS:
            out[key] = self.query_one(f"#crit-{key}", KeyChoice).value or ""
        for key in TOGGLE_FIELDS:
            out[key] = ",".join(sorted(self.query_one(f"#crit-{key}", KeyToggles).selected))
        return out

    def action_apply(self) -> None:
        self._parse(self.app.desk, self.fields(), self.criteria)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _parse(self, desk: Any, values: dict[str, str], base: Any) -> None:
        from dutydesk.errors import DeskError
        from dutydesk.matching.finding import criteria_from_typed

        try:
            self.post_message(self.Parsed(criteria_from_typed(desk, values, base)))
        except DeskError as err:
            self.post_message(self.Parsed(refused=str(err)))

    def on_criteria_screen_parsed(self, message: Parsed) -> None:
        if message.refused:
            self.query_one("#criteria-error", Static).update(Text(message.refused))
            return
        self.dismiss(message.criteria)
