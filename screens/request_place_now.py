"""e on the request screen: an emergency out of hours proposed and placed in one confirmed step.

At 3 a.m. p (rationale, ctrl+s) then l (y) is four keys for one decision the
worker has already made. ``PlacesNow`` sits under ``RequestScreen``: its e opens
``PlaceNowDialog`` (the propose dialog, saying plainly that it places now and
that a manager signs it off retrospectively); ctrl+s there is the confirmation.
The service (``dutydesk.requests.emergency``) checks the request may be placed
before sign-off before it proposes, so a refusal leaves nothing half done and
the dialog comes back with what was typed. The key shows only on an open
emergency request out of hours (the service decides in the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from screens.dialogs import Proposal, ProposeDialog
from screens.loading import LoadingScreen, Outcome
from screens.pickers import KeyChoice

OPEN_STATES = ("logged", "searching", "contacting")


@dataclass(frozen=True)
class PlaceNowRefused:
    """A refused place-now: the typed proposal and the household, so the dialog reopens with them."""

    proposal: Proposal
    household_id: int


def place_now_keeping_text(desk: Any, proposal: Proposal, request_id: int, household_id: int) -> Outcome:
    from dutydesk.errors import DeskError
    from dutydesk.requests.emergency import PlacingRefused, propose_and_place

    try:
        return Outcome(propose_and_place(desk, request_id, household_id, proposal.rationale,
                                         proposal.exemption).message)
    except PlacingRefused as err:
        return Outcome(str(err), False)  # the proposal is on the file: nothing to type again
    except DeskError as err:
        return Outcome(str(err), False, PlaceNowRefused(proposal, household_id))


class PlaceNowDialog(ProposeDialog):
    """The rationale (and any exemption) for placing now; ctrl+s proposes and places."""

    BINDINGS = [Binding("ctrl+s", "save", "Propose and place", id="place_now.save")]

    def __init__(self, household_name: str, kids: str, **kwargs: Any) -> None:
        super().__init__(household_name, **kwargs)
        self.kids = kids

    def heading(self) -> ComposeResult:
        yield Static("Place now: emergency, out of hours", classes="dialog-title", markup=False)
        yield Static(Content(f"Places {self.kids} with {self.household_name} now, on your proposal; "
                             "a manager signs it off retrospectively (the oversight queue shows it)."),
                     classes="dialog-prompt", markup=False)
        choice = KeyChoice(self.kinds(), value="place", id="propose-kind")
        choice.display = False  # placing is the only choice here
        yield choice


class PlacesNow(LoadingScreen):
    """The request screen's e (``RequestScreen`` subclasses this); needs ``detail``, ``request_id``, ``_row``."""

    BINDINGS = [
        Binding("e", "place_now", "Place now", tooltip="Emergency out of hours: propose the highlighted "
                "carer and place at once (signed off retrospectively)", id="request.place_now"),
    ]

    detail: Any
    request_id: int

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "place_now":
            return self.place_now_applies()
        return super().check_action(action, parameters)

    def place_now_applies(self) -> bool:
        from dutydesk import working_days

        d = self.detail
        return (d is not None and d.urgency.value == "emergency" and d.state.value in OPEN_STATES
                and working_days.is_out_of_hours())

    def action_place_now(self, given: Proposal | None = None, refusal: str = "",
                         household_id: int | None = None) -> None:
        row: Any = self._row()  # type: ignore[attr-defined]
        if household_id is not None:
            row = next((r for r in getattr(self, "rows", ()) if r.household_id == household_id), row)
        if row is None:
            self.notify("Highlight the carer who accepted first (run a search with s if the list is empty).",
                        severity="warning", markup=False)
            return
        kids = ", ".join(c.name for c in self.detail.children) or "the child"

        def got(p: Proposal | None) -> None:
            if p is not None:
                self.act(place_now_keeping_text, p, self.request_id, row.household_id)

        self.app.push_screen(PlaceNowDialog(row.household_name, kids, given=given,
                                            needs_exemption=row.needs_exemption, refusal=refusal), callback=got)

    def acted(self, outcome: Outcome) -> None:
        super().acted(outcome)
        if not outcome.ok and isinstance(outcome.value, PlaceNowRefused):
            # Refused (a manager's sign-off needed after all, outside terms with no exemption, the place gone):
            # the dialog comes back with what was typed and the reason.
            self.action_place_now(outcome.value.proposal, outcome.message, outcome.value.household_id)
