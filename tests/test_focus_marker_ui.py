"""The focused field is seen without colour (NO_COLOR, ansi theme) on the household record and in a dialog.

The call form marked its focused field (test_call_keys_ui); the household record and the dialogs
showed nothing at all: a compact field with no colour is blank space, so a worker could not tell
where a key would land.
"""

from __future__ import annotations

from db.engine import Database
from matching_builders import household, places
from test_call_keys_ui import marked
from ui_helpers import desk_app, open_desk, screen_text, seed_store, settle

MARKS = "▌█▐▍"


def _store(tmp_path) -> tuple[str, int]:
    url = seed_store(tmp_path)
    db = Database(url)
    places(db)
    hid = household(db, "H-MARK", name="Marker, Jo", place="Ramsgate")
    db.dispose()
    return url, hid


def _field_marked(text: str, prompt: str) -> bool:
    """Whether the field on the line after a dialog's prompt carries the mark."""
    lines = [ln.partition("│")[2].strip(" │") for ln in text.splitlines()]  # inside the dialog's box
    field = lines[next(i for i, ln in enumerate(lines) if ln.startswith(prompt)) + 1]
    return field[:1] != "" and field[:1] in MARKS


async def test_the_household_records_focused_field_is_marked_without_colour(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    url, hid = _store(tmp_path)
    app = desk_app(url, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        text = screen_text(app)
        assert marked(text, "Reference") and not marked(text, "Name")
        await pilot.press("tab")
        await settle(pilot)
        text = screen_text(app)
        assert marked(text, "Name") and not marked(text, "Reference")


async def test_a_dialogs_focused_field_is_marked_without_colour(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url, hid = _store(tmp_path)
    app = desk_app(url, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("a")  # away: what, first day, last day, reason
        await settle(pilot)
        text = screen_text(app)
        assert _field_marked(text, "What (one key)") and not _field_marked(text, "First day away")
        await pilot.press("h")  # the choice moves the focus on: the mark follows it
        await settle(pilot)
        text = screen_text(app)
        assert _field_marked(text, "First day away") and not _field_marked(text, "What (one key)")


def _corners(text: str) -> dict[str, str]:
    """Each panel's top-left corner, by the first word of its title (a row of two panels: the left one)."""
    return {ln.split()[1]: ln.strip()[:1] for ln in text.splitlines() if "─ " in ln or "━ " in ln}


async def test_the_dashboards_focused_panel_is_drawn_in_heavy_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url, _hid = _store(tmp_path)
    app = desk_app(url, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        tops = _corners(screen_text(app))
        assert (tops["Open"], tops["Callbacks"]) == ("┏", "╭"), tops
        await pilot.press("tab")
        await settle(pilot)
        tops = _corners(screen_text(app))
        assert (tops["Open"], tops["Callbacks"]) == ("╭", "┏"), tops
