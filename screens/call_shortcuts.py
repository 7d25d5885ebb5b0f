"""The call form's short ways along the common path: an emergency fills its own dates, ctrl+f finds.

- ``TypeChoice`` is the placement type: choosing emergency also sets the urgency
  to emergency and needed from to today when they are still blank (until stays
  blank: an emergency bed is open-ended until the plan says otherwise), and
  moves on to Needs, past what it filled; shift+tab goes back to change them.
  It happens in the key's own turn, so a key typed straight after lands on Needs.
- ``FindsAfterSaving`` is ctrl+f: save the call and open its request with the
  search already run and saved (the request screen's s), so at 3 a.m. the
  worker goes from the call to the carers to phone in one key. It is offered
  once the call is a placement request.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

from screens.pickers import KeyChoice

FIND_FLAG = "then_find"  # in the saving worker's snapshot of the fields: this save was ctrl+f


class TypeChoice(KeyChoice):
    """The placement type; emergency fills the urgency and needed from (when blank) and moves on to Needs."""

    def on_key(self, event: events.Key) -> None:
        before = self.value
        super().on_key(event)  # chooses, and moves the focus on to the urgency
        if self.value == "emergency" and before != "emergency":
            self._fill_emergency()

    def _fill_emergency(self) -> None:
        screen: Any = self.screen
        urgency = screen.query_one("#req_urgency", KeyChoice)
        needed_from = screen.query_one("#req_from", Input)
        if urgency.value is not None:
            return  # the worker chose the urgency already: change nothing, the usual Tab order
        urgency.value = "emergency"
        urgency.post_message(KeyChoice.Changed(urgency, "emergency"))
        if not needed_from.value.strip():
            needed_from.value = "today"
        screen.query_one("#req_needs").focus()
        say = getattr(screen, "say", None)
        if say is not None:
            say("Emergency: urgency emergency, needed from " + needed_from.value + "; shift+tab to change.")


class FindsAfterSaving:
    """Mixed into the call form: ctrl+f saves the call, runs its request's search and opens the request."""

    _saving: bool
    desk: Any
    _found_request: tuple[int, str] | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Offered (footer, F1, palette) on a placement request only: the narrow footer keeps its other keys.
        if action == "save_and_find":
            me: Any = self
            return me.query_one("#category", KeyChoice).value == "placement_request"
        return super().check_action(action, parameters)  # type: ignore[misc]

    def on_key_choice_changed(self, event: KeyChoice.Changed) -> None:
        if event.choice.id == "category":
            self.refresh_bindings()  # type: ignore[attr-defined]

    def action_save_and_find(self) -> None:
        me: Any = self
        if me.query_one("#category", KeyChoice).value != "placement_request":
            me.say("ctrl+f saves a placement request and finds carers for it; this call opens none "
                   "(ctrl+s saves it).", error=True)
            return
        if self._saving or self.desk is None:
            return
        me.say("Saving, then searching…")
        self._saving = True
        self._found_request = None
        fields = me.snapshot()
        fields[FIND_FLAG] = True
        me.save_call(fields)

    def search_after_logging(self, fields: dict[str, Any], view: Any) -> None:
        """In the saving worker, once the call is logged: run and save the search when this was ctrl+f."""
        if not fields.get(FIND_FLAG) or view.request_id is None:
            return
        from dutydesk.errors import DeskError
        from dutydesk.requests import actions

        try:
            said = actions.search(self.desk, view.request_id)
        except DeskError as err:  # the call is saved; the request opens and s runs the search again
            said = f"The search did not run: {err}"
        self._found_request = (view.request_id, said)

    def open_after_saved(self) -> None:
        found, self._found_request = self._found_request, None
        if found is not None:
            me: Any = self
            me.app.open_request(found[0])
            me.app.notify(found[1], markup=False)
