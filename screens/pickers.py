"""Type-ahead pickers: find a child, household or place by typing part of a name or reference.

Ranked matches (from SQL, at most a handful, through ``dutydesk.calls.lookups``)
appear under the field as you type; each keystroke's look-up carries a
generation and only the newest is shown. Up/down move through them, Enter picks
the highlighted one. With nothing
matching, Enter on a child picker asks to record a new child with the typed
name (``Picker.NewRequested``). Every label is user text, shown as ``Text``.

Also ``KeyChoice`` (one of several options chosen by a single letter) and
``KeyToggles`` (several on/off options, each toggled by its letter), used by
the call form so caller type, category and the like take one key each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.fields import DeskInput
from screens.loading import Generation
from screens.packed import PackedOptions

FINDERS = ("child", "household", "place")
SHOWN = 5


@dataclass(frozen=True)
class Picked:
    id: int
    label: str
    detail: str = ""


class PickerInput(DeskInput):
    """The picker's text field; up/down move through the matches below it."""

    BINDINGS = [
        Binding("down", "move(1)", "Next match", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
    ]

    def action_move(self, step: int) -> None:
        parent = self.parent
        if isinstance(parent, Picker):
            parent.move(step)


class Picker(Vertical):
    """A type-ahead field over children, households or places."""

    DEFAULT_CSS = """
    Picker { height: auto; width: 1fr; }
    Picker > OptionList { height: auto; max-height: 6; display: none; border: none; padding: 0; }
    Picker.-open > OptionList { display: block; }
    Picker > .picker-chosen { height: auto; color: $text-success; display: none; }
    Picker.-chosen > .picker-chosen { display: block; }
    """

    class Chose(Message):
        """A match was picked (or cleared: ``picked`` None)."""

        def __init__(self, picker: "Picker", picked: Picked | None) -> None:
            super().__init__()
            self.picker = picker
            self.picked = picked

        @property
        def control(self) -> "Picker":
            return self.picker

    class NewRequested(Message):
        """Nothing matched and Enter was pressed: record a new one with this text."""

        def __init__(self, picker: "Picker", text: str) -> None:
            super().__init__()
            self.picker = picker
            self.text = text

        @property
        def control(self) -> "Picker":
            return self.picker

    class MatchesFetched(Message):
        def __init__(self, picker: "Picker", generation: int, matches: list[Any],
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.picker = picker
            self.generation = generation
            self.matches = matches
            self.error = error

    def __init__(self, kind: str, *, placeholder: str = "", allow_new: bool = False, id: str | None = None) -> None:
        if kind not in FINDERS:
            raise ValueError(kind)
        super().__init__(id=id)
        self.kind = kind
        self.placeholder = placeholder
        self.allow_new = allow_new
        self.picked: Picked | None = None
        self._matches: list[Any] = []
        self._setting = False
        self.loads = Generation()
        self._enter_waiting = False

    @property
    def settled(self) -> bool:
        """The newest look-up has been shown (tests wait on it)."""
        return self.loads.settled

    @property
    def holds_keys(self) -> bool:
        """Enter is waiting for the newest look-up: the key gate holds the keys typed after it."""
        return self._enter_waiting

    def compose(self) -> ComposeResult:
        yield PickerInput(placeholder=self.placeholder, compact=True, id=f"{self.id}-input" if self.id else None,
                          select_on_focus=False)
        yield OptionList(id=f"{self.id}-matches" if self.id else None)
        yield Static("", classes="picker-chosen", markup=False)

    @property
    def input(self) -> PickerInput:
        return self.query_one(PickerInput)

    @property
    def value(self) -> str:
        return self.input.value

    def set_picked(self, picked: Picked | None, *, announce: bool = True) -> None:
        self.picked = picked
        self._enter_waiting = False
        self.loads.drop()
        self._setting = True
        self.input.value = picked.label if picked else ""
        self._setting = False
        self.set_class(picked is not None, "-chosen")
        chosen = self.query_one(".picker-chosen", Static)
        chosen.update(Text(f"✓ {picked.label} · {picked.detail}" if picked else "", no_wrap=True, overflow="ellipsis"))
        self._close()
        if announce:
            self.post_message(self.Chose(self, picked))

    def _close(self) -> None:
        self._matches = []
        self.query_one(OptionList).clear_options()
        self.remove_class("-open")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._setting:
            return
        if self.picked is not None and event.value != self.picked.label:
            self.picked = None
            self.remove_class("-chosen")
            self.post_message(self.Chose(self, None))
        text = event.value.strip()
        desk = getattr(self.app, "desk", None)
        if len(text) < 2 or desk is None:
            self.loads.drop()
            self._enter_waiting = False
            self._close()
            return
        self.fetch(self.loads.start(), desk, self.kind, text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="picker")
    def fetch(self, generation: int, desk: Any, kind: str, text: str) -> None:
        from dutydesk.calls.lookups import find

        try:
            matches = find(desk, kind, text, limit=SHOWN)
        except Exception as err:  # noqa: BLE001 - shown on the UI thread
            self.post_message(self.MatchesFetched(self, generation, [], err))
            return
        self.post_message(self.MatchesFetched(self, generation, matches))

    def on_picker_matches_fetched(self, message: "Picker.MatchesFetched") -> None:
        message.stop()
        if not self.loads.accept(message.generation) or self.picked is not None:
            return  # stale: a newer keystroke is on its way, or a match was picked
        waiting, self._enter_waiting = self._enter_waiting, False
        if message.error is not None:
            shown = getattr(self.app, "show_error", None)
            if shown is not None:
                shown(message.error)
            return
        self._matches = list(message.matches)
        options = self.query_one(OptionList)
        options.clear_options()
        if not self._matches:
            hint = "no match: Enter records a new child" if self.allow_new else "no match"
            options.add_option(Option(Text(hint, style="italic"), disabled=True))
        else:
            options.add_options(
                Option(Text.assemble(m.label, ("  " + m.detail, "dim")), id=str(i)) for i, m in enumerate(self._matches)
            )
            options.highlighted = 0
        self.add_class("-open")
        if waiting:
            self._submit()

    def move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self._matches:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self._matches) - 1, current + step))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.loads.settled:
            # Typed fast, Enter comes before the matches for the whole text: a match of only its first
            # letters ("Amy" for "Amy Fast") must not be picked, so Enter waits for the newest look-up.
            self._enter_waiting = True
            return
        self._submit()

    def _submit(self) -> None:
        options = self.query_one(OptionList)
        text = self.value.strip()
        if self._matches and options.highlighted is not None:
            m = self._matches[options.highlighted]
            self.set_picked(Picked(m.id, m.label, m.detail))
            self.screen.focus_next()
        elif self.picked is not None or not text:
            self.screen.focus_next()
        elif self.allow_new:
            self.loads.drop()  # a look-up still on its way must not open the list again
            self._close()
            self.post_message(self.NewRequested(self, text))
        else:
            self.app.bell()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and self._matches:
            m = self._matches[int(event.option.id)]
            self.set_picked(Picked(m.id, m.label, m.detail))
            self.input.focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._blur_close)

    def _blur_close(self) -> None:
        if not self.has_focus_within:
            self._close()

    @property
    def has_focus_within(self) -> bool:
        focused = self.app.focused
        return focused is not None and (focused is self or self in focused.ancestors)


