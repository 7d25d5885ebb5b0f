"""Several children on one call, through the call form at 80x24 (issue 9, point 1).

Scenario 2: a social worker needs a short-term home for three brothers aged 4, 7
and 9 from 1 December; ctrl+n keeps each brother and opens the next. Scenario 7:
a mother of 17 and her baby, not born yet ('due DD/MM/YYYY'), parent and child.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from db.engine import Database
from db.models import Child, PlacementRequest, RequestChild
from dutydesk.places import ensure_places

from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot)


async def keys(pilot, *names: str) -> None:
    for n in names:
        await pilot.press(n)
        await settle(pilot)


def store(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-27T10:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    url = seed_store(tmp_path)
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
    db.dispose()
    return url


async def add_new_child(pilot, name: str, age: str, gender: str) -> None:
    await type_text(pilot, name)
    await keys(pilot, "enter")  # no match: record the child with that name
    await type_text(pilot, age)
    await keys(pilot, "tab", gender)


def request_children(url: str) -> tuple[PlacementRequest, list[Child]]:
    db = Database(url)
    with db.read() as s:
        req = s.exec(select(PlacementRequest)).one()
        kids = s.exec(select(Child).join(RequestChild, RequestChild.child_id == Child.id)
                      .where(RequestChild.request_id == req.id).order_by(Child.id)).all()
    db.dispose()
    return req, list(kids)


async def test_scenario2_three_brothers_on_one_call(tmp_path, monkeypatch):
    url = store(tmp_path, monkeypatch)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await keys(pilot, "f2", "w", "r")
        await type_text(pilot, "Three brothers need a short-term home")
        await keys(pilot, "tab")
        for name, age in (("Tom Reed", "4"), ("Sam Reed", "7")):
            await add_new_child(pilot, name, age, "m")
            await keys(pilot, "ctrl+n")  # keep this brother, add the next
        assert "1. Tom Reed (4)  2. Sam Reed (7)" in screen_text(app)
        await add_new_child(pilot, "Joe Reed", "9", "m")
        await keys(pilot, "s", "p")  # short term, planned
        await type_text(pilot, "01/12/2026")
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "DashboardScreen", flat_text(app)
    req, kids = request_children(url)
    assert [(k.display_name, k.age_on(req.needed_from)) for k in kids] == [
        ("Tom Reed", 4), ("Sam Reed", 7), ("Joe Reed", 9)]
    assert req.needed_from == dt.date(2026, 12, 1) and req.placement_type.value == "short_term"


async def test_scenario7_mother_and_unborn_baby(tmp_path, monkeypatch):
    url = store(tmp_path, monkeypatch)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await keys(pilot, "f2", "w", "r")
        await type_text(pilot, "Mother of 17 and her baby need a parent and child home")
        await keys(pilot, "tab")
        await add_new_child(pilot, "Kayla Moss", "17", "f")
        await keys(pilot, "ctrl+n")
        await type_text(pilot, "Baby Moss")
        await keys(pilot, "enter")
        await type_text(pilot, "due 3O/12/2026")  # a typo: O for 0; the form says so as you type
        assert "Expected date of birth '3o/12/2026' is not a date" in flat_text(app)
        for _ in range(len("3O/12/2026")):
            await pilot.press("backspace")
        await type_text(pilot, "30/12/2026")
        await keys(pilot, "tab", "u", "p", "u")  # gender not known; parent and child, urgent
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "DashboardScreen", flat_text(app)
    req, kids = request_children(url)
    assert req.placement_type.value == "parent_and_child"
    assert [k.display_name for k in kids] == ["Kayla Moss", "Baby Moss"]
    assert kids[1].date_of_birth == dt.date(2026, 12, 30) and kids[1].age_on(dt.date(2026, 11, 27)) == 0
    assert "Expected date of birth 30/12/2026" in kids[1].notes
