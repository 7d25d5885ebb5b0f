"""Snapshots of the app shell at 80x24 with a fixed clock.

They cover the shell only (identity bar, help, start-up problems), over a
trivial home screen, because the dashboard belongs to another screen's tests.
Update with ``pytest tests/test_snapshots_shell.py --snapshot-update`` and look
at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

import screens.dashboard
from screens import actions
from screens.actions import DeskAction
from screens.base import DeskScreen
from ui_helpers import SeedUser, desk_app, open_desk, seed_store


class TrivialHome(DeskScreen):
    HELP_TITLE = "Trivial home"
    BINDINGS = [
        Binding("n", "noop", "New thing", id="trivial.new"),
        Binding("r", "noop", "Refresh", id="trivial.refresh"),
        Binding("slash", "noop", "Search", key_display="/", show=False, id="trivial.search"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("A trivial home screen for shell snapshots.", markup=False)
        yield Footer()

    def action_noop(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _fixed(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))  # not the tester's own keys
    monkeypatch.setattr(screens.dashboard, "DashboardScreen", TrivialHome)
    # A fixed registry, so the shell's snapshots do not change as other screens are built.
    saved = list(actions.DESK_ACTIONS)
    actions.DESK_ACTIONS[:] = [
        DeskAction("home", "f9", "Dashboard", "Go back to the home screen",
                   screen=f"{__name__}:TrivialHome", show=False),
        DeskAction("other", "f2", "Other thing", "Open another trivial screen",
                   screen=f"{__name__}:TrivialHome"),
    ]
    yield
    actions.DESK_ACTIONS[:] = saved


async def _opened(pilot) -> None:
    await open_desk(pilot)


def test_identity_bar_on_a_demo_store(snap_compare, tmp_path):
    url = seed_store(tmp_path, [SeedUser("dana", "Ann [/] O'Brien [Jr]", "duty_worker", "OOH")], demo=True)
    assert snap_compare(desk_app(url), terminal_size=(80, 24), run_before=_opened)


def test_help_screen(snap_compare, tmp_path):
    url = seed_store(tmp_path)
    assert snap_compare(desk_app(url), press=["f1"], terminal_size=(80, 24), run_before=_opened)


def test_help_screen_ansi_dark(snap_compare, tmp_path):
    url = seed_store(tmp_path)
    assert snap_compare(desk_app(url, theme="ansi-dark"), press=["f1"], terminal_size=(80, 24),
                        run_before=_opened)


async def test_unknown_user_gets_one_line_not_a_box(tmp_path, monkeypatch):
    """No account: nothing to do at the desk, so one line (the name kept literally) and the session ends."""
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "[bold red]X[/]")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app._exit:
                break
            await pilot.pause(0.05)
    assert app.leave_line == ("dutydesk: There is no dutydesk user called '[bold red]X[/]'. Ask an administrator "
                              "to add you (dutydesk users add).") and app.return_code == 6
