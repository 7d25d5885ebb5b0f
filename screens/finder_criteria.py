"""The finder's criteria dialog: what is needed, as typed fields, checked by the service on ctrl+s."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from screens.fields import DeskInput


class CriteriaScreen(ModalScreen[Any]):
    """What to look for: typed fields, checked on ctrl+s; escape keeps the old criteria."""

    CSS_PATH = "finder.tcss"
    BINDINGS = [
        Binding("ctrl+s", "apply", "Search", id="criteria.apply"),
        Binding("escape", "cancel", "Cancel", id="criteria.cancel"),
    ]
    FIELDS = [
        ("ages", "Ages", "e.g. 13, or 9,7,4 for siblings"),
        ("gender", "Gender", "female, male or leave empty"),
        ("type", "Type", "emergency, short_term, long_term, short_breaks, parent_and_child, remand"),
        ("near", "Near", "a town, e.g. Margate"),
        ("within", "Within km", "leave empty for any distance"),
        ("from_on", "From", "YYYY-MM-DD (empty: today)"),
        ("until_on", "Until", "YYYY-MM-DD (empty: open-ended)"),
        ("needs", "Needs", "disability, uasc, teenagers, ... comma separated"),
        ("language", "Language", "e.g. pashto"),
    ]

    def __init__(self, criteria: Any = None) -> None:
        super().__init__()
        self.criteria = criteria

    def compose(self) -> ComposeResult:
        from dutydesk.matching.criteria import fields_of

        values = fields_of(self.criteria)
        with Widget(id="criteria-box"):
            yield Static("Find a carer: what is needed (ctrl+s searches, escape cancels)", id="criteria-title",
                         markup=False)
            for key, label, hint in self.FIELDS:
                with Widget(classes="criteria-row"):
                    yield Static(label, classes="criteria-label", markup=False)
                    yield DeskInput(value=values.get(key, ""), placeholder=hint, id=f"crit-{key}")
            yield Static("", id="criteria-error", markup=False)
        yield Footer()

    def action_cancel(self) -> None:
        self.dismiss(None)

    class Parsed(Message):
        def __init__(self, criteria: Any = None, refused: str = "") -> None:
            super().__init__()
            self.criteria = criteria
            self.refused = refused

    def action_apply(self) -> None:
        values = {key: self.query_one(f"#crit-{key}", Input).value for key, _l, _h in self.FIELDS}
        self._parse(self.app.desk, values, self.criteria)

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
