"""The duty dashboard (home screen). Placeholder until the calls issue fills it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class DashboardScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Static("Dashboard", id="dashboard-title")
        yield Footer()
