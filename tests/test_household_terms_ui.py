"""Carers' records changed at panel or on leaving, through the screens at 80x24.

Scenario 15: a household with one child placed resigns; the resignation is refused naming the placement;
the worker ends the placement from the profile; the manager records the resignation; the household leaves
matching and keeps its history. Scenario 14: panel varies a household's terms (sibling groups, up to age
15); the manager records the new terms with the panel date, and the next search ranks the household for
brothers aged 8 and 14."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.enums import Gender, HouseholdStatus
from db.models import Household, Placement, User
from dutydesk.matching import MatchCriteria, match
from matching_builders import child, household, placement, places
from ui_helpers import desk_app, flat_text, open_desk, seed_store, settle

NOW = "2026-12-04T10:00:00"  # London is on GMT: local = UTC
TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _no_personal_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("DUTYDESK_NOW", NOW)


async def type_text(pilot, text: str) -> None:
    keys = {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash",
            "'": "apostrophe", ",": "comma", ".": "full_stop", ";": "semicolon", "-": "minus", ":": "colon"}
    for ch in text:
        await pilot.press(keys.get(ch, ch))


def said(app) -> str:
    return " ".join(n.message for n in app.notices)


async def to_field(pilot, app, field: str) -> None:
    """Tab down the record to a field, as a worker does, and empty it."""
    for _ in range(40):
        if app.focused is not None and app.focused.id == f"f-{field}":
            break
        await pilot.press("tab")
    assert app.focused.id == f"f-{field}"
    await pilot.press("ctrl+a", "ctrl+k")


def _db_state(url: str, hid: int) -> tuple[Household, list[Placement]]:
    db = Database(url)
    with db.read() as s:
        h = s.get(Household, hid)
        ps = list(s.execute(sa.select(Placement).where(Placement.household_id == hid)).scalars())
        s.expunge_all()
    db.dispose()
    return h, ps


async def test_scenario_15_resignation_refused_while_placed_then_recorded_and_history_kept(tmp_path, monkeypatch):
    url = seed_store(tmp_path)
    db = Database(url)
    places(db)
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar_one()
    hid = household(db, "HH-RES", name="Ward [Jr], Pat", places=1)
    pid = placement(db, child(db, "C-JO", age=11, first_name="Jo", last_name="Ryan"), hid, uid,
                    starts_on=dt.date(2026, 6, 1))
    with db.read() as s:
        ref = s.get(Placement, pid).reference
    db.dispose()

    monkeypatch.setenv("DUTYDESK_USER", "maya")  # the manager records the carer's notice
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await to_field(pilot, app, "status")
        await type_text(pilot, "resigned")
        await to_field(pilot, app, "reason")
        await type_text(pilot, "Carers gave notice: retiring")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert f"A child is still placed there ({ref} (Jo Ryan)); end that placement first, then record the" in text
        assert app.screen.query_one("#f-status").value == "resigned"  # what was typed stays
        await pilot.press("escape", "y")  # leave the record unsaved
        await settle(pilot)
    h, ps = _db_state(url, hid)
    assert h.status == HouseholdStatus.APPROVED and ps[0].ended_on is None

    monkeypatch.setenv("DUTYDESK_USER", "dana")  # the duty worker ends the placement: a planned move
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("1", "p")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "ended on 04 Dec 2026" in said(app)

    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await to_field(pilot, app, "status")
        await type_text(pilot, "resigned")
        await to_field(pilot, app, "reason")
        await type_text(pilot, "Carers gave notice: retiring")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved HH-RES: status." in flat_text(app)
        await pilot.press("escape")
        await settle(pilot)
        text = flat_text(app)
        assert "HH-RES Ward [Jr], Pat in-house, resigned" in text
        assert "Resigned on 04 Dec 2026: left matching, history kept (Carers gave notice: retiring)" in text
        assert "Place empty since" not in text  # off the register no place stands empty
        await pilot.press("f3")  # the finder: ruled out, saying why
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "Ward")
        await pilot.press("enter", "x")
        await settle(pilot)
        assert "Ward [Jr], Pat" in flat_text(app) and "resigned" in flat_text(app)
    h, ps = _db_state(url, hid)
    assert (h.status, h.left_on, h.left_reason) == (HouseholdStatus.RESIGNED, TODAY, "Carers gave notice: retiring")
    assert [(p.reference, p.ended_on) for p in ps] == [(ref, TODAY)]  # the placement is kept, ended
    db = Database(url)
    with db.read() as s:
        res = match(s, MatchCriteria(from_on=TODAY))
        assert hid not in {r.household_id for r in res.ranked} and hid in {e.household_id for e in res.excluded}
    db.dispose()


async def test_scenario_14_terms_varied_at_panel_then_the_next_search_ranks_the_household(tmp_path, monkeypatch):
    from db.enums import PlacementType, Specialism
    from db.models import Search, SearchResult
    from dutydesk.access.identity import actor_for
    from dutydesk.calls.intake import ChildInput, RequestInput, open_request

    url = seed_store(tmp_path)
    db = Database(url)
    places(db)
    hid = household(db, "HH-PAN", name="Patel [Jr], Asha", places=2, age_min=0, age_max=10,
                    placement_types=frozenset({PlacementType.SHORT_TERM}), specialisms=frozenset())
    with db.write() as s:
        rid = open_request(s, actor_for(db, "dana"), RequestInput(
            placement_type=PlacementType.SHORT_TERM, urgency="planned", needed_from=TODAY,
            needs=frozenset({Specialism.SIBLING_GROUPS}),
            new_children=(ChildInput(first_name="Ben", last_name="Ryan", age=8, gender=Gender.MALE, family_key="ryan"),
                          ChildInput(first_name="Tom", last_name="Ryan", age=14, gender=Gender.MALE,
                                     family_key="ryan")))).id
    with db.read() as s:  # before panel: Tom is too old and the household has no sibling groups
        from dutydesk.matching.criteria import criteria_for_request

        res = match(s, criteria_for_request(s, rid))
        (ex,) = [e for e in res.excluded if e.household_id == hid]
        assert {code for code, _ in res.explain(s, [ex])[hid]} == {"age", "needs"}
    db.dispose()

    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await to_field(pilot, app, "age_max")
        await type_text(pilot, "15")
        await to_field(pilot, app, "specialisms")
        await type_text(pilot, "sibling groups")
        await to_field(pilot, app, "panel_on")
        await type_text(pilot, "31/11/2026")  # no such day: said as typed
        await settle(pilot)
        assert "Terms from panel on: '31/11/2026' is not a date: November 2026 has 30 days" in flat_text(app)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "20/11/2026")  # day first, as on the call form
        await to_field(pilot, app, "dbs_expires_on")
        await type_text(pilot, "15/01/2028")  # every day on the record is typed the same way
        await to_field(pilot, app, "reason")
        await type_text(pilot, "Panel approved sibling groups, ages up to 15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved HH-PAN: oldest age, specialisms, DBS expires on." in flat_text(app)
        assert app.screen.query_one("#f-dbs_expires_on").value == "15/01/2028"  # shown back as typed
        await pilot.press("escape")
        await settle(pilot)
        text = flat_text(app)
        assert "Terms of approval (panel 20 Nov 2026) 2 places, ages 0-15" in text
        assert "Specialisms: sibling groups" in text
        app.open_request(rid)
        await settle(pilot)
        await pilot.press("s")  # the next search
        await settle(pilot)
        assert "Patel [Jr], Asha" in flat_text(app)
    db = Database(url)
    with db.read() as s:
        h = s.get(Household, hid)
        assert (h.age_max, h.specialisms, h.terms_approved_on, h.dbs_expires_on) == \
            (15, frozenset({Specialism.SIBLING_GROUPS}), dt.date(2026, 11, 20), dt.date(2028, 1, 15))
        search = s.execute(sa.select(Search.id).where(Search.request_id == rid)).scalar_one()
        rank = s.execute(sa.select(SearchResult.rank).where(SearchResult.search_id == search,
                                                           SearchResult.household_id == hid)).scalar_one()
        assert rank == 1
    db.dispose()
