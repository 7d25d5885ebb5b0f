"""Saved searches for the demo county, so the file and the household profiles have history.

``add_searches(database, progress)`` is called by the demo builder at the end.
It always runs and saves the match for every request considered for a carer
who rang about availability in the last three days with a place empty for 30
days or more (the Thanet carer vacant 47 days, scenario 3, sees why), and for
the scenario requests (``PR-S..``);
then for open requests past ``logged``, newest first, then historic ones: at
most ``optional_count(households)`` of them (a search saves one result row per
household, so fewer on a big county) and only while a short time budget lasts,
so opening the demo costs a few seconds whatever its size. Historic searches are run as of the day the
request was searched (``today`` = that day) and stamped with that time.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.engine import Database
from db.enums import CallCategory, RequestState, Role
from db.models import Call, Candidate, Household, PlacementRequest, RequestTransition, User
from dutydesk import clock
from dutydesk.matching.criteria import criteria_for_request
from dutydesk.matching.engine import match
from dutydesk.matching.saved import save_result
from dutydesk.matching.weights import load_weights

Progress = Callable[[str, int, int], None]
LABEL = "Saved searches"
# The searches the scenarios need are always run: every scenario request (at most
# SCENARIO_MAX) and every request the recently calling carer was considered for (at most
# ASKED_MAX). Others, open requests newest first then historic ones, at most
# optional_count(households) and only while the budget lasts. (With 12 in all, a county
# whose Thanet carer had nine requests left some of them to the budget, so under load
# the carer's "why not me?" missed requests.)
SCENARIO_MAX = 12
ASKED_MAX = 12
MUST_MAX = SCENARIO_MAX + ASKED_MAX
# A carer who rang about availability with a place empty at least this long (scenario 3).
EMPTY_DAYS = 30
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


def _searched_at(session, request_id: int, fallback: dt.datetime) -> dt.datetime:
    at = session.execute(
        sa.select(sa.func.min(RequestTransition.at)).where(
            RequestTransition.request_id == request_id,
            type_coerce(RequestTransition.to_state, String) == RequestState.SEARCHING.value)
    ).scalar()
    if at is None:
        return fallback + dt.timedelta(minutes=5)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at


def _plan(session) -> tuple[list[int], list[int]]:
    """(must: scenario requests and those a recently calling carer was considered for; then the rest, in order)."""
    open_states = [RequestState.SEARCHING.value, RequestState.CONTACTING.value, RequestState.PROPOSED.value,
                   RequestState.SIGNED_OFF.value]
    done_states = [RequestState.PLACED.value, RequestState.CLOSED_UNMET.value]
    state = type_coerce(PlacementRequest.state, String)
    past_logged = state.in_(open_states + done_states)
    newest = (PlacementRequest.created_at.desc(), PlacementRequest.id.desc())
    scenario = list(session.execute(
        sa.select(PlacementRequest.id).where(PlacementRequest.reference.like("PR-S%"), past_logged)
        .order_by(PlacementRequest.reference).limit(SCENARIO_MAX)).scalars())
    latest_call = session.execute(sa.select(sa.func.max(Call.received_at))).scalar()
    asked: list[int] = []
    if latest_call is not None:
        callers = (
            sa.select(Call.household_id)
            .join(Household, Household.id == Call.household_id)
            .where(type_coerce(Call.category, String) == CallCategory.CARER_AVAILABILITY.value,
                   Call.received_at >= latest_call - dt.timedelta(days=3),
                   Household.vacant_since <= latest_call.date() - dt.timedelta(days=EMPTY_DAYS))
        )
        asked = list(session.execute(
            sa.select(PlacementRequest.id).where(
                past_logged,
                PlacementRequest.id.in_(sa.select(Candidate.request_id).where(Candidate.household_id.in_(callers))))
            .order_by(*newest).limit(ASKED_MAX)).scalars())
    must = list(dict.fromkeys(asked + scenario))
    taken = set(must)
    rest = [rid for rid in session.execute(
        sa.select(PlacementRequest.id).where(state.in_(open_states)).order_by(*newest).limit(REST_MAX)).scalars()
        if rid not in taken]
    rest += [rid for rid in session.execute(
        sa.select(PlacementRequest.id).where(state.in_(done_states)).order_by(*newest).limit(REST_MAX)).scalars()
        if rid not in taken]
    households = session.execute(sa.select(sa.func.count()).select_from(Household)).scalar() or 0
    return must, rest[:optional_count(households)]


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
            req = s.get(PlacementRequest, rid)
            runner = req.worker_id or req.created_by_id
            role = s.execute(sa.select(type_coerce(User.role, String)).where(User.id == runner)).scalar()
            if role not in {Role.DUTY_WORKER.value, Role.MANAGER.value, Role.ADMIN.value}:
                runner = req.created_by_id
            historic = not req.state.is_open
            at = _searched_at(s, rid, req.created_at)
            day = clock.local(at).date() if historic else clock.today()
            crit = criteria_for_request(s, rid)
            result = match(s, crit, weights=weights, today=day, ranked_only=True)
        with database.write() as s:
            search = save_result(s, result, run_by_id=runner, request_id=rid, at=at if historic else None)
            s.execute(sa.update(Candidate).where(Candidate.request_id == rid, Candidate.search_id.is_(None))
                      .values(search_id=search.id))
        done += 1
        if progress:
            progress(LABEL, done, total)
    if progress:
        progress(LABEL, total, total)
    return {"required": len(must), "searches": done, "seconds": round(time.perf_counter() - started, 1)}
