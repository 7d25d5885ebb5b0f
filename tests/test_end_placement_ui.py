"""Ending a placement from the household profile at 80x24 (scenario 5: the carer gives 24 hours' notice)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.engine import Database
from db.enums import Gender, PlacementEndReason
from db.models import AuditEvent, Household, Placement, Team, User
from matching_builders import child, household, placement, places
from ui_helpers import desk_app, flat_text, open_desk, seed_store, settle

NOW = "2026-12-04T16:00:00"  # Friday; London is on GMT, local = UTC
TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _no_personal_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def said(app) -> str:
    return " ".join(n.message for n in app.notices)


async def type_text(pilot, text: str) -> None:
    keys = {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash",
            "'": "apostrophe", ",": "comma", ".": "full_stop"}
    for ch in text:
        await pilot.press(keys.get(ch, ch))


def dialog_error(app) -> str:
    return str(app.screen.query_one("#end-error").content)


async def clear_and_type(pilot, text: str) -> None:
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, text)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A household with two children placed: Kai [Jr] (15) since September and Mo (9) since October."""
    monkeypatch.setenv("DUTYDESK_NOW", NOW)
    url = seed_store(tmp_path)
    db = Database(url)
    places(db)
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar_one()
        team = s.execute(sa.select(Team.id).where(Team.code == "EAST")).scalar_one()
    with db.write() as s:
        s.add(User(username="vic", full_name="Vic Viewer", role="viewer", team_id=team))
    hid = household(db, "H-OLD", name="Old home [/]", places=2, age_min=5, age_max=17)
    kai = placement(db, child(db, "C-KAI", age=15, gender=Gender.MALE, first_name="Kai [Jr]"), hid, uid,
                    starts_on=dt.date(2026, 9, 1))
    mo = placement(db, child(db, "C-MO", age=9, first_name="Mo"), hid, uid, starts_on=dt.date(2026, 10, 1))
    db.dispose()
    return url, hid, kai, mo, uid


def _state(url: str, hid: int, pid: int) -> tuple[Placement, Household, list[AuditEvent]]:
    db = Database(url)
    with db.read() as s:
        p = s.get(Placement, pid)
        h = s.get(Household, hid)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "placement.ended")).all()
        s.expunge_all()
    db.dispose()
    return p, h, events


async def test_scenario_5_breakdown_ends_the_placement_and_frees_the_place(store, monkeypatch):
    url, hid, kai, mo, uid = store
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        assert "Old home [/]" in flat_text(app)
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "EndPlacementDialog"
        text = flat_text(app)
        assert "End a placement with Old home [/]" in text
        assert "Kai [Jr] Test, since 01 Sep 2026" in text and "Mo Test, since 01 Oct 2026" in text
        # Nothing chosen yet: the dialog says what to do.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Press the number of the placement that ended." in dialog_error(app)
        kai_number = next(i for i, p in enumerate(app.screen.placements, start=1) if p.child_name.startswith("Kai"))
        await pilot.press(str(kai_number))  # moves on to the reason
        await pilot.press("o")  # other: needs a note
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "a note is needed when the reason is 'other'" in dialog_error(app)
        await pilot.press("shift+tab", "shift+tab")  # back to the reason
        await pilot.press("b")  # breakdown; focus moves to the date
        await clear_and_type(pilot, "tomorrow")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The service refuses a day ahead, in its own words, and the dialog stays.
        assert type(app.screen).__name__ == "EndPlacementDialog"
        assert "record it then, not ahead" in dialog_error(app)
        await pilot.press("shift+tab")  # the reason box is before the date; come back to the date
        await pilot.press("tab")
        await clear_and_type(pilot, "31/02/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "is not a date" in dialog_error(app)
        await clear_and_type(pilot, "today")
        await pilot.press("enter")  # on to the note
        await type_text(pilot, "Carer gave 24 hours' notice [/]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HouseholdScreen"
        assert "ended on 04 Dec 2026: breakdown. Old home [/] has a place free." in said(app)
        assert "Log the call (F2) to open a new request" in said(app)
        text = flat_text(app)
        assert "Placements now (1 of 2)" in text and "Kai [Jr]" not in text and "Mo" in text

    p, h, events = _state(url, hid, kai)
    assert p.ended_on == TODAY and p.end_reason == PlacementEndReason.BREAKDOWN
    assert p.end_note == "Carer gave 24 hours' notice [/]" and p.ended_by_id == uid
    assert h.occupied_places == 1
    other, _h, _e = _state(url, hid, mo)
    assert other.ended_on is None
    assert len(events) == 1 and events[0].user_id == uid and events[0].entity_id == str(kai)
    assert json.loads(events[0].detail)["reason"] == "breakdown"


async def test_escape_cancels_and_nothing_changes(store, monkeypatch):
    url, hid, kai, _mo, _uid = store
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("1", "p", "escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HouseholdScreen"
    p, h, events = _state(url, hid, kai)
    assert p.ended_on is None and h.occupied_places == 2 and events == []


async def test_a_viewer_is_refused(store, monkeypatch):
    url, hid, kai, mo, _uid = store
    monkeypatch.setenv("DUTYDESK_USER", "vic")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "HouseholdScreen"
        assert "end a placement" in said(app)
    for pid in (kai, mo):
        p, h, events = _state(url, hid, pid)
        assert p.ended_on is None
    assert h.occupied_places == 2 and events == []
