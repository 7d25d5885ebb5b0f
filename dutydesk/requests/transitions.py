"""The duty process's states and the moves between them (one process for every team).

``move`` is the only way a request changes state: it checks the move is on the
map, stamps the time and the worker, and audits it. The duty-process service
builds its guards (saved search, rationale, sign-off) on top of it.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from db.enums import RequestState as S
from db.models import PlacementRequest, RequestTransition
from dutydesk import clock
from dutydesk.labels import label
from dutydesk.access import audit
from dutydesk.errors import Conflict
from dutydesk.access.identity import Actor

OPEN_STATES = frozenset({S.LOGGED, S.SEARCHING, S.CONTACTING, S.PROPOSED, S.SIGNED_OFF})

# Forward moves. Returning a proposal (manager sends it back) goes to contacting.
# An emergency placement out of hours may go proposed -> placed before sign-off.
# A signed-off placement whose household lost its last place (another worker
# placed first) goes back to contacting carers: signed_off -> contacting.
ALLOWED: dict[S, frozenset[S]] = {
    S.LOGGED: frozenset({S.SEARCHING, S.WITHDRAWN}),
    S.SEARCHING: frozenset({S.CONTACTING, S.PROPOSED, S.CLOSED_UNMET, S.WITHDRAWN}),
    S.CONTACTING: frozenset({S.SEARCHING, S.PROPOSED, S.CLOSED_UNMET, S.WITHDRAWN}),
    S.PROPOSED: frozenset({S.SIGNED_OFF, S.CONTACTING, S.PLACED, S.CLOSED_UNMET, S.WITHDRAWN}),
    S.SIGNED_OFF: frozenset({S.PLACED, S.CONTACTING, S.CLOSED_UNMET, S.WITHDRAWN}),
    S.PLACED: frozenset(),
    S.CLOSED_UNMET: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def can_move(from_state: S, to_state: S) -> bool:
    return to_state in ALLOWED[from_state]


def move(
    session: Session,
    actor: Actor,
    request: PlacementRequest,
    to_state: S,
    note: str = "",
    *,
    at: dt.datetime | None = None,
) -> RequestTransition:
    """Move ``request`` to ``to_state`` inside the caller's write transaction."""
    from_state = request.state
    if not can_move(from_state, to_state):
        raise Conflict(
            f"Request {request.reference} is {label(from_state)}; it cannot be "
            f"{label(to_state)} from there."
        )
    when = at or clock.now()
    request.state = to_state
    request.state_changed_at = when
    session.add(request)
    step = RequestTransition(
        request_id=request.id,
        from_state=from_state,
        to_state=to_state,
        at=when,
        by_user_id=actor.user_id,
        note=note,
    )
    session.add(step)
    session.flush()
    audit.record(
        session, actor, f"request.{to_state.value}", "placement_requests", request.id,
        {"from": from_state.value, "to": to_state.value, "note": note}, at=when,
    )
    return step
