"""Finding a request and checking it before a step: the plumbing every duty-process step shares.

``find_request`` finds a request by number or reference; ``find_open_request``
also refuses a closed one, in the desk's words. ``writing`` is the write session
whose lost-update errors read as a sentence. The rest are the small reads the
steps guard with (a saved search, the children, the decision in force).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from db.enums import DecisionStatus, RequestState
from db.models import Decision, Household, PlacementRequest, RequestChild, Search
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor
from dutydesk.errors import Conflict, NotFound
from dutydesk.labels import label
from dutydesk.requests import transitions


@contextmanager
def writing(desk: Desk) -> Iterator[Session]:
    """A write session whose lost-update errors read as the desk's words."""
    try:
        with desk.db.write() as s:
            yield s
    except StaleDataError as err:
        raise Conflict(
            "Someone else changed this record at the same moment; open it again and repeat what you did."
        ) from err


def find_request(session: Session, key: int | str) -> PlacementRequest:
    """A request by number or by reference (REQ-2026-00012)."""
    req: PlacementRequest | None = None
    text = str(key).strip()
    if text.isdigit():
        req = session.get(PlacementRequest, int(text))
    if req is None:
        req = session.exec(
            select(PlacementRequest).where(sa.func.upper(PlacementRequest.reference) == text.upper())
        ).first()
    if req is None:
        raise NotFound(f"There is no placement request {text!r}; check the number (dutydesk requests list).")
    return req


def refuse_closed(req: PlacementRequest) -> None:
    if not req.state.is_open:
        raise Conflict(f"Request {req.reference} is already {label(req.state)}; nothing more can be done to it.")


def find_open_request(session: Session, key: int | str) -> PlacementRequest:
    """``find_request``, refusing a request that is placed, closed as unmet or withdrawn."""
    req = find_request(session, key)
    refuse_closed(req)
    return req


def household(session: Session, household_id: int) -> Household:
    h = session.get(Household, household_id)
    if h is None:
        raise NotFound(f"There is no household number {household_id}; pick it again from the search.")
    return h


def decision(session: Session, decision_id: int) -> Decision:
    d = session.get(Decision, decision_id)
    if d is None:
        raise NotFound(f"There is no decision number {decision_id}; open it from the oversight queue.")
    return d


def current_decision(session: Session, request_id: int) -> Decision | None:
    """The decision in force: the newest one that was not returned."""
    return session.exec(
        select(Decision)
        .where(Decision.request_id == request_id, Decision.status != DecisionStatus.RETURNED)
        .order_by(sa.desc(Decision.id))
        .limit(1)
    ).first()


def has_search(session: Session, request_id: int) -> bool:
    return session.exec(select(Search.id).where(Search.request_id == request_id).limit(1)).first() is not None


def need_search(session: Session, req: PlacementRequest, doing: str) -> None:
    if not has_search(session, req.id):
        raise Conflict(
            f"No saved search yet for {req.reference}: run a search first (s on the request screen, "
            f"or dutydesk requests search {req.id}), then {doing}."
        )


def advance_to_searching(session: Session, actor: Actor, req: PlacementRequest, when: dt.datetime) -> None:
    """A request with a saved search is being searched, whether or not it was moved yet."""
    if req.state == RequestState.LOGGED:
        transitions.move(session, actor, req, RequestState.SEARCHING, "search saved", at=when)


def request_child_ids(session: Session, request_id: int) -> list[int]:
    return list(
        session.exec(
            select(RequestChild.child_id).where(RequestChild.request_id == request_id).order_by(RequestChild.child_id)
        ).all()
    )


__all__ = [
    "advance_to_searching", "current_decision", "decision", "find_open_request", "find_request", "has_search",
    "household", "need_search", "refuse_closed", "request_child_ids", "writing",
]
