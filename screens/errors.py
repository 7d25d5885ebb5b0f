"""The screen shown when the desk cannot open: what is wrong and what to do.

Never a traceback: unexpected errors are written to a crash file by
``dutydesk.crash.report`` and the screen names that file.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from screens.messages import StartProblem


class ProblemScreen(Screen[None]):
    """A start-up problem, in the desk's words. q quits with the problem's exit code."""

    BINDINGS = [
        Binding("q", "leave", "Quit", id="problem.quit"),
        Binding("escape", "leave", "Quit", show=False, id="problem.escape"),
    ]

    def __init__(self, problem: StartProblem) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="problem-box"):
            yield Static(Content(self.problem.title), id="problem-title", markup=False)
            yield Static(Content(self.problem.message), id="problem-message", markup=False)
            if self.problem.hint:
                yield Static(Content(self.problem.hint), id="problem-hint", markup=False)
            yield Static("Press q to quit.", id="problem-quit", markup=False)
        yield Footer()

    def action_leave(self) -> None:
        self.app.exit(return_code=self.problem.exit_code)

    def on_mount(self) -> None:
        if self.problem.leave:  # no account (an SSH login): one line, printed by screens.launch, and out
            self.app.leave_line = self.problem.line
            self.action_leave()
