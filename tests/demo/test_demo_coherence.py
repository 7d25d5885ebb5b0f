"""The demo's history is one the desk's services could have written, in the order they allow.

Each rule is one query that lists the records breaking it, and must find none:
the saved search the process requires comes before the first contact and before
every proposal; searches are dated when they were run (the request's move to
searching), never at build time; candidates are scored from that search and the
carers rung were not excluded by it; sign-offs follow proposals. Then the teams
differ as the demo says they do, and the consistency report shows it: West's
proposals wait longest for sign-off, South places with agencies most.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.enums import DecisionKind, DecisionStatus, RequestState
from db.models import (
    Candidate,
    CandidateContact,
    Decision,
    PlacementRequest,
    RequestTransition,
    Search,
    SearchResult,
    Setting,
    User,
)
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.demo import build
from dutydesk.reports import consistency
from dutydesk.reports.period import Period

NOW = "2026-11-22T10:00:00"
R, RT, S, SR = PlacementRequest, RequestTransition, Search, SearchResult


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """A 300-household county with the engine's searches, as `dutydesk demo` builds it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DUTYDESK_NOW", NOW)
    mp.setenv("DUTYDESK_USER", "deskdemo")
    from db.engine import Database
    from db.schema import create_schema

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('coherent') / 'demo.db'}")
    create_schema(db)
    build(db, seed=1, households=300, searches_budget_s=None)
    yield db
    db.dispose()
    mp.undo()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NOW)


def first_search():
    return (sa.select(S.request_id.label("rid"), sa.func.min(S.run_at).label("at"))
            .where(S.request_id.is_not(None)).group_by(S.request_id).subquery())


def first_contact():
    return (sa.select(Candidate.request_id.label("rid"), sa.func.min(CandidateContact.at).label("at"))
            .join(CandidateContact, CandidateContact.candidate_id == Candidate.id)
            .group_by(Candidate.request_id).subquery())


def refs(db, stmt) -> list:
    with db.read() as s:
        return list(s.execute(stmt).all())


def state(col, value: RequestState):
    return type_coerce(col, String) == value.value


def test_every_request_that_got_to_searching_has_a_saved_search(county):
    searched = sa.select(RT.request_id).where(state(RT.to_state, RequestState.SEARCHING))
    missing = refs(county, sa.select(R.reference).where(R.id.in_(searched), R.id.not_in(
        sa.select(S.request_id).where(S.request_id.is_not(None)))))
    assert missing == []
    with county.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(S)).scalar() >= 200


def test_every_proposal_has_its_search_before_the_first_contact_and_the_proposal(county):
    fs, fc = first_search(), first_contact()
    bad = refs(county, sa.select(R.reference, Decision.id).select_from(Decision)
               .join(R, R.id == Decision.request_id)
               .outerjoin(fs, fs.c.rid == Decision.request_id).outerjoin(fc, fc.c.rid == Decision.request_id)
               .where(sa.or_(fs.c.at.is_(None), fs.c.at > Decision.proposed_at,
                             sa.and_(fc.c.at.is_not(None), fs.c.at > fc.c.at))))
    assert bad == []
    with county.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Decision)).scalar() >= 100


def test_no_carer_is_rung_before_the_search(county):
    fs = first_search()
    bad = refs(county, sa.select(R.reference, CandidateContact.id).select_from(CandidateContact)
               .join(Candidate, Candidate.id == CandidateContact.candidate_id)
               .join(R, R.id == Candidate.request_id)
               .outerjoin(fs, fs.c.rid == Candidate.request_id)
               .where(sa.or_(fs.c.at.is_(None), CandidateContact.at < fs.c.at)))
    assert bad == []


def test_searches_are_dated_when_run_not_when_the_demo_was_built(county):
    moved = (sa.select(RT.request_id.label("rid"), sa.func.min(RT.at).label("at"))
             .where(state(RT.to_state, RequestState.SEARCHING)).group_by(RT.request_id).subquery())
    bad = refs(county, sa.select(R.reference, S.run_at, moved.c.at).select_from(S)
               .join(R, R.id == S.request_id).outerjoin(moved, moved.c.rid == S.request_id)
               .where(sa.or_(moved.c.at.is_(None), S.run_at != moved.c.at)))
    assert bad == []
    with county.read() as s:
        built = s.execute(sa.select(Setting.value).where(Setting.key == "demo_built_at")).scalar()
        latest = s.execute(sa.select(sa.func.max(S.run_at))).scalar()
        runners = set(s.execute(sa.select(type_coerce(User.role, String)).join(S, S.run_by_id == User.id)).scalars())
    assert latest.replace(tzinfo=dt.UTC) < dt.datetime.fromisoformat(built)
    assert runners <= {"duty_worker", "manager"}


