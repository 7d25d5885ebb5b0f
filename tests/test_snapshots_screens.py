"""Snapshots of every screen and dialog at 80x24, on a small demo county with a fixed clock.

The county is built once (seed 1, 60 households) and copied for each test, so
every snapshot reads the same records. Update with
``pytest tests/test_snapshots_screens.py --snapshot-update`` and look at the SVGs
before committing them.
"""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.schema import create_schema
from dutydesk.demo.build import build
from ui_helpers import desk_app, open_desk, settle

NOW = "2026-12-01T21:00:00"  # Tuesday evening: the demo's scenarios are set around it
SIZE = (80, 24)


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("county")
    mp = pytest.MonkeyPatch()
    mp.setenv("DUTYDESK_NOW", NOW)
    try:
        db = Database(f"sqlite:///{folder / 'county.db'}")
        create_schema(db)
        build(db, seed=1, households=60, searches_budget_s=3600.0)  # every optional search: no time budget
        db.dispose()
    finally:
        mp.undo()
    return str(folder / "county.db")


@pytest.fixture
def store(county, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("DUTYDESK_NOW", NOW)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    path = tmp_path / "desk.db"
    shutil.copy(county, path)
    return f"sqlite:///{path}"


def ids(url: str, sql: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def request_id(url: str, reference: str) -> int:
    return ids(url, f"SELECT id FROM placement_requests WHERE reference = '{reference}'")


def household_id(url: str, reference: str) -> int:
    return ids(url, f"SELECT id FROM households WHERE reference = '{reference}'")


def opened(*steps):
    """A run_before that opens the desk, then does each step (a key, a list of keys, or a callable)."""

    async def run(pilot) -> None:
        await open_desk(pilot)
        for step in steps:
            if callable(step):
                step(pilot.app)
            else:
                await pilot.press(*([step] if isinstance(step, str) else step))
            await settle(pilot)

    return run


def snap(snap_compare, url: str, *steps, user: str = "dana.e", theme: str = "textual-dark") -> bool:
    return snap_compare(desk_app(url, as_user=user, theme=theme), terminal_size=SIZE, run_before=opened(*steps))


# -- screens ------------------------------------------------------------------------------------


def test_request_list(snap_compare, store):
    assert snap(snap_compare, store, "f4")


def test_request_screen_contacting_carers(snap_compare, store):
    rid = request_id(store, "PR-S05")
    assert snap(snap_compare, store, lambda app: app.open_request(rid))


def test_request_screen_timeline(snap_compare, store):
    rid = request_id(store, "PR-S07")
    assert snap(snap_compare, store, lambda app: app.open_request(rid), "2")


def test_request_screen_no_color(snap_compare, store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    rid = request_id(store, "PR-S05")
    assert snap(snap_compare, store, lambda app: app.open_request(rid), theme="ansi-dark")


def test_finder_ranked(snap_compare, store):
    rid = request_id(store, "PR-S06")
    assert snap(snap_compare, store, lambda app: app.open_finder(rid))


def test_finder_ruled_out(snap_compare, store):
    rid = request_id(store, "PR-S06")
    assert snap(snap_compare, store, lambda app: app.open_finder(rid), "x")


def test_household_profile(snap_compare, store):
    hid = household_id(store, "HH-00003")
    assert snap(snap_compare, store, lambda app: app.open_household(hid))


def test_calls_list(snap_compare, store):
    assert snap(snap_compare, store, "f7", "tab")


def test_callbacks(snap_compare, store):
    assert snap(snap_compare, store, "f5")


def test_handover(snap_compare, store):
    assert snap(snap_compare, store, "f10")


def test_oversight_for_a_manager(snap_compare, store):
    assert snap(snap_compare, store, "f6", user="maya.p")


# -- dialogs ------------------------------------------------------------------------------------


def test_finder_criteria_dialog(snap_compare, store):
    rid = request_id(store, "PR-S06")
    assert snap(snap_compare, store, lambda app: app.open_finder(rid), "e")


def test_propose_dialog(snap_compare, store):
    rid = request_id(store, "PR-S05")
    assert snap(snap_compare, store, lambda app: app.open_request(rid), "p")


def test_close_unmet_dialog(snap_compare, store):
    rid = request_id(store, "PR-S05")
    assert snap(snap_compare, store, lambda app: app.open_request(rid), "c")


def test_reason_dialog(snap_compare, store):
    rid = request_id(store, "PR-S05")
    assert snap(snap_compare, store, lambda app: app.open_request(rid), "w")


def test_end_placement_dialog(snap_compare, store):
    hid = ids(store, "SELECT household_id FROM placements WHERE ended_on IS NULL ORDER BY id LIMIT 1")
    assert snap(snap_compare, store, lambda app: app.open_household(hid), "e")


def test_handover_note_dialog(snap_compare, store):
    assert snap(snap_compare, store, "f10", "w")


def test_quit_question(snap_compare, store):
    assert snap(snap_compare, store, "f2", ["p", "r"], list("Girl of 13"), "ctrl+q")


def test_help_on_the_request_screen(snap_compare, store):
    rid = request_id(store, "PR-S05")
    assert snap(snap_compare, store, lambda app: app.open_request(rid), "f1")


def test_household_record_screen(snap_compare, store):
    hid = household_id(store, "HH-00003")
    assert snap(snap_compare, store, lambda app: app.open_household(hid), "c")


def test_household_record_screen_for_a_manager(snap_compare, store):
    hid = household_id(store, "HH-00003")
    assert snap(snap_compare, store, lambda app: app.open_household(hid), "c", user="maya.p")


def test_availability_dialog(snap_compare, store):
    hid = household_id(store, "HH-00003")
    assert snap(snap_compare, store, lambda app: app.open_household(hid), "a", "h", list("+3"), "tab",
                list("31/02"))
