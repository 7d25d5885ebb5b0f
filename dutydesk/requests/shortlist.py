"""Shortlisting a household for a request, with its score and reasons from the latest saved search."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa

from db.enums import CandidateStatus
from db.models import Candidate, Household, SearchResult
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.access.identity import Permission, require
from dutydesk.labels import label
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.saved import latest_search_id, parse_reasons
from dutydesk.requests.lookup import find_open_request
from dutydesk.requests.searches import run_and_save


@dataclass(frozen=True)
class CandidateView:
    candidate_id: int
    request_id: int
    request_reference: str
    household_id: int
    household_reference: str
    household_name: str
    status: CandidateStatus
    score: float | None
    rank: int | None
    search_id: int
    updated_at: dt.datetime


def shortlist(desk: Desk, request_id: int, household_id: int) -> CandidateView:
    """Add a household to a request's shortlist, copying its score and reasons from the latest search."""
    require(desk.actor, Permission.LOG, "shortlist a household")
    with desk.db.write() as s:
        req = find_open_request(s, request_id)
        request_id = req.id
        hh = s.get(Household, household_id)
        if hh is None:
            raise NotFound(f"There is no household with id {household_id}.")
        search_id = latest_search_id(s, request_id)
        if search_id is None:
            raise InvalidInput(f"Run a search for {req.reference} first: the shortlist records the search's reasons.")
        row = s.execute(
            sa.select(SearchResult.rank, SearchResult.score, SearchResult.reasons)
            .where(SearchResult.search_id == search_id, SearchResult.household_id == household_id)
        ).first()
        if row is None:
            raise InvalidInput(f"{hh.reference} was not in the latest search for {req.reference}; run the search again.")
        outcome = parse_reasons(search_id, household_id, row[0], row[1], row[2])
        if outcome.excluded:
            why = "; ".join(words for _code, words in outcome.rules) or "a hard rule"
            raise InvalidInput(f"{hh.reference} was ruled out in the latest search ({why}). "
                               "Placing outside the rules needs a manager's exemption, recorded with the proposal.")
        existing = s.execute(
            sa.select(Candidate.id, Candidate.status)
            .where(Candidate.request_id == request_id, Candidate.household_id == household_id)
        ).first()
        if existing is not None:
            raise Conflict(f"{hh.reference} is already a candidate for {req.reference} ({label(existing[1])}).")
        now = clock.now()
        reasons = json.dumps([[code, points, words] for code, points, words in outcome.factors]
                             + ([["warning", 0, w] for w in outcome.warnings]), ensure_ascii=False)
        cand = Candidate(
            request_id=request_id, household_id=household_id, search_id=search_id, score=row[1],
            reasons=reasons, status=CandidateStatus.SHORTLISTED, updated_at=now, updated_by_id=desk.actor.user_id,
        )
        s.add(cand)
        s.flush()
        audit.record(s, desk.actor, "candidate.shortlist", "candidates", cand.id,
                     {"request": req.reference, "household": hh.reference, "score": row[1], "rank": row[0],
                      "search": search_id}, at=now)
        return CandidateView(cand.id, request_id, req.reference, household_id, hh.reference, hh.name,
                             cand.status, cand.score, row[0], search_id, now)


def shortlist_searching_first(desk: Desk, request_id: int, household_id: int,
                              criteria: MatchCriteria | None = None) -> CandidateView:
    """Shortlist from the finder: when the request has no saved search yet, save the finder's first."""
    with desk.db.read() as s:
        has_search = latest_search_id(s, request_id) is not None
    if not has_search:
        run_and_save(desk, request_id, criteria)
    return shortlist(desk, request_id, household_id)
