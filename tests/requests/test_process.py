"""Every duty-process step and guard, on SQLite and (when given) PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.enums import (
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    Gender,
    PlacementType,
    RequestState,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from db.models import AuditEvent, Candidate, CandidateContact, PlacementRequest, RequestTransition
from dutydesk import working_days
from dutydesk.requests import decisions, lists, lookup, steps, views
from dutydesk.access.audit import verify
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotAllowed, NotFound
from process_support import make_household, make_request, save_search

S = RequestState
DAYTIME = "2026-11-24T11:00:00+00:00"  # a Tuesday, office hours
NIGHT = "2026-11-24T02:10:00+00:00"


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", DAYTIME)


def state_of(db, rid) -> RequestState:
    with db.read() as s:
        return s.get(PlacementRequest, rid).state


def searched_request(db, people, *, ranked=1, **kw):
    worker = people["worker"]
    rid = make_request(db, worker, **kw)
    hids = [make_household(db, f"Household {i} O'Brien [Jr]") for i in range(ranked)]
    save_search(db, worker, rid, hids)
    return rid, hids


# ---------------------------------------------------------------- searching / contacting


def test_contacting_needs_a_saved_search(database, people):
    rid = make_request(database, people["worker"])
    d = Desk(database, people["worker"])
    with pytest.raises(Conflict, match="No saved search yet"):
        steps.start_contacting(d, rid)
    hid = make_household(database)
    with pytest.raises(Conflict, match="No saved search yet"):
        steps.record_contact(d, rid, hid, "accepted")
    with pytest.raises(Conflict, match="No saved search yet"):
        decisions.propose(d, rid, "place", "The only carer who can take her tonight.", household_id=hid)
    assert state_of(database, rid) == S.LOGGED


def test_search_then_contacting_moves_through_searching(database, people):
    rid, _ = searched_request(database, people)
    d = Desk(database, people["worker"])
    out = steps.start_contacting(d, rid)
    assert out.state == S.CONTACTING
    with database.read() as s:
        moves = s.exec(select(RequestTransition).where(RequestTransition.request_id == rid)
                       .order_by(RequestTransition.id)).all()
        assert [(t.from_state, t.to_state) for t in moves] == [
            (None, S.LOGGED), (S.LOGGED, S.SEARCHING), (S.SEARCHING, S.CONTACTING)]
        assert all(t.by_user_id == people["worker"].user_id and t.at is not None for t in moves)
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.entity == "placement_requests",
                                                                     AuditEvent.entity_id == str(rid))).all()]
        assert "request.searching" in actions and "request.contacting" in actions
        assert verify(s).ok


def test_viewer_cannot_move_a_request(database, people):
    rid, hids = searched_request(database, people)
    v = Desk(database, people["viewer"])
    for call in (lambda: steps.start_contacting(v, rid),
                 lambda: steps.record_contact(v, rid, hids[0], "accepted"),
                 lambda: steps.withdraw(v, rid, "no longer needed")):
        with pytest.raises(NotAllowed):
            call()


def test_contact_outcomes_and_two_tries_without_answer(database, people):
    rid, hids = searched_request(database, people, ranked=3)
    d = Desk(database, people["worker"])
    r1 = steps.record_contact(d, rid, hids[0], "no_answer")
    assert r1.no_answer_tries == 1 and r1.state == S.CONTACTING
    r2 = steps.record_contact(d, rid, hids[0], "no_answer", "rang twice, voicemail")
    assert r2.no_answer_tries == 2 and "no answer after 2 tries" in r2.message
    with pytest.raises(InvalidInput, match="reason"):
        steps.record_contact(d, rid, hids[1], "declined", "   ")
    r3 = steps.record_contact(d, rid, hids[1], "declined", "Ann [/] is unwell this week")
    assert r3.candidate_status == CandidateStatus.DECLINED_BY_CARER
    with pytest.raises(InvalidInput, match="ruled out"):
        steps.record_contact(d, rid, hids[2], "ruled_out")
    steps.record_contact(d, rid, hids[2], "ruled_out", "too far from her school\x1b[2J")
    with pytest.raises(InvalidInput, match="accepted, declined"):
        steps.record_contact(d, rid, hids[2], "maybe")
    with database.read() as s:
        cands = {c.household_id: c for c in s.exec(select(Candidate).where(Candidate.request_id == rid)).all()}
        assert cands[hids[0]].status == CandidateStatus.NO_ANSWER
        assert cands[hids[0]].status_reason.startswith("no answer after 2 tries")
        assert cands[hids[1]].status_reason == "Ann [/] is unwell this week"
        assert "\x1b" not in cands[hids[2]].status_reason
        n = s.exec(select(sa.func.count()).select_from(CandidateContact)).one()
        assert n == 4
        assert cands[hids[0]].score is not None  # taken from the saved search


# ---------------------------------------------------------------- proposing


def test_proposal_needs_a_rationale_and_a_household(database, people):
    rid, hids = searched_request(database, people)
    d = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="rationale"):
        decisions.propose(d, rid, "place", "", household_id=hids[0])
    with pytest.raises(InvalidInput, match="rationale"):
        decisions.propose(d, rid, "place", "ok", household_id=hids[0])
    with pytest.raises(InvalidInput, match="which household"):
        decisions.propose(d, rid, "place", "Nearest carer with a bed tonight.")
    with pytest.raises(InvalidInput, match="Choose what you propose"):
        decisions.propose(d, rid, "adopt", "Nearest carer with a bed tonight.")
    dv = decisions.propose(d, rid, DecisionKind.PLACE, "Nearest carer with a bed tonight [bold]ok[/]",
                         household_id=hids[0])
    assert dv.status == DecisionStatus.PROPOSED and dv.rationale.endswith("[/]")
    assert state_of(database, rid) == S.PROPOSED
    with pytest.raises(Conflict, match="proposed"):
        decisions.propose(d, rid, "place", "A second proposal while one is open.", household_id=hids[0])


def test_proposal_refused_when_household_is_full(database, people):
    rid = make_request(database, people["worker"])
    full = make_household(database, "Full house", places=2, occupied=2)
    save_search(database, people["worker"], rid, [full])
    with pytest.raises(Conflict, match="Full house has no free place any more"):
        decisions.propose(Desk(database, people["worker"]), rid, "place", "They know her from respite.",
                        household_id=full)


def test_proposal_refused_for_a_carer_who_declined(database, people):
    rid, hids = searched_request(database, people)
    d = Desk(database, people["worker"])
    steps.record_contact(d, rid, hids[0], "declined", "no bed after all")
    with pytest.raises(Conflict, match="declined by carer"):
        decisions.propose(d, rid, "place", "They were the nearest carer.", household_id=hids[0])


def test_outside_terms_needs_an_exemption_reason(database, people):
    rid = make_request(database, people["worker"], children=[("Zoe", 15, Gender.FEMALE)])
    young = make_household(database, "Young ones only", age_min=0, age_max=11)
    save_search(database, people["worker"], rid, [young])
    d = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="outside its terms of approval.*approved ages 0-11.*exemption"):
        decisions.propose(d, rid, "place", "She knows this family well.", household_id=young)
    dv = decisions.propose(d, rid, "place", "She knows this family well.", household_id=young,
                         exemption_reason="Known to the child; one night only")
    assert dv.outside_terms and dv.exemption_reason == "Known to the child; one night only"


def test_over_the_usual_limit_unless_all_siblings(database, people):
    d = Desk(database, people["worker"])
    big = make_household(database, "Big house", places=5, occupied=2)
    rid = make_request(database, people["worker"], children=[("A", 5, Gender.MALE), ("B", 7, Gender.MALE)],
                       placement_type=PlacementType.SHORT_TERM, urgency=Urgency.PLANNED, family_key="FAM1")
    save_search(database, people["worker"], rid, [big])
    with pytest.raises(InvalidInput, match="over the usual limit of 3"):
        decisions.propose(d, rid, "place", "Room for both brothers together.", household_id=big)
    # An empty household taking four siblings is within terms.
    sib = make_household(database, "Sibling house", places=4)
    rid2 = make_request(database, people["worker"],
                        children=[("C", 3, Gender.MALE), ("D", 5, Gender.MALE), ("E", 6, Gender.FEMALE),
                                  ("F", 8, Gender.FEMALE)],
                        placement_type=PlacementType.SHORT_TERM, urgency=Urgency.PLANNED, family_key="FAM2")
    save_search(database, people["worker"], rid2, [sib])
    assert not decisions.propose(d, rid2, "place", "Keeps all four together.", household_id=sib).outside_terms


def test_placement_type_outside_terms(database, people):
    rid = make_request(database, people["worker"], placement_type=PlacementType.PARENT_AND_CHILD,
                       urgency=Urgency.URGENT)
    h = make_household(database, "Short term only", types=frozenset({PlacementType.SHORT_TERM}))
    save_search(database, people["worker"], rid, [h])
    with pytest.raises(InvalidInput, match="Not approved for parent and child placements"):
        decisions.propose(Desk(database, people["worker"]), rid, "place", "Only household nearby.", household_id=h)


# ---------------------------------------------------------------- sign-off


def proposed(database, people, **kw):
    rid, hids = searched_request(database, people, **kw)
    dv = decisions.propose(Desk(database, people["worker"]), rid, "place", "Nearest carer with a bed tonight.",
                         household_id=hids[0])
    return rid, hids, dv


def test_only_a_manager_signs_off(database, people):
    rid, _, dv = proposed(database, people)
    for who in ("worker", "worker2", "admin", "viewer"):
        with pytest.raises(NotAllowed, match="manager"):
            decisions.sign_off(Desk(database, people[who]), dv.id)
    assert state_of(database, rid) == S.PROPOSED


def test_nobody_signs_off_their_own_decision(database, people):
    rid, hids = searched_request(database, people)
    m = Desk(database, people["manager"])
    dv = decisions.propose(m, rid, "place", "I am covering duty myself today.", household_id=hids[0])
    with pytest.raises(NotAllowed, match="nobody signs off their own"):
        decisions.sign_off(m, dv.id)
    with pytest.raises(NotAllowed):
        decisions.return_decision(m, dv.id, "looks fine")
    out = decisions.sign_off(Desk(database, people["manager2"]), dv.id, "Agreed")
    assert out.status == DecisionStatus.SIGNED_OFF and out.signed_off_by == "Mark"
    assert state_of(database, rid) == S.SIGNED_OFF


def test_sign_off_and_immutability(database, people):
    rid, _, dv = proposed(database, people)
    m = Desk(database, people["manager"])
    w = Desk(database, people["worker"])
    decisions.amend_decision(w, dv.id, "Nearest carer with a bed tonight; knows the school.")
    with pytest.raises(NotAllowed):
        decisions.amend_decision(Desk(database, people["worker2"]), dv.id, "Someone else's words here.")
    signed = decisions.sign_off(m, dv.id, "Agreed [b]x[/b]")
    assert signed.signoff_comment == "Agreed [b]x[/b]" and signed.signed_off_at is not None
    with pytest.raises(Conflict, match="already signed off"):
        decisions.sign_off(Desk(database, people["manager2"]), dv.id)
    with pytest.raises(Conflict, match="cannot be changed; add an addendum"):
        decisions.amend_decision(w, dv.id, "Changing my mind after sign-off.")
    with pytest.raises(Conflict):
        decisions.return_decision(Desk(database, people["manager2"]), dv.id, "too late")
    after = decisions.add_addendum(w, dv.id, "Correction: the carer's surname is O'Brien [Jr].")
    assert after.rationale == "Nearest carer with a bed tonight; knows the school."
    assert [a[2] for a in after.addenda] == ["Correction: the carer's surname is O'Brien [Jr]."]
    with pytest.raises(InvalidInput):
        decisions.add_addendum(w, dv.id, "  ")


def test_return_with_comments(database, people):
    rid, hids, dv = proposed(database, people)
    m = Desk(database, people["manager"])
    with pytest.raises(InvalidInput, match="comment"):
        decisions.return_decision(m, dv.id, "")
    out = decisions.return_decision(m, dv.id, "Ring the second carer first; she is nearer the school.")
    assert out.status == DecisionStatus.RETURNED and out.returned_by == "Maya"
    assert state_of(database, rid) == S.CONTACTING
    with pytest.raises(Conflict, match="returned"):
        decisions.sign_off(m, dv.id)
    # The worker can propose again.
    dv2 = decisions.propose(Desk(database, people["worker"]), rid, "place", "Second carer is unavailable.",
                          household_id=hids[0])
    assert dv2.id != dv.id
    with database.read() as s:
        assert lookup.current_decision(s, rid).id == dv2.id


# ---------------------------------------------------------------- closing


def test_close_unmet_records_categories_and_what_was_done(database, people):
    rid, _ = searched_request(database, people)
    d = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="at least one unmet-need category"):
        steps.close_unmet(d, rid, [], "ifa_commissioned")
    with pytest.raises(InvalidInput, match="done instead"):
        steps.close_unmet(d, rid, ["sibling_group"], None)
    with pytest.raises(InvalidInput, match="categories are"):
        steps.close_unmet(d, rid, ["tall"], "escalated")
    with pytest.raises(InvalidInput, match="note is needed"):
        steps.close_unmet(d, rid, ["other"], "other")
    out = steps.close_unmet(d, rid, [UnmetNeed.SIBLING_GROUP, "age_band"], UnmetResolution.IFA_COMMISSIONED,
                              "Commissioned from an IFA")
    assert out.state == S.CLOSED_UNMET
    with database.read() as s:
        req = s.get(PlacementRequest, rid)
        assert req.unmet_needs == frozenset({UnmetNeed.SIBLING_GROUP, UnmetNeed.AGE_BAND})
        assert req.unmet_resolution == UnmetResolution.IFA_COMMISSIONED
    with pytest.raises(Conflict, match="already closed unmet"):
        steps.withdraw(d, rid, "changed mind")


def test_close_unmet_needs_the_search_as_evidence(database, people):
    rid = make_request(database, people["worker"])
    with pytest.raises(Conflict, match="No saved search"):
        steps.close_unmet(Desk(database, people["worker"]), rid, ["age_band"], "escalated")


def test_withdraw_needs_a_reason_from_any_open_state(database, people):
    d = Desk(database, people["worker"])
    rid = make_request(database, people["worker"])
    with pytest.raises(InvalidInput, match="reason"):
        steps.withdraw(d, rid, " ")
    assert steps.withdraw(d, rid, "Child returned home with a safety plan").state == S.WITHDRAWN
    rid2, _, _ = proposed(database, people)
    assert steps.withdraw(d, rid2, "Family member came forward").state == S.WITHDRAWN
    with database.read() as s:
        assert s.get(PlacementRequest, rid2).closed_reason == "Family member came forward"


def test_unknown_request(database, people):
    with pytest.raises(NotFound, match="no placement request"):
        steps.start_contacting(Desk(database, people["worker"]), 999)


def test_find_by_reference_and_list(database, people):
    rid, _ = searched_request(database, people)
    d = Desk(database, people["worker"])
    detail = views.request_detail(d, rid)
    assert views.request_detail(d, detail.reference.lower()).id == rid
    rows = lists.list_requests(d)
    assert [r.id for r in rows] == [rid] and rows[0].children == "Amy Test"
    steps.withdraw(d, rid, "no longer needed")
    assert lists.list_requests(d) == []
    assert len(lists.list_requests(d, open_only=False)) == 1


def test_working_days_count_english_bank_holidays():
    # Friday 18 Dec 2026 + 5 working days: 21, 22, 23, 24 Dec, then 25/26/28 are holidays -> 29 Dec.
    assert working_days.add_working_days(dt.date(2026, 12, 18), 5) == dt.date(2026, 12, 29)
    # Thursday 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr skipped.
    assert working_days.add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
    assert working_days.working_days_between(dt.date(2026, 12, 18), dt.date(2026, 12, 29)) == 5
    assert working_days.is_out_of_hours(dt.datetime(2026, 11, 24, 2, 10, tzinfo=dt.UTC))
    assert not working_days.is_out_of_hours(dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC))
    assert working_days.is_out_of_hours(dt.datetime(2026, 12, 25, 11, 0, tzinfo=dt.UTC))


def test_contact_list_keeps_the_search_order_whatever_the_outcomes(database, people):
    rid, hids = searched_request(database, people, ranked=3)
    d = Desk(database, people["worker"])
    assert [r.status for r in lists.contact_list(d, rid)] == ["ranked"] * 3
    steps.record_contact(d, rid, hids[2], "no_answer")
    rows = lists.contact_list(d, rid)
    assert [r.household_id for r in rows] == [hids[0], hids[1], hids[2]]  # no row moved
    assert rows[2].status == "no_answer" and rows[2].no_answer_tries == 1 and rows[2].rank == 3
    assert rows[0].why == "3 km from school (+5)"


def test_a_mistaken_outcome_is_superseded_by_a_correction(database, people):
    from dutydesk.requests.corrections import correct_last_outcome

    rid, hids = searched_request(database, people, ranked=3)
    d = Desk(database, people["worker"])
    steps.record_contact(d, rid, hids[1], "no_answer")
    steps.record_contact(d, rid, hids[1], "no_answer")
    with pytest.raises(InvalidInput, match="a reason is needed"):
        correct_last_outcome(d, rid, hids[1], "  ")
    done = correct_last_outcome(d, rid, hids[1], "the second call was to another carer")
    assert done.status == CandidateStatus.NO_ANSWER
    row = next(r for r in lists.contact_list(d, rid) if r.household_id == hids[1])
    assert row.status == "no_answer" and row.no_answer_tries == 1  # the superseded try no longer counts
    correct_last_outcome(d, rid, hids[1], "never phoned at all")
    row = next(r for r in lists.contact_list(d, rid) if r.household_id == hids[1])
    assert row.status == "shortlisted" and row.no_answer_tries == 0
    with pytest.raises(NotFound, match="nothing to correct"):
        correct_last_outcome(d, rid, hids[1], "again")
    with pytest.raises(NotFound, match="nothing to correct"):
        correct_last_outcome(d, rid, hids[0], "never tried")
    with database.read() as s:
        entries = s.exec(select(CandidateContact).order_by(CandidateContact.id)).all()
        assert len(entries) == 4 and [e.supersedes_id for e in entries] == [None, None, entries[1].id,
                                                                              entries[0].id]


def test_every_step_finds_a_request_and_refuses_a_closed_one_in_the_same_words(database, people):
    from dutydesk.requests import placements, searches
    from dutydesk.requests.shortlist import shortlist

    d = Desk(database, people["worker"])
    rid, hids = searched_request(database, people)
    with database.read() as s:
        ref = s.get(PlacementRequest, rid).reference
    assert steps.withdraw(d, ref.lower(), "Child returned home").state == S.WITHDRAWN  # by reference too
    said = f"Request {ref} is already withdrawn; nothing more can be done to it."
    for step in (lambda: steps.mark_searched(d, rid), lambda: steps.start_contacting(d, rid),
                 lambda: steps.record_contact(d, rid, hids[0], "accepted"),
                 lambda: steps.close_unmet(d, rid, ["other"], "other", "IFA found"),
                 lambda: steps.withdraw(d, ref, "again"),
                 lambda: decisions.propose(d, rid, "escalate", "Nothing left in county tonight."),
                 lambda: placements.place(d, rid), lambda: searches.run_and_save(d, rid),
                 lambda: shortlist(d, rid, hids[0])):
        with pytest.raises(Conflict) as err:
            step()
        assert str(err.value) == said
    with pytest.raises(NotFound, match="no placement request 'REQ-1999-99999'"):
        searches.run_and_save(d, "REQ-1999-99999")
