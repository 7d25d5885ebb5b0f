"""The common path's short ways, at 80x24 by keys (issue 9, point 7).

- choosing the emergency placement type fills the urgency and needed from and
  moves on to Needs (fast typing lands there too);
- ctrl+f on the call form saves the call and opens its request with the search run;
- e on the request screen, an emergency out of hours: proposed and placed in one
  confirmed step, the decision flagged for retrospective sign-off; in office hours
  the key is not offered and the service refuses it.

Each is shown in the footer, in F1 help and in the command palette.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from db.engine import Database
from db.enums import CandidateStatus, DecisionStatus, RequestState, Specialism, Urgency
from db.models import Call, Candidate, Decision, Placement, PlacementRequest, Search
from dutydesk.errors import Conflict
from test_request_ui import NIGHT, Keys, log_scenario1_call, said, scenario1_store, type_text
from ui_helpers import desk_app, flat_text, open_desk, settle

DAY = "2026-11-24T11:00:00"  # a Tuesday, office hours


@pytest.fixture(autouse=True)
def _no_personal_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def footer_text(app) -> str:
    from textual.widgets import Footer

    return " ".join(str(k.render()) for k in app.screen.query_one(Footer).query("FooterKey"))


async def help_and_palette(pilot, words: str) -> tuple[bool, bool]:
    """Is ``words`` in F1 help, and among the command palette's commands, on the current screen?"""
    app = pilot.app
    await pilot.press("f1")
    await settle(pilot)
    in_help = words in flat_text(app)
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    for ch in words.split()[0].lower():
        await pilot.press(ch)
    await settle(pilot)
    # The palette searches in its own worker, which settle does not see: wait for the words, up to 5 s,
    # rather than a fixed pause that a loaded machine can outrun.
    for _ in range(100):
        in_palette = words in flat_text(app)
        if in_palette:
            break
        await pilot.pause(0.05)
    await pilot.press("escape")
    await settle(pilot)
    return in_help, in_palette


