"""Matching and the process agree (issue 9, point 4), at 80x24.

Four children who are not all siblings (two pairs of brothers), and one household with four free places:
matching ranks it, and the request screen says before any proposal that it
"needs an exemption" (over the usual limit of three). A proposal without one is
refused, and the dialog comes back with the rationale as typed.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from db.engine import Database
from db.enums import Gender, HouseholdKind, HouseholdStatus, PlacementType
from db.models import Decision, Household, Place
from dutydesk.places import ensure_places
from test_request_ui import _request, type_text
from ui_helpers import desk_app, flat_text, open_desk, seed_store, settle


async def test_over_the_usual_limit_is_shown_before_proposing_and_text_survives(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T11:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    url = seed_store(tmp_path)
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
        margate = s.exec(select(Place).where(Place.name == "Margate")).one()
        s.add(Household(reference="HH-00001", name="Large, Family", kind=HouseholdKind.IN_HOUSE,
                        status=HouseholdStatus.APPROVED, place_id=margate.id, places=4, age_min=0, age_max=17,
                        placement_types=frozenset({PlacementType.EMERGENCY}), bedrooms=5,
                        approved_on=dt.date(2020, 1, 1)))
    db.dispose()
    # Two pairs of brothers from two families (recorded together, one family would be all siblings).
    rid, _Desk, _actor = _request(url, "dana", children=tuple((n, a, Gender.MALE, f) for n, a, f in (
        ("Al", 5, "ALBO"), ("Bo", 7, "ALBO"), ("Cy", 9, "CYDI"), ("Di", 11, "CYDI"))))
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_request(rid)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        text = flat_text(app)
        assert "Needs an exemption: 4 children is over the usual limit of 3" in text
        await pilot.press("p")
        await settle(pilot)
        assert "Needs an exemption" in flat_text(app)
        await type_text(pilot, "Only home that keeps all four together tonight.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        # Refused without an exemption: back in the dialog, the rationale as typed, the reason said.
        assert type(app.screen).__name__ == "ProposeDialog", text
        assert "outside its terms of approval" in text
        assert app.screen.query_one("#propose-rationale").text == "Only home that keeps all four together tonight."
        await type_text(pilot, "Keeps the group together; manager agreed by phone.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RequestScreen"
    db = Database(url)
    with db.read() as s:
        d = s.exec(select(Decision)).one()
        assert d.outside_terms and d.rationale == "Only home that keeps all four together tonight."
        assert d.exemption_reason == "Keeps the group together; manager agreed by phone."
    db.dispose()
