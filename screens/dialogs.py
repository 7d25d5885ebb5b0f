"""The desk's shared dialogs: one yes/no question, one reason, and the duty process's two forms.

- ``ConfirmDialog``: y answers yes, n or escape no (``ConfirmQuitScreen``, asked
  before quitting with unsaved work, is one with its own words).
- ``ReasonDialog``: a reason or a comment, in a box of several lines (kept as
  typed: Enter starts a new line, ctrl+s saves). It checks what was typed
  against the limit the service enforces before it closes, says which field and
  which limit, and keeps the text when a check fails.
- ``ProposeDialog`` and ``CloseUnmetDialog``: what the request and oversight
  screens need to propose a decision or close a request as unmet.

Every dialog is a ``screens.dialog_base.DeskDialog[T]`` (a ``ModalScreen[T]`` whose F1 lists
its keys): ``dismiss(result)``, escape cancels (None).
All text shown is ``Content``/plain, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from dutydesk.requests.limits import RATIONALE_MIN, REASON_MAX, TEXT_MAX
from screens.fields import DeskTextArea
from screens.pickers import KeyChoice, KeyOption, KeyToggles
from screens.dialog_base import DeskDialog


def too_long(field: str, text: str, limit: int) -> str | None:
    """The sentence for a field over its limit, or None when it fits."""
    if len(text) > limit:
        return f"{field} can be at most {limit} characters; it is {len(text)}. Shorten it (escape cancels)."
    return None


class ConfirmDialog(DeskDialog[bool]):
    """A yes/no question: y confirms, n or escape does not."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.escape"),
    ]
    HINT = "y yes, n no"

    def __init__(self, question: str | Sequence[str], *, hint: str | None = None) -> None:
        super().__init__()
        self.lines = [question] if isinstance(question, str) else list(question)
        self.hint = self.HINT if hint is None else hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-box"):
            for line in self.lines:
                yield Static(Content(line), classes="dialog-prompt", markup=False)
            yield Static(Content(self.hint), classes="dialog-hint confirm-question", markup=False)
        yield Footer()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ConfirmQuitScreen(ConfirmDialog):
    """Asks before quitting while a screen holds unsaved work (the shared yes/no dialog)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Quit anyway", id="confirm.yes"),
        Binding("n", "answer(False)", "Stay", id="confirm.no"),
        Binding("escape", "answer(False)", "Stay", show=False, id="confirm.escape"),
    ]
    HINT = "Quit anyway? y quits, n stays."


class ReasonDialog(DeskDialog[str | None]):
    """A reason or a comment, several lines if need be. ctrl+s saves; escape cancels.

    ``field`` names it in the messages ("Reason", "Comment"); ``limit`` is the most
    the service accepts; ``minimum`` the fewest characters when ``required``.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="reason.save"),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, title: str, prompt: str, *, required: bool = True, placeholder: str = "",
                 field: str = "The reason", limit: int = REASON_MAX, minimum: int = 1) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.required = required
        self.placeholder = placeholder
        self.field = field
        self.limit = limit
        self.minimum = minimum

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title", markup=False)
            yield Static(Content(self.prompt), classes="dialog-prompt", markup=False)
            yield DeskTextArea(placeholder=self.placeholder, id="reason-input")
            yield Static("ctrl+s saves, escape cancels", classes="dialog-hint", markup=False)
            yield Static("", id="reason-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reason-input", DeskTextArea).focus()

    def problem(self, value: str) -> str | None:
        """What is wrong with ``value`` (None when it may be saved)."""
        if self.required and not value:
            return "Type a reason first (escape cancels)."
        if self.required and len(value) < self.minimum:
            return f"{self.field} needs at least {self.minimum} characters (escape cancels)."
        return too_long(self.field, value, self.limit)

    def action_save(self) -> None:
        value = self.query_one("#reason-input", DeskTextArea).text.strip()
        problem = self.problem(value)
        if problem:
            self.query_one("#reason-error", Static).update(Content(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Proposal:
    kind: str
    rationale: str
    exemption: str


class ProposeDialog(DeskDialog[Proposal | None]):
    """What to propose (one key), the rationale, and an exemption reason when outside terms."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Propose", id="propose.save"),
        Binding("escape", "cancel", "Cancel", id="propose.cancel"),
    ]
    KIND_KEYS = (("p", "place"), ("s", "split_siblings"), ("i", "commission_ifa"), ("e", "escalate"))

    @staticmethod
    def kinds() -> list[KeyOption]:
        # Words from the labels, read when the dialog opens: this module is on the first frame's path.
        from dutydesk.enums import DecisionKind
        from dutydesk.labels import label

        return [KeyOption(key, value, label(value, DecisionKind)) for key, value in ProposeDialog.KIND_KEYS]

    def __init__(self, household_name: str | None, *, given: Proposal | None = None, needs_exemption: str = "",
                 refusal: str = "") -> None:
        super().__init__()
        self.household_name = household_name
        self.given = given  # what was typed before a refusal: it comes back, nothing is retyped
        self.needs_exemption = needs_exemption
        self.refusal = refusal

    def heading(self) -> ComposeResult:
        """The title, what is proposed and the choice of kind (the place-now dialog has its own)."""
        yield Static("Propose a decision", classes="dialog-title", markup=False)
        who = f"with {self.household_name}" if self.household_name else "(no household highlighted)"
        # The cursor starts in the rationale, so letters type there: say how to reach the choice.
        yield Static(Content(f"Placing is {who}. Something else? shift+tab, then its key:"),
                     classes="dialog-prompt", markup=False)
        yield KeyChoice(self.kinds(), value="place" if self.household_name else None, id="propose-kind")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield from self.heading()
            yield Static("Rationale (why this is right):", classes="dialog-prompt", markup=False)
            yield DeskTextArea(placeholder="the rationale", id="propose-rationale")
            yield Static(f"Needs an exemption: {self.needs_exemption}. Reason:" if self.needs_exemption
                         else "Exemption reason (only if outside the terms of approval):", classes="dialog-prompt",
                         markup=False)
            yield DeskTextArea(placeholder="blank unless outside terms", id="propose-exemption",
                               classes="short")
            yield Static("", id="propose-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.given is not None:
            self.query_one("#propose-kind", KeyChoice).value = self.given.kind
            self.query_one("#propose-rationale", DeskTextArea).text = self.given.rationale
            self.query_one("#propose-exemption", DeskTextArea).text = self.given.exemption
        if self.refusal:
            self.query_one("#propose-error", Static).update(Content(self.refusal))
        field = "#propose-exemption" if self.needs_exemption and self.given is not None else "#propose-rationale"
        self.query_one(field, DeskTextArea).focus()

    def problem(self, kind: str | None, rationale: str, exemption: str) -> str | None:
        if not kind:
            return "Choose what you propose: p place, s split, i IFA, e escalate (shift+tab to the choice)."
        if not rationale:
            return "Write the rationale: a proposal needs one."
        if len(rationale) < RATIONALE_MIN:
            return f"Write the rationale: at least {RATIONALE_MIN} characters (it is {len(rationale)})."
        return too_long("The rationale", rationale, TEXT_MAX) or too_long("The exemption reason", exemption,
                                                                          TEXT_MAX)

    def action_save(self) -> None:
        kind = self.query_one("#propose-kind", KeyChoice).value
        rationale = self.query_one("#propose-rationale", DeskTextArea).text.strip()
        exemption = self.query_one("#propose-exemption", DeskTextArea).text.strip()
        problem = self.problem(kind, rationale, exemption)
        if problem:
            self.query_one("#propose-error", Static).update(Content(problem))
            return
        self.dismiss(Proposal(kind or "", rationale, exemption))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Closing:
    needs: tuple[str, ...]
    resolution: str
    note: str


class CloseUnmetDialog(DeskDialog[Closing | None]):
    """Unmet-need categories (toggle by key), what was done instead (one key), and a note."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Close unmet", id="close.save"),
        Binding("escape", "cancel", "Cancel", id="close.cancel"),
    ]
    NEEDS = [
        KeyOption("a", "age_band", "age band"), KeyOption("s", "sibling_group", "siblings"),
        KeyOption("d", "disability", "disability"), KeyOption("p", "parent_and_child", "parent+child"),
        KeyOption("u", "uasc", "UASC"), KeyOption("o", "other", "other"),
    ]
    RESOLUTIONS = [
        KeyOption("i", "ifa_commissioned", "IFA commissioned"), KeyOption("e", "escalated", "escalated"),
        KeyOption("o", "other", "other"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Close as unmet need", classes="dialog-title", markup=False)
            yield Static("Which needs could not be met (toggle by key, tab on):", classes="dialog-prompt",
                         markup=False)
            yield KeyToggles(self.NEEDS, id="close-needs")
            yield Static("What was done instead (one key):", classes="dialog-prompt", markup=False)
            yield KeyChoice(self.RESOLUTIONS, id="close-resolution")
            yield DeskTextArea(placeholder="note (needed for 'other')", id="close-note", classes="short")
            yield Static("", id="close-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#close-needs", KeyToggles).focus()

    def problem(self, needs: tuple[str, ...], resolution: str | None, note: str) -> str | None:
        if not needs:
            return "Choose at least one unmet need (a, s, d, p, u, o)."
        if not resolution:
            return "Choose what was done instead (i, e or o)."
        if resolution == "other" and not note:
            return "Write a note: it is needed when what was done instead is 'other'."
        return too_long("The note", note, REASON_MAX)

    def action_save(self) -> None:
        needs = tuple(sorted(self.query_one("#close-needs", KeyToggles).selected))
        resolution = self.query_one("#close-resolution", KeyChoice).value
        note = self.query_one("#close-note", DeskTextArea).text.strip()
        problem = self.problem(needs, resolution, note)
        if problem:
            self.query_one("#close-error", Static).update(Content(problem))
            return
        self.dismiss(Closing(needs, resolution or "", note))

    def action_cancel(self) -> None:
        self.dismiss(None)