@dataclass(frozen=True)
class KeyOption:
    key: str
    value: str
    label: str


class KeyChoice(PackedOptions, can_focus=True):
    """One of several options, each chosen by pressing its letter; moves on once chosen."""

    DEFAULT_CSS = """
    KeyChoice { height: auto; width: 1fr; }
    KeyChoice:focus { background: $boost; }
    """

    class Changed(Message):
        def __init__(self, choice: "KeyChoice", value: str | None) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> "KeyChoice":
            return self.choice

    def __init__(self, options: Sequence[KeyOption], *, value: str | None = None, advance: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self._value = value
        self.advance = advance

    @property
    def value(self) -> str | None:
        return self._value

    @value.setter
    def value(self, new: str | None) -> None:
        if new is not None and new not in {o.value for o in self.options}:
            new = None
        self._value = new
        self.refresh(layout=True)

    def parts(self) -> list[tuple[Content, int]]:
        parts: list[tuple[Content, int]] = []
        for o in self.options:
            text = f"{o.key} {o.label}"
            if o.value == self._value:
                parts.append((Content.styled(f"[{text}]", "reverse bold"), len(o.key) + 3))
            else:
                parts.append((Content.assemble(Content.styled(o.key, "bold underline"), f" {o.label}"),
                              len(o.key) + 2))
        return parts

    def help_keys(self) -> list[tuple[str, str]]:
        """Its letters for F1 help (they are keys of this widget, not bindings)."""
        return [(o.key, f"Choose {o.label}") for o in self.options]

    def on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        for o in self.options:
            if char and char == o.key:
                event.stop()
                event.prevent_default()
                self.value = o.value
                self.post_message(self.Changed(self, o.value))
                if self.advance:
                    self.screen.focus_next()
                return
        if char.isalnum() and len(char) == 1 and not event.key.startswith("ctrl"):
            # A letter that is not a choice here must not reach app keys (q would quit).
            event.stop()
            event.prevent_default()
            self.app.bell()


class KeyToggles(PackedOptions, can_focus=True):
    """Several on/off options, each toggled by its letter; Tab moves on."""

    DEFAULT_CSS = """
    KeyToggles { height: auto; width: 1fr; }
    KeyToggles:focus { background: $boost; }
    """

    class Changed(Message):
        def __init__(self, toggles: "KeyToggles") -> None:
            super().__init__()
            self.toggles = toggles

        @property
        def control(self) -> "KeyToggles":
            return self.toggles

    def __init__(self, options: Sequence[KeyOption], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.selected: set[str] = set()

    def set_values(self, values: Sequence[str]) -> None:
        known = {o.value for o in self.options}
        self.selected = {v for v in values if v in known}
        self.refresh(layout=True)

    def parts(self) -> list[tuple[Content, int]]:
        parts: list[tuple[Content, int]] = []
        for o in self.options:
            mark = "x" if o.value in self.selected else " "
            box = Content.styled(f"[{mark}]", "bold" if mark == "x" else "")
            parts.append((Content.assemble(box, " ", Content.styled(o.key, "bold underline"), f" {o.label}"),
                          len(o.key) + 6))
        return parts

    def help_keys(self) -> list[tuple[str, str]]:
        """Its letters for F1 help (they are keys of this widget, not bindings)."""
        return [(o.key, f"Tick or untick {o.label}") for o in self.options]

    def on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        for o in self.options:
            if char and char == o.key:
                event.stop()
                event.prevent_default()
                self.selected ^= {o.value}
                self.refresh(layout=True)
                self.post_message(self.Changed(self))
                return
        if char.isalnum() and len(char) == 1 and not event.key.startswith("ctrl"):
            event.stop()
            event.prevent_default()
            self.app.bell()
