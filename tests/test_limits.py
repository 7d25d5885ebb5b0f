"""The limits the dialogs check are the ones the services enforce (dutydesk.*.limits)."""

from __future__ import annotations

import pytest

from dutydesk.access.desk import Desk
from dutydesk.calls import limits as call_limits
from dutydesk.calls.intake import ChildInput, RequestInput, validate_child, validate_request
from dutydesk.errors import InvalidInput
from dutydesk.requests import decisions, steps
from dutydesk.requests.limits import RATIONALE_MIN, REASON_MAX, TEXT_MAX
from process_support import make_household, make_request, save_search


def test_reasons_and_comments_are_held_to_the_dialogs_limits(database, people):
    worker, manager = Desk(database, people["worker"]), Desk(database, people["manager"])
    hid = make_household(database)
    rid = make_request(database, people["worker"])
    save_search(database, people["worker"], rid, [hid])
    with pytest.raises(InvalidInput, match=f"{REASON_MAX} characters or fewer"):
        steps.record_contact(worker, rid, hid, "declined", "x" * (REASON_MAX + 1))
    steps.record_contact(worker, rid, hid, "accepted", "x" * REASON_MAX)
    with pytest.raises(InvalidInput, match=f"at least {RATIONALE_MIN}"):
        decisions.propose(worker, rid, "place", "y" * (RATIONALE_MIN - 1), household_id=hid)
    with pytest.raises(InvalidInput, match=f"{TEXT_MAX} characters or fewer"):
        decisions.propose(worker, rid, "place", "y" * (TEXT_MAX + 1), household_id=hid)
    dv = decisions.propose(worker, rid, "place", "y" * RATIONALE_MIN, household_id=hid)
    with pytest.raises(InvalidInput, match=f"{TEXT_MAX} characters or fewer"):
        decisions.return_decision(manager, dv.id, "z" * (TEXT_MAX + 1))
    with pytest.raises(InvalidInput, match=f"{REASON_MAX} characters or fewer"):
        steps.withdraw(worker, rid, "w" * (REASON_MAX + 1))
    steps.withdraw(worker, rid, "w" * REASON_MAX)


def test_the_call_forms_age_and_distance_limits_are_the_intakes():
    validate_child(ChildInput(first_name="Amy", age=call_limits.MAX_AGE, gender="female"))
    with pytest.raises(InvalidInput, match=f"0 to {call_limits.MAX_AGE}"):
        validate_child(ChildInput(first_name="Amy", age=call_limits.MAX_AGE + 1, gender="female"))
    from dutydesk import clock

    base = dict(placement_type="emergency", urgency="emergency", needed_from=clock.today(), near_place_id=1,
                new_children=(ChildInput(first_name="Amy", age=13, gender="female"),))
    validate_request(RequestInput(**base, max_distance_km=call_limits.MAX_DISTANCE_KM))
    with pytest.raises(InvalidInput, match=f"between 1 and {call_limits.MAX_DISTANCE_KM}"):
        validate_request(RequestInput(**base, max_distance_km=call_limits.MAX_DISTANCE_KM + 1))


def test_the_call_form_says_the_same_limits_as_you_type():
    from screens.call_options import check_age, check_km

    check_age(str(call_limits.MAX_AGE))
    # Up to 21 as you type: a young parent (the service takes it only on a parent-and-child request).
    check_age(str(call_limits.MAX_PARENT_AGE))
    with pytest.raises(InvalidInput, match=f"0 to {call_limits.MAX_AGE} .a young parent: up to "
                                           f"{call_limits.MAX_PARENT_AGE}"):
        check_age(str(call_limits.MAX_PARENT_AGE + 1))
    check_km(str(call_limits.MAX_DISTANCE_KM))
    with pytest.raises(InvalidInput, match=f"1 to {call_limits.MAX_DISTANCE_KM}"):
        check_km(str(call_limits.MAX_DISTANCE_KM + 1))
