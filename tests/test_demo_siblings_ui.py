"""The demo's requests for several children, made again through the screens at 80x24 (issue 9, point 1).

PR-S02 (the Brooks brothers, scenario 2) and PR-S07 (Chloe Parker and baby Freya,
scenario 7) exist in the demo because its generator wrote them. Here a worker makes
each again on the call form, finding each child the demo knows by case reference
and keeping it with ctrl+n: the new request holds the same children, type and date.
"""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import select

from db.engine import Database
from db.models import PlacementRequest, RequestChild
from db.schema import create_schema
from dutydesk.demo.build import build
from test_call_children_ui import keys, type_text
from ui_helpers import desk_app, flat_text, open_desk, settle

NOW = "2026-12-01T21:00:00"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("county")
    mp = pytest.MonkeyPatch()
    mp.setenv("DUTYDESK_NOW", NOW)
    try:
        db = Database(f"sqlite:///{folder / 'county.db'}")
        create_schema(db)
        build(db, seed=1, households=60, searches=False)
        db.dispose()
    finally:
        mp.undo()
    return str(folder / "county.db")


def request_facts(url: str, reference: str | None = None) -> tuple[list[int], str, object]:
    """(child ids, placement type, needed from) of the demo's request, or of the newest one."""
    db = Database(url)
    with db.read() as s:
        q = select(PlacementRequest)
        q = q.where(PlacementRequest.reference == reference) if reference else q.order_by(PlacementRequest.id.desc())
        req = s.exec(q).first()
        kids = sorted(s.exec(select(RequestChild.child_id).where(RequestChild.request_id == req.id)).all())
        out = (kids, req.placement_type.value, req.needed_from)
    db.dispose()
    return out


@pytest.mark.parametrize("reference, caller, refs, type_keys", [
    ("PR-S02", "w", ("CR-S02A", "CR-S02B", "CR-S02C"), ("s", "p")),  # short term, planned
    ("PR-S07", "h", ("CR-S07A", "CR-S07B"), ("p", "u")),  # parent and child, urgent
])
async def test_the_demos_sibling_requests_made_on_the_call_form(county, tmp_path, monkeypatch, reference, caller,
                                                                refs, type_keys):
    monkeypatch.setenv("DUTYDESK_NOW", NOW)
    monkeypatch.setenv("DUTYDESK_USER", "priya.s")
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    path = tmp_path / "desk.db"
    shutil.copy(county, path)
    url = f"sqlite:///{path}"
    kids, ptype, needed_from = request_facts(url, reference)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await keys(pilot, "f2", caller, "r")
        await type_text(pilot, f"As {reference}: the same children, one request")
        await keys(pilot, "tab")
        for i, ref in enumerate(refs):
            await type_text(pilot, ref)
            await settle(pilot)
            await keys(pilot, "enter")  # the child the desk knows
            if i < len(refs) - 1:
                await keys(pilot, "ctrl+n")  # keep them, find the next
        assert "1. " in flat_text(app)
        await keys(pilot, *type_keys)
        await type_text(pilot, f"{needed_from:%d/%m/%Y}")
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "DashboardScreen", flat_text(app)
    assert request_facts(url) == (kids, ptype, needed_from)
    assert len(kids) == len(refs)
