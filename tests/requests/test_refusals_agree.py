"""Matching and the proposal agree (issue 9, point 4): for each rule that refuses a proposal, the
finder said so first, in the same words.

Each case builds one household and one request that fail a single rule, runs matching
for that request (the finder's match), takes its words (a ruled-out rule, or a ranked
household's "needs an exemption"), then proposes that household without an exemption
and checks the refusal carries the very same words. The request screen's carer row
says the same before any proposal. Rules an exemption covers then go ahead with one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import select

from db.enums import Gender, GenderTerms, HouseholdKind, HouseholdStatus, PlacementType
from db.models import Allegation, Child, Household, Placement, RequestChild
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.errors import DeskError
from dutydesk.matching import rules as R
from dutydesk.matching.criteria import criteria_for_request
from dutydesk.matching.engine import match
from dutydesk.requests import decisions, lists
from process_support import make_request, save_search

TYPES = frozenset({PlacementType.EMERGENCY, PlacementType.SHORT_TERM})


@dataclass(frozen=True)
class Case:
    rule: str
    household: dict
    children: list[tuple[str, int, Gender]]
    exemptable: bool
    setup: Callable | None = None  # (database, people, household id, request id) -> None
    family_key: str | None = None


def _hold(database, people, hid, rid):
    with database.write() as s:
        s.add(Allegation(reference="AL-2026-00042", household_id=hid, raised_at=clock.now(),
                         raised_by_id=people["worker"].user_id, summary="A child said a carer hit them."))


def _connected_for_child(database, people, hid, rid):
    with database.write() as s:
        cid = s.exec(select(RequestChild.child_id).where(RequestChild.request_id == rid)).first()
        h = s.get(Household, hid)
        h.connected_child_id = cid
        s.add(h)


def _two_placed(database, people, hid, rid):
    with database.write() as s:
        for i in range(2):
            c = Child(case_reference=f"CR-PLACED-{i}", first_name=f"Placed{i}", last_name="Other",
                      date_of_birth=dt.date(2015, 1, 1), gender=Gender.FEMALE, family_key=f"OTHER-{i}")
            s.add(c)
            s.flush()
            s.add(Placement(reference=f"PL-T-{i}", child_id=c.id, household_id=hid,
                            starts_on=clock.today() - dt.timedelta(days=30), placement_type=PlacementType.SHORT_TERM, place_number=i + 1,
                            created_by_id=people["worker"].user_id))


CASES = [
    Case("status", dict(status=HouseholdStatus.SUSPENDED), [("Amy", 13, Gender.FEMALE)], False),
    Case("status", dict(status=HouseholdStatus.ON_HOLD), [("Amy", 13, Gender.FEMALE)], False, _hold),
    Case("expired", dict(kind=HouseholdKind.CONNECTED_PERSON, approval_expires_on=dt.date(2026, 11, 1)),
         [("Amy", 13, Gender.FEMALE)], False, _connected_for_child),
    Case("siblings", dict(places=1), [("Tom", 4, Gender.MALE), ("Sam", 7, Gender.MALE)], False),
    Case("age", dict(age_min=0, age_max=4), [("Sam", 13, Gender.MALE), ("Leo", 3, Gender.MALE)], True),
    Case("gender", dict(gender_terms=GenderTerms.MALE), [("Amy", 13, Gender.FEMALE)], True),
    Case("type", dict(placement_types=frozenset({PlacementType.LONG_TERM})), [("Amy", 13, Gender.FEMALE)], True),
    Case("usual limit", dict(places=5, occupied_places=2), [("Tom", 4, Gender.MALE), ("Sam", 7, Gender.MALE)],
         True, _two_placed, family_key="REED"),
]


def _household(database, **kw) -> int:
    values = dict(reference="HH-AGREE", name="Agree, Ann", kind=HouseholdKind.IN_HOUSE,
                  status=HouseholdStatus.APPROVED, places=2, age_min=0, age_max=17, placement_types=TYPES)
    values.update(kw)
    with database.write() as s:
        h = Household(**values)
        s.add(h)
        s.flush()
        return h.id


def matching_words(database, rid: int, hid: int) -> list[str]:
    """What the finder shows for the household: its failed rules, or a ranked row's exemption."""
    with database.read() as s:
        res = match(s, criteria_for_request(s, rid))
        ex = res.excluded_for(hid)
        if ex is not None:
            return [R.rule_label(code, arg) for code, arg in res.explain(s, [ex])[hid]]
        ranked = res.ranked_for(hid)
        assert ranked is not None
        return [w.removeprefix("Needs an exemption: ") for w in res.warning_words(ranked)
                if w.startswith("Needs an exemption")]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_the_proposal_refuses_in_matchings_words(database, people, monkeypatch, case):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-27T10:00:00+00:00")
    hid = _household(database, **case.household)
    rid = make_request(database, people["worker"], children=case.children, placement_type=PlacementType.SHORT_TERM,
                       family_key=case.family_key)
    if case.setup:
        case.setup(database, people, hid, rid)
    words = matching_words(database, rid, hid)
    assert len(words) == 1, words  # one rule fails, and matching names it
    said = words[0]
    expected = {
        "status": "Household is suspended; it takes no new placements",
        "expired": "Temporary approval as a connected person ended on 01 Nov 2026",
        "siblings": "Sibling group of 2 is larger than the 1 free place",
        "age": "Sam (13) is outside the approved ages 0-4",
        "gender": "Approved for male children only: Amy is female",
        "type": "Not approved for short term placements",
        "usual limit": R.usual_limit_text(4),
    }
    if case.setup is _hold:
        assert said == "Household is on hold: open allegation AL-2026-00042; it takes no new placements"
    else:
        assert said == expected[case.rule]
    save_search(database, people["worker"], rid, [hid])
    d = Desk(database, people["worker"])
    # The request screen's carer row says it before any proposal.
    (row,) = [r for r in lists.contact_list(d, rid) if r.household_id == hid]
    if case.exemptable:
        assert row.needs_exemption == said and row.refused == ""
    elif case.rule in ("status", "expired"):
        assert row.refused == said and row.needs_exemption == ""
    with pytest.raises(DeskError) as refused:
        decisions.propose(d, rid, "place", "The only home near school tonight.", household_id=hid)
    assert said in str(refused.value)
    if case.exemptable:
        dv = decisions.propose(d, rid, "place", "The only home near school tonight.", household_id=hid,
                               exemption_reason="Manager agreed by phone; reviewed tomorrow.")
        assert dv.outside_terms


def test_all_siblings_over_three_need_no_exemption(database, people, monkeypatch):
    """The usual limit's exception: four brothers of one family, nobody else placed there."""
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-27T10:00:00+00:00")
    hid = _household(database, places=4)
    rid = make_request(database, people["worker"], family_key="BROOKS", placement_type=PlacementType.SHORT_TERM,
                       children=[(n, a, Gender.MALE) for n, a in (("A", 3), ("B", 5), ("C", 7), ("D", 9))])
    assert matching_words(database, rid, hid) == []
    save_search(database, people["worker"], rid, [hid])
    d = Desk(database, people["worker"])
    assert [r.needs_exemption for r in lists.contact_list(d, rid)] == [""]
    assert not decisions.propose(d, rid, "place", "Keeps all four brothers together.", household_id=hid).outside_terms
