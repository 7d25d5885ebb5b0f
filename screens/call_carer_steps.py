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
        """A relative or friend offers the picked child a home tonight (screens.connected)."""
        from screens.connected import ConnectedPersonDialog, recorded_message

        picker = self.query_one("#child", Picker)
        if picker.picked is None:
            self.say("Pick the child first; a connected person is recorded for a child the desk knows.", error=True)
            return

        def recorded(approval: Any) -> None:
            if approval is not None:
                self.say(recorded_message(approval))

        self.app.push_screen(ConnectedPersonDialog(picker.picked.id, picker.picked.label), callback=recorded)
