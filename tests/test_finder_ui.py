"""The carer finder at 80x24, driven by key presses as a worker would."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.enums import Gender, HouseholdStatus, PlacementType, RequestState
from db.models import Candidate, PlacementRequest, Search, User
from matching_builders import child, household, places, request
from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    db = Database(url)
    places(db)
    today = dt.date.today()
    # 60 ordinary households (more than one page), three with awkward names, two ruled out.
    for i in range(60):
        household(db, f"H-{i:03d}", name=f"Carer {i:03d}", place="Ramsgate" if i % 2 else "Canterbury")
    household(db, "H-OBRIEN", name="O'Brien [Jr]", place="Margate")
    household(db, "H-SLASH", name="Ann [/]", place="Margate")
    household(db, "H-MARKUP", name="[bold red]X[/]", place="Broadstairs")
    household(db, "H-HOLD", name="Held, Harriet", status=HouseholdStatus.ON_HOLD)
    household(db, "H-BABY", name="Baby, Barbara", age_min=0, age_max=4)
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar()
    kid = child(db, "C-KAYLA", age=13, gender=Gender.FEMALE, school_place_id=places(db)["Margate"])
    rid = request(db, uid, [kid], ref="R-FIND", placement_type=PlacementType.EMERGENCY, needed_from=today)
    db.dispose()
    return url, rid


def notes(app) -> str:
    """Every notification shown so far (run_test does not draw toasts)."""
    return " ".join(n.message for n in app.notices)


async def open_finder(pilot, rid=None):
    await open_desk(pilot)
    if rid is None:
        await pilot.press("f3")
    else:
        pilot.app.open_finder(rid)
    await settle(pilot)
    await settle(pilot)


async def test_finder_ranks_with_reasons_and_filters_as_you_type(store):
    url, rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        text = flat_text(app)
        assert "R-FIND: age 13; female; emergency" in text
        assert "63 can take the child, 2 ruled out" in text
        # Nearest first: the Margate households, ties by reference.
        lines = screen_text(app).splitlines()
        first = next(line for line in lines if "H-" in line and "1 " in line[:8])
        assert "H-OBRIEN" in first or "H-SLASH" in first
        assert "O'Brien [Jr]" in text and "Ann [/]" in text
        # Typing filters by name.
        await pilot.press("slash", *"brien")
        await settle(pilot)
        text = flat_text(app)
        assert "O'Brien [Jr]" in text and "Carer 001" not in text
        assert "Ranked 1-1 of 1" in text
        # The detail pane shows every contribution of the highlighted household.
        assert "km from Margate" in text and "in-house" in text
        # Markup-looking names are shown as typed.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"[bold")
        await settle(pilot)
        assert "[bold red]X[/]" in flat_text(app)


async def test_finder_pages_and_ruled_out_view(store):
    url, rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        assert "Ranked 1-50 of 63" in flat_text(app)
        await pilot.press("pagedown")
        await settle(pilot)
        assert "Ranked 51-63 of 63" in flat_text(app)
        assert "x Ruled out" in flat_text(app)
        await pilot.press("x")
        await settle(pilot)
        text = flat_text(app)
        assert "Ruled out 1-2 of 2" in text and "x Ranked" in text
        assert "H-BABY" in text and "H-HOLD" in text
        # The first ruled-out household (by reference) is highlighted: every rule it failed.
        assert "C-KAYLA (13) is outside the approved ages 0-4" in text  # the child is named
        await pilot.press("down")
        await settle(pilot)
        assert "Household is on hold; it takes no new placements" in flat_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert "Ranked 1-50 of 63" in flat_text(app)


async def test_shortlist_saves_the_search_and_open_shows_the_profile(store):
    url, rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        await pilot.press("s")
        await settle(pilot)
        db = Database(url)
        with db.read() as s:
            cand = s.execute(sa.select(Candidate)).scalars().one()
            req = s.get(PlacementRequest, rid)
            assert req.state is RequestState.SEARCHING
            assert s.execute(sa.select(sa.func.count()).select_from(Search)).scalar() == 1
            top = s.execute(sa.text("SELECT reference FROM households WHERE id = :i"), {"i": cand.household_id}).scalar()
        db.dispose()
        assert top in {"H-OBRIEN", "H-SLASH"}
        assert "Shortlisted" in notes(app) and "R-FIND: ranked 1" in notes(app)
        await pilot.press("o")
        await settle(pilot)
        text = flat_text(app)
        assert "Terms of approval" in text and top in text
        await pilot.press("h")
        await settle(pilot)
        text = flat_text(app)
        assert "Considered for (1 searches, newest first)" in text
        assert "R-FIND (searching)" in text and "Ranked 1 of 63" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "R-FIND" in flat_text(app)


async def test_general_look_up_and_criteria_form(store):
    url, _rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot)
        assert "Look-up: from" in flat_text(app)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "2")  # Type (a letter), From, Until, then Ages
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert "Look-up: age 2" in text
        assert "63 can take the child" not in text  # H-BABY now qualifies
        assert "64 can take the child, 1 ruled out" in text
        # A bad field says what to type and keeps the form open.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", *"sideways", "ctrl+s")
        await settle(pilot)
        assert "From 'sideways' is not a date; type it as DD/MM/YYYY" in flat_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "Shortlisting is for a placement request" in notes(app)


async def test_finder_counts_say_the_children_for_a_sibling_group(tmp_path, monkeypatch):
    """'3 can take the child' was said for two children (issue 9, point 6)."""
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    db = Database(url)
    places(db)
    for i in range(3):
        household(db, f"H-{i:03d}", name=f"Carer {i:03d}", places=2)
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar()
    kids = [child(db, f"C-{n}", age=a, gender=Gender.MALE, family_key="F1") for n, a in (("A", 8), ("B", 10))]
    rid = request(db, uid, kids, ref="R-PAIR", placement_type=PlacementType.EMERGENCY, needed_from=dt.date.today())
    db.dispose()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        text = flat_text(app)
        assert "can take the children" in text and "can take the child," not in text
