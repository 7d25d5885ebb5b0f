"""References come from the store's counters, on SQLite and PostgreSQL (issue 11).

The counters themselves, moving them past references already in the store (the
demo), and what the desk says when the store refuses a save: the loser of a
real conflict keeps its exact words; any other broken rule is named as it is,
never passed off as "no free place".
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db import references as counters
from db.enums import Gender, HouseholdKind, HouseholdStatus, PlacementType
from db.models import Child, Household, Placement, PlacementRequest, Team
from dutydesk import clock, integrity
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.calls import call_log
from dutydesk.calls.intake import ChildInput, RequestInput
from dutydesk.errors import Conflict
from dutydesk.references import Kind, format_reference, next_reference
from dutydesk.requests import decisions, placements
from process_support import make_household, make_request, save_search

DAYTIME = "2026-11-24T11:00:00+00:00"


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", DAYTIME)


def signed(db, people, hid: int) -> int:
    rid = make_request(db, people["worker"], children=[("Amy", 10, Gender.FEMALE)])
    save_search(db, people["worker"], rid, [hid])
    dv = decisions.propose(Desk(db, people["worker"]), rid, "place", "The right household for Amy.", household_id=hid)
    decisions.sign_off(Desk(db, people["manager"]), dv.id, "Agreed")
    return rid


# ---------------------------------------------------------------- the counters


def test_each_kind_counts_on_its_own_and_across_years(database):
    with database.write() as s:
        assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00001"
        assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00002"
        assert next_reference(s, Kind.PLACEMENT, 2026) == "PL-2026-00001"
        assert next_reference(s, Kind.TEMP_CHILD, 2026) == "TEMP-2026-00001"
        # The number runs on into the new year, so no year's references can meet another's.
        assert next_reference(s, Kind.REQUEST, 2027) == "REQ-2027-00003"
        assert next_reference(s, Kind.ALLEGATION, 2027) == "AL-2027-00001"
    with database.read() as s:
        assert counters.current_value(s.connection(), "requests") == 3
    assert format_reference(Kind.PLACEMENT, 2026, 123456) == "PL-2026-123456"


def test_on_sqlite_a_rolled_back_save_gives_its_number_back(sqlite_database):
    with pytest.raises(RuntimeError):
        with sqlite_database.write() as s:
            assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00001"
            raise RuntimeError("the save failed after taking a number")
    with sqlite_database.write() as s:
        assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00001"


def test_catch_up_moves_past_the_references_in_the_store_and_never_back(database, people):
    hid = make_household(database)
    placements.place(Desk(database, people["worker"]), signed(database, people, hid))  # REQ-...-00001, PL-...-00001
    with database.write() as s:
        child = s.exec(select(Child)).first()
        s.add(Child(case_reference="TEMP-2025-00041", first_name="Old", last_name="Test", date_of_birth=dt.date(2016, 1, 1),
                    gender=child.gender, legal_status=child.legal_status))
        s.add(Placement(reference="PL-000907", child_id=child.id, household_id=hid, placement_type=PlacementType.EMERGENCY,
                        place_number=9, starts_on=dt.date(2026, 1, 1), ended_on=dt.date(2026, 2, 1),
                        created_by_id=people["worker"].user_id))
        s.add(Placement(reference="PL-X12", child_id=child.id, household_id=hid, placement_type=PlacementType.EMERGENCY,
                        place_number=8, starts_on=dt.date(2026, 1, 1), ended_on=dt.date(2026, 2, 1),
                        created_by_id=people["worker"].user_id))
    with database.write() as s:
        found = counters.catch_up(s.connection())
        assert found == {"requests": 1, "placements": 907, "temp_children": 41, "allegations": 0}
        counters.raise_to(s.connection(), "requests", 0)  # nothing to do
    with database.write() as s:
        assert next_reference(s, Kind.PLACEMENT, 2026) == "PL-2026-00908"
        assert next_reference(s, Kind.TEMP_CHILD, 2026) == "TEMP-2026-00042"
        assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00002"
        counters.raise_to(s.connection(), "placements", 5)  # lower than where it is: stays
    with database.write() as s:
        assert next_reference(s, Kind.PLACEMENT, 2026) == "PL-2026-00909"


# ---------------------------------------------------------------- refused saves in the desk's words


def test_a_taken_placement_reference_is_named_not_called_no_free_place(database, people):
    """Had a reference ever clashed (max+1 did on PostgreSQL), the worker was told 'no free place': false."""
    h1, h2 = make_household(database, "First [home]", places=2), make_household(database, "Second, Jo", places=2)
    rid = signed(database, people, h2)
    with database.write() as s:  # a row holding the number the counter will give next
        kid = s.exec(select(Child)).first()
        s.add(Placement(reference="PL-2026-00001", child_id=kid.id, household_id=h1,
                        placement_type=PlacementType.EMERGENCY, place_number=1, starts_on=dt.date(2026, 11, 1),
                        ended_on=dt.date(2026, 11, 2), created_by_id=people["worker"].user_id))
    with pytest.raises(Conflict) as err:
        placements.place(Desk(database, people["worker"]), rid)
    text = str(err.value)
    assert "no free place" not in text
    assert text.startswith("The placement with Second, Jo was not saved because the store already holds a record "
                           "with the same reference; nothing was changed.")
    with database.read() as s:  # all of it rolled back: the household's count, the request's state
        assert s.get(Household, h2).occupied_places == 0
        assert s.get(PlacementRequest, rid).state.value == "signed_off"


def test_the_backstop_still_says_the_place_is_taken(database, people, monkeypatch):
    """A bug that hands out a taken place number meets the unique index; the worker hears why, as before."""
    hid = make_household(database, "Akhtar [Jr]", places=2)
    placements.place(Desk(database, people["worker"]), signed(database, people, hid))
    rid = signed(database, people, hid)
    monkeypatch.setattr(placements, "_lowest_free_numbers", lambda _s, _h, n: [1] * n)
    with pytest.raises(Conflict) as err:
        placements.place(Desk(database, people["worker"]), rid)
    assert str(err.value) == "Akhtar [Jr] has no free place any more (place 1 is taken); return to the search."


def test_a_taken_temporary_reference_is_named(database, people):
    with database.write() as s:
        s.add(Child(case_reference="TEMP-2026-00001", first_name="Typed", last_name="Test", date_of_birth=dt.date(2016, 1, 1),
                    gender=Gender.FEMALE))
    with pytest.raises(Conflict, match="^The child's record was not saved because the store already holds a record "
                                       "with the same case reference; nothing was changed"):
        call_log.log_call(Desk(database, people["worker"]), call_log.CallInput(
            caller_type="police", category="placement_request", summary="Amy needs a bed tonight",
            new_child=ChildInput(first_name="Amy", age=13),
            request=RequestInput(placement_type="emergency", urgency="emergency", needed_from=clock.today())))
    with database.read() as s:
        assert s.exec(select(sa.func.count()).select_from(PlacementRequest)).one() == 0


def _refused(db, write) -> sa.exc.IntegrityError:
    with pytest.raises(sa.exc.IntegrityError) as err:
        with db.write() as s:
            write(s)
    return err.value


def test_the_broken_rule_is_read_from_either_store(database, people):
    hid = make_household(database, places=2)
    placements.place(Desk(database, people["worker"]), signed(database, people, hid))
    with database.read() as s:
        p = s.exec(select(Placement)).one()

    def again(**changes):
        values = dict(reference="PL-OTHER", child_id=p.child_id, household_id=hid, placement_type=p.placement_type,
                      place_number=2, starts_on=p.starts_on, created_by_id=people["worker"].user_id)
        values.update(changes)
        return lambda s: s.add(Placement(**values))

    def rule(write) -> integrity.Violation:
        return integrity.violation(_refused(database, write))

    assert rule(again(place_number=p.place_number)).is_unique("placements", "household_id", "place_number")
    same_ref = rule(again(reference=p.reference))
    assert same_ref.is_unique("placements", "reference") and not same_ref.is_unique("placements", "household_id")
    assert rule(again(household_id=999_999)).kind == "foreign_key"
    hh = Household.__table__
    assert rule(lambda s: s.execute(sa.update(hh).where(hh.c.id == hid).values(occupied_places=-1))).kind == "check"
    team = _refused(database, lambda s: s.add(Team(code="EAST", name="Again")))
    assert integrity.violation(team).is_unique("teams", "code")
    assert integrity.refused("The team", team) == (
        "The team was not saved because the store already holds a record with the same code; nothing was changed. "
        "Try again, and if it happens again tell an administrator.")


# ---------------------------------------------------------------- after the demo


def test_after_the_demo_a_call_with_a_new_child_and_a_placement_work(database, monkeypatch):
    from dutydesk.demo import build

    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T11:00:00+00:00")
    build(database, seed=3, households=40, searches=False, os_user="deskdemo")
    with database.read() as s:
        conn = s.connection()
        for name in counters.COUNTERS:  # every counter already past the demo's own numbers
            assert counters.current_value(conn, name) >= counters.highest_used(conn, name)
        assert counters.highest_used(conn, "placements") > 0
        before = set(s.exec(select(Placement.reference)).all())
        hid = s.exec(select(Household.id).where(
            Household.status == HouseholdStatus.APPROVED, Household.kind == HouseholdKind.IN_HOUSE,
            Household.occupied_places < Household.places).order_by(Household.id)).first()
    worker, manager = actor_for(database, "dana.e"), actor_for(database, "maya.p")
    view = call_log.log_call(Desk(database, worker), call_log.CallInput(
        caller_type="police", category="placement_request", summary="Police protection, Margate",
        new_child=ChildInput(first_name="Amy", last_name="O'Brien [Jr]", age=10, gender="female"),
        request=RequestInput(placement_type="emergency", urgency="emergency", needed_from=clock.today())))
    assert view.child_reference.startswith("TEMP-2026-") and view.request_reference.startswith("REQ-2026-")
    save_search(database, worker, view.request_id, [hid])
    dv = decisions.propose(Desk(database, worker), view.request_id, "place", "Nearest free bed tonight.",
                         household_id=hid, exemption_reason="Emergency tonight; review in the morning")
    decisions.sign_off(Desk(database, manager), dv.id, "Agreed")
    out = placements.place(Desk(database, worker), view.request_id)
    (made,) = out.placements
    assert made.reference.startswith("PL-2026-") and made.reference not in before
