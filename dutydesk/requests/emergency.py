"""An emergency out of hours: propose and place in one confirmed step (the request screen's e).

Out of hours an emergency request may be placed on a proposal, before a
manager signs it off (``placements.place`` flags the decision retrospective and
the oversight queue keeps it until a manager does). At 3 a.m. the worker does
both at once: this checks first that the request may be placed before sign-off,
so a refusal leaves nothing half done, then proposes (with its rationale and any
exemption, under the same rules as ``decisions.propose``) and places. Each step
is the usual one, audited as usual; nothing here bypasses a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import RequestState, Urgency
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.errors import Conflict, DeskError
from dutydesk.requests import decisions, lookup, placements

FIRST_STATES = (RequestState.LOGGED, RequestState.SEARCHING, RequestState.CONTACTING)


class PlacingRefused(Conflict):
    """Proposed, but the placing was refused: the proposal stands on the file."""


@dataclass(frozen=True)
class PlacedNow:
    decision_id: int
    placement: placements.PlaceResult
    message: str


def may_place_first(desk: Desk, request_id: int | str) -> str:
    """Empty when the request may be proposed and placed before sign-off now; else why not, in the desk's words."""
    with desk.db.read() as s:
        req = lookup.find_request(s, request_id)
        if req.state not in FIRST_STATES:
            return f"{req.reference} is past proposing; place it with l once its decision allows."
        if req.urgency != Urgency.EMERGENCY:
            return (f"{req.reference} is not an emergency: propose with p and a manager signs it off before "
                    "placing.")
        if not placements.out_of_hours_for(desk.actor, s, clock.now()):
            return ("In office hours a manager signs off before placing: propose with p (only an emergency out "
                    "of hours may be placed first).")
    return ""


def propose_and_place(desk: Desk, request_id: int | str, household_id: int, rationale: str,
                      exemption: str = "") -> PlacedNow:
    """Propose placing with ``household_id`` and place at once; the decision awaits retrospective sign-off."""
    require(desk.actor, Permission.LOG, "place a child")
    why_not = may_place_first(desk, request_id)
    if why_not:
        raise Conflict(why_not)
    dv = decisions.propose(desk, request_id, "place", rationale, household_id=household_id,
                           exemption_reason=exemption)
    try:
        result = placements.place(desk, request_id)
    except DeskError as err:
        # The proposal stands (with its rationale); say so, so the worker knows what is on the file.
        raise PlacingRefused(f"Decision {dv.id} is proposed, but placing was refused: {err}") from err
    return PlacedNow(dv.id, result, f"Decision {dv.id} proposed and placed. {result.message}")
