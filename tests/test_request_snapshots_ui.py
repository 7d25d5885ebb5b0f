"""Snapshots of the request and oversight screens at 80x24: scenario 1 at night, then the manager's morning.

A fixed clock, fixed data and a fixed desk-action registry, so the pictures change
only when these screens do.
"""

from __future__ import annotations

import pytest

from db.engine import Database
from db.enums import Gender
from test_request_ui import MORNING, NIGHT, _no_personal_keys, _request, scenario1_store  # noqa: F401
from ui_helpers import desk_app, open_desk, settle


@pytest.fixture
def fixed_actions():
    """A fixed desk-action registry, so these snapshots do not change as other screens are added."""
    from screens import actions

    saved = list(actions.DESK_ACTIONS)
    actions.DESK_ACTIONS[:] = [
        actions.DeskAction("home", "f9", "Dashboard", "Back to the dashboard",
                           screen="screens.dashboard:DashboardScreen", show=False),
        actions.DeskAction("oversight", "f6", "Oversight", "Decisions waiting for sign-off",
                           screen="screens.oversight:OversightScreen", roles=actions.MANAGER_ROLES),
    ]
    yield
    actions.DESK_ACTIONS[:] = saved


def _snapshot_store(tmp_path, monkeypatch):
    """Scenario 1 at night: searched, two tries at the first carer, the second accepted and proposed, placed."""
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    url, ids = scenario1_store(tmp_path)
    rid, Desk, oliver = _request(url, "oliver", children=(("Amy O'Brien [Jr]", 13, Gender.FEMALE),))
    from dutydesk.requests import placements
    from dutydesk.requests import decisions, steps
    from process_support import save_search

    db = Database(url)
    d = Desk(db, oliver)
    save_search(db, oliver, rid, [ids["Akhtar, Samina [Jr]"], ids["Brown, Jo"], ids["Carter, Lee"]])
    steps.record_contact(d, rid, ids["Akhtar, Samina [Jr]"], "no_answer")
    steps.record_contact(d, rid, ids["Akhtar, Samina [Jr]"], "no_answer")
    steps.record_contact(d, rid, ids["Brown, Jo"], "accepted", "[bold red]can collect[/]")
    decisions.propose(d, rid, "place", "First carer did not answer twice; Jo accepted.", household_id=ids["Brown, Jo"])
    placements.place(d, rid)
    db.dispose()
    return url, rid


def test_snapshot_request_screen(snap_compare, tmp_path, monkeypatch, fixed_actions):
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, rid = _snapshot_store(tmp_path, monkeypatch)

    async def opened(pilot) -> None:
        await open_desk(pilot)
        pilot.app.open_request(rid)
        await settle(pilot)

    assert snap_compare(desk_app(url), terminal_size=(80, 24), run_before=opened)


def test_snapshot_oversight_screen(snap_compare, tmp_path, monkeypatch, fixed_actions):
    url, _rid = _snapshot_store(tmp_path, monkeypatch)
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    monkeypatch.setenv("DUTYDESK_NOW", MORNING)

    async def opened(pilot) -> None:
        await open_desk(pilot)
        await pilot.press("f6")
        await settle(pilot)

    assert snap_compare(desk_app(url), terminal_size=(80, 24), run_before=opened)
