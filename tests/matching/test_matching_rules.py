"""Hard rules one by one, the soft factors, weights and the saved search (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from db.enums import (
    Gender,
    GenderTerms,
    HouseholdKind,
    HouseholdStatus,
    PlacementType,
    RequestState,
    Specialism,
)
from db.models import AuditEvent, Candidate, PlacementRequest, Search, SearchResult
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotAllowed
from dutydesk.matching import MatchCriteria, criteria_for_request, match
from dutydesk.matching import rules as R
from dutydesk.matching.factors import score_of
from dutydesk.matching.saved import stored_outcome
from dutydesk.requests.searches import run_and_save
from dutydesk.matching.weights import Weights, load_weights
from dutydesk.requests.shortlist import shortlist
from matching_builders import TODAY, child, household, placement, places, request, unavailable

W = Weights()


def run(db, crit, **kw):
    with db.read() as s:
        return match(s, crit, weights=W, today=TODAY, **kw)


def codes(result, ref):
    for e in result.excluded:
        if e.reference == ref:
            return e.codes
    return None


def labels(db, result, ref):
    e = next(e for e in result.excluded if e.reference == ref)
    with db.read() as s:
        return [R.rule_label(code, arg) for code, arg in result.explain(s, [e])[e.household_id]]


@pytest.fixture
def base(database):
    return places(database)


def crit(**kw):
    kw.setdefault("from_on", TODAY)
    return MatchCriteria(**kw)


def test_status_rule_names_the_status(database, base):
    household(database, "H-OK")
    household(database, "H-HOLD", status=HouseholdStatus.ON_HOLD)
    household(database, "H-SUSP", status=HouseholdStatus.SUSPENDED)
    household(database, "H-ASSESS", status=HouseholdStatus.IN_ASSESSMENT)
    household(database, "H-RES", status=HouseholdStatus.RESIGNED)
    res = run(database, crit())
    assert [r.reference for r in res.ranked] == ["H-OK"]
    for ref in ("H-HOLD", "H-SUSP", "H-ASSESS", "H-RES"):
        assert codes(res, ref) == ["status"]
    assert "on hold" in labels(database, res, "H-HOLD")[0]
    assert "still in assessment" in labels(database, res, "H-ASSESS")[0]


def test_vacancy_counts_placements_overlapping_the_dates(database, base, people):
    uid = people["worker"].user_id
    full = household(database, "H-FULL", places=1)
    later = household(database, "H-LATER", places=1)
    household(database, "H-FREE", places=1)
    placement(database, child(database, "C1"), full, uid, starts_on=TODAY - dt.timedelta(days=30))
    # Ends in 10 days: occupied now, free for dates after that.
    placement(database, child(database, "C2"), later, uid, starts_on=TODAY - dt.timedelta(days=30),
              planned_end_on=TODAY + dt.timedelta(days=10))
    now = run(database, crit())
    assert codes(now, "H-FULL") == ["vacancy"]
    assert codes(now, "H-LATER") == ["vacancy"]
    assert "1 of 1 places taken" in labels(database, now, "H-FULL")[0]
    later_res = run(database, crit(from_on=TODAY + dt.timedelta(days=12), until_on=TODAY + dt.timedelta(days=40)))
    assert "H-LATER" in [r.reference for r in later_res.ranked]
    assert codes(later_res, "H-FULL") == ["vacancy"]


def test_ended_placement_frees_its_place(database, base, people):
    uid = people["worker"].user_id
    h = household(database, "H-ENDED", places=1)
    placement(database, child(database, "C1"), h, uid, starts_on=TODAY - dt.timedelta(days=90),
              ended_on=TODAY - dt.timedelta(days=1))
    res = run(database, crit())
    assert [r.reference for r in res.ranked] == ["H-ENDED"]


def test_future_placement_blocks_overlapping_dates_only(database, base, people):
    uid = people["worker"].user_id
    h = household(database, "H-BOOKED", places=1)
    placement(database, child(database, "C1"), h, uid, starts_on=TODAY + dt.timedelta(days=20), count_now=False)
    assert codes(run(database, crit(until_on=TODAY + dt.timedelta(days=7))), "H-BOOKED") is None
    assert codes(run(database, crit(until_on=TODAY + dt.timedelta(days=30))), "H-BOOKED") == ["vacancy"]
    assert codes(run(database, crit()), "H-BOOKED") == ["vacancy"]  # open-ended reaches it


def test_counter_is_respected_for_today(database, base):
    """The atomic occupied counter is authoritative for dates starting today."""
    household(database, "H-COUNTER", places=1, occupied_places=1)
    assert codes(run(database, crit()), "H-COUNTER") == ["vacancy"]
    assert codes(run(database, crit(from_on=TODAY + dt.timedelta(days=5))), "H-COUNTER") is None


def test_unavailable_period_overlapping_means_no_place(database, base):
    h = household(database, "H-AWAY")
    household(database, "H-HOME")
    unavailable(database, h, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=10))
    res = run(database, crit(until_on=TODAY + dt.timedelta(days=5)))
    assert codes(res, "H-AWAY") == ["unavailable"]
    assert "Declared unavailable" in labels(database, res, "H-AWAY")[0]
    # Dates after the holiday: available again.
    assert codes(run(database, crit(from_on=TODAY + dt.timedelta(days=11))), "H-AWAY") is None
    # Open-ended: looks 14 days ahead, so a holiday in 3 days counts but one in a month does not.
    assert codes(run(database, crit()), "H-AWAY") == ["unavailable"]
    h2 = household(database, "H-AUGUST")
    unavailable(database, h2, TODAY + dt.timedelta(days=60), TODAY + dt.timedelta(days=70))
    assert codes(run(database, crit()), "H-AUGUST") is None


def test_sibling_group_larger_than_free_places(database, base):
    household(database, "H-TWO", places=2)
    household(database, "H-THREE", places=3)
    res = run(database, crit(ages=(4, 7, 9), genders=(Gender.MALE,) * 3))
    assert codes(res, "H-TWO") == ["siblings"]
    assert labels(database, res, "H-TWO") == ["Sibling group of 3 is larger than the 2 free places"]
    assert [r.reference for r in res.ranked] == ["H-THREE"]


def test_age_gender_and_type_within_terms(database, base):
    household(database, "H-YOUNG", age_min=0, age_max=10)
    household(database, "H-BOYS", gender_terms=GenderTerms.MALE)
    household(database, "H-NOEMERG", placement_types=frozenset({PlacementType.LONG_TERM}))
    household(database, "H-ALL")
    res = run(database, crit(ages=(13,), genders=(Gender.FEMALE,), placement_type=PlacementType.EMERGENCY))
    assert codes(res, "H-YOUNG") == ["age"]
    assert labels(database, res, "H-YOUNG") == ["A child of 13 is outside the approved ages 0-10"]
    assert codes(res, "H-BOYS") == ["gender"]
    assert codes(res, "H-NOEMERG") == ["type"]
    assert [r.reference for r in res.ranked] == ["H-ALL"]


def test_every_failed_rule_is_named(database, base):
    household(database, "H-MANY", status=HouseholdStatus.ON_HOLD, age_min=0, age_max=4,
              placement_types=frozenset({PlacementType.SHORT_BREAKS}), pets=True)
    res = run(database, crit(ages=(15,), placement_type=PlacementType.REMAND, no_pets=True))
    assert codes(res, "H-MANY") == ["status", "age", "type", "pets"]


def test_needs_and_facilities(database, base):
    household(database, "H-DIS", specialisms=frozenset({Specialism.DISABILITY}), wheelchair_access=True)
    household(database, "H-DIS-STAIRS", specialisms=frozenset({Specialism.DISABILITY}))
    household(database, "H-PLAIN")
    res = run(database, crit(needs=frozenset({Specialism.DISABILITY}), wheelchair=True))
    assert [r.reference for r in res.ranked] == ["H-DIS"]
    assert codes(res, "H-DIS-STAIRS") == ["wheelchair"]
    assert codes(res, "H-PLAIN") == ["needs", "wheelchair"]
    assert labels(database, res, "H-PLAIN")[0] == "Not approved for needed specialism: disability"


def test_household_limits(database, base):
    household(database, "H-TODDLER", other_children_ages="2,12")
    household(database, "H-TEEN", other_children_ages="15")
    household(database, "H-SMOKE", smoker=True)
    household(database, "H-EMPTY")
    res = run(database, crit(ages=(8,), no_younger_children=True, no_smokers=True))
    assert codes(res, "H-TODDLER") == ["younger"]
    assert labels(database, res, "H-TODDLER") == ["A younger child lives there (own children aged 2, 12)"]
    assert codes(res, "H-TEEN") is None
    assert codes(res, "H-SMOKE") == ["smoker"]
    res2 = run(database, crit(ages=(8,), no_other_children=True))
    assert codes(res2, "H-TEEN") == ["others"]
    assert codes(res2, "H-EMPTY") is None


def test_connected_person_only_for_their_own_child(database, base, people):
    uid = people["worker"].user_id
    gran = household(database, "H-GRAN", kind=HouseholdKind.CONNECTED_PERSON, places=2,
                     approval_expires_on=TODAY + dt.timedelta(weeks=10))
    grandson = child(database, "C-GRANDSON", age=6, gender=Gender.MALE, family_key="FAM-1")
    brother = child(database, "C-BROTHER", age=8, gender=Gender.MALE, family_key="FAM-1")
    other = child(database, "C-OTHER", age=6, gender=Gender.MALE)
    placement(database, grandson, gran, uid, starts_on=TODAY - dt.timedelta(days=5))
    r_other = request(database, uid, [other])
    r_brother = request(database, uid, [brother])
    with database.read() as s:
        res_other = match(s, criteria_for_request(s, r_other), weights=W, today=TODAY)
        res_brother = match(s, criteria_for_request(s, r_brother), weights=W, today=TODAY)
    assert codes(res_other, "H-GRAN") == ["connected"]
    ranked = {r.reference: r for r in res_brother.ranked}
    assert "H-GRAN" in ranked
    assert ranked["H-GRAN"].inputs.continuity_sibling


def test_connected_person_expired_approval(database, base, people):
    household(database, "H-KIN", kind=HouseholdKind.CONNECTED_PERSON,
              approval_expires_on=TODAY - dt.timedelta(days=1))
    res = run(database, crit())
    assert codes(res, "H-KIN") == ["expired", "connected"]


def test_distance_limit(database, base):
    household(database, "H-MARGATE", place="Margate")
    household(database, "H-SEVENOAKS", place="Sevenoaks")
    household(database, "H-NOWHERE", place=None)
    res = run(database, crit(near_place_id=base["Margate"], near_label="Margate", max_distance_km=30))
    assert [r.reference for r in res.ranked] == ["H-MARGATE"]
    assert codes(res, "H-SEVENOAKS") == ["distance"]
    assert "km away" in labels(database, res, "H-SEVENOAKS")[0]
    assert codes(res, "H-NOWHERE") == ["distance"]


# -- soft factors -----------------------------------------------------------

def test_nearer_household_ranks_higher_and_ties_break_by_reference(database, base):
    household(database, "H-B-NEAR", place="Ramsgate")
    household(database, "H-A-FAR", place="Ashford")
    household(database, "H-C-SAME", place="Ramsgate")
    res = run(database, crit(near_place_id=base["Margate"], near_label="Margate"))
    assert [r.reference for r in res.ranked] == ["H-B-NEAR", "H-C-SAME", "H-A-FAR"]
    top = res.contributions(res.ranked[0])
    assert top[0].code == "distance" and "from Margate" in top[0].label


def test_scores_equal_the_sum_of_shown_contributions(database, base, people):
    uid = people["worker"].user_id
    h1 = household(database, "H1", place="Dover", languages="english, pashto", religion="Muslim",
                   vacant_since=TODAY - dt.timedelta(days=47), kind=HouseholdKind.IFA)
    household(database, "H2", place="Deal", ethnicity="Afghan")
    placement(database, child(database, "OLD", needs=frozenset({Specialism.UASC})), h1, uid,
              starts_on=TODAY - dt.timedelta(days=400), ended_on=TODAY - dt.timedelta(days=100))
    c = crit(near_place_id=base["Dover"], language="Pashto", religion="muslim", ethnicity="afghan",
             needs=frozenset())
    res = run(database, c)
    for r in res.ranked:
        assert r.score == pytest.approx(round(sum(x.points for x in res.contributions(r)), 2))
        assert r.score == pytest.approx(score_of(r.inputs, W))
    h1r = res.ranked_for(h1)
    byc = {x.code: x for x in res.contributions(h1r)}
    assert byc["language"].points == W.language_match and byc["language"].label == "Speaks Pashto"
    assert byc["religion"].points == W.religion_match
    assert byc["vacancy"].label == "Place empty for 47 days"
    assert byc["kind"].points == W.kind_ifa < 0


def test_experience_counts_placements_with_the_needs(database, base, people):
    uid = people["worker"].user_id
    exp = household(database, "H-EXP", places=3, specialisms=frozenset({Specialism.DISABILITY}))
    household(database, "H-NEW", specialisms=frozenset({Specialism.DISABILITY}))
    for i in range(7):
        placement(database, child(database, f"D{i}", needs=frozenset({Specialism.DISABILITY})), exp, uid,
                  starts_on=TODAY - dt.timedelta(days=900 - i * 100), ended_on=TODAY - dt.timedelta(days=800 - i * 100))
    res = run(database, crit(needs=frozenset({Specialism.DISABILITY})))
    assert res.ranked[0].reference == "H-EXP"
    e = next(x for x in res.contributions(res.ranked[0]) if x.code == "experience")
    assert e.points == W.experience_per_placement * W.experience_cap  # capped


def test_continuity_child_known(database, base, people):
    uid = people["worker"].user_id
    known = household(database, "H-Z-KNOWN", place="Canterbury")
    household(database, "H-A-NEAR", place="Margate")
    kid = child(database, "C-BACK", age=9)
    placement(database, kid, known, uid, starts_on=TODAY - dt.timedelta(days=300), ended_on=TODAY - dt.timedelta(days=200))
    r = request(database, uid, [kid], near_place_id=base["Margate"])
    with database.read() as s:
        res = match(s, criteria_for_request(s, r), weights=W, today=TODAY)
    assert res.ranked[0].reference == "H-Z-KNOWN"
    assert any(x.code == "continuity_child" for x in res.contributions(res.ranked[0]))


def test_in_house_before_ifa_and_load(database, base, people):
    household(database, "H-A-IFA", kind=HouseholdKind.IFA)
    household(database, "H-B-INHOUSE")
    household(database, "H-C-BUSY", places=3, occupied_places=2)
    res = run(database, crit())
    assert [r.reference for r in res.ranked] == ["H-B-INHOUSE", "H-C-BUSY", "H-A-IFA"]


def test_warnings_for_lapsed_dates_are_shown(database, base):
    household(database, "H-LAPSED", dbs_expires_on=TODAY - dt.timedelta(days=3),
              annual_review_due=TODAY - dt.timedelta(days=40))
    res = run(database, crit())
    r = res.ranked[0]
    from dutydesk.matching.result import warning_labels
    assert warning_labels(r.warnings) == ["DBS check lapsed: renew it before placing", "Annual review overdue"]


def test_weights_come_from_the_override_file(tmp_path, monkeypatch):
    (tmp_path / "weights.toml").write_text("[distance]\npoints = 50\n[kind]\nifa = -30\n")
    monkeypatch.setenv("DUTYDESK_CONFIG", str(tmp_path))
    w = load_weights()
    assert w.distance_points == 50.0 and w.kind_ifa == -30.0 and w.language_match == Weights().language_match
    (tmp_path / "weights.toml").write_text("[distance]\nmiles = 3\n")
    with pytest.raises(InvalidInput, match="unknown weight distance.miles"):
        load_weights()


def test_default_weights_file_matches_the_dataclass():
    monkey = load_weights(path=__import__("pathlib").Path("/nonexistent/weights.toml"))
    assert monkey == Weights()


def test_criteria_validation():
    with pytest.raises(InvalidInput, match="end date is before"):
        MatchCriteria(from_on=TODAY, until_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="ages from 0"):
        MatchCriteria(from_on=TODAY, ages=(30,))
    with pytest.raises(InvalidInput, match="--near"):
        MatchCriteria(from_on=TODAY, max_distance_km=10)
    c = MatchCriteria(from_on=TODAY, ages=(4, 7), needs=frozenset({Specialism.UASC}), language="Pashto")
    assert MatchCriteria.from_json(json.loads(json.dumps(c.to_json()))) == c


# -- saved searches and the shortlist -----------------------------------------

def test_run_and_save_keeps_every_household_and_moves_to_searching(database, base, people, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T10:00:00")
    uid = people["worker"].user_id
    household(database, "H-YES")
    household(database, "H-NO", status=HouseholdStatus.ON_HOLD)
    kid = child(database, "C-SAVE", age=9, first_name="Ann [/]")
    rid = request(database, uid, [kid])
    desk = Desk(database, people["worker"])
    saved = run_and_save(desk, rid)
    assert (saved.ranked_count, saved.excluded_count, saved.moved_to_searching) == (1, 1, True)
    with database.read() as s:
        req = s.get(PlacementRequest, rid)
        assert req.state is RequestState.SEARCHING
        assert s.execute(sa.select(sa.func.count()).select_from(SearchResult)
                         .where(SearchResult.search_id == saved.search_id)).scalar() == 2
        no = stored_outcome(s, saved.search_id, s.execute(sa.text("SELECT id FROM households WHERE reference='H-NO'")).scalar())
        assert no.excluded and no.rules[0][0] == "status" and "on hold" in no.rules[0][1]
        search = s.get(Search, saved.search_id)
        assert json.loads(search.weights)["distance_points"] == W.distance_points
        assert s.execute(sa.select(AuditEvent.action).where(AuditEvent.entity == "searches")).scalar() == "search.run"
    # A second search leaves the state alone.
    again = run_and_save(desk, rid)
    assert again.moved_to_searching is False


def test_viewer_cannot_run_a_saved_search(database, base, people):
    rid = request(database, people["worker"].user_id, [child(database, "C-V")])
    with pytest.raises(NotAllowed):
        run_and_save(Desk(database, people["viewer"]), rid)


def test_shortlist_copies_score_and_reasons(database, base, people):
    uid = people["worker"].user_id
    yes = household(database, "H-YES")
    no = household(database, "H-NO", status=HouseholdStatus.SUSPENDED)
    rid = request(database, uid, [child(database, "C-SL")])
    desk = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="Run a search"):
        shortlist(desk, rid, yes)
    saved = run_and_save(desk, rid)
    view = shortlist(desk, rid, yes)
    assert view.rank == 1 and view.search_id == saved.search_id
    with database.read() as s:
        cand = s.get(Candidate, view.candidate_id)
        assert cand.score == view.score and json.loads(cand.reasons)[0][0] in {"kind", "load", "distance"}
        assert s.execute(sa.select(AuditEvent.action).where(AuditEvent.entity == "candidates")).scalar() == "candidate.shortlist"
    with pytest.raises(Conflict, match="already a candidate"):
        shortlist(desk, rid, yes)
    with pytest.raises(InvalidInput, match="ruled out"):
        shortlist(desk, rid, no)


def test_saved_reasons_built_by_the_database_match_the_live_explanation(database, base, people):
    """Exclusions are saved by one INSERT ... SELECT; what it stores must say what the finder says."""
    uid = people["worker"].user_id
    full = household(database, "H-FULL", places=1)
    placement(database, child(database, "C-IN"), full, uid, starts_on=TODAY - dt.timedelta(days=3))
    household(database, "H-HOLD", status=HouseholdStatus.ON_HOLD, age_min=0, age_max=4)
    household(database, "H-KIN", kind=HouseholdKind.CONNECTED_PERSON, approval_expires_on=TODAY - dt.timedelta(days=2))
    away = household(database, "H-AWAY", place="Sevenoaks", other_children_ages="1, 3", smoker=True)
    unavailable(database, away, TODAY, TODAY + dt.timedelta(days=2))
    household(database, "H-BOYS", gender_terms=GenderTerms.MALE, placement_types=frozenset({PlacementType.REMAND}))
    household(database, "H-OK", place="Ramsgate", specialisms=frozenset({Specialism.TEENAGERS}))
    kids = [child(database, f"C-SIS-{i}", age=13 + i, gender=Gender.FEMALE, family_key="SIS",
                  needs=frozenset({Specialism.TEENAGERS}), school_place_id=base["Margate"]) for i in range(2)]
    rid = request(database, uid, kids, placement_type=PlacementType.SHORT_TERM, no_younger_children=True,
                  no_smokers=True, max_distance_km=40, near_place_id=base["Margate"])
    saved = run_and_save(Desk(database, people["worker"]), rid)
    with database.read() as s:
        res = match(s, criteria_for_request(s, rid), weights=W)
        live = res.explain(s, list(res.excluded))
        assert saved.excluded_count == len(res.excluded) == 5
        for e in res.excluded:
            stored = stored_outcome(s, saved.search_id, e.household_id)
            assert [label for _c, label in stored.rules] == [R.rule_label(c, a) for c, a in live[e.household_id]]
    away_rules = [R.rule_label(c, a) for c, a in live[away]]
    back = TODAY + dt.timedelta(days=2)  # the break is named, saved and live alike
    assert f"Declared unavailable during the dates: holiday {TODAY:%a %d %b} to {back:%a %d %b %Y}" in away_rules
    assert R.rule_label("unavailable", "1 declared period") == \
        "Declared unavailable during the dates (1 declared period)"  # a search saved before still reads
    assert any(r.startswith("A younger child") for r in away_rules)
    assert any("km away, beyond the distance limit" in r for r in away_rules)
