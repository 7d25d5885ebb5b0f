"""Availability: free places for dates from terms, placements, declared periods, status and approval."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.enums import HouseholdKind, HouseholdStatus
from db.models import Household
from dutydesk.carers.availability import availability, household_warnings, temporary_approval_limit, weekly
from dutydesk.matching import MatchCriteria, match
from matching_builders import TODAY, child, household, placement, places, unavailable

D = dt.timedelta


@pytest.fixture
def base(database):
    return places(database)


def free(db, hid, start, end=None):
    with db.read() as s:
        return availability(s, hid, start, end, today=TODAY)


def test_terms_minus_overlapping_placements(database, base, people):
    uid = people["worker"].user_id
    h = household(database, "H-3", places=3)
    placement(database, child(database, "A"), h, uid, starts_on=TODAY - D(days=100))
    placement(database, child(database, "B"), h, uid, starts_on=TODAY - D(days=50),
              planned_end_on=TODAY + D(days=14))
    placement(database, child(database, "C"), h, uid, starts_on=TODAY - D(days=400), ended_on=TODAY - D(days=200))
    placement(database, child(database, "D"), h, uid, starts_on=TODAY + D(days=30), count_now=False)
    now = free(database, h, TODAY, TODAY + D(days=7))
    assert (now.places, now.taken, now.free, now.blocked) == (3, 2, 1, None)
    assert now.note == "1 of 3 places free"
    # After B's planned end and before D arrives: two free.
    assert free(database, h, TODAY + D(days=15), TODAY + D(days=25)).free == 2
    # A window reaching D's start: D holds a place too.
    assert free(database, h, TODAY + D(days=15), TODAY + D(days=40)).free == 1
    # Open-ended from today: A, B (still there today) and D (coming) all hold places.
    assert free(database, h, TODAY).free == 0


def test_now_agrees_with_the_atomic_counter(database, base, people):
    uid = people["worker"].user_id
    h = household(database, "H-2", places=2)
    placement(database, child(database, "A"), h, uid, starts_on=TODAY - D(days=10))
    with database.read() as s:
        counter = s.get(Household, h).occupied_places
    a = free(database, h, TODAY, TODAY)
    assert a.taken == counter == 1 and a.free == 1
    # A counter moved by the placement service ahead of the row (for example a place being filled)
    # is respected for today, never showing a place the placement would refuse.
    with database.write() as s:
        s.execute(sa.update(Household).where(Household.id == h).values(occupied_places=2))
    assert free(database, h, TODAY, TODAY).free == 0
    assert free(database, h, TODAY + D(days=1), TODAY + D(days=2)).free == 1


@pytest.mark.parametrize("status", [HouseholdStatus.ON_HOLD, HouseholdStatus.SUSPENDED,
                                    HouseholdStatus.RESIGNED, HouseholdStatus.IN_ASSESSMENT])
def test_no_places_unless_approved(database, base, status):
    h = household(database, "H-S", places=2, status=status)
    a = free(database, h, TODAY)
    assert a.free == 0 and a.blocked == "status"
    assert "No places: household is" in a.note


def test_declared_period_overlapping_means_no_place(database, base):
    h = household(database, "H-HOL", places=2)
    unavailable(database, h, TODAY + D(days=10), TODAY + D(days=17))
    assert free(database, h, TODAY, TODAY + D(days=9)).free == 2
    blocked = free(database, h, TODAY + D(days=5), TODAY + D(days=12))
    assert blocked.free == 0 and blocked.blocked == "unavailable"
    assert free(database, h, TODAY + D(days=18)).free == 2


def test_connected_person_temporary_approval(database, base):
    h = household(database, "H-KIN", kind=HouseholdKind.CONNECTED_PERSON, places=1,
                  approved_on=TODAY - D(weeks=10), approval_expires_on=TODAY + D(weeks=6))
    assert free(database, h, TODAY).free == 1
    after = free(database, h, TODAY + D(weeks=6, days=1))
    assert after.free == 0 and after.blocked == "expired"
    assert temporary_approval_limit(dt.date(2026, 1, 1), False) == dt.date(2026, 4, 23)
    assert temporary_approval_limit(dt.date(2026, 1, 1), True) == dt.date(2026, 6, 18)


def test_weeks_ahead(database, base, people):
    uid = people["worker"].user_id
    h = household(database, "H-W", places=1)
    placement(database, child(database, "A"), h, uid, starts_on=TODAY - D(days=3), planned_end_on=TODAY + D(days=9))
    with database.read() as s:
        weeks = weekly(s, h, 4, today=TODAY)
    assert [w.free for w in weeks] == [0, 0, 1, 1]
    assert weeks[0].from_on == TODAY and weeks[1].from_on.weekday() == 0


def test_lapsed_dates_are_warnings_not_silent(database, base):
    h = household(database, "H-LAPSE", dbs_expires_on=TODAY - D(days=1), annual_review_due=TODAY + D(days=10))
    kin = household(database, "H-KIN2", kind=HouseholdKind.CONNECTED_PERSON, approved_on=TODAY - D(weeks=20),
                    approval_expires_on=TODAY + D(weeks=2))
    with database.read() as s:
        w1 = household_warnings(s.get(Household, h), TODAY)
        w2 = household_warnings(s.get(Household, kin), TODAY)
    assert [w.code for w in w1] == ["dbs_lapsed", "review_soon"]
    assert w1[0].serious and "DBS check lapsed on" in w1[0].label
    assert [w.code for w in w2] == ["approval_ends", "approval_limit"]
    # The lapsed DBS does not remove the place: it is shown as a warning with the match.
    assert free(database, h, TODAY).free == 2
    with database.read() as s:
        res = match(s, MatchCriteria(from_on=TODAY), today=TODAY)
    from dutydesk.matching.query import W_DBS

    assert res.ranked_for(h).warnings & W_DBS
