"""Scenario 8 through the screens at 80x24: a grandmother offers to take her grandson tonight.

Out of hours the worker logs the call (a placement request for Leo), opens the finder on the request and
records the grandmother as a connected person (temporary approval from today); the search offers her
household for Leo, the worker proposes and places; in the morning the manager signs off, and the profile
shows the temporary approval and its 16-week end. A manager extends it once from the profile.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from db.engine import Database
from db.enums import DecisionStatus, HouseholdKind
from db.models import Decision, Household, Placement
from test_request_ui import Keys, _no_personal_keys, move_to, said, scenario1_store, type_text  # noqa: F401
from ui_helpers import desk_app, flat_text, open_desk, settle

NIGHT = "2026-11-22T02:10:00"
MORNING = "2026-11-23T08:45:00"


async def log_call_for_leo(pilot, keys: Keys) -> None:
    await keys(pilot, "f2")
    await keys(pilot, "x", "r")  # another caller (his grandmother), a placement request
    await type_text(pilot, "Grandmother offers to take her grandson Leo tonight")
    await keys(pilot, "tab")
    await type_text(pilot, "Leo Green")
    await settle(pilot)
    await keys(pilot, "enter")
    await type_text(pilot, "13")
    await keys(pilot, "tab", "m")
    await keys(pilot, "e")  # emergency: urgency emergency, needed from today, on to Needs
    await keys(pilot, "tab")  # no particular needs
    await type_text(pilot, "Margate")
    await settle(pilot)
    await keys(pilot, "enter")
    await keys(pilot, "ctrl+s")


async def test_scenario_8_grandmother_tonight_through_the_screens(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    keys = Keys()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await log_call_for_leo(pilot, keys)
        await keys(pilot, "enter")  # the new request, from the dashboard
        await keys(pilot, "f")  # the finder on it
        await keys(pilot, "g")  # a connected person for Leo
        assert "Connected person for Leo Green" in flat_text(app)
        await type_text(pilot, "Green, Margaret")
        await keys(pilot, "tab")
        await type_text(pilot, "ZZ")  # not a postcode: said as typed
        await settle(pilot)
        assert "Postcode: 'ZZ' is not a UK postcode" in flat_text(app)
        await keys(pilot, "backspace", "backspace")
        await type_text(pilot, "CT9 2AB")
        await keys(pilot, "tab", "tab")
        await type_text(pilot, "grandmother; has him at weekends")
        await keys(pilot, "ctrl+s")
        assert "temporarily approved until 14 Mar 2027" in said(app)
        await keys(pilot, "escape")  # back to the request
        await keys(pilot, "s")  # search again: her household is offered for Leo
        await move_to(pilot, keys, "Green, Margaret")
        await keys(pilot, "a")
        await keys(pilot, "p")
        await type_text(pilot, "His grandmother, known to him, offers tonight; temporary approval.")
        await keys(pilot, "ctrl+s")
        await keys(pilot, "l", "y")  # out of hours: placed before sign-off
        assert "placed" in flat_text(app)
    db = Database(url)
    with db.read() as s:
        h = s.exec(select(Household).where(Household.kind == HouseholdKind.CONNECTED_PERSON)).one()
        hid = h.id
        assert (h.approved_on, h.approval_expires_on) == (dt.date(2026, 11, 22), dt.date(2027, 3, 14))
        assert s.exec(select(Placement)).one().household_id == hid
    db.dispose()
    monkeypatch.setenv("DUTYDESK_NOW", MORNING)
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await type_text(pilot, "Agreed: regulation 24 temporary approval")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing awaits sign-off" in flat_text(app)
        app.open_household(hid)
        await settle(pilot)
        text = flat_text(app)
        assert "connected person" in text.lower()
        assert "! Temporary approval ends on 14 Mar 2027" in text
        for _ in range(6):
            await pilot.press("down")
        await settle(pilot)
        assert "temporary approval from 22 Nov 2026 to 14 Mar 2027" in flat_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert "Weeks (once only, 1 to 8):" in flat_text(app)
        await pilot.press("backspace")
        await type_text(pilot, "9")  # checked as typed
        await settle(pilot)
        assert "Weeks: type a number from 1 to 8" in flat_text(app)
        await pilot.press("tab")
        await type_text(pilot, "panel")
        await pilot.press("ctrl+s")  # refused before saving: the weeks are wrong, and focus goes back to them
        await settle(pilot)
        assert "Weeks: type a number from 1 to 8" in flat_text(app)
        await pilot.press("backspace")
        await type_text(pilot, "8")
        await pilot.press("tab", *["backspace"] * 5)
        await type_text(pilot, "assessment goes to panel in May")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "extended to 09 May 2027" in said(app)
    db = Database(url)
    with db.read() as s:
        d = s.exec(select(Decision)).one()
        assert d.status == DecisionStatus.SIGNED_OFF and d.household_id == hid
        h = s.get(Household, hid)
        assert (h.approval_expires_on, h.approval_extended) == (dt.date(2027, 5, 9), True)
    db.dispose()


async def test_scenario_8_grandmother_recorded_on_the_call_form_then_placed_and_signed_off(tmp_path, monkeypatch):
    """ctrl+g on the call itself: Leo is new to the desk, so what is typed is kept and the grandmother's
    household is recorded when the call is saved; the request's placement goes the normal way."""
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    keys = Keys()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await keys(pilot, "f2")
        await keys(pilot, "x", "r")
        await type_text(pilot, "Grandmother offers to take her grandson Leo tonight")
        await keys(pilot, "tab")
        await keys(pilot, "ctrl+g")  # no child named yet: said, nothing opens
        assert "Name the child first" in flat_text(app) and "Connected person for" not in flat_text(app)
        await type_text(pilot, "Leo Green")
        await settle(pilot)
        await keys(pilot, "enter")
        await type_text(pilot, "13")
        await keys(pilot, "tab", "m")
        await keys(pilot, "ctrl+g")  # the grandmother, during the call
        text = flat_text(app)
        assert "Connected person for Leo Green" in text and "Recorded when the call is saved" in text
        await type_text(pilot, "Green, Margaret")
        await keys(pilot, "tab")
        await type_text(pilot, "CT9 2AB")
        await keys(pilot, "tab", "tab")
        await type_text(pilot, "grandmother; has him at weekends")
        await keys(pilot, "ctrl+s")
        assert "Green, Margaret is recorded as a connected person for Leo Green when you save" in flat_text(app)
        db = Database(url)
        with db.read() as s:  # nothing written before the call is saved
            assert s.exec(select(Household).where(Household.kind == HouseholdKind.CONNECTED_PERSON)).first() is None
        db.dispose()
        await keys(pilot, "e")  # emergency (urgency emergency, tonight)
        await keys(pilot, "ctrl+s")
        assert "temporarily approved until 14 Mar 2027" in said(app)
        await keys(pilot, "enter")  # the new request, from the dashboard
        await keys(pilot, "s")  # the search offers her household for Leo
        await move_to(pilot, keys, "Green, Margaret")
        await keys(pilot, "a")
        await keys(pilot, "p")
        await type_text(pilot, "His grandmother, known to him, offers tonight; temporary approval.")
        await keys(pilot, "ctrl+s")
        await keys(pilot, "l", "y")  # out of hours: placed before sign-off
        assert "placed" in flat_text(app)
    db = Database(url)
    with db.read() as s:
        h = s.exec(select(Household).where(Household.kind == HouseholdKind.CONNECTED_PERSON)).one()
        hid = h.id
        assert (h.name, h.postcode, h.approved_on, h.approval_expires_on) == \
            ("Green, Margaret", "CT9 2AB", dt.date(2026, 11, 22), dt.date(2027, 3, 14))
        (placement,) = s.exec(select(Placement)).all()
        assert placement.household_id == hid and h.connected_child_id == placement.child_id
    db.dispose()
    monkeypatch.setenv("DUTYDESK_NOW", MORNING)
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await type_text(pilot, "Agreed: regulation 24 temporary approval")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing awaits sign-off" in flat_text(app)
        app.open_household(hid)
        await settle(pilot)
        text = flat_text(app)
        assert "Green, Margaret" in text and "! Temporary approval ends on 14 Mar 2027" in text
    db = Database(url)
    with db.read() as s:
        d = s.exec(select(Decision)).one()
        assert d.status == DecisionStatus.SIGNED_OFF and d.household_id == hid and d.signed_off_by_id is not None
    db.dispose()
