"""Scenario 8 in the services: a connected person recorded tonight with temporary approval, offered for
their own child only, placed through the normal process; one extension; no new child after expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.models import Household, RequestChild
from dutydesk.access.desk import Desk
from dutydesk.carers import connected
from dutydesk.carers.availability import household_warnings
from dutydesk.errors import Conflict, InvalidInput, NotAllowed
from dutydesk.matching import MatchCriteria, match
from dutydesk.overview import dashboard
from dutydesk.requests import decisions, placements
from process_support import make_request, save_search


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T11:00:00+00:00")


def _child_of(db, rid: int) -> int:
    with db.read() as s:
        return s.execute(sa.select(RequestChild.child_id).where(RequestChild.request_id == rid)).scalar_one()


def test_grandmother_tonight_offered_for_her_grandson_only_and_placed_through_the_process(database, people):
    worker, manager = Desk(database, people["worker"]), Desk(database, people["manager"])
    rid = make_request(database, people["worker"])
    other = make_request(database, people["worker"])
    cid = _child_of(database, rid)
    with pytest.raises(InvalidInput, match="Say who they are"):
        connected.record_connected_person(worker, name="Green, Margaret", child_id=cid, reason="")
    t = connected.record_connected_person(worker, name="Green, Margaret (grandmother)", child_id=cid,
                                          reason="grandmother offers tonight", postcode="CT9 2AB")
    assert t.reference == f"CP-{t.household_id:05d}"
    assert (t.approved_on, t.expires_on) == (dt.date(2026, 11, 24), dt.date(2027, 3, 16))  # 16 weeks
    with database.read() as s:
        for_him = match(s, MatchCriteria(from_on=dt.date(2026, 11, 24), child_ids=(cid,)))
        for_other = match(s, MatchCriteria(from_on=dt.date(2026, 11, 24), child_ids=(_child_of(database, other),)))
    assert t.household_id in {r.household_id for r in for_him.ranked}
    assert t.household_id in {e.household_id for e in for_other.excluded}
    save_search(database, people["worker"], rid, [t.household_id])
    dv = decisions.propose(worker, rid, "place", "His grandmother, known to him.", household_id=t.household_id)
    decisions.sign_off(manager, dv.id, "Agreed: temporary approval under regulation 24")
    (p,) = placements.place(worker, rid).placements
    assert p.household_id == t.household_id


def test_one_extension_by_a_manager_and_no_new_child_after_expiry(database, people, monkeypatch):
    worker, manager = Desk(database, people["worker"]), Desk(database, people["manager"])
    rid = make_request(database, people["worker"])
    t = connected.record_connected_person(worker, name="Green, Margaret", child_id=_child_of(database, rid),
                                          reason="grandmother")
    with pytest.raises(NotAllowed):
        connected.extend_approval(worker, t.household_id, 8, reason="panel in March")
    with pytest.raises(InvalidInput, match="1 to 8 weeks"):
        connected.extend_approval(manager, t.household_id, 9, reason="panel in March")
    ext = connected.extend_approval(manager, t.household_id, 8, reason="panel on 3 May")
    assert (ext.expires_on, ext.extended) == (dt.date(2027, 5, 11), True)
    with pytest.raises(Conflict, match="already extended once"):
        connected.extend_approval(manager, t.household_id, 1, reason="again")
    # Ten days before the end: a serious warning on the profile, and on the dashboard.
    monkeypatch.setenv("DUTYDESK_NOW", "2027-05-01T10:00:00+01:00")
    with database.read() as s:
        warn = [w for w in household_warnings(s.get(Household, t.household_id)) if w.code == "approval_ends"]
    assert warn[0].serious and "(in 10 days)" in warn[0].label
    waiting = [w for w in dashboard.load(worker).waiting if w.kind == "household"]
    assert [(w.id, w.title) for w in waiting] == [(t.household_id, f"Approval ends in 10 days: {t.reference}")]
    # After the end: the placement service refuses a new child even with a signed-off decision.
    save_search(database, people["worker"], rid, [t.household_id])
    dv = decisions.propose(worker, rid, "place", "Grandmother.", household_id=t.household_id)
    decisions.sign_off(manager, dv.id, "Agreed")
    monkeypatch.setenv("DUTYDESK_NOW", "2027-05-12T10:00:00+01:00")
    with pytest.raises(Conflict, match="temporary approval ended on 11 May 2027"):
        placements.place(worker, rid)
    with database.read() as s:
        assert s.get(Household, t.household_id).occupied_places == 0


def test_after_expiry_matching_and_the_proposal_agree_the_household_takes_no_new_child(database, people, monkeypatch):
    worker = Desk(database, people["worker"])
    rid = make_request(database, people["worker"])
    cid = _child_of(database, rid)
    t = connected.record_connected_person(worker, name="Green, Margaret", child_id=cid, reason="grandmother")
    monkeypatch.setenv("DUTYDESK_NOW", "2027-03-16T10:00:00+00:00")  # the last day of approval: still offered
    with database.read() as s:
        assert t.household_id in {r.household_id for r in
                                  match(s, MatchCriteria(from_on=dt.date(2027, 3, 16), child_ids=(cid,))).ranked}
    monkeypatch.setenv("DUTYDESK_NOW", "2027-03-17T10:00:00+00:00")
    with database.read() as s:
        res = match(s, MatchCriteria(from_on=dt.date(2027, 3, 17), child_ids=(cid,)))
        (ex,) = [e for e in res.excluded if e.household_id == t.household_id]
        assert [code for code, _ in res.explain(s, [ex])[t.household_id]] == ["expired"]
        assert res.explain(s, [ex])[t.household_id][0][1] == "2027-03-16"  # the rule names the day it ended
    save_search(database, people["worker"], rid, [t.household_id])
    with pytest.raises(Conflict, match="Temporary approval as a connected person ended on 16 Mar 2027"):
        decisions.propose(worker, rid, "place", "His grandmother, known to him.", household_id=t.household_id)
    with database.read() as s:
        assert s.execute(sa.text("SELECT count(*) FROM decisions")).scalar() == 0
