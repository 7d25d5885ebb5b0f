"""Placing (atomic, numbered places, retrospective out of hours, outside terms) and ending placements."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.enums import (
    CandidateStatus,
    DecisionStatus,
    Gender,
    HouseholdStatus,
    PlacementEndReason,
    PlacementType,
    RequestState,
    Urgency,
)
from db.models import Candidate, Decision, DecisionAddendum, Household, Placement, PlacementRequest
from dutydesk.requests import placements
from dutydesk.requests import checklists, decisions, lookup, terms
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput
from process_support import make_household, make_request, save_search

S = RequestState
DAYTIME = "2026-11-24T11:00:00+00:00"  # Tuesday, office hours
NIGHT = "2026-11-24T02:10:00+00:00"


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", DAYTIME)


def signed(db, people, hid, **kw) -> tuple[int, int]:
    w = Desk(db, people["worker"])
    rid = make_request(db, people["worker"], **kw)
    save_search(db, people["worker"], rid, [hid])
    dv = decisions.propose(w, rid, "place", "The right household for this child.", household_id=hid,
                         exemption_reason=kw.pop("exemption", ""))
    decisions.sign_off(Desk(db, people["manager"]), dv.id, "Agreed")
    return rid, dv.id


def household(db, hid) -> Household:
    with db.read() as s:
        return s.get(Household, hid)


def test_place_after_sign_off_records_plan_checklist_and_notifications(database, people):
    hid = make_household(database, "Akhtar [Jr]", places=2)
    rid, did = signed(database, people, hid)
    out = placements.place(Desk(database, people["worker"]), rid,
                           delegated_authority={"haircuts": True})
    assert not out.retrospective
    (p,) = out.placements
    assert p.place_number == 1 and p.starts_on == dt.date(2026, 11, 24)
    assert p.plan_due_on == dt.date(2026, 12, 1)  # 5 working days after Tuesday 24 Nov
    assert p.delegated_authority["haircuts"] == {"agreed": True}
    assert p.delegated_authority["school trips and activities"] == {"agreed": False}
    assert {n["to"] for n in p.notifications_due} >= {"child's social worker", "supervising social worker"}
    h = household(database, hid)
    assert h.occupied_places == 1
    with database.read() as s:
        assert s.get(PlacementRequest, rid).state == S.PLACED
        cand = s.exec(select(Candidate).where(Candidate.request_id == rid)).one()
        assert cand.status == CandidateStatus.CHOSEN
    with pytest.raises(Conflict, match="already placed"):
        placements.place(Desk(database, people["worker"]), rid)
    with pytest.raises(InvalidInput, match="Unknown delegated-authority"):
        checklists.delegated_authority_checklist({"tattoos": True})


def test_daytime_placement_needs_sign_off_first(database, people):
    hid = make_household(database)
    rid = make_request(database, people["worker"])
    save_search(database, people["worker"], rid, [hid])
    w = Desk(database, people["worker"])
    with pytest.raises(Conflict, match="no proposed placement"):
        placements.place(w, rid)
    decisions.propose(w, rid, "place", "Nearest carer with a bed tonight.", household_id=hid)
    with pytest.raises(Conflict, match="not signed off yet"):
        placements.place(w, rid)
    assert household(database, hid).occupied_places == 0


def test_out_of_hours_emergency_placed_before_sign_off(database, people, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    hid = make_household(database)
    rid = make_request(database, people["ooh"])
    save_search(database, people["ooh"], rid, [hid])
    o = Desk(database, people["ooh"])
    dv = decisions.propose(o, rid, "place", "Only emergency bed within reach of her school.", household_id=hid)
    out = placements.place(o, rid)
    assert out.retrospective
    with database.read() as s:
        d = s.get(Decision, dv.id)
        assert d.retrospective and d.status == DecisionStatus.PROPOSED
    monkeypatch.setenv("DUTYDESK_NOW", DAYTIME)
    with pytest.raises(Conflict, match="already placed"):
        decisions.return_decision(Desk(database, people["manager"]), dv.id, "should not have")
    signed_dv = decisions.sign_off(Desk(database, people["manager"]), dv.id, "Retrospectively agreed")
    assert signed_dv.status == DecisionStatus.SIGNED_OFF and signed_dv.retrospective


def test_planned_request_cannot_skip_sign_off_even_at_night(database, people, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    hid = make_household(database)
    rid = make_request(database, people["ooh"], urgency=Urgency.PLANNED, placement_type=PlacementType.SHORT_TERM)
    save_search(database, people["ooh"], rid, [hid])
    o = Desk(database, people["ooh"])
    decisions.propose(o, rid, "place", "Planned move to a short-term carer.", household_id=hid)
    with pytest.raises(Conflict, match="not signed off"):
        placements.place(o, rid)


def test_lowest_free_place_number_and_ending_frees_it(database, people):
    hid = make_household(database, places=3)
    w = Desk(database, people["worker"])
    made = []
    for i in range(3):
        rid, _ = signed(database, people, hid, children=[(f"Kid{i}", 8, Gender.MALE)],
                        urgency=Urgency.URGENT, placement_type=PlacementType.SHORT_TERM)
        made.append(placements.place(w, rid).placements[0])
    assert [p.place_number for p in made] == [1, 2, 3]
    assert household(database, hid).occupied_places == 3
    assert household(database, hid).vacant_since is None
    with pytest.raises(InvalidInput, match="date"):
        placements.end_placement(w, made[1].id, None, "breakdown")
    with pytest.raises(InvalidInput, match="reason"):
        placements.end_placement(w, made[1].id, dt.date(2026, 11, 24), None)
    with pytest.raises(InvalidInput, match="planned_end, breakdown"):
        placements.end_placement(w, made[1].id, dt.date(2026, 11, 24), "fell out")
    with pytest.raises(InvalidInput, match="before the placement started"):
        placements.end_placement(w, made[1].id, dt.date(2026, 11, 1), "breakdown")
    with pytest.raises(InvalidInput, match="not ahead"):
        placements.end_placement(w, made[1].id, dt.date(2026, 12, 1), "planned_end")
    ended = placements.end_placement(w, made[1].reference, dt.date(2026, 11, 24), PlacementEndReason.BREAKDOWN,
                                     "Carer gave 24 hours' notice")
    assert ended.ended_on == dt.date(2026, 11, 24) and ended.end_reason == PlacementEndReason.BREAKDOWN
    h = household(database, hid)
    assert h.occupied_places == 2 and h.vacant_since == dt.date(2026, 11, 24)
    with pytest.raises(Conflict, match="already ended"):
        placements.end_placement(w, made[1].id, dt.date(2026, 11, 24), "breakdown")
    # The next child takes place number 2, the lowest free.
    rid, _ = signed(database, people, hid, children=[("Next", 8, Gender.MALE)], urgency=Urgency.URGENT,
                    placement_type=PlacementType.SHORT_TERM)
    assert placements.place(w, rid).placements[0].place_number == 2
    assert [p.place_number for p in placements.active_placements(w, hid)] == [1, 2, 3]


def test_loser_is_told_at_once_and_returned_to_the_search(database, people):
    hid = make_household(database, "Last Bed [/]", places=1)
    w = Desk(database, people["worker"])
    rid_a, _ = signed(database, people, hid, children=[("Ann", 9, Gender.FEMALE)])
    rid_b, did_b = signed(database, people, hid, children=[("Ben", 9, Gender.MALE)])
    placements.place(w, rid_a)
    with pytest.raises(Conflict, match=r"Last Bed \[/\] has no free place any more.*return to the search"):
        placements.place(Desk(database, people["worker2"]), rid_b)
    with database.read() as s:
        req = s.get(PlacementRequest, rid_b)
        assert req.state == S.CONTACTING
        add = s.exec(select(DecisionAddendum).where(DecisionAddendum.decision_id == did_b)).one()
        assert "no free place" in add.text
        cand = s.exec(select(Candidate).where(Candidate.request_id == rid_b)).one()
        assert cand.status == CandidateStatus.RULED_OUT
        assert s.exec(select(sa.func.count()).select_from(Placement)).one() == 1
    assert household(database, hid).occupied_places == 1


def test_household_put_on_hold_before_placing(database, people):
    hid = make_household(database, "Held")
    rid, _ = signed(database, people, hid)
    with database.write() as s:
        s.get(Household, hid).status = HouseholdStatus.ON_HOLD
    with pytest.raises(Conflict, match="Held is on hold now"):
        placements.place(Desk(database, people["worker"]), rid)
    assert household(database, hid).occupied_places == 0


def test_places_declared_not_available_are_not_free_to_the_atomic_check(database, people):
    """A bedroom being decorated: its place is refused by the placement's conditional write, and by a
    new proposal, until the day after its date (the rule of dutydesk.matching.capacity)."""
    hid = make_household(database, "Decorating", places=2, occupied=1)
    rid, _ = signed(database, people, hid)
    with database.write() as s:
        h = s.get(Household, hid)
        h.places_unavailable, h.places_unavailable_until = 1, dt.date(2026, 12, 5)
        h.places_unavailable_reason = "Bedroom being decorated"
    with pytest.raises(Conflict, match="Decorating has 1 place.s. not available until 05 Dec 2026"):
        placements.place(Desk(database, people["worker"]), rid)
    assert household(database, hid).occupied_places == 1
    rid2 = make_request(database, people["worker"])
    save_search(database, people["worker"], rid2, [hid])
    with pytest.raises(Conflict, match="no free place"):
        decisions.propose(Desk(database, people["worker"]), rid2, "place", "The right household.", household_id=hid)
    # Once the date has passed the place is free again.
    with database.write() as s:
        s.get(Household, hid).places_unavailable_until = dt.date(2026, 11, 23)
    dv = decisions.propose(Desk(database, people["worker"]), rid2, "place", "The right household.", household_id=hid)
    decisions.sign_off(Desk(database, people["manager"]), dv.id, "Agreed")
    placements.place(Desk(database, people["worker"]), rid2)
    assert household(database, hid).occupied_places == 2


def test_child_already_placed_elsewhere(database, people):
    h1 = make_household(database, "First home")
    h2 = make_household(database, "Second home")
    w = Desk(database, people["worker"])
    rid, _ = signed(database, people, h1)
    placements.place(w, rid)
    with database.read() as s:
        child_id = lookup.request_child_ids(s, rid)[0]
    from dutydesk.calls.intake import RequestInput, open_request

    with database.write() as s:
        rid2 = open_request(s, people["worker"], RequestInput(
            placement_type=PlacementType.EMERGENCY, urgency=Urgency.EMERGENCY, needed_from=dt.date(2026, 11, 24),
            child_ids=(child_id,))).id
    save_search(database, people["worker"], rid2, [h2])
    dv = decisions.propose(w, rid2, "place", "Move to a nearer household.", household_id=h2)
    decisions.sign_off(Desk(database, people["manager"]), dv.id)
    with pytest.raises(Conflict, match="still placed with First home"):
        placements.place(w, rid2)


def test_sibling_group_takes_consecutive_places(database, people):
    hid = make_household(database, places=3, types=frozenset({PlacementType.SHORT_TERM}))
    rid, _ = signed(database, people, hid, children=[("A", 4, Gender.MALE), ("B", 7, Gender.MALE),
                                                     ("C", 9, Gender.MALE)],
                    urgency=Urgency.PLANNED, placement_type=PlacementType.SHORT_TERM, family_key="BROS")
    out = placements.place(Desk(database, people["worker"]), rid)
    assert sorted(p.place_number for p in out.placements) == [1, 2, 3]
    assert household(database, hid).occupied_places == 3


def test_unique_index_is_the_backstop(database, people):
    hid = make_household(database, places=2)
    rid, _ = signed(database, people, hid)
    placements.place(Desk(database, people["worker"]), rid)
    with database.read() as s:
        p = s.exec(select(Placement)).one()
    with pytest.raises(sa.exc.IntegrityError):
        with database.write() as s:
            s.add(Placement(reference="PL-X", child_id=p.child_id, household_id=hid, placement_type=p.placement_type,
                            place_number=p.place_number, starts_on=p.starts_on, created_by_id=people["worker"].user_id))


def test_emergency_outside_terms_flag_and_overdue(database, people, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    hid = make_household(database, "Under tens", age_max=9)
    rid = make_request(database, people["ooh"], children=[("Tia", 13, Gender.FEMALE)])
    save_search(database, people["ooh"], rid, [hid])
    o = Desk(database, people["ooh"])
    decisions.propose(o, rid, "place", "Only bed available tonight.", household_id=hid,
                    exemption_reason="Emergency; one or two nights")
    out = placements.place(o, rid)
    assert out.outside_terms and out.placements[0].outside_terms
    assert out.placements[0].exemption_reason == "Emergency; one or two nights"
    start = out.placements[0].starts_on
    # 6 working days after Tuesday 24 Nov is Wednesday 2 Dec: not yet overdue; Thursday 3 Dec is.
    assert not terms.outside_terms_overdue(start, dt.date(2026, 12, 2))
    assert terms.outside_terms_overdue(start, dt.date(2026, 12, 3))


def test_place_json_fields_are_valid(database, people):
    hid = make_household(database)
    rid, _ = signed(database, people, hid)
    placements.place(Desk(database, people["worker"]), rid)
    with database.read() as s:
        p = s.exec(select(Placement)).one()
        assert isinstance(json.loads(p.delegated_authority), dict)
        assert all("due_on" in n for n in json.loads(p.notifications_due))
        assert p.reference.startswith("PL-2026-")
