"""Children on an open request (issue 9, point 1): add and take off, young parents, the command line."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.enums import Gender, PlacementType, RequestState
from db.models import AuditEvent, Child, PlacementRequest, RequestChild
from dutydesk.access.desk import Desk
from dutydesk.calls.intake import MAX_SIBLINGS, ChildInput, RequestInput, open_request
from dutydesk.child_limits import MAX_PARENT_AGE
from dutydesk.errors import Conflict, InvalidInput, NotAllowed
from dutydesk.matching.criteria import criteria_for_request
from dutydesk.requests import request_children
from process_support import make_request


def names_on(database, rid: int) -> list[str]:
    with database.read() as s:
        return [c.first_name for c in s.exec(select(Child).join(RequestChild, RequestChild.child_id == Child.id)
                                             .where(RequestChild.request_id == rid).order_by(Child.id)).all()]


def test_a_sibling_found_later_joins_the_request_and_is_audited(database, people):
    rid = make_request(database, people["worker"], children=[("Tom", 4, Gender.MALE), ("Sam", 7, Gender.MALE)],
                       placement_type=PlacementType.SHORT_TERM, family_key="REED")
    d = Desk(database, people["worker"])
    done = request_children.add_child(d, rid, new_child=ChildInput(first_name="Joe", last_name="Reed", age=9,
                                                                    gender=Gender.MALE))
    assert done.children == ("Tom Test", "Sam Test", "Joe Reed")
    assert "search again" in done.message
    assert names_on(database, rid) == ["Tom", "Sam", "Joe"]
    with database.read() as s:
        joe = s.exec(select(Child).where(Child.first_name == "Joe")).one()
        assert joe.family_key == "REED"  # a sibling of a family joins it
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "request.child_added")).all()
        assert len(events) == 1 and json.loads(events[0].detail)["child_id"] == joe.id
        # Matching sees the three as one group.
        assert criteria_for_request(s, rid).siblings == 3
    done = request_children.remove_child(d, rid, joe.case_reference)
    assert done.children == ("Tom Test", "Sam Test")
    with database.read() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "request.child_removed")).one()


def test_refused_in_the_desks_words(database, people):
    rid = make_request(database, people["worker"], children=[("Amy", 13, Gender.FEMALE)])
    d = Desk(database, people["worker"])
    with database.read() as s:
        amy = s.exec(select(Child).where(Child.first_name == "Amy")).one()
    with pytest.raises(Conflict, match="only child on .*Withdraw the request instead"):
        request_children.remove_child(d, rid, amy.id)
    with pytest.raises(InvalidInput, match="Amy Test is on .* already"):
        request_children.add_child(d, rid, child=amy.case_reference)
    with pytest.raises(NotAllowed):
        request_children.add_child(Desk(database, people["viewer"]), rid,
                                   new_child=ChildInput(first_name="Bo", age=3, gender=Gender.MALE))
    for i in range(MAX_SIBLINGS - 1):
        request_children.add_child(d, rid, new_child=ChildInput(first_name=f"K{i}", age=5, gender=Gender.MALE))
    with pytest.raises(Conflict, match=f"already holds {MAX_SIBLINGS} children.*second request"):
        request_children.add_child(d, rid, new_child=ChildInput(first_name="One more", age=5, gender=Gender.MALE))
    assert len(names_on(database, rid)) == MAX_SIBLINGS


@pytest.mark.parametrize("state", [RequestState.PROPOSED, RequestState.PLACED, RequestState.CLOSED_UNMET])
def test_no_change_once_decided_placed_or_closed(database, people, state):
    rid = make_request(database, people["worker"], children=[("Amy", 13, Gender.FEMALE), ("Ben", 9, Gender.MALE)])
    with database.write() as s:
        req = s.get(PlacementRequest, rid)
        req.state = state
        s.add(req)
    d = Desk(database, people["worker"])
    words = "A manager must return the proposal" if state == RequestState.PROPOSED else "nothing more can be done"
    with pytest.raises(Conflict, match=words):
        request_children.add_child(d, rid, new_child=ChildInput(first_name="Cy", age=5, gender=Gender.MALE))
    with database.read() as s:
        ben = s.exec(select(Child).where(Child.first_name == "Ben")).one()
    with pytest.raises(Conflict, match=words):
        request_children.remove_child(d, rid, ben.id)
    assert names_on(database, rid) == ["Amy", "Ben"]


def test_a_young_parent_only_on_parent_and_child(database, people):
    mum = ChildInput(first_name="Kayla", last_name="Moss", age=19, gender=Gender.FEMALE)
    baby = ChildInput(first_name="Baby", last_name="Moss", age=0, gender=Gender.UNKNOWN)
    from dutydesk import clock

    def req(ptype, kids):
        with database.write() as s:
            return open_request(s, people["worker"], RequestInput(
                placement_type=ptype, urgency="urgent", needed_from=clock.today(), new_children=kids)).id

    rid = req(PlacementType.PARENT_AND_CHILD, (mum, baby))
    with database.read() as s:
        c = criteria_for_request(s, rid)
    assert c.ages == (19, 0) and c.places_needed == 2 and c.term_ages == (0,)  # the parent's approval covers her
    with pytest.raises(InvalidInput, match="not a child's age.*young parent up to 21 on a parent-and-child"):
        req(PlacementType.SHORT_TERM, (mum,))
    with pytest.raises(InvalidInput, match="only the parent may be a young adult"):
        req(PlacementType.PARENT_AND_CHILD, (mum, ChildInput(first_name="Dad", age=20, gender=Gender.MALE), baby))
    with pytest.raises(InvalidInput, match=f"up to {MAX_PARENT_AGE}"):
        req(PlacementType.PARENT_AND_CHILD, (ChildInput(first_name="Old", age=22, gender=Gender.FEMALE), baby))
    # Adding the baby's sibling later keeps the one-parent rule.
    d = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="only the parent may be a young adult"):
        request_children.add_child(d, rid, new_child=ChildInput(first_name="Aunt", age=18, gender=Gender.FEMALE))
    # The young mother the desk knows is no child for a short-term request.
    other = make_request(database, people["worker"], children=[("Sib", 9, Gender.MALE)],
                         placement_type=PlacementType.SHORT_TERM)
    with database.read() as s:
        kayla = s.exec(select(Child).where(Child.first_name == "Kayla")).one()
    with pytest.raises(InvalidInput, match="Kayla Moss is 19 .*children aged 0 to 17"):
        request_children.add_child(d, other, child=kayla.case_reference)


def test_command_line_add_and_remove_child(database, people, monkeypatch, capsys):
    from dutydesk.cli.main import main

    rid = make_request(database, people["worker"], children=[("Tom", 4, Gender.MALE)],
                       placement_type=PlacementType.SHORT_TERM)
    with database.read() as s:
        ref = s.get(PlacementRequest, rid).reference
    monkeypatch.setenv("DUTYDESK_USER", "dana")

    url = database.url.render_as_string(hide_password=False)

    def run(*args: str) -> tuple[int, str]:
        try:
            main(["--db", url, *args])
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out + err

    code, out = run("requests", "add-child", ref, "--new", "Sam Reed;7;male")
    assert code == 0, out
    assert f"Sam Reed added to {ref}" in out and "Children now: Tom Test, Sam Reed" in out
    code, out = run("requests", "add-child", ref, "--new", "Old Reed;19;male")
    assert code != 0 and "not a child's age" in out
    with database.read() as s:
        sam = s.exec(select(Child).where(Child.first_name == "Sam")).one()
    code, out = run("requests", "remove-child", ref, sam.case_reference, "--json")
    assert code == 0, out
    assert json.loads(out)["children"] == ["Tom Test"]
    with database.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(RequestChild)
                         .where(RequestChild.request_id == rid)).scalar() == 1