def test_candidates_come_from_their_requests_search_and_no_excluded_household_is_rung(county):
    unscored = refs(county, sa.select(R.reference, Candidate.household_id).select_from(Candidate)
                    .join(R, R.id == Candidate.request_id).outerjoin(S, S.id == Candidate.search_id)
                    .where(sa.or_(S.id.is_(None), S.request_id != Candidate.request_id,
                                  S.run_at > Candidate.updated_at)))
    assert unscored == []
    rang = sa.select(CandidateContact.candidate_id).where(
        type_coerce(CandidateContact.outcome, String) != "ruled_out")
    excluded_but_rung = refs(county, sa.select(R.reference, Candidate.household_id).select_from(Candidate)
                             .join(R, R.id == Candidate.request_id)
                             .join(SR, sa.and_(SR.search_id == Candidate.search_id,
                                               SR.household_id == Candidate.household_id))
                             .where(SR.rank.is_(None), Candidate.id.in_(rang),
                                    ~sa.exists().where(Decision.request_id == Candidate.request_id,
                                                       Decision.household_id == Candidate.household_id,
                                                       Decision.outside_terms.is_(True),
                                                       Decision.exemption_reason != "")))
    assert excluded_but_rung == []  # (placing outside the rules is proposed with an exemption)


def test_a_placement_proposal_names_a_candidate_and_sign_offs_follow_proposals(county):
    no_candidate = refs(county, sa.select(Decision.id).where(
        type_coerce(Decision.kind, String) == DecisionKind.PLACE.value,
        ~sa.exists().where(Candidate.request_id == Decision.request_id,
                           Candidate.household_id == Decision.household_id)))
    assert no_candidate == []
    early = refs(county, sa.select(Decision.id).where(Decision.signed_off_at < Decision.proposed_at))
    assert early == []
    signed_step = (sa.select(RT.request_id.label("rid"), sa.func.max(RT.at).label("at"))
                   .where(state(RT.to_state, RequestState.SIGNED_OFF)).group_by(RT.request_id).subquery())
    step_first = refs(county, sa.select(Decision.id).join(signed_step, signed_step.c.rid == Decision.request_id)
                      .where(type_coerce(Decision.status, String) == DecisionStatus.SIGNED_OFF.value,
                             Decision.retrospective.is_(False), signed_step.c.at < Decision.proposed_at))
    assert step_first == []
    placed = (sa.select(RT.request_id.label("rid"), sa.func.min(RT.at).label("at"))
              .where(state(RT.to_state, RequestState.PLACED)).group_by(RT.request_id).subquery())
    retro_early = refs(county, sa.select(Decision.id).join(placed, placed.c.rid == Decision.request_id)
                       .where(Decision.retrospective.is_(True), Decision.signed_off_at < placed.c.at))
    assert retro_early == []


def test_the_consistency_report_shows_the_teams_differences(county):
    with county.read() as s:
        manager = s.execute(sa.select(User.username).where(User.username == "maya.p")).scalar_one()
    desk = Desk(county, actor_for(county, manager))
    today = clock.today()
    report = consistency.build(desk, Period(today - dt.timedelta(days=540), today))
    by = {r.team: r.figures for r in report.by_team}
    areas = ("NORTH", "EAST", "SOUTH", "WEST")
    signoff = {t: by[t].signoff.value for t in areas}
    ifa = {t: by[t].ifa.value for t in areas}
    assert min(signoff, key=signoff.get) == "WEST"
    assert all(signoff["WEST"] < signoff[t] - 0.15 for t in areas if t != "WEST"), signoff
    assert max(ifa, key=ifa.get) == "SOUTH"
    assert all(ifa["SOUTH"] > ifa[t] + 0.05 for t in areas if t != "SOUTH"), ifa
    # Every team searched before ringing, every time: the process is followed everywhere.
    assert all(by[t].search_first.of and by[t].search_first.value == 1.0 for t in areas)
