"""Scenario 9 through the screens at 80x24: a child tells her teacher that her carer hit her.

The duty worker logs the call (category allegation/concern), records the
allegation from it (the household goes on hold at once), refers to the LADO; a
manager lifts the hold with a recorded decision and records the outcome.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.enums import AllegationStatus, HouseholdStatus
from db.models import Allegation, AllegationChild, Household, User
from matching_builders import child, household, placement, places
from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle

NOW = "2026-11-24T11:40:00"  # Tuesday, London


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NOW)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url = seed_store(tmp_path)
    db = Database(url)
    places(db)
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar()
    bell = household(db, "HH-BELL", name="Bell, Tracey [Jr]", place="Herne Bay")
    lily = child(db, "CR-S09", age=9, first_name="Lily", last_name="Ward")
    placement(db, lily, bell, uid, starts_on=dt.date(2025, 10, 20))
    db.dispose()
    return url, bell, lily


async def test_scenario_9_from_the_call_to_the_outcome(store, monkeypatch):
    url, bell, lily = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("x", "g")  # caller: other (the school); about: allegation/concern
        await type_text(pilot, "Lily told her teacher her carer hit her")
        await pilot.press("tab")
        await type_text(pilot, "Lily")
        await pilot.press("enter")  # the child placed there; on to the household
        await settle(pilot)
        await type_text(pilot, "Bell")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "LogAllegationScreen", screen_text(app)
        text = flat_text(app)
        assert "Allegation or concern against Bell, Tracey [Jr] (HH-BELL)" in text and "Lily Ward" in text
        await pilot.press("h")  # an allegation of harm
        await type_text(pilot, "Carer hit her on the arm this morning")
        await pilot.press("tab")
        await type_text(pilot, "Lily, to her teacher Mrs Hall")
        await pilot.press("tab", "w", "tab", "tab")  # told: the child's social worker; Lily already concerned
        await pilot.press("u")  # Lily's safety: under review
        await type_text(pilot, "Partner stays with relatives")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "AllegationScreen", screen_text(app)
        text = flat_text(app)
        assert "ON HOLD" in text and "LADO referral Wed 25 Nov" in text and "under review" in text
        with Database(url).read() as s:
            a = s.execute(sa.select(Allegation)).scalar_one()
            assert s.get(Household, bell).status == HouseholdStatus.ON_HOLD and a.call_id is not None
            safety = s.execute(sa.select(AllegationChild).where(AllegationChild.child_id == lily)).scalar_one()
            assert safety.concerned and safety.placed and safety.safety.value == "under_review"
        ref = a.reference
        await pilot.press("r")
        await type_text(pilot, "Phoned the LADO and emailed the referral form")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "LADO referral recorded for" in flat_text(app) or "met" in flat_text(app)
        await pilot.press("l")  # a duty worker cannot lift the hold
        await type_text(pilot, "Trying to lift it myself")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Only a manager can lift" in flat_text(app), screen_text(app)

    monkeypatch.setenv("DUTYDESK_USER", "maya")
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-25T15:00:00")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("ctrl+g")  # the open allegations
        await settle(pilot)
        assert ref in flat_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "AllegationScreen"
        await pilot.press("l")
        await type_text(pilot, "LADO threshold not met; safe to take placements")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Database(url).read() as s:
            assert s.get(Household, bell).status == HouseholdStatus.APPROVED
        assert "ON HOLD" not in flat_text(app)
        await pilot.press("o")
        await pilot.press("u", "tab")  # unsubstantiated; the date blank (today)
        await type_text(pilot, "LADO enquiry found no evidence")
        await pilot.press("enter")  # the rationale is multi-line: enter is a new line, not save
        await type_text(pilot, "carer to be told in writing")
        await pilot.press("tab", "tab", "l")  # no approval review; lift the hold
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat_text(app)
        assert "Outcome: unsubstantiated (Wed 25 Nov)" in text and "closed" in text
    with Database(url).read() as s:
        a = s.execute(sa.select(Allegation)).scalar_one()
        assert a.status == AllegationStatus.CLOSED and a.outcome.value == "unsubstantiated"
        assert a.outcome_rationale == "LADO enquiry found no evidence\ncarer to be told in writing"
        assert s.get(Household, bell).status == HouseholdStatus.APPROVED
