"""The identity bar: who is signed in (name, team, role) and the desk's clock.

The app docks one at the top of every full screen (see ``DutyDeskApp``), so a
screen does not compose it itself and should not yield Textual's ``Header``.
Names are user text: they are shown as ``Content`` and never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label

from dutydesk.clock import fmt_local, now


@dataclass(frozen=True, slots=True)
class Identity:
    """What the bar shows about the signed-in user (plain strings; no ORM)."""

    full_name: str
    username: str
    team: str
    role: str
    demo: bool = False

    @property
    def role_label(self) -> str:
        # Imported here: the identity bar is on the path to the first frame, which loads no db layer.
        from dutydesk.enums import Role
        from dutydesk.labels import label

        return label(self.role, Role).capitalize()

    def summary(self) -> str:
        return " · ".join([self.full_name or self.username, self.team or "no team", self.role_label])


class IdentityBar(Horizontal):
    """One line: app name, demo badge, the user, the time."""

    def __init__(self, identity: Identity | None, *, id: str | None = "identity-bar") -> None:
        super().__init__(id=id)
        self.identity = identity

    def compose(self) -> ComposeResult:
        yield Label("dutydesk", id="identity-app", markup=False)
        if self.identity is not None and self.identity.demo:
            yield Label("DEMO", id="identity-demo", markup=False)
        who = Content(self.identity.summary()) if self.identity else Content("")
        yield Label(who, id="identity-user", markup=False)
        yield Label(self._clock_text(), id="identity-clock", markup=False)

    def on_mount(self) -> None:
        self.set_interval(20, self._tick, name="identity clock")

    @staticmethod
    def _clock_text() -> str:
        return fmt_local(now(), "%a %d %b %H:%M")

    def _tick(self) -> None:
        self.query_one("#identity-clock", Label).update(self._clock_text())
