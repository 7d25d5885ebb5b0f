"""The request's change stamp: it moves with every change the request screen shows, and only then."""

from __future__ import annotations

from dutydesk.access.desk import Desk
from dutydesk.requests import decisions, placements, steps
from dutydesk.requests.stamp import change_stamp
from process_support import make_household, make_request, save_search


def test_the_stamp_moves_with_each_step_of_the_duty_process(database, people):
    worker, manager = Desk(database, people["worker"]), Desk(database, people["manager"])
    hid = make_household(database, places=2)
    rid = make_request(database, people["worker"])
    seen = [change_stamp(worker, rid)]
    assert change_stamp(worker, rid) == seen[-1]  # nothing changed: the same stamp

    def moved() -> None:
        now = change_stamp(worker, rid)
        assert now not in seen, "the stamp did not change"
        seen.append(now)

    save_search(database, people["worker"], rid, [hid])
    moved()
    steps.record_contact(worker, rid, hid, "no_answer")
    moved()
    steps.record_contact(worker, rid, hid, "accepted")
    moved()
    dv = decisions.propose(worker, rid, "place", "Accepted and near her school.", household_id=hid)
    moved()
    decisions.return_decision(manager, dv.id, "Check the other carer first")
    moved()
    dv = decisions.propose(worker, rid, "place", "Checked: the other carer cannot.", household_id=hid)
    moved()
    decisions.sign_off(manager, dv.id, "")
    moved()
    placements.place(worker, rid)
    moved()
    assert change_stamp(Desk(database, people["viewer"]), rid) == seen[-1]  # anyone who may read sees it


def test_another_requests_change_leaves_the_stamp_alone(database, people):
    worker = Desk(database, people["worker"])
    hid = make_household(database)
    mine, other = make_request(database, people["worker"]), make_request(database, people["worker"])
    before = change_stamp(worker, mine)
    save_search(database, people["worker"], other, [hid])
    steps.record_contact(worker, other, hid, "accepted")
    assert change_stamp(worker, mine) == before


def test_an_unknown_request_has_the_empty_stamp(database, people):
    assert change_stamp(Desk(database, people["worker"]), 987654) == ()
