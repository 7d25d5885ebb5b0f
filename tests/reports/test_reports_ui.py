"""The reports screen at 80x24, driven by keys as a person would: choose report, period and team,
see the figures and the chart, open what stands behind a figure, and never see a stale load."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from db.enums import RequestState as RS
from dutydesk.access.identity import actor_for
from report_builders import Store
from ui_helpers import SeedUser, desk_app, flat_text, open_desk, screen_text, seed_store, settle

USERS = [SeedUser("dana", "Dana Smith", "duty_worker", "EAST"), SeedUser("maya", "Maya Patel", "manager", "EAST"),
         SeedUser("wes", "Wes Lee", "duty_worker", "WEST"), SeedUser("ada", "Ada Admin", "admin", "EAST"),
         SeedUser("vic", "Vic Viewer", "viewer", "EAST")]


@pytest.fixture(autouse=True)
def fixed(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T12:00:00")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))


def county(tmp_path) -> str:
    url = seed_store(tmp_path, USERS)
    db = Database(url)
    people = {"worker": actor_for(db, "dana"), "manager": actor_for(db, "maya"), "worker2": actor_for(db, "wes")}
    st = Store(db, people)
    h = st.household("HH-UI1", "Able, Ann [Jr]", places=2, vacant_since=dt.date(2026, 11, 1))
    for ref, team, who, when, signed in [
        ("PR-UI1", "EAST", "worker", "2026-10-05 10:00", "2026-10-05 15:00"),
        ("PR-UI2", "EAST", "worker", "2026-11-09 10:00", "2026-11-12 09:00"),
        ("PR-UI3", "WEST", "worker2", "2026-11-10 10:00", "2026-11-10 12:00"),
    ]:
        r = st.request(ref, team, who, when, RS.PLACED)
        st.search(r, when, who, {h: (None, {"x": [["age", [0, 4]]]})})
        st.decision(r, when, who, hid=h, signed=signed)
        st.move(r, RS.PLACED, signed, who)
    db.dispose()
    return url


async def opened(pilot, key: str = "f8") -> None:
    await open_desk(pilot)
    await pilot.press(key)
    await settle(pilot)


async def test_a_manager_compares_the_teams_and_opens_what_is_behind_a_figure(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(county(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        text = screen_text(app)
        assert "Consistency  01 Jun 2026 to 20 Nov 2026  all teams" in text
        assert "Figure" in text and "EAST" in text and "WEST" in text and "All" in text
        line = next(x for x in text.splitlines() if "Signed off in 1 day" in x)
        assert line.split()[-4:] == ["50%", "100%", "-", "67%"]  # EAST, WEST, out of hours (last), all
        assert max(len(x) for x in text.splitlines()) <= 80
        await pilot.press("down", "down", "down", "right")  # Signed off in 1 day, EAST
        await settle(pilot)
        assert "Signed off in 1 day, EAST, by month (%)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        drill = screen_text(app)
        assert "Signed off within one working day: EAST (2)" in drill
        assert drill.index("PR-UI2") < drill.index("PR-UI1")  # the late one first
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "RequestScreen" and "PR-UI2" in flat_text(app)


async def test_each_report_by_key_and_the_period_dialog(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(county(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        for title, words in [("Sufficiency", "Aged 0 to 4"), ("Vacancies", "Ruled out: the child's age"),
                             ("Timescales", "Decision signed off"), ("Consistency", "Requests logged")]:
            await pilot.press("r")
            await settle(pilot)
            text = screen_text(app)
            assert title in text.splitlines()[1] and words in text, title
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.query_one("#period-from").value == "01/06/2026"  # as the desk writes every day
        await pilot.press("end", *["backspace"] * 10, *"01/13/2026", "enter", "enter")
        await settle(pilot)
        assert "From '01/13/2026' has no month 13" in screen_text(app)
        assert app.screen.query_one("#period-from").value == "01/13/2026"  # kept, to be put right
        await pilot.press("end", *["backspace"] * 7, *"11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "01 Nov 2026 to 20 Nov 2026" in screen_text(app).splitlines()[1]
        line = next(x for x in screen_text(app).splitlines() if "Requests logged" in x)
        assert line.split()[-4:] == ["1", "1", "0", "2"]  # October's request has gone
        await pilot.press("t")
        await settle(pilot)
        assert "EAST" in screen_text(app).splitlines()[1]
        assert "WEST" not in screen_text(app).splitlines()[2]


async def test_a_duty_worker_sees_their_own_team_only(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(county(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        text = screen_text(app)
        assert "your team" in text.splitlines()[1]
        assert "WEST" not in text and "EAST" in text
        await pilot.press("r", "t", "w")
        await settle(pilot)
        assert "Consistency" in screen_text(app).splitlines()[1] and "WEST" not in screen_text(app)
        assert "r Report" not in screen_text(app) and "By worker" not in screen_text(app)


async def test_a_viewer_has_no_reports(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "vic")
    app = desk_app(county(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        assert type(app.screen).__name__ != "ReportsScreen"


async def test_a_stale_load_is_dropped(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(county(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        screen = app.screen
        shown = screen.view
        await pilot.press("r")  # sufficiency
        await settle(pilot)
        newest = screen.view
        screen.post_message(screen.Loaded(screen.generation - 1, shown, []))  # an older load arriving late
        await settle(pilot)
        assert screen.view is newest and "Sufficiency" in screen_text(app).splitlines()[1]
        assert "Aged 0 to 4" in screen_text(app)


def test_snapshot_consistency_no_color(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    monkeypatch.setenv("NO_COLOR", "1")
    url = county(tmp_path)

    async def run_before(pilot):
        await opened(pilot)

    assert snap_compare(desk_app(url, theme="ansi-dark"), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_vacancies_no_color(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    monkeypatch.setenv("NO_COLOR", "1")
    url = county(tmp_path)

    async def run_before(pilot):
        await opened(pilot)
        await pilot.press("r", "r")
        await settle(pilot)

    assert snap_compare(desk_app(url, theme="ansi-dark"), terminal_size=(80, 24), run_before=run_before)
