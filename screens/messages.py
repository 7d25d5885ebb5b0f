"""Messages the app shell posts, named in the past tense.

Screens that load data in a worker should post their own past-tense messages
(for example ``CallsFetched``) and update widgets in the handler; this module
holds the ones that cross screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # the database layer is imported by the opening worker, not here
    from dutydesk.access.desk import Desk


@dataclass(frozen=True, slots=True)
class StartProblem:
    """Why the desk could not open, in the desk's words, and what to do."""

    title: str
    message: str
    hint: str = ""
    exit_code: int = 1
    # Nothing the person can do at the desk (no account, a disabled one): one line, and the session ends.
    leave: bool = False

    @property
    def line(self) -> str:
        return f"dutydesk: {self.message} {self.hint}".strip()


class DeskOpened(Message):
    """The store is open, its schema is current and the user is signed in."""

    def __init__(self, desk: "Desk", demo: bool, dashboard: Any) -> None:
        super().__init__()
        self.desk = desk
        self.demo = demo
        self.dashboard = dashboard  # the dashboard Screen class, imported off the UI thread


class DeskOpenFailed(Message):
    """Opening the desk stopped on a problem the person can act on."""

    def __init__(self, problem: StartProblem) -> None:
        super().__init__()
        self.problem = problem