async def test_emergency_type_fills_urgency_and_needed_from_and_moves_to_needs(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        keys = Keys()
        await keys(pilot, "f2", "p", "r")
        await type_text(pilot, "Girl 13 police protection")
        await keys(pilot, "tab")
        await type_text(pilot, "Amy Reed")
        await settle(pilot)
        await keys(pilot, "enter")
        await type_text(pilot, "13")
        await keys(pilot, "tab", "f")
        # e then t with no pause between them: t lands on Needs (teenager), not on the urgency.
        await pilot.press("e", "t")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#req_urgency").value == "emergency"
        assert screen.query_one("#req_from").value == "today"
        assert screen.query_one("#req_until").value == ""
        assert app.focused is screen.query_one("#req_needs")
        assert screen.query_one("#req_needs").selected == {"teenagers"}
        assert "Emergency: urgency emergency, needed from today" in flat_text(app)
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "DashboardScreen"
    db = Database(url)
    with db.read() as s:
        req = s.exec(select(PlacementRequest)).one()
        assert req.urgency == Urgency.EMERGENCY and req.needed_from == dt.date(2026, 11, 22)
        assert req.needed_until is None and Specialism.TEENAGERS in req.needs
    db.dispose()


async def test_an_urgency_already_chosen_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        keys = Keys()
        await keys(pilot, "f2", "p", "r", "tab", "tab", "tab", "u")  # summary, child, type: urgent; back to the type
        screen = app.screen
        assert screen.query_one("#req_urgency").value == "urgent"
        await keys(pilot, "shift+tab", "shift+tab", "e")
        assert screen.query_one("#req_type").value == "emergency"
        assert screen.query_one("#req_urgency").value == "urgent"
        assert app.focused is screen.query_one("#req_urgency")


async def test_ctrl_f_saves_the_call_and_opens_its_request_with_the_search_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Save, find" not in footer_text(app)  # offered once the call is a placement request
        await pilot.press("p", "r")
        await settle(pilot)
        assert "^f Save, find" in footer_text(app)
        in_help, in_palette = await help_and_palette(pilot, "Save, find")
        assert in_help and in_palette
        await pilot.press("f8")  # discard this try (asks first when something is chosen)
        await settle(pilot)
        if type(app.screen).__name__ == "ConfirmDialog":
            await pilot.press("y")
            await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        keys = Keys()
        await log_scenario1_call(pilot, keys, save="ctrl+f")
        assert type(app.screen).__name__ == "RequestScreen"
        text = flat_text(app)
        assert "Akhtar, Samina [Jr]" in text and "Brown, Jo" in text
        assert "Search saved: 3 ranked, 0 ruled out." in said(app)
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "DashboardScreen"
    db = Database(url)
    with db.read() as s:
        req = s.exec(select(PlacementRequest)).one()
        assert req.state == RequestState.SEARCHING
        assert len(s.exec(select(Search).where(Search.request_id == req.id)).all()) == 1
        assert len(s.exec(select(Call)).all()) == 1
    db.dispose()


async def test_ctrl_f_on_a_call_that_opens_no_request_saves_nothing_and_keeps_the_text(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2", "c", "n")
        await type_text(pilot, "Carer asks about respite")
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallFormScreen"
        assert "Save, find" not in footer_text(app)
        assert app.screen.query_one("#summary").value == "Carer asks about respite"
    db = Database(url)
    with db.read() as s:
        assert s.exec(select(Call)).all() == []
    db.dispose()


async def test_e_places_an_emergency_out_of_hours_in_one_confirmed_step(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        keys = Keys()
        await log_scenario1_call(pilot, keys, save="ctrl+f")
        assert "e Place now" in footer_text(app)
        in_help, in_palette = await help_and_palette(pilot, "Place now")
        assert in_help and in_palette
        await keys(pilot, "down", "a", "e")  # Brown, Jo accepted; place now
        text = flat_text(app)
        assert "Place now: emergency, out of hours" in text and "Amy O'Brien [Jr] with Brown, Jo" in text
        assert "signs it off retrospectively" in text
        await keys(pilot, "ctrl+s")  # no rationale: refused in the dialog, nothing written
        assert "Write the rationale" in flat_text(app)
        await type_text(pilot, "Jo accepted and is near her school; placed tonight.")
        await keys(pilot, "ctrl+s")
        text = flat_text(app)
        assert "placed" in text
        assert "retrospective sign-off" in said(app)
        assert "e Place now" not in footer_text(app)  # placed: the key is gone
    db = Database(url)
    with db.read() as s:
        req = s.exec(select(PlacementRequest)).one()
        assert req.state == RequestState.PLACED
        d = s.exec(select(Decision)).one()
        assert d.retrospective and d.status == DecisionStatus.PROPOSED and d.household_id == ids["Brown, Jo"]
        assert d.rationale == "Jo accepted and is near her school; placed tonight."
        p = s.exec(select(Placement)).one()
        assert p.household_id == ids["Brown, Jo"] and p.emergency
        cand = s.exec(select(Candidate).where(Candidate.household_id == ids["Brown, Jo"])).one()
        assert cand.status == CandidateStatus.CHOSEN
    db.dispose()


async def test_e_is_not_offered_in_office_hours_and_the_service_refuses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", DAY)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url, ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        keys = Keys()
        await log_scenario1_call(pilot, keys, save="ctrl+f")
        assert type(app.screen).__name__ == "RequestScreen"
        assert "Place now" not in footer_text(app)
        await keys(pilot, "e")
        assert "Place now: emergency" not in flat_text(app)
        from dutydesk.requests.emergency import propose_and_place

        req_id = app.screen.request_id
        with pytest.raises(Conflict, match="In office hours a manager signs off before placing"):
            propose_and_place(app.desk, req_id, ids["Brown, Jo"], "Jo accepted and is near her school.")
    db = Database(url)
    with db.read() as s:
        assert s.exec(select(Decision)).all() == [] and s.exec(select(Placement)).all() == []
        assert s.exec(select(PlacementRequest)).one().state == RequestState.SEARCHING
    db.dispose()


async def test_ctrl_f_after_a_connected_person_on_the_call_searches_with_her_household(tmp_path, monkeypatch):
    """The grandmother typed on the call (ctrl+g) is recorded when the call is saved; ctrl+f's search runs
    after that, so her household is among the carers to phone."""
    from db.enums import HouseholdKind
    from db.models import Household, SearchResult

    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url, _ids = scenario1_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        keys = Keys()
        await keys(pilot, "f2", "x", "r")
        await type_text(pilot, "Grandmother offers to take her grandson Leo tonight")
        await keys(pilot, "tab")
        await type_text(pilot, "Leo Green")
        await settle(pilot)
        await keys(pilot, "enter")
        await type_text(pilot, "13")
        await keys(pilot, "tab", "m", "ctrl+g")
        await type_text(pilot, "Green, Margaret")
        await keys(pilot, "tab")
        await type_text(pilot, "CT9 2AB")
        await keys(pilot, "tab", "tab")
        await type_text(pilot, "grandmother; has him at weekends")
        await keys(pilot, "ctrl+s", "e", "ctrl+f")
        assert type(app.screen).__name__ == "RequestScreen"
        assert "Green, Margaret" in flat_text(app)
    db = Database(url)
    with db.read() as s:
        h = s.exec(select(Household).where(Household.kind == HouseholdKind.CONNECTED_PERSON)).one()
        assert s.exec(select(SearchResult).where(SearchResult.household_id == h.id)).first() is not None
    db.dispose()
