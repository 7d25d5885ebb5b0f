"""Intake: opening placement requests and recording children on the spot."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from db.enums import Gender, PlacementType, RequestState, Specialism, Urgency
from db.models import AuditEvent, Child, PlacementRequest, RequestChild, RequestTransition
from dutydesk import clock
from dutydesk.errors import InvalidInput, NotAllowed, NotFound
from dutydesk.calls.intake import ChildInput, RequestInput, create_child, estimate_dob, open_request


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")


def girl(**kw):
    base = dict(first_name="Amy", last_name="O'Brien [Jr]", age=13, gender="female")
    base.update(kw)
    return ChildInput(**base)


def test_create_child_with_age_estimates_dob_and_temp_reference(database, people):
    with database.write() as s:
        child = create_child(s, people["ooh"], girl())
        cid = child.id
    with database.read() as s:
        c = s.get(Child, cid)
        assert c.case_reference == "TEMP-2026-00001"
        assert c.last_name == "O'Brien [Jr]"
        assert c.gender == Gender.FEMALE
        assert c.age_on(clock.today()) == 13
        assert "estimated from age 13" in c.notes
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == "child.create")).one()
        assert ev.entity_id == str(cid) and ev.username == "oliver"


def test_temp_references_count_up(database, people):
    with database.write() as s:
        a = create_child(s, people["worker"], girl())
        b = create_child(s, people["worker"], girl(first_name="Bea"))
        refs = (a.case_reference, b.case_reference)
    assert refs == ("TEMP-2026-00001", "TEMP-2026-00002")


def test_child_with_case_reference_and_clash(database, people):
    with database.write() as s:
        create_child(s, people["worker"], girl(case_reference="kc 1234", age=None, date_of_birth=dt.date(2013, 5, 1)))
    with database.read() as s:
        assert s.exec(select(Child.case_reference)).one() == "KC1234"
    with pytest.raises(InvalidInput, match="already recorded"):
        with database.write() as s:
            create_child(s, people["worker"], girl(case_reference="KC1234"))


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(first_name="  "), "first name is required"),
        (dict(age=None), "date of birth"),
        (dict(age=19), "0 to 17"),
        (dict(age=-1), "0 to 17"),
        (dict(age=None, date_of_birth=dt.date(2030, 1, 1)), "in the future"),
        (dict(age=None, date_of_birth=dt.date(2000, 1, 1)), "makes the child"),
        (dict(age=5, date_of_birth=dt.date(2013, 5, 1)), "does not match"),
        (dict(gender="lizard"), "female, male"),
        (dict(case_reference="TEMP-1"), "made by the desk"),
        (dict(first_name="x" * 81), "shorten it"),
    ],
)
def test_child_validation(database, people, kw, words):
    with pytest.raises(InvalidInput, match=words):
        with database.write() as s:
            create_child(s, people["worker"], girl(**kw))
    with database.read() as s:
        assert s.exec(select(Child)).first() is None


def test_control_characters_are_stripped(database, people):
    with database.write() as s:
        cid = create_child(s, people["worker"], girl(first_name="Ann\x1b]0;pwned\x07 [/]")).id
    with database.read() as s:
        name = s.get(Child, cid).first_name
    assert "\x1b" not in name and "\x07" not in name and name.endswith("[/]")


def test_open_request_for_a_new_child(database, people):
    actor = people["ooh"]
    with database.write() as s:
        req = open_request(
            s, actor,
            RequestInput(
                placement_type=PlacementType.EMERGENCY, urgency="emergency", needed_from=clock.today(),
                new_children=(girl(),), needs={Specialism.TEENAGERS}, notes="Police protection\nMargate",
            ),
        )
        rid, ref = req.id, req.reference
    assert ref == "REQ-2026-00001"
    with database.read() as s:
        r = s.get(PlacementRequest, rid)
        assert r.state == RequestState.LOGGED
        assert r.team_id == actor.team_id and r.worker_id == actor.user_id and r.created_by_id == actor.user_id
        assert r.urgency == Urgency.EMERGENCY and r.needs == {Specialism.TEENAGERS}
        assert r.notes == "Police protection\nMargate"
        kids = s.exec(select(RequestChild).where(RequestChild.request_id == rid)).all()
        assert len(kids) == 1
        steps = s.exec(select(RequestTransition).where(RequestTransition.request_id == rid)).all()
        assert [(t.from_state, t.to_state) for t in steps] == [(None, RequestState.LOGGED)]
        actions = s.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["child.create", "request.logged"]


def test_sibling_group_and_unique_references(database, people):
    actor = people["worker"]
    with database.write() as s:
        ids = [create_child(s, actor, girl(first_name=n, age=a, gender="male")).id for n, a in (("Al", 4), ("Bo", 7))]
    with database.write() as s:
        r1 = open_request(
            s, actor,
            RequestInput(placement_type="short_term", urgency="planned", needed_from=dt.date(2026, 12, 1),
                         child_ids=tuple(ids), new_children=(girl(first_name="Cy", age=9, gender="male"),)),
        )
        r2 = open_request(
            s, actor,
            RequestInput(placement_type="short_term", urgency="planned", needed_from=dt.date(2026, 12, 1),
                         child_ids=(ids[0],)),
        )
        refs, rid = (r1.reference, r2.reference), r1.id
    assert refs == ("REQ-2026-00001", "REQ-2026-00002")
    with database.read() as s:
        assert len(s.exec(select(RequestChild).where(RequestChild.request_id == rid)).all()) == 3


def test_children_recorded_together_are_one_family(database, people):
    actor = people["worker"]
    req = dict(placement_type="short_term", urgency="planned", needed_from=dt.date(2026, 12, 1))
    with database.write() as s:
        known = create_child(s, actor, girl(first_name="Kim", age=10, family_key="KIM-FAM")).id
        loner = create_child(s, actor, girl(first_name="Lou", age=10)).id
        together = open_request(s, actor, RequestInput(**req, new_children=(
            girl(first_name="Al", age=4), girl(first_name="Bo", age=7), girl(first_name="Cy", age=9))))
        with_known = open_request(s, actor, RequestInput(**req, child_ids=(known,),
                                                         new_children=(girl(first_name="Di", age=6),)))
        with_loner = open_request(s, actor, RequestInput(**req, child_ids=(loner,),
                                                         new_children=(girl(first_name="Ed", age=6),)))
        alone = open_request(s, actor, RequestInput(**req, new_children=(girl(first_name="Fi", age=6),)))
        refs = together.reference, with_known.id, with_loner.id, alone.id

    def keys(request_id: int) -> dict[str, str | None]:
        rows = s.exec(select(Child).join(RequestChild, RequestChild.child_id == Child.id)
                      .where(RequestChild.request_id == request_id)).all()
        return {c.first_name: c.family_key for c in rows}

    with database.read() as s:
        ids = {r.reference: r.id for r in s.exec(select(PlacementRequest)).all()}
        assert keys(ids[refs[0]]) == {"Al": refs[0], "Bo": refs[0], "Cy": refs[0]}  # a sibling group
        assert keys(refs[1]) == {"Kim": "KIM-FAM", "Di": "KIM-FAM"}  # joins the known child's family
        assert keys(refs[2]) == {"Lou": None, "Ed": None}  # a known child in no family: not guessed
        assert keys(refs[3]) == {"Fi": None}  # one child is no family


@pytest.mark.parametrize(
    "kw, err, words",
    [
        (dict(child_ids=()), InvalidInput, "needs a child"),
        (dict(placement_type="holiday"), InvalidInput, "emergency, short_term"),
        (dict(urgency="soonish"), InvalidInput, "Urgency"),
        (dict(needed_until=dt.date(2026, 11, 1)), InvalidInput, "before needed from"),
        (dict(needed_from=dt.date(2029, 1, 1)), InvalidInput, "two years ahead"),
        (dict(needed_from=dt.date(2026, 1, 1)), InvalidInput, "month ago"),
        (dict(child_ids=(999,)), NotFound, "no child number 999"),
        (dict(max_distance_km=10), InvalidInput, "place to measure from"),
        (dict(near_place_id=999), InvalidInput, "no place number"),
    ],
)
def test_request_validation(database, people, kw, err, words):
    actor = people["worker"]
    with database.write() as s:
        cid = create_child(s, actor, girl()).id
    base = dict(placement_type="emergency", urgency="emergency", needed_from=dt.date(2026, 11, 22), child_ids=(cid,))
    base.update(kw)
    with pytest.raises(err, match=words):
        with database.write() as s:
            open_request(s, actor, RequestInput(**base))
    with database.read() as s:
        assert s.exec(select(PlacementRequest)).first() is None


def test_viewer_cannot_open_a_request(database, people):
    with pytest.raises(NotAllowed):
        with database.write() as s:
            open_request(s, people["viewer"], RequestInput("emergency", "emergency", dt.date(2026, 11, 22),
                                                           new_children=(girl(),)))


def test_estimate_dob_keeps_the_age():
    day = dt.date(2024, 2, 29)
    dob = estimate_dob(13, day)
    assert day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)) == 13


def test_type_ahead_finds_ranked_and_bounded(database, people):
    from db.enums import HouseholdKind, HouseholdStatus
    from db.models import Household
    from dutydesk.calls.lookups import find_children, find_households, find_places
    from dutydesk.places import ensure_places

    actor = people["worker"]
    with database.write() as s:
        create_child(s, actor, girl(first_name="Samira", last_name="Amy", case_reference="KC9"))
        create_child(s, actor, girl(first_name="Amy", last_name="O'Brien [Jr]", case_reference="KC1"))
        create_child(s, actor, girl(first_name="Tamys", last_name="Ward", case_reference="AMY1"))
        for i in range(22):
            create_child(s, actor, girl(first_name=f"Amyas{i:02d}", last_name="Test"))
        s.add(Household(reference="HH-00001", name="Akhtar, Samina", kind=HouseholdKind.IN_HOUSE,
                        status=HouseholdStatus.APPROVED, places=2, occupied_places=1))
        ensure_places(s)
    with database.read() as s:
        amy = find_children(s, "amy", limit=50)
        assert len(amy) == 20  # 25 match; never more than FIND_MAX
        assert [m.label for m in amy[:2]] == ["Amy O'Brien [Jr]", "Samira Amy"]  # exact name first
        assert find_children(s, "amy1")[0].detail.startswith("AMY1")  # exact reference first
        assert [m.label for m in find_children(s, "o'brien [jr]")] == ["Amy O'Brien [Jr]"]
        assert find_children(s, "   ") == [] and find_children(s, "%_") == []
        assert len(find_children(s, "amy", limit=5)) == 5
        assert find_households(s, "akhtar")[0].detail == "HH-00001 · approved · 1 free"
        assert find_places(s, "margate")[0].label == "Margate"
        assert "Margate" in [m.label for m in find_places(s, "ct9")]
