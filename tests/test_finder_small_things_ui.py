"""Issue 9, point 6, at 80x24: a bad weights.toml, a household on hold, custom weights, the
request's Criteria view, F1 in dialogs and the call form's letters, and ctrl+n in the finder."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
import sqlalchemy as sa

import screens
from db.engine import Database
from db.enums import AllegationCategory, Gender, PlacementType, Specialism
from db.models import Search, User
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from matching_builders import child, household, places, request
from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("DUTYDESK_CONFIG", str(config))
    db = Database(url)
    places(db)
    household(db, "H-OPEN", name="Open, Olive", place="Margate", specialisms=frozenset({Specialism.BABIES}))
    held = household(db, "H-HELD", name="Held, Hattie", place="Margate")  # approved; an allegation holds it
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar()
    kid = child(db, "C-MIA", age=0, gender=Gender.FEMALE)
    rid = request(db, uid, [kid], ref="R-SMALL", placement_type=PlacementType.PARENT_AND_CHILD,
                  needed_from=dt.date(2026, 11, 27), needed_until=dt.date(2027, 2, 1),
                  needs=frozenset({Specialism.BABIES}), no_pets=True, max_distance_km=25.0, language="polish")
    from dutydesk.allegations.actions import log

    ref = log(Desk(db, actor_for(db, "dana")), held, AllegationCategory.HARM.value, "Said a carer hit them",
              "teacher", [child(db, "C-TOLD", age=9)], [], [])
    db.dispose()
    return url, rid, config, ref


async def open_finder(pilot, rid=None):
    await open_desk(pilot)
    if rid is None:
        await pilot.press("f3")
    else:
        pilot.app.open_finder(rid)
    await settle(pilot)


def searches(url: str) -> int:
    db = Database(url)
    try:
        with db.read() as s:
            return s.execute(sa.select(sa.func.count()).select_from(Search)).scalar_one()
    finally:
        db.dispose()


@pytest.mark.parametrize("toml, words", [
    ("[distance]\npoints = 30\nreach_km = \n", "weights.toml, line 3: not valid TOML (Invalid value)"),
    ("[distance]\npoints = 30\n\n[vacancy]\ncap_days = \"lots\"\n",
     "weights.toml, line 5: vacancy.cap_days should be a number, not 'lots'"),
    ("[kind]\nifa = -10\nin_house = nan\n", "weights.toml, line 3: kind.in_house should be a number, not nan"),
])
async def test_a_bad_weights_file_is_refused_with_its_line_not_searching_for_ever(store, toml, words):
    url, rid, config, _ref = store
    (config / "weights.toml").write_text(toml)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        text = flat_text(app)
        assert "Searching" not in text and "Finding carers" not in text
        assert "The search could not run" in text
        # The file's path may fold anywhere at 80 columns (it has no spaces), so compare without them.
        unspaced = text.replace(" ", "")
        assert (str(config / "weights.toml") + words.removeprefix("weights.toml")).replace(" ", "") in unspaced
        assert words.split(": ", 1)[1] in text  # on the screen, where it stays: a toast fades
        # Nothing ranked with some other weights: there is nothing to shortlist, and no search is saved.
        await pilot.press("s")
        await settle(pilot)
    assert searches(url) == 0


async def test_custom_weights_in_force_are_shown_with_their_file(store):
    url, rid, config, _ref = store
    (config / "weights.toml").write_text("[distance]\npoints = 50\n[kind]\nifa = -30\n")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        text = flat_text(app)
        assert "Custom weights from" in text
        # The path folds wherever the line ends (it has no spaces), so it is compared without them.
        assert f"{config / 'weights.toml'}: distance.points 50, kind.ifa -30".replace(" ", "") in text.replace(" ", "")
        await pilot.press("s")  # the search saved with the request records the same weights
        await settle(pilot)
    db = Database(url)
    try:
        with db.read() as s:
            import json

            weights = json.loads(s.execute(sa.select(Search.weights)).scalar_one())
    finally:
        db.dispose()
    assert weights["distance_points"] == 50 and weights["kind_ifa"] == -30
    (config / "weights.toml").unlink()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        assert "Custom weights" not in flat_text(app)  # the defaults say nothing


async def test_the_ruled_out_column_names_the_hold_not_not_approved(store):
    url, _rid, _config, ref = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot)
        await pilot.press("x")
        await settle(pilot)
        line = next(x for x in screen_text(app).splitlines() if "H-HELD" in x and "Held, Hattie" in x)
        assert f"on hold ({ref})" in line and "not approved" not in line
        assert f"Household is on hold: open allegation {ref}" in flat_text(app)


async def test_the_criteria_view_speaks_the_desk_s_words(store):
    url, rid, _config, _ref = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_request(rid)
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        text = flat_text(app)
        assert "placement type: parent and child" in text and "parent_and_child" not in text
        assert "needed from: 27/11/2026" in text and "needed until: 01/02/2027" in text
        assert "2026-11-27" not in text
        assert "needs: babies" in text and "urgency: urgent" in text and "within km: 25" in text
        assert "language: Polish" in text and "C-MIA" in text and "female" in text


def dialog_classes() -> list[type]:
    """Every dialog class the screens define (imported from each module of screens/)."""
    import importlib
    import pkgutil

    from textual.screen import ModalScreen

    found = []
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"screens.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ModalScreen) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_every_dialog_has_f1():
    from screens.dialog_base import DeskDialog
    from screens.help import HelpScreen

    dialogs = [c for c in dialog_classes() if c is not HelpScreen]
    assert len(dialogs) >= 15
    missing = [c.__name__ for c in dialogs if not issubclass(c, DeskDialog)]
    assert not missing, f"dialogs where F1 does nothing: {missing}"


async def test_f1_lists_the_keys_in_the_criteria_dialog_and_a_reason_dialog(store):
    url, rid, _config, _ref = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot, rid)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = flat_text(app)
        assert "Keys: Find a carer: criteria" in text
        assert "^s Search" in text and "esc Cancel" in text
        assert "e Choose emergency Type field" in text
        assert ("p", "Choose parent & child", "Type field") in {(r.key, r.description, r.where) for r in app.screen.rows}
        await pilot.press("escape")
        await settle(pilot)
        assert "What is needed" in flat_text(app)  # back in the dialog, which is still open
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        app.open_request(rid)
        await settle(pilot)
        await pilot.press("w")  # withdraw: asks for a reason in the shared reason dialog
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = flat_text(app)
        assert text.count("Keys:") == 1 and "^s" in text and "esc" in text


async def test_the_call_form_help_lists_its_single_letter_keys(store):
    url, _rid, _config, _ref = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        help_screen = app.screen
        rows = {(r.key, r.description, r.where) for r in help_screen.rows}
        assert ("p", "Choose police", "Caller field") in rows
        assert ("r", "Choose placement request", "About field") in rows
        assert ("e", "Choose emergency", "Type field") in rows
        assert ("p", "Tick or untick no pets", "Household field") in rows
        assert "p Choose police Caller field" in flat_text(app)


async def test_ctrl_n_for_a_new_household_is_in_the_finder_footer_for_a_manager(store, monkeypatch):
    url, _rid, _config, _ref = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "New household" not in footer  # a duty worker cannot add one: not offered
        assert "e Criteria" in footer and "esc Back" in footer
    monkeypatch.setenv("DUTYDESK_USER", "maya")  # a manager
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finder(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "^n New household" in footer and "esc Back" in footer and "x Ruled out" in footer
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "New household" in flat_text(app)
