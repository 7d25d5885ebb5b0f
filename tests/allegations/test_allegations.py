"""Recording an allegation, the hold, the timeline's timescales and the outcome, on both stores."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from db.enums import AllegationCategory, AllegationOutcome, AllegationStep, HouseholdStatus
from db.models import Allegation, AuditEvent, Household
from dutydesk.access.desk import Desk
from dutydesk.allegations import outcome, record, timeline, views
from dutydesk.allegations.inputs import OutcomeInput
from dutydesk.carers import holds
from dutydesk.carers.households_format import ImportRejected
from dutydesk.carers.households_import import import_households
from dutydesk.errors import Conflict, InvalidInput, NotAllowed
from dutydesk.requests import placements
from allegation_support import add_child, log
from process_support import make_household, make_request, save_search

NOW = "2026-11-24T11:00:00+00:00"  # a Tuesday


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NOW)


def status(db, hid) -> HouseholdStatus:
    with db.read() as s:
        return HouseholdStatus(s.get(Household, hid).status)


def actions(db) -> list[str]:
    with db.read() as s:
        return list(s.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_an_allegation_of_harm_holds_the_household_in_the_same_transaction(database, people):
    hid = make_household(database, "Bell")
    lily = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [lily])
    assert ref.startswith("AL-2026-")
    assert status(database, hid) == HouseholdStatus.ON_HOLD
    with database.read() as s:
        assert holds.holding_allegation(s, hid) == ref
    assert actions(database)[-2:] == ["allegation.recorded", "household.held"]
    a = views.get_allegation(Desk(database, people["viewer"]), ref)
    assert a.on_hold and a.told == ("child's social worker",)
    assert [(c.name, c.concerned, c.placed, c.safety) for c in a.children] == [
        ("Lily Ward", True, True, "under review")]
    assert [st.kind for st in a.steps] == [AllegationStep.LADO_REFERRAL, AllegationStep.STRATEGY_MEETING,
                                           AllegationStep.CONCLUSION]
    assert [st.due_on for st in a.steps] == [dt.date(2026, 11, 25), dt.date(2026, 12, 1), dt.date(2027, 2, 24)]


def test_matching_names_the_allegation_that_holds_the_household(database, people):
    from dutydesk.matching import criteria_for_request, match
    from dutydesk.matching.rules import rule_label

    hid = make_household(database, "Bell")
    lily = add_child(database, household_id=hid, by=people["worker"].user_id)
    rid = make_request(database, people["worker"])
    with database.read() as s:
        before = match(s, criteria_for_request(s, rid))
    assert hid in {r.household_id for r in before.ranked} or before.excluded_for(hid) is not None
    ref = log(database, people["worker"], hid, [lily])
    with database.read() as s:
        result = match(s, criteria_for_request(s, rid))
        assert hid not in {r.household_id for r in result.ranked}
        why = [rule_label(code, arg) for code, arg in result.explain_all(s)[hid]]
    assert f"Household is on hold: open allegation {ref}; it takes no new placements" in why


def test_the_handover_names_the_allegation_behind_a_hold(database, people):
    from dutydesk import clock
    from dutydesk.overview import handover

    hid = make_household(database, "Bell")
    lily = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [lily])
    ho = handover.summary(Desk(database, people["worker"]), since=clock.now() - dt.timedelta(hours=1))
    assert [h.household_id for h in ho.households_on_hold] == [hid]
    assert ho.households_on_hold[0].detail.endswith(f"(open allegation {ref})")


def test_a_failed_record_leaves_no_hold(database, people):
    hid = make_household(database, "Bell")
    lily = add_child(database, household_id=hid, by=people["worker"].user_id)
    other = add_child(database, "Sam", household_id=hid, by=people["worker"].user_id)
    with pytest.raises(InvalidInput, match="every child placed there: Sam Ward"):
        log(database, people["worker"], hid, [lily], placed=[lily])
    assert status(database, hid) == HouseholdStatus.APPROVED
    with database.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Allegation)).scalar() == 0
    assert other


def test_a_concern_does_not_hold(database, people):
    hid = make_household(database, "Shaw")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    log(database, people["worker"], hid, [kid], category=AllegationCategory.STANDARDS)
    assert status(database, hid) == HouseholdStatus.APPROVED


def test_a_placement_in_flight_is_refused_after_the_hold(database, people):
    from dutydesk.requests import decisions

    hid = make_household(database, "Bell", places=2)
    rid = make_request(database, people["worker"])
    save_search(database, people["worker"], rid, [hid])
    dv = decisions.propose(Desk(database, people["worker"]), rid, "place", "The right household for this child.",
                           household_id=hid)
    decisions.sign_off(Desk(database, people["manager"]), dv.id, "Agreed")
    resident = add_child(database, household_id=hid, by=people["worker"].user_id)
    log(database, people["worker"], hid, [resident])
    with pytest.raises(Conflict):
        placements.place(Desk(database, people["worker"]), rid)
    with database.read() as s:
        assert s.get(Household, hid).occupied_places == 0


def test_lifting_needs_a_manager_and_a_recorded_decision(database, people):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid])
    with pytest.raises(NotAllowed, match="Only a manager can lift"):
        record.lift_hold(Desk(database, people["worker"]), ref, "LADO says no further action needed.")
    with pytest.raises(InvalidInput, match="at least 10"):
        record.lift_hold(Desk(database, people["manager"]), ref, "ok")
    assert status(database, hid) == HouseholdStatus.ON_HOLD
    assert record.lift_hold(Desk(database, people["manager"]), ref, "LADO threshold not met; carers safe to take children.")
    assert status(database, hid) == HouseholdStatus.APPROVED
    a = views.get_allegation(Desk(database, people["worker"]), ref)
    assert a.is_open and not a.on_hold and a.hold_lifted_by == "Maya" and "threshold" in a.hold_decision
    assert "allegation.hold_lifted" in actions(database)


def test_a_csv_import_cannot_lift_the_hold(database, people, tmp_path):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid])
    with database.read() as s:
        href = s.get(Household, hid).reference
    path = tmp_path / "h.csv"
    path.write_text(f"reference,name,kind,status,places\n{href},Bell,in_house,approved,1\n")
    with pytest.raises(ImportRejected) as refused:  # refused row by row, naming the allegation
        import_households(Desk(database, people["manager"]), path, update=True)
    assert [p.line for p in refused.value.problems] == [2]
    assert f"open allegation {ref}" in str(refused.value.problems[0])
    assert status(database, hid) == HouseholdStatus.ON_HOLD
    with database.read() as s, pytest.raises(Conflict, match=ref):  # the rule an edit obeys
        holds.refuse_if_held(s, hid, "made available")


def test_christmas_lado_referral_is_due_after_the_bank_holidays(database, people, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-12-24T16:55:00")  # Thursday 24 December, London
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid])
    a = views.get_allegation(Desk(database, people["worker"]), ref)
    referral = a.steps[0]
    assert (referral.kind, referral.due_on) == (AllegationStep.LADO_REFERRAL, dt.date(2026, 12, 29))
    assert referral.due_on.strftime("%A") == "Tuesday"


def test_steps_record_who_when_and_late_ones_say_why(database, people, monkeypatch):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid], at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))  # a Friday
    w = Desk(database, people["worker"])
    with pytest.raises(Conflict, match="LADO referral for .* first"):
        timeline.record_step(w, ref, AllegationStep.LADO_DECISION, "LADO decided.")
    with pytest.raises(InvalidInput, match="say why it was late"):
        timeline.record_step(w, ref, AllegationStep.LADO_REFERRAL, "Referred by phone.")
    assert timeline.record_step(w, ref, AllegationStep.LADO_REFERRAL, "Referred by phone.",
                                delay_reason="LADO line unanswered Monday") == "late"
    assert timeline.record_step(w, ref, AllegationStep.LADO_DECISION, "Threshold met; strategy meeting.") == "met"
    a = views.get_allegation(w, ref)
    by_kind = {st.kind: st for st in a.steps}
    assert by_kind[AllegationStep.LADO_DECISION].due_on == dt.date(2026, 11, 25)
    assert by_kind[AllegationStep.LADO_REFERRAL].done_by == "Dana"
    due = views.due_steps(w)
    assert [(d.step, d.state) for d in due] == []  # the meeting is due Friday 27th
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-30T09:00:00+00:00")
    assert [(d.reference, d.step, d.state) for d in views.due_steps(w)] == [
        (ref, "strategy or evaluation meeting", "overdue")]
    with pytest.raises(Conflict, match="recorded already"):
        timeline.record_step(w, ref, AllegationStep.LADO_REFERRAL, "again")


def test_reviews_carry_the_reason_for_delay_and_set_the_next_month(database, people):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid], at=dt.datetime(2026, 8, 3, 10, tzinfo=dt.UTC))
    w = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="reason for the delay"):
        timeline.record_review(w, ref, "")
    assert timeline.record_review(w, ref, "Police investigation continues.") == dt.date(2026, 12, 24)
    a = views.get_allegation(w, ref)
    conclusion = next(st for st in a.steps if st.kind == AllegationStep.CONCLUSION)
    assert conclusion.due_on == dt.date(2026, 11, 3) and conclusion.delay_reason == "Police investigation continues."
    assert [st.title for st in a.steps if st.done_at is None][-1] == "monthly review 1"


def test_the_carers_support_is_recorded(database, people):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid], at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC))
    w = Desk(database, people["worker"])
    timeline.record_support(w, ref, "Fostering Network independent support offered; accepted.",
                            dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC))
    a = views.get_allegation(w, ref)
    assert a.carers_support.startswith("Fostering Network") and a.carers_told_at.hour == 15
    assert a.events[-1].title == "carers' support"


def test_the_outcome_closes_it_for_good_and_corrections_are_addenda(database, people):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid], at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    inp = OutcomeInput(AllegationOutcome.UNSUBSTANTIATED, dt.date(2026, 11, 24),
                       "LADO enquiry found no evidence; Lily's account changed.", approval_review=True,
                       approval_review_on=dt.date(2027, 1, 15), lift_hold=True)
    with pytest.raises(NotAllowed):
        outcome.record_outcome(Desk(database, people["worker"]), ref, inp)
    outcome.record_outcome(Desk(database, people["manager"]), ref, inp)
    assert status(database, hid) == HouseholdStatus.APPROVED
    w = Desk(database, people["worker"])
    with pytest.raises(Conflict, match="closed.*addendum"):
        timeline.record_step(w, ref, AllegationStep.LADO_REFERRAL, "late entry")
    with pytest.raises(Conflict, match="closed"):
        outcome.record_outcome(Desk(database, people["manager"]), ref, inp)
    with pytest.raises(Conflict, match="closed"):
        record.lift_hold(Desk(database, people["manager"]), ref, "Lifting it again, to be sure.")
    assert outcome.add_note(w, ref, "Correction: the school is Herne Bay Junior.") == "addendum"
    a = views.get_allegation(w, ref)
    assert (a.outcome, a.approval_review_on, a.closed_by) == ("unsubstantiated", dt.date(2027, 1, 15), "Maya")
    assert [e.title for e in a.events][-2:] == ["outcome", "addendum"]
    assert all(st.done_at is not None for st in a.steps if st.kind == AllegationStep.CONCLUSION)
    with database.read() as s:
        detail = json.loads(s.execute(sa.select(AuditEvent.detail).where(AuditEvent.action == "allegation.closed"))
                            .scalar_one())
    assert detail["hold"] == "lifted" and detail["household_released"] is True


def test_an_outcome_may_continue_the_hold(database, people):
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    ref = log(database, people["worker"], hid, [kid], at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    outcome.record_outcome(Desk(database, people["manager"]), ref, OutcomeInput(
        AllegationOutcome.SUBSTANTIATED, dt.date(2026, 11, 24), "Carer admitted it; panel to review approval.",
        approval_review=True, approval_review_on=dt.date(2026, 12, 10), lift_hold=False))
    assert status(database, hid) == HouseholdStatus.ON_HOLD
    assert [r.reference for r in views.list_allegations(Desk(database, people["worker"]), open_only=False)] == [ref]
