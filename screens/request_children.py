"""The children on an open request, from the request screen: k adds a child, x takes one off.

A sibling found after the call, or a baby born since: ``AddChildDialog`` takes a child
the desk knows (case reference) or a new one in the call form's words (age, DD/MM/YYYY,
or 'due DD/MM/YYYY'); ``RemoveChildDialog`` takes one off by its number. Both go
through ``dutydesk.requests.request_children`` (role-checked, audited, refused in the
desk's words); a refused child comes back in the dialog as typed, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from screens.dialog_base import DeskDialog
from textual.widgets import Footer, Static

from screens.call_options import GENDER_OPTIONS
from screens.fields import DeskInput
from screens.loading import LoadingScreen, Outcome
from screens.pickers import KeyChoice, KeyOption


@dataclass(frozen=True)
class ChildToAdd:
    case_reference: str = ""
    first_name: str = ""
    last_name: str = ""
    age: str = ""  # 13, DD/MM/YYYY or due DD/MM/YYYY, as on the call form
    gender: str | None = None


def add_child_keeping_text(desk: Any, entry: ChildToAdd, request_id: int) -> Outcome:
    """Add the child; a refusal carries the entry back so the dialog reopens with it."""
    from dutydesk.calls.form import child_from_fields
    from dutydesk.errors import DeskError
    from dutydesk.requests import request_children

    try:
        if entry.case_reference.strip():
            done = request_children.add_child(desk, request_id, child=entry.case_reference.strip())
        else:
            new = child_from_fields({"child_first": entry.first_name, "child_last": entry.last_name,
                                     "child_age": entry.age, "child_gender": entry.gender})
            done = request_children.add_child(desk, request_id, new_child=new)
    except DeskError as err:
        return Outcome(str(err), False, entry)
    return Outcome(done.message)


def remove_child(desk: Any, request_id: int, child_id: int) -> str:
    from dutydesk.requests import request_children

    return request_children.remove_child(desk, request_id, child_id).message


class AddChildDialog(DeskDialog[ChildToAdd | None]):
    """A child the desk knows by case reference, or a new one: name, age or date of birth, gender."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Add child", id="add_child.save"),
        Binding("escape", "cancel", "Cancel", id="add_child.cancel"),
    ]

    def __init__(self, given: ChildToAdd | None = None, refusal: str = "") -> None:
        super().__init__()
        self.given = given or ChildToAdd()
        self.refusal = refusal

    def compose(self) -> ComposeResult:
        g = self.given
        with Vertical(classes="dialog"):
            yield Static("Add a child to this request", classes="dialog-title", markup=False)
            yield Static("Known to the desk: case reference (leave the rest blank)", classes="dialog-prompt",
                         markup=False)
            yield DeskInput(g.case_reference, placeholder="CR-12345", id="add-child-ref", compact=True)
            yield Static("Or new: first name, last name, age (13, DD/MM/YYYY, due DD/MM/YYYY)",
                         classes="dialog-prompt", markup=False)
            yield DeskInput(g.first_name, placeholder="first name", id="add-child-first", compact=True)
            yield DeskInput(g.last_name, placeholder="last name", id="add-child-last", compact=True)
            yield DeskInput(g.age, placeholder="13, DD/MM/YYYY or due DD/MM/YYYY", id="add-child-age", compact=True)
            yield KeyChoice(GENDER_OPTIONS, value=g.gender, id="add-child-gender")
            yield Static(Content(self.refusal), id="add-child-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#add-child-first" if self.given.first_name else "#add-child-ref", DeskInput).focus()

    def entry(self) -> ChildToAdd:
        def v(name: str) -> str:
            return self.query_one(f"#add-child-{name}", DeskInput).value.strip()

        return ChildToAdd(v("ref"), v("first"), v("last"), v("age"), self.query_one("#add-child-gender", KeyChoice).value)

    @staticmethod
    def problem(e: ChildToAdd) -> str | None:
        if e.case_reference:
            return None
        if not e.first_name:
            return "Type the case reference of a child the desk knows, or a new child's first name."
        if not e.age:
            return "Type the new child's age, date of birth (DD/MM/YYYY) or 'due DD/MM/YYYY'."
        if e.gender is None:
            return "Choose the new child's gender: f, m, n or u (tab to the choice)."
        return None

    def action_save(self) -> None:
        e = self.entry()
        problem = self.problem(e)
        if problem:
            self.query_one("#add-child-error", Static).update(Content(problem))
            return
        self.dismiss(e)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RemoveChildDialog(DeskDialog[int | None]):
    """Which child to take off, by its number; ctrl+s takes them off."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Take off", id="remove_child.save"),
        Binding("escape", "cancel", "Cancel", id="remove_child.cancel"),
    ]

    def __init__(self, children: list[Any]) -> None:
        super().__init__()
        self.children_on = children

    def compose(self) -> ComposeResult:
        options = [KeyOption(str(i), str(c.id), f"{c.name} ({c.age if c.age is not None else '?'})")
                   for i, c in enumerate(self.children_on[:9], 1)]
        with Vertical(classes="dialog"):
            yield Static("Take a child off this request", classes="dialog-title", markup=False)
            yield Static("Which child (their number), then ctrl+s:", classes="dialog-prompt", markup=False)
            yield KeyChoice(options, advance=False, id="remove-child-which")
            yield Static("", id="remove-child-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#remove-child-which", KeyChoice).focus()

    def action_save(self) -> None:
        value = self.query_one("#remove-child-which", KeyChoice).value
        if value is None:
            self.query_one("#remove-child-error", Static).update(Content("Press the child's number first."))
            return
        self.dismiss(int(value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChangesChildren(LoadingScreen):
    """The request screen's keys for its children (``request_id`` and ``detail`` are the screen's)."""

    request_id: int
    detail: Any

    BINDINGS = [
        Binding("k", "add_child", "Add child", show=False, tooltip="Add a child (a sibling, a baby) to this request",
                id="request.add_child"),
        Binding("x", "remove_child", "Remove child", show=False, tooltip="Take a child off this request",
                id="request.remove_child"),
    ]

    def action_add_child(self, given: ChildToAdd | None = None, refusal: str = "") -> None:
        def got(entry: ChildToAdd | None) -> None:
            if entry is not None:
                self.act(add_child_keeping_text, entry, self.request_id)

        self.app.push_screen(AddChildDialog(given, refusal), callback=got)

    def action_remove_child(self) -> None:
        children = list(self.detail.children) if self.detail is not None else []
        if not children:
            return

        def got(child_id: int | None) -> None:
            if child_id is not None:
                self.act(remove_child, self.request_id, child_id)

        self.app.push_screen(RemoveChildDialog(children), callback=got)

    def acted(self, outcome: Outcome) -> None:
        super().acted(outcome)
        if not outcome.ok and isinstance(outcome.value, ChildToAdd):
            self.action_add_child(outcome.value, outcome.message)
