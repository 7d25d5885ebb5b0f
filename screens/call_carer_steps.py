"""The call form's steps for calls about carers: dates away, and a connected person offering a home.

A mixin for ``screens.call_form.CallFormScreen``: it uses the form's pickers, its category
choice and its ``say`` line, and opens the carers' own dialogs over the form so the call
and what it records are made in one sitting.
"""

from __future__ import annotations

from typing import Any

from screens.pickers import KeyChoice, Picker


class CarerSteps:
    """ctrl+o (carer away) and ctrl+g (connected person) on the call form."""

    query_one: Any
    app: Any
    say: Any
    changed: Any
    # What the worker typed for a connected person before the call's new child existed.
    connected_offer: dict[str, Any] | None = None

    def action_availability(self) -> None:
        """A carer-availability call: record the dates in the household's record now (screens.availability)."""
        from screens.availability import AvailabilityDialog, saved_message

        if self.query_one("#category", KeyChoice).value != "carer_availability":
            self.say("Choose About: v availability first; then ctrl+o records the dates away.", error=True)
            return
        picker = self.query_one("#household", Picker)
        if picker.picked is None:
            self.say("Pick the household first (type its name or reference in Household).", error=True)
            picker.input.focus()
            return

        def saved(period: Any) -> None:
            if period is not None:
                self.say(saved_message(period))

        self.app.push_screen(AvailabilityDialog(picker.picked.id, picker.picked.label), callback=saved)

    def action_connected_person(self) -> None:
        """A relative or friend offers the child a home tonight (screens.connected). For a child new to the
        desk the dialog keeps what was typed and the household is recorded when the call is saved."""
        from screens.connected import ConnectedPersonDialog, recorded_message

        picker = self.query_one("#child", Picker)
        new = bool(self.query_one("#new-child").display)
        if picker.picked is None and not new:
            self.say("Name the child first (pick them, or Enter on a new name); a connected person is recorded "
                     "for a child.", error=True)
            picker.input.focus()
            return
        places = 1 + len(getattr(self, "added_children", []))
        if picker.picked is not None and not new:
            def recorded(approval: Any) -> None:
                if approval is not None:
                    self.say(recorded_message(approval))

            self.app.push_screen(ConnectedPersonDialog(picker.picked.id, picker.picked.label, places),
                                 callback=recorded)
            return
        first = self.query_one("#child_first").value.strip()
        name = f"{first} {self.query_one('#child_last').value.strip()}".strip() or "the new child"

        def kept(offer: Any) -> None:
            if offer is not None:
                self.connected_offer = offer
                self.changed()
                self.say(f"{offer['values']['name'].strip()} is recorded as a connected person for {name} when "
                         "you save the call (ctrl+s).")

        self.app.push_screen(ConnectedPersonDialog(None, name, places), callback=kept)
