"""The list of requests at 80x24: it fits the width, shows Enter, keeps its place, and finds a request
by its reference or a child's name (typed names with brackets, quotes and % are found as typed)."""

from __future__ import annotations

from textual.widgets import DataTable

from ui_helpers import desk_app, open_desk, screen_text, seed_store, settle

def _requests(url: str, names: list[tuple[str, str]]) -> list[int]:
    import datetime as dt

    from db.engine import Database
    from dutydesk.access.identity import actor_for
    from dutydesk.calls.intake import ChildInput, RequestInput, open_request

    db = Database(url)
    ids = []
    with db.write() as s:
        for first, last in names:
            req = open_request(s, actor_for(db, "dana"), RequestInput(
                "short_term", "planned", dt.date(2026, 12, 1), new_children=(ChildInput(first, last, age=9),)))
            ids.append(req.id)
    db.dispose()
    return ids


async def test_request_list_fits_80_columns_shows_enter_and_keeps_its_place(tmp_path, monkeypatch):
    """The list was 83 columns wide (worker cut to 'Dana Smi', End scrolled it sideways), Enter was missing
    from the footer, and coming back from a request put the cursor back on the first row."""
    from screens.request import RequestScreen
    from screens.request_list import RequestListScreen

    url = seed_store(tmp_path)
    _requests(url, [("Amy", "O'Brien [Jr]"), ("Ben", "[bold red]X[/]"), ("Cara", "Ann [/]")]
              + [(f"Kid{i}", "Filler") for i in range(30)])  # a full page: the list has a scrollbar
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, RequestListScreen)
        table = app.screen.query_one(DataTable)
        assert table.max_scroll_x == 0
        text = screen_text(app)
        assert "Dana Smith" in text and "Amy O'Brien [Jr]" in text and "Ben [bold red]X" in text
        assert "Open" in text.splitlines()[-1]  # the footer names Enter
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RequestScreen)
        assert "Cara Ann [/]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RequestListScreen)
        assert app.screen.query_one(DataTable).cursor_row == 2


async def test_request_list_finds_a_request_by_reference_or_child(tmp_path, monkeypatch):
    """Finding PR-S04 meant counting 32 rows down the list (and 'All' stops at 50 of hundreds):
    now / and a few letters of the reference or the child's name."""
    from screens.request import RequestScreen
    from screens.request_list import RequestListScreen

    url = seed_store(tmp_path)
    _requests(url, [("Amy", "O'Brien [Jr]"), ("Ruby", "Clarke"), ("Cara", "Ann [/]"), ("Ben", "100%_done")])
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RequestListScreen) and len(screen.rows) == 4
        assert "Press / to find" in screen_text(app)
        await pilot.press("slash", *"brien [")
        await settle(pilot)
        assert [r.children for r in screen.rows] == ["Amy O'Brien [Jr]"]
        await pilot.press("escape")  # clears the find box first
        await settle(pilot)
        assert isinstance(app.screen, RequestListScreen) and len(screen.rows) == 4
        await pilot.press("slash", *"%_")  # SQL wildcards are letters here
        await settle(pilot)
        assert [r.children for r in screen.rows] == ["Ben 100%_done"]
        await pilot.press("escape")
        await settle(pilot)
        ruby = next(r for r in screen.rows if r.children == "Ruby Clarke")
        await pilot.press("slash", *ruby.reference[-3:].lower())
        await settle(pilot)
        assert [r.reference for r in screen.rows] == [ruby.reference]
        await pilot.press("down")  # to the list
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RequestScreen) and "Ruby Clarke" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape", "escape")  # clear, then back to the dashboard
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"


def test_list_requests_find_on_each_store(database, people):
    """The service behind the find box, on SQLite and PostgreSQL: case-insensitive, wildcards taken literally."""
    import datetime as dt

    from dutydesk.access.desk import Desk
    from dutydesk.calls.intake import ChildInput, RequestInput, open_request
    from dutydesk.requests.lists import list_requests

    with database.write() as s:
        refs = {}
        for first, last in (("Amy", "O'Brien [Jr]"), ("Ruby", "Clarke"), ("Ben", "100%_done")):
            refs[first] = open_request(s, people["worker"], RequestInput(
                "short_term", "planned", dt.date(2026, 12, 1),
                new_children=(ChildInput(first, last, age=9),))).reference
    desk = Desk(database, people["viewer"])
    assert {r.reference for r in list_requests(desk)} == set(refs.values())
    assert [r.children for r in list_requests(desk, find="o'BRIEN [j")] == ["Amy O'Brien [Jr]"]
    assert [r.children for r in list_requests(desk, find="ruby cl")] == ["Ruby Clarke"]
    assert [r.children for r in list_requests(desk, find="%_")] == ["Ben 100%_done"]
    assert [r.reference for r in list_requests(desk, find=refs["Ruby"].lower())] == [refs["Ruby"]]
    assert list_requests(desk, find="nobody") == []
