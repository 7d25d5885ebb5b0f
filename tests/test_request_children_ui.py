"""The request screen at 80x24: k adds a child, x takes one off (issue 9, point 1); the propose
dialog keeps its text whatever refuses the proposal (issue 9, point 4).
"""

from __future__ import annotations

from sqlmodel import select

from db.engine import Database
from db.enums import HouseholdStatus
from db.models import Child, Decision, Household, RequestChild
from test_request_ui import _request, scenario1_store, type_text
from ui_helpers import desk_app, flat_text, open_desk, settle


def children_on(url: str, rid: int) -> list[str]:
    db = Database(url)
    with db.read() as s:
        names = [c.display_name for c in s.exec(select(Child).join(RequestChild, RequestChild.child_id == Child.id)
                                                .where(RequestChild.request_id == rid).order_by(Child.id)).all()]
    db.dispose()
    return names


async def press(pilot, *names: str) -> None:
    for n in names:
        await pilot.press(n)
        await settle(pilot)


async def test_add_a_sibling_refused_then_right_and_take_one_off(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T11:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url, _ids = scenario1_store(tmp_path)
    rid, _Desk, _actor = _request(url, "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_request(rid)
        await settle(pilot)
        await press(pilot, "k")
        assert type(app.screen).__name__ == "AddChildDialog"
        await press(pilot, "tab")
        await type_text(pilot, "Ben")
        await press(pilot, "tab")
        await type_text(pilot, "Reed [Jr]")
        await press(pilot, "tab")
        await type_text(pilot, "19")  # a young adult: only a parent on a parent-and-child request
        await press(pilot, "tab", "m", "ctrl+s")
        # Refused in the service's words; the dialog is back with everything typed.
        assert type(app.screen).__name__ == "AddChildDialog", flat_text(app)
        assert "not a child's age" in flat_text(app)
        assert app.screen.query_one("#add-child-first").value == "Ben"
        assert app.screen.query_one("#add-child-last").value == "Reed [Jr]"
        assert app.screen.query_one("#add-child-age").value == "19"
        await press(pilot, "tab", "tab", "backspace", "backspace")
        await type_text(pilot, "9")
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "RequestScreen", flat_text(app)
        assert "Ann [/] Test (12), Ben Reed [Jr] (9)" in flat_text(app)
        assert children_on(url, rid) == ["Ann [/] Test", "Ben Reed [Jr]"]
        await press(pilot, "x")
        assert type(app.screen).__name__ == "RemoveChildDialog"
        assert "2 Ben Reed [Jr] (9)" in flat_text(app)
        await press(pilot, "2", "ctrl+s")
        assert children_on(url, rid) == ["Ann [/] Test"]
        assert "Ben Reed [Jr]" not in flat_text(app)
        await press(pilot, "x", "1", "ctrl+s")  # the last child stays: withdraw instead
        assert children_on(url, rid) == ["Ann [/] Test"]
        assert type(app.screen).__name__ == "RequestScreen"


async def test_the_rationale_survives_every_refusal(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T11:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # where a crash file would go
    monkeypatch.setenv("HOME", str(tmp_path))
    url, ids = scenario1_store(tmp_path)
    rid, _Desk, _actor = _request(url, "dana")
    why = "Near her school and the carers know teenagers."
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_request(rid)
        await settle(pilot)
        await press(pilot, "s")
        # 1. The dialog's own check: too short, the text stays.
        await press(pilot, "p")
        await type_text(pilot, "Near")
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ProposeDialog" and "at least 10 characters" in flat_text(app)
        await type_text(pilot, why[4:])
        # 2. The household was suspended since the search: refused in matching's words, text back.
        db = Database(url)
        with db.write() as s:
            first = s.exec(select(Household).where(Household.reference == "HH-00001")).one()
            first.status = HouseholdStatus.SUSPENDED
            s.add(first)
        db.dispose()
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ProposeDialog", flat_text(app)
        assert "Household is suspended; it takes no new placements" in flat_text(app)
        assert app.screen.query_one("#propose-rationale").text == why
        # 3. Something the desk did not expect (here: a fault planted in the service): still kept.
        from dutydesk.requests import actions

        def broken(*_a, **_k):
            raise RuntimeError("the store went away")

        original = actions.propose
        monkeypatch.setattr(actions, "propose", broken)
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "ProposeDialog", flat_text(app)
        assert "did not expect (RuntimeError)" in flat_text(app)
        assert app.screen.query_one("#propose-rationale").text == why
        monkeypatch.setattr(actions, "propose", original)
        await press(pilot, "escape")
    db = Database(url)
    with db.read() as s:
        assert s.exec(select(Decision)).all() == []
    db.dispose()
