"""Saved searches for the demo county, so the file and the household profiles have history.

``add_searches(database, progress)`` is called by the demo builder at the end.
It runs and saves the match for every open request past ``logged`` (as the
desk would have), then for historic requests, newest first: first those with
candidates recorded without a search (the scripted scenarios, such as the
Thanet carer vacant 47 days, scenario 3), then others, until a time budget is
spent, so a 50,000-household demo stays well inside a minute. Historic
searches are run as of the day the request was searched (``today`` = that
day) and stamped with that time.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import String, type_coerce

from db.engine import Database
from db.enums import RequestState, Role
from db.models import Candidate, PlacementRequest, RequestTransition, User
from dutydesk import clock
from dutydesk.matching.criteria import criteria_for_request
from dutydesk.matching.engine import match
from dutydesk.matching.saved import save_result
from dutydesk.matching.weights import load_weights

Progress = Callable[[str, int, int], None]
LABEL = "Saved searches"
# Seconds spent on historic searches at most (open requests are always searched).
HISTORIC_BUDGET_S = 12.0
HISTORIC_MAX = 60


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


def add_searches(database: Database, progress: Progress | None = None, *,
                 historic_budget_s: float = HISTORIC_BUDGET_S, historic_max: int = HISTORIC_MAX) -> dict[str, int]:
    weights = load_weights()
    with database.read() as s:
        open_states = [RequestState.SEARCHING.value, RequestState.CONTACTING.value, RequestState.PROPOSED.value,
                       RequestState.SIGNED_OFF.value]
        state = type_coerce(PlacementRequest.state, String)
        open_ids = list(s.execute(
            sa.select(PlacementRequest.id).where(state.in_(open_states)).order_by(PlacementRequest.id)).scalars())
        scripted = list(s.execute(
            sa.select(PlacementRequest.id)
            .where(state.not_in(open_states + [RequestState.LOGGED.value]),
                   PlacementRequest.id.in_(sa.select(Candidate.request_id).where(Candidate.search_id.is_(None))))
            .order_by(PlacementRequest.created_at.desc(), PlacementRequest.id.desc())
            .limit(historic_max)).scalars())
        others = list(s.execute(
            sa.select(PlacementRequest.id)
            .where(state.in_([RequestState.PLACED.value, RequestState.CLOSED_UNMET.value]),
                   PlacementRequest.id.not_in(scripted or [-1]))
            .order_by(PlacementRequest.created_at.desc(), PlacementRequest.id.desc())
            .limit(historic_max)).scalars())
    plan = [(rid, False) for rid in open_ids] + [(rid, True) for rid in (scripted + others)[:historic_max]]
    done = 0
    historic_done = 0
    spent = 0.0
    total = len(plan)
    if progress:
        progress(LABEL, 0, total)
    for rid, historic in plan:
        if historic and spent >= historic_budget_s:
            break
        t0 = time.perf_counter()
        with database.read() as s:
            req = s.get(PlacementRequest, rid)
            runner = req.worker_id or req.created_by_id
            role = s.execute(sa.select(type_coerce(User.role, String)).where(User.id == runner)).scalar()
            if role not in {Role.DUTY_WORKER.value, Role.MANAGER.value, Role.ADMIN.value}:
                runner = req.created_by_id
            at = _searched_at(s, rid, req.created_at)
            day = clock.local(at).date() if historic else clock.today()
            crit = criteria_for_request(s, rid)
            result = match(s, crit, weights=weights, today=day)
        with database.write() as s:
            search = save_result(s, result, run_by_id=runner, request_id=rid, at=at if historic else None)
            s.execute(sa.update(Candidate).where(Candidate.request_id == rid, Candidate.search_id.is_(None))
                      .values(search_id=search.id))
        done += 1
        if historic:
            historic_done += 1
            spent += time.perf_counter() - t0
        if progress:
            progress(LABEL, done, total)
    if progress:
        progress(LABEL, total, total)
    return {"open": len(open_ids), "historic": historic_done, "searches": done}
