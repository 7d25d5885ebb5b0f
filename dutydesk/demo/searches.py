"""The matching engine's saved searches for the demo county, in place of the history's own.

Every request past ``logged`` already has the search its worker saved before ringing
carers (``dutydesk.demo.search_log``: the households considered, each ranked or
excluded). ``add_searches(database, progress)``, called by the demo builder at the
end, re-runs some of them through the matching engine, as of the day each was run
and stamped with its time and worker, so they hold every household of the county
(the engine's search takes the old one's place: the candidates point at it and copy
their score and reasons from it). Always: every scenario request (``PR-S..``) and
every request considered for a carer who rang about availability in the last three
days with a place empty for 30 days or more (the Thanet carer vacant 47 days,
scenario 3, sees why); then open requests, newest first, then historic ones: at most
``optional_count(households)`` of them (a search saves one result row per household,
so fewer on a big county) and only while a short time budget lasts.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.engine import Database
from db.enums import RequestState
from db.models import Candidate, Household, PlacementRequest, Search, SearchResult
from dutydesk import clock
from dutydesk.matching.criteria import criteria_for_request
from dutydesk.matching.engine import match
from dutydesk.matching.saved import parse_reasons, save_result
from dutydesk.matching.weights import load_weights

Progress = Callable[[str, int, int], None]
LABEL = "Saved searches"
# The searches the scenarios need are always re-run (at most MUST_MAX); other open requests
# newest first, at most optional_count(households) and only while the budget lasts.
MUST_MAX = 12
REST_MAX = 400
# Optional searches: about OPTIONAL_ROWS saved result rows in all (one per household per
# search), never more than OPTIONAL_MAX searches nor fewer than OPTIONAL_MIN.
OPTIONAL_ROWS = 400_000
OPTIONAL_MAX = 24
OPTIONAL_MIN = 2
BUDGET_S = 2.5


def optional_count(households: int) -> int:
    """How many optional searches a county of this size gets (24 up to about 16,000 households, 8 at 50,000)."""
    return max(OPTIONAL_MIN, min(OPTIONAL_MAX, OPTIONAL_ROWS // max(1, households)))


def _plan(session) -> tuple[list[int], list[int]]:
    """(must: the open scenario requests past logged; then the other open ones, newest first).

    Only open requests: their searches ran in the last days, so the engine's answer as of that
    day is the one the worker saw. Re-running a historic search would count the placements
    that came of it (and everything since) as filling the places it found free.
    """
    open_states = [RequestState.SEARCHING.value, RequestState.CONTACTING.value, RequestState.PROPOSED.value,
                   RequestState.SIGNED_OFF.value]
    state = type_coerce(PlacementRequest.state, String)
    newest = (PlacementRequest.created_at.desc(), PlacementRequest.id.desc())
    must = list(session.execute(
        sa.select(PlacementRequest.id).where(PlacementRequest.reference.like("PR-S%"), state.in_(open_states))
        .order_by(PlacementRequest.reference).limit(MUST_MAX)).scalars())
    taken = set(must)
    rest = [rid for rid in session.execute(
        sa.select(PlacementRequest.id).where(state.in_(open_states)).order_by(*newest).limit(REST_MAX)).scalars()
        if rid not in taken]
    households = session.execute(sa.select(sa.func.count()).select_from(Household)).scalar() or 0
    return must, rest[:optional_count(households)]


def _take_over(s, old_id: int, new_id: int) -> None:
    """The engine's search stands in for the one the history kept: the candidates point at it and
    copy their score and reasons from it, as the shortlist does."""
    for cid, hid in s.execute(sa.select(Candidate.id, Candidate.household_id).where(Candidate.search_id == old_id)).all():
        row = s.execute(sa.select(SearchResult.rank, SearchResult.score, SearchResult.reasons).where(
            SearchResult.search_id == new_id, SearchResult.household_id == hid)).first()
        score, reasons = None, "[]"
        if row is not None:
            got = parse_reasons(new_id, hid, row[0], row[1], row[2])
            score = row[1]
            reasons = json.dumps([[c, p, w] for c, p, w in got.factors] + [["warning", 0, w] for w in got.warnings],
                                 ensure_ascii=False)
        s.execute(sa.update(Candidate).where(Candidate.id == cid).values(search_id=new_id, score=score, reasons=reasons))
    s.execute(sa.delete(SearchResult).where(SearchResult.search_id == old_id))
    s.execute(sa.delete(Search).where(Search.id == old_id))


def add_searches(database: Database, progress: Progress | None = None, *,
                 budget_s: float = BUDGET_S) -> dict[str, int]:
    """Run and save searches: the ones the scenarios need always, then a bounded number of
    others (``optional_count``) while less than ``budget_s`` has been spent."""
    weights = load_weights()
    started = time.perf_counter()
    with database.read() as s:
        must, rest = _plan(s)
    plan = [(rid, True) for rid in must] + [(rid, False) for rid in rest]
    total = len(plan)
    done = 0
    if progress:
        progress(LABEL, 0, total)
    for rid, required in plan:
        if not required and time.perf_counter() - started >= budget_s:
            break
        with database.read() as s:
            old = s.execute(sa.select(Search.id, Search.run_at, Search.run_by_id).where(Search.request_id == rid)
                            .order_by(Search.id).limit(1)).first()
            if old is None:
                continue
            at = old.run_at if old.run_at.tzinfo else old.run_at.replace(tzinfo=dt.UTC)
            crit = criteria_for_request(s, rid)
            result = match(s, crit, weights=weights, today=clock.local(at).date(), ranked_only=True)
        with database.write() as s:
            search = save_result(s, result, run_by_id=old.run_by_id, request_id=rid, at=at)
            _take_over(s, old.id, search.id)
        done += 1
        if progress:
            progress(LABEL, done, total)
    if progress:
        progress(LABEL, total, total)
    return {"required": len(must), "searches": done, "seconds": round(time.perf_counter() - started, 1)}
