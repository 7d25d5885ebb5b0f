"""F1 help: every key of the screen it was opened on, with what it does.

The rows are collected from that screen's active bindings (its own, the
focused widget's and the app's), so a new screen's keys appear here as soon as
they have a ``Binding`` with a description; the letters of choice fields (a widget
with ``help_keys()``) follow the screen's own keys. Escape, F1 or q closes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static


@dataclass(frozen=True, slots=True)
class KeyRow:
    key: str
    description: str
    where: str
    enabled: bool = True


def _describe(binding: Binding) -> str:
    if binding.description:
        return binding.description
    if binding.tooltip:
        return binding.tooltip
    name = binding.action.split(".")[-1].split("(")[0]
    return name.replace("_", " ").capitalize()


# Keys every Textual screen has: listed last, so the desk's own keys come first.
GENERAL_ACTIONS = frozenset({"app.focus_next", "app.focus_previous", "screen.copy_text"})
# Where a widget's keys work, in the desk's words rather than a class name.
WIDGET_WORDS = {"DataTable": "list", "OptionList": "list", "ResultList": "list", "Input": "text field",
                "PickerInput": "text field", "TextArea": "text box", "VerticalScroll": "page",
                "KeyChoice": "choice", "KeyToggles": "choice"}


def collect_keys(app: App, screen: Screen) -> list[KeyRow]:
    """Every key active on ``screen``, in the order a person needs them: the screen's own,
    then the desk's (everywhere), then the focused widget's (moving in a list), then tab and copy."""
    groups: dict[tuple[int, str, str], tuple[int, list[str], str, str, bool]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system and not binding.description:
            continue
        if binding.action in GENERAL_ACTIONS:
            where, rank = "everywhere", 3
        elif active.node is app:
            where, rank = "everywhere", 1
        elif active.node is screen:
            where, rank = "this dialog" if screen.is_modal else "this screen", 0
        else:
            name = type(active.node).__name__
            where, rank = getattr(active.node, "HELP_NAME", None) or WIDGET_WORDS.get(name, name), 2
        display = app.get_key_display(Binding(key, binding.action, key_display=binding.key_display))
        description = _describe(binding)
        group = (id(active.node), binding.action, description)
        if group in groups:
            groups[group][1].append(display)
        else:
            groups[group] = (rank, [display], description, where, active.enabled)
    ordered = sorted(groups.values(), key=lambda g: g[0])
    rows = [KeyRow(", ".join(keys), description, where, enabled) for _rank, keys, description, where, enabled in ordered]
    own = sum(1 for g in ordered if g[0] == 0)
    return rows[:own] + choice_keys(screen) + rows[own:]


def field_name(widget: Widget) -> str:
    """The words a person sees beside a field: its row's label ("Caller"), else its kind."""
    parent = widget.parent
    if parent is not None:
        for sibling in parent.children:
            if sibling is widget:
                break
            if isinstance(sibling, Static):
                words = str(sibling.content).strip().lstrip("▸").strip().rstrip(":")  # less any focus marker
                if words:
                    return f"{words} field"
    return WIDGET_WORDS.get(type(widget).__name__, "field")


def choice_keys(screen: Screen) -> list[KeyRow]:
    """The single letters that choose in the screen's choice fields (the call form's Caller, Type...),
    which are keys of those widgets, not bindings: one row per letter, named by its field."""
    rows: list[KeyRow] = []
    for widget in screen.query("*"):
        keys = getattr(widget, "help_keys", None)
        if not callable(keys):
            continue
        where = field_name(widget)
        rows += [KeyRow(key, does, where) for key, does in keys()]
    return rows


def screen_title(app: App, screen: Screen) -> str:
    """A person's name for a screen: its HELP_TITLE, its title, or its class name in words."""
    title = getattr(screen, "HELP_TITLE", None)
    if title:
        return str(title)
    if screen.title and screen.title != app.title:
        return str(screen.title)
    name = type(screen).__name__.removesuffix("Screen") or type(screen).__name__
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).capitalize()


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below, in a table. Escape closes."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("f1", "close", "Close", show=False, id="help.f1"),
        Binding("q", "close", "Close", show=False, id="help.q"),
    ]

    def __init__(self, title: str, rows: list[KeyRow]) -> None:
        super().__init__()
        self.help_title = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content(f"Keys: {self.help_title}"), id="help-title", markup=False)
            table: DataTable = DataTable(id="help-keys", cursor_type="row", zebra_stripes=False)
            table.add_columns("Key", "Does", "Where")
            for row in self.rows:
                style = "" if row.enabled else "dim"
                table.add_row(Text(row.key, style="bold"), Text(row.description, style=style),
                              Text(row.where, style="dim"))
            yield table
            yield Static("Escape closes this help.", id="help-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
