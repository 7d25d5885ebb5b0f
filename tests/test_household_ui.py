"""The household profile at 80x24: scenario 3, a carer with an empty bed asks why."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.enums import Gender
from db.models import User
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.requests.searches import run_and_save
from matching_builders import child, household, placement, places, request, unavailable
from ui_helpers import desk_app, flat_text, open_desk, seed_store, settle


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = seed_store(tmp_path)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    db = Database(url)
    pl = places(db)
    today = dt.date.today()
    with db.read() as s:
        uid = s.execute(sa.select(User.id).where(User.username == "dana")).scalar()
    kemp = household(db, "H-KEMP", name="Kemp [Jr], Susan [/]", place="Ramsgate", age_min=5, age_max=17, places=2,
                     vacant_since=today - dt.timedelta(days=47), dbs_expires_on=today - dt.timedelta(days=2),
                     supervising_social_worker="[bold]Chloe[/bold]")
    placement(db, child(db, "C-NOW", age=12, first_name="Magda [x]"), kemp, uid,
              starts_on=today - dt.timedelta(days=200))
    unavailable(db, kemp, today + dt.timedelta(days=20), today + dt.timedelta(days=27))
    household(db, "H-DOVER", name="Near, Dover", place="Dover")
    from db.models import Allegation
    from dutydesk import clock

    with db.write() as s:
        s.add(Allegation(reference="AL-0001", household_id=kemp, raised_at=clock.now() - dt.timedelta(days=3),
                         raised_by_id=uid, summary="Child told teacher [bold]something[/bold]"))
    desk = Desk(db, actor_for(db, "dana"))
    r1 = request(db, uid, [child(db, "C-TOT", age=3, school_place_id=pl["Margate"])], ref="R-TODDLER")
    r2 = request(db, uid, [child(db, "C-TEN", age=10, gender=Gender.MALE, school_place_id=pl["Dover"])],
                 ref="R-DOVER")
    run_and_save(desk, r1)
    run_and_save(desk, r2)
    db.dispose()
    return url, kemp


async def test_profile_answers_why_not_me(store):
    url, kemp = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        # Find the carer by name in the finder, then open her household.
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("slash", *"kemp", "enter")
        await settle(pilot)
        assert "Kemp [Jr], Susan [/]" in flat_text(app)
        await pilot.press("o")
        await settle(pilot)
        text = flat_text(app)
        assert "H-KEMP Kemp [Jr], Susan [/] in-house, approved" in text
        assert "! DBS check lapsed on" in text
        assert "! Allegation AL-0001 open for 3 days: on hold for new placements" in text
        assert "2 places, ages 5-17" in text
        for _ in range(10):
            await pilot.press("down")
        await settle(pilot)
        text = flat_text(app)
        assert "Magda [x]" in text
        assert "Place empty since" in text and "47 days" in text
        await pilot.press("h")
        await settle(pilot)
        text = flat_text(app)
        assert "Considered for (2 searches, newest first)" in text
        assert "R-DOVER (searching)" in text
        assert "Ranked 2 of 2" in text and "first was H-DOVER" in text
        assert "R-TODDLER (searching)" in text
        assert "Ruled out: C-TOT (3) is outside the approved ages 5-17" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "Look-up" in flat_text(app)


async def test_profile_shows_free_places_and_periods(store):
    url, kemp = store
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        app.open_household(kemp)
        await settle(pilot)
        for _ in range(17):
            await pilot.press("down")
        await settle(pilot)
        text = flat_text(app)
        assert "Free places, week by week" in text
        assert " 1 " in text and " - " in text  # a free place most weeks, none in the holiday week
        assert "holiday" in text
        assert "AL-0001 open, raised" in text and "3 days: Child told teacher [bold]something[/bold]" in text
