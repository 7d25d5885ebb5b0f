"""The availability dialog at 80x24: a carer's recorded periods changed and ended from the household screen."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.models import Household, UnavailablePeriod
from matching_builders import household, places, unavailable
from ui_helpers import desk_app, flat_text, open_desk, seed_store, settle

TODAY = dt.date.today()


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    db = Database(url)
    places(db)
    hid = household(db, "H-AWAY", name="Away [b], Jo", place="Ramsgate")
    unavailable(db, hid, TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=5), kind="break")
    unavailable(db, hid, TODAY + dt.timedelta(days=20), TODAY + dt.timedelta(days=27))
    db.dispose()
    return url, hid


def _periods(url: str, hid: int) -> list[tuple[str, dt.date, dt.date]]:
    db = Database(url)
    try:
        with db.read() as s:
            rows = s.execute(sa.select(UnavailablePeriod.kind, UnavailablePeriod.starts_on, UnavailablePeriod.ends_on)
                             .where(UnavailablePeriod.household_id == hid)
                             .order_by(UnavailablePeriod.starts_on)).all()
        return [(str(getattr(k, "value", k)), a, b) for k, a, b in rows]
    finally:
        db.dispose()


async def _open_dialog(pilot, app) -> None:
    await open_desk(pilot)
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("slash", *"away", "enter")
    await settle(pilot)
    await pilot.press("x")  # away today: among the ruled out
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)


async def test_end_the_highlighted_period_with_a_reason(store):
    url, hid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dialog(pilot, app)
        text = flat_text(app)
        assert f"break {TODAY - dt.timedelta(days=2):%a %d %b} to {TODAY + dt.timedelta(days=5):%a %d %b}" in text
        assert "ctrl+o change, ctrl+e end" in text
        await pilot.press("ctrl+e")  # no reason typed yet: told, nothing ended
        await settle(pilot)
        assert "Type the reason above" in flat_text(app)
        assert len(_periods(url, hid)) == 2
        await pilot.click("#av-reason")
        await pilot.press(*"back early", "ctrl+e")
        await settle(pilot)
        # Back on the profile, which no longer shows the break; the later holiday stays.
        text = flat_text(app)
        assert f"break {TODAY - dt.timedelta(days=2):%d %b %Y}" not in text
        assert f"holiday {TODAY + dt.timedelta(days=20):%d %b %Y}" in text
        assert any("Ended: break" in n.message for n in app._notifications)
    got = _periods(url, hid)
    assert got[0] == ("break", TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1))
    assert got[1][1] == TODAY + dt.timedelta(days=20)


async def test_change_the_highlighted_period(store):
    url, hid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dialog(pilot, app)
        app.screen.query_one("#av-periods").focus()  # as tab would; the later period is second
        await pilot.press("down", "ctrl+o")
        await settle(pilot)
        assert "Changing holiday" in flat_text(app)
        until = app.screen.query_one("#av-until")
        until.value = ""
        await pilot.press(*(TODAY + dt.timedelta(days=30)).strftime("%d/%m/%Y"), "tab", *"two more days", "ctrl+s")
        await settle(pilot)
        assert f"holiday {TODAY + dt.timedelta(days=20):%d %b %Y} to {TODAY + dt.timedelta(days=30):%d %b %Y}" \
            in flat_text(app)
    got = _periods(url, hid)
    assert got[1] == ("holiday", TODAY + dt.timedelta(days=20), TODAY + dt.timedelta(days=30))


async def test_places_not_available_recorded_from_the_household_screen(store):
    url, hid = store
    app = desk_app(url)
    until = TODAY + dt.timedelta(days=14)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dialog(pilot, app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "Places not available" in flat_text(app)
        await pilot.press(*"1 from Friday: paint", "ctrl+s")  # no "until": told, the dialog stays
        await settle(pilot)
        assert "Say until when" in flat_text(app)
        await pilot.press("ctrl+a", "ctrl+k", *f"1 until {until:%d/%m/%Y}: bedroom being decorated", "ctrl+s")
        await settle(pilot)
        assert f"1 place not available until {until:%d %b %Y}: bedroom being decorated" in flat_text(app)
    db = Database(url)
    try:
        with db.read() as s:
            h = s.get(Household, hid)
            assert (h.places_unavailable, h.places_unavailable_until) == (1, until)
            assert h.places_unavailable_reason == "bedroom being decorated"
    finally:
        db.dispose()
