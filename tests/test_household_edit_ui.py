"""Carers' records through the screens at 80x24: a carer-availability call records the dates away
(scenario 13) and the next search rules the household out naming the rule; the household record
changed from the profile, checked as typed, with a reason, and a second editor told what changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.models import AuditEvent, Household, UnavailablePeriod
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.carers import household_edit
from dutydesk.matching import MatchCriteria, match
from matching_builders import household, places
from ui_helpers import desk_app, flat_text, open_desk, seed_store, settle

MONDAY = dt.date(2026, 11, 23)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T10:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url = seed_store(tmp_path)
    db = Database(url)
    places(db)
    hid = household(db, "H-HOLS", name="Holiday [Jr], Pat", place="Margate", places=2)
    db.dispose()
    return url, hid


async def test_a_carer_availability_call_rules_the_household_out_for_those_dates(store):
    url, hid = store
    from db.enums import Gender, PlacementType
    from dutydesk.calls.intake import ChildInput, RequestInput, open_request

    db = Database(url)
    with db.write() as s:  # a request for a week while the family is away
        rid = open_request(s, actor_for(db, "dana"), RequestInput(
            placement_type=PlacementType.SHORT_TERM, urgency="planned", needed_from=dt.date(2026, 11, 30),
            needed_until=dt.date(2026, 12, 4),
            new_children=(ChildInput(first_name="Ava", last_name="Kerr", age=9, gender=Gender.FEMALE),))).id
    db.dispose()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("c", "v")  # a carer, about availability
        await settle(pilot)
        await type_text(pilot, "Away from Friday for a fortnight")
        await pilot.press("tab", "tab")  # past the child, to the household
        await type_text(pilot, "holiday")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Not available: Holiday [Jr], Pat" in flat_text(app)
        await pilot.press("h")  # holiday; the choice moves on to the first day
        await type_text(pilot, "27/11/2026")
        await pilot.press("tab")
        await type_text(pilot, "31/11/2026")  # not a real day: said at once, nothing lost
        await settle(pilot)
        assert "31/11/2026" in flat_text(app) and "Last day" in flat_text(app)
        for _ in range(10):
            await pilot.press("backspace")
        await type_text(pilot, "10/12/2026")
        await pilot.press("tab")
        await pilot.press("ctrl+s")  # no reason yet
        await settle(pilot)
        assert "Say why" in flat_text(app)
        await type_text(pilot, "family holiday")
        await pilot.press("enter")  # the reason is multi-line: enter is a new line, not save
        await type_text(pilot, "back on the 11th")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert "Recorded: holiday Fri 27 Nov to Thu 10 Dec" in text
        await pilot.press("ctrl+s")  # the call itself
        await settle(pilot)
        app.open_request(rid)  # the next search for those dates, through the screens
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("x")  # the households ruled out
        await settle(pilot)
        text = flat_text(app)
        assert "Holiday [Jr], Pat unavailable" in text
        assert "Declared unavailable during the dates: holiday Fri 27 Nov to Thu 10 Dec 2026" in text
    db = Database(url)
    try:
        with db.read() as s:
            (period,) = s.execute(sa.select(UnavailablePeriod)).scalars().all()
            assert (period.starts_on, period.ends_on, period.reason) == \
                (dt.date(2026, 11, 27), dt.date(2026, 12, 10), "family holiday\nback on the 11th")
            res = match(s, MatchCriteria(from_on=dt.date(2026, 11, 30), until_on=dt.date(2026, 12, 4)))
            (ex,) = [e for e in res.excluded if e.household_id == hid]
            assert [code for code, _ in res.explain(s, [ex])[hid]] == ["unavailable"]
            assert s.execute(sa.text("SELECT count(*) FROM calls")).scalar() == 1
    finally:
        db.dispose()


async def test_the_record_changed_from_the_profile_and_a_second_editor_is_told(store, monkeypatch):
    url, hid = store
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(url, as_user=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(hid)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        text = flat_text(app)
        assert "H-HOLS Holiday [Jr], Pat record, version 1" in text
        screen = app.screen
        assert screen.query_one("#f-places").disabled and not screen.query_one("#f-pets").disabled
        screen.query_one("#f-pets").focus()
        await pilot.press("end")
        for _ in range(3):
            await pilot.press("backspace")
        await type_text(pilot, "maybe")
        await settle(pilot)
        assert "Pets: 'maybe' is not yes or no" in flat_text(app)
        for _ in range(5):
            await pilot.press("backspace")
        await type_text(pilot, "yes")
        # Meanwhile someone else records the household's languages.
        db = Database(url)
        rec = household_edit.load(Desk(db, actor_for(db, "dana")), hid)
        household_edit.edit_household(Desk(db, actor_for(db, "dana")), hid, {"languages": "english; polish"},
                                      reason="carer rang", version=rec.version)
        db.dispose()
        screen.query_one("#f-reason").focus()
        await type_text(pilot, "new puppy")
        await pilot.press("enter")  # the reason is multi-line: enter is a new line, not save
        await type_text(pilot, "vet says calm")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert "was changed by dana since you opened it" in text and "Languages is now" in text
        assert screen.query_one("#f-pets").value == "yes"  # what was typed stays
        assert screen.query_one("#f-languages").value == "english; polish"  # untouched fields show the new value
        await pilot.press("ctrl+s")  # saved on the record as it is now
        await settle(pilot)
        assert "Saved H-HOLS: pets." in flat_text(app)
    db = Database(url)
    try:
        with db.read() as s:
            h = s.get(Household, hid)
            assert (h.pets, h.languages, h.version) == (True, "english,polish", 3)
            last = s.execute(sa.select(AuditEvent).where(AuditEvent.action == "household.updated")
                             .order_by(AuditEvent.id.desc())).scalars().first()
            assert json.loads(last.detail)["reason"] == "new puppy\nvet says calm"
    finally:
        db.dispose()


async def test_a_manager_adds_a_new_household_from_the_finder(store, monkeypatch):
    url, _hid = store
    monkeypatch.setenv("DUTYDESK_USER", "maya")  # a manager
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "New household" in flat_text(app)
        await type_text(pilot, "h-new-1")
        await pilot.press("tab")
        await type_text(pilot, "Newcomer [b], Ann")
        await pilot.press("tab")
        await type_text(pilot, "in house")
        await pilot.press("tab", "tab", "tab")  # past agency and team
        await type_text(pilot, "approved")
        await pilot.press("tab", "tab", "tab")  # ages as the defaults, 0 to 17
        await type_text(pilot, "2")
        await pilot.press("tab", "tab")
        await type_text(pilot, "emergency; short term")
        while app.focused is not None and app.focused.id != "f-reason":
            await pilot.press("tab")
        await pilot.press("ctrl+s")  # no reason yet: told, nothing saved
        await settle(pilot)
        assert "Say why" in flat_text(app)
        await type_text(pilot, "Approved at panel today")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert "h-new-1 Newcomer [b], Ann record, version 1" in text  # now the household's own record
        assert "Added h-new-1: the desk can find and match it now." in text
    db = Database(url)
    try:
        with db.read() as s:
            h = s.execute(sa.select(Household).where(Household.reference == "h-new-1")).scalar_one()
            assert (h.name, h.places, h.status.value, h.kind.value) == ("Newcomer [b], Ann", 2, "approved", "in_house")
    finally:
        db.dispose()
