"""Every key lands where the worker sees it: keys typed with no pause give the record slow typing gives.

The keys are posted to the app all at once (as a fast typist or a laggy SSH link
delivers them), so each one arrives while the one before is still moving the
focus; then the same keys are pressed one at a time, waiting after each. Both
calls must be the same, and what was meant: remand, urgent, a girl of 13.
"""

from __future__ import annotations

import unicodedata

from sqlmodel import select
from textual import events
from textual.keys import _character_to_key, _get_unicode_name_from_key

from db.engine import Database
from db.models import Call, Child, PlacementRequest
from dutydesk.places import ensure_places

from ui_helpers import desk_app, open_desk, screen_text, seed_store, settle

KEYS = ["p", "r", *"Girl in Margate", "tab", *"Amy Fast", "enter", "1", "3", "tab", "f", "r", "u",
        "tab", "tab", "t", "d"]


def key_event(key: str) -> events.Key:
    # As Pilot builds them, so the app cannot tell these from typed keys.
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def save_to_the_dashboard(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "DashboardScreen", screen_text(pilot.app)


async def post_at_once_and_save(pilot, keys: list[str]) -> None:
    """Every key posted at once (a fast typist, a laggy link), then ctrl+s: the call is saved."""
    for k in keys:
        pilot.app.post_message(key_event(k))
    await settle(pilot)
    await save_to_the_dashboard(pilot)


async def log_with(tmp_path, monkeypatch, *, pause: bool) -> tuple:
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    folder = tmp_path / ("slow" if pause else "fast")
    folder.mkdir()
    url = seed_store(folder)
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
    db.dispose()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        if pause:
            for k in KEYS:
                await pilot.press(k)
                await settle(pilot)
            await save_to_the_dashboard(pilot)
        else:
            await post_at_once_and_save(pilot, KEYS)
    db = Database(url)
    with db.read() as s:
        call = s.exec(select(Call)).one()
        child = s.exec(select(Child)).one()
        req = s.exec(select(PlacementRequest)).one()
        record = (call.caller_type.value, call.category.value, call.summary, child.display_name,
                  child.gender.value, req.placement_type.value, req.urgency.value,
                  sorted(n.value for n in req.needs))
    db.dispose()
    return record


async def test_keys_with_no_pause_give_the_same_call(tmp_path, monkeypatch):
    fast = await log_with(tmp_path, monkeypatch, pause=False)
    slow = await log_with(tmp_path, monkeypatch, pause=True)
    assert slow == ("police", "placement_request", "Girl in Margate", "Amy Fast", "female", "remand",
                    "urgent", ["disability", "teenagers"])
    assert fast == slow


def marked(text: str, label: str) -> bool:
    line = next(ln for ln in text.splitlines() if ln.lstrip(" ▌█▐▍").startswith(label))
    return line.lstrip()[:1] in "▌█▐▍" and line.lstrip()[:1] != ""


async def test_focused_field_is_marked_without_colour(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    app = desk_app(seed_store(tmp_path), theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert marked(text, "Caller") and not marked(text, "About") and not marked(text, "Summary")
        await pilot.press("p")  # the choice moves the focus on: the marker follows it
        await settle(pilot)
        text = screen_text(app)
        assert marked(text, "About") and not marked(text, "Caller")
        await pilot.press("n")
        await settle(pilot)
        text = screen_text(app)
        assert marked(text, "Summary") and not marked(text, "About")


async def test_f8_asks_before_discarding_a_filled_in_call(tmp_path, monkeypatch):
    from db.models import Draft

    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url = seed_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        for k in ("p", "n", *"Police asked about Amy"):
            await pilot.press("space" if k == " " else k)
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert "Discard this call?" in screen_text(app)
        await pilot.press("n")  # no: the call is still there, as typed
        await settle(pilot)
        assert type(app.screen).__name__ == "CallFormScreen"
        assert app.screen.query_one("#summary").value == "Police asked about Amy"
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
    db = Database(url)
    with db.read() as s:
        assert s.exec(select(Call)).first() is None and s.exec(select(Draft)).first() is None
    db.dispose()


async def test_d_on_the_draft_offer_opens_an_empty_form(tmp_path, monkeypatch):
    from db.models import Draft

    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url = seed_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        for k in ("p", "n", *"Half a call"):
            await pilot.press("space" if k == " " else k)
        await pilot.press("escape")  # closed: the draft is kept
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("f2")
        await settle(pilot)
        assert type(app.screen).__name__ == "RestoreDraftScreen", screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallFormScreen", screen_text(app)
        assert app.screen.query_one("#summary").value == ""
    db = Database(url)
    with db.read() as s:
        assert all("Half a call" not in d.payload for d in s.exec(select(Draft)).all())  # discarded
    db.dispose()
