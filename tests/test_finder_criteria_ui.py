"""The finder's criteria at 80x24 (issue 9, point 5): every criterion a request has, stated as the
call form states it (its letters, DD/MM/YYYY), hints that fit, and a header that shows them all."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.enums import Gender, PlacementType, Specialism
from db.models import Search, User
from matching_builders import child, household, places, request
from screens.finder_criteria import TEXT_ROWS
from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_CONFIG", str(tmp_path / "config"))  # the default weights, not the tester's
    db = Database(url)
    places(db)
    sibs = frozenset({Specialism.SIBLING_GROUPS})
    household(db, "H-PETS", name="Pets, Penny", place="Canterbury", pets=True, wheelchair_access=True,
              specialisms=sibs)
    household(db, "H-CALM", name="Calm, Carol", place="Canterbury", wheelchair_access=True, specialisms=sibs)
    household(db, "H-FAR", name="Far, Fiona", place="Dover", wheelchair_access=True, specialisms=sibs)
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar()
    kid = child(db, "C-ROSE", age=9, gender=Gender.FEMALE)
    rid = request(db, uid, [kid], ref="R-CRIT", placement_type=PlacementType.EMERGENCY, needed_from=dt.date.today())
    db.dispose()
    return url, rid


async def open_finder(pilot, rid=None):
    await open_desk(pilot)
    if rid is None:
        await pilot.press("f3")
    else:
        pilot.app.open_finder(rid)
    await settle(pilot)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def header_lines(app) -> list[str]:
    return [line.strip() for line in screen_text(app).splitlines()[1:7]]


async def test_every_criterion_of_a_request_is_stated_in_the_dialog_and_saved_with_the_search(store):
    url, rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        await pilot.press("e")
        await settle(pilot)
        text = screen_text(app)
        # The request's own criteria, as the call form writes them: its day as DD/MM/YYYY, its type chosen.
        assert dt.date.today().strftime("%d/%m/%Y") in text
        assert "[e emergency]" in text
        # Every hint and every choice whole at 80 columns (the type hint was cut off).
        for row in TEXT_ROWS:
            for key, words, hint in row:
                field = app.screen.query_one(f"#crit-{key}")
                assert words in text and len(hint) <= field.content_size.width, hint
                assert field.value or hint in text, hint
        for words in ("p parent & child", "r remand", "s no smokers", "p no pets", "w wheelchair access",
                      "y no younger children", "o no other children", "b baby"):
            assert words in text, words
        assert all(len(line) <= 80 for line in text.splitlines())
        # As a worker states it: short term (a letter), until a day, two ages, needs, limits, place, language.
        await pilot.press("s")  # Type: short term; the focus moves on to From
        await pilot.press("tab")
        await type_text(pilot, "31/12/2026")
        await pilot.press("tab")
        await type_text(pilot, "9,7")
        await pilot.press("tab", "tab", "f")  # Children empty; Gender: female, on to Needs
        await pilot.press("s", "tab")  # Needs: sibling groups
        await type_text(pilot, "Canterbury")
        await pilot.press("tab")
        await type_text(pilot, "20")
        await pilot.press("tab", "w", "p", "s", "tab")  # Household: wheelchair, no pets, no smokers
        await type_text(pilot, "pashto")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        for words in ("R-CRIT: 2 children aged 9, 7", "female", "short term", "needs sibling groups",
                      "wheelchair access", "to 31 Dec 2026", "near Canterbury (within 20 km)", "no pets",
                      "no smokers", "speaks Pashto"):
            assert words in text, words
        # No pets rules out H-PETS; Dover is beyond 20 km of Canterbury.
        assert "1 can take the children, 2 ruled out" in text
        await pilot.press("s")  # shortlist: the search is saved with these criteria
        await settle(pilot)
    db = Database(url)
    try:
        with db.read() as s:
            saved = json.loads(s.execute(sa.select(Search.criteria)).scalar_one())
    finally:
        db.dispose()
    assert saved["placement_type"] == "short_term" and saved["until_on"] == "2026-12-31"
    assert saved["ages"] == [9, 7] and saved["genders"] == ["female", "female"]
    assert saved["no_pets"] and saved["no_smokers"] and saved["wheelchair"] and not saved["no_other_children"]
    assert saved["needs"] == ["sibling_groups"] and saved["language"] == "pashto"
    assert saved["near_label"] == "Canterbury" and saved["max_distance_km"] == 20
    assert saved["request_reference"] == "R-CRIT"


async def test_a_bad_day_is_refused_in_desk_words_and_everything_typed_is_kept(store):
    url, _rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab")  # From
        await type_text(pilot, "31/02/2026")
        await pilot.press("tab", "tab")  # Until, Ages
        await type_text(pilot, "13")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert "From '31/02/2026' is not a date: February 2026 has 28 days" in text
        assert "31/02/2026" in screen_text(app) and "13" in screen_text(app)  # kept as typed
        # The finder's old form, YYYY-MM-DD, was refused by the call form: both read the same now.
        await pilot.press("shift+tab", "shift+tab")
        await type_text(pilot, "13/13/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "has no month 13; type the day first" in flat_text(app)


async def test_the_header_shows_every_active_criterion_wrapped_between_words(store):
    url, rid = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab")  # Ages
        await type_text(pilot, "9,7,4")
        await pilot.press("tab", "tab", "m", "s", "t", "tab")
        await type_text(pilot, "Canterbury")
        await pilot.press("tab")
        await type_text(pilot, "25")
        await pilot.press("tab", "w", "y", "p", "s", "tab")
        await type_text(pilot, "pashto")
        await pilot.press("tab")
        await type_text(pilot, "muslim")
        await pilot.press("ctrl+s")
        await settle(pilot)
        lines = [line for line in header_lines(app) if line]
        header = " ".join(lines[:lines.index(next(x for x in lines if x.startswith("/ filters")))])
        # Today "near Canterbury; no" was cut at 80 columns: now every criterion is there...
        for words in ("3 children aged 9, 7, 4", "male", "emergency", "needs sibling groups, teenagers",
                      "wheelchair access", "near Canterbury (within 25 km)", "no younger children", "no pets",
                      "no smokers", "speaks Pashto", "Muslim"):
            assert words in header, words
        # ...and the lines break between words: their words are the summary's words, none split or lost.
        summary = "R-CRIT: " + app.screen.criteria.summary()
        assert header.split() == summary.split()
        assert len(lines[:lines.index(next(x for x in lines if x.startswith("/ filters")))]) >= 3
