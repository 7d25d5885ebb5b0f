"""Running and saving a search for a request: a step of the duty process (logged -> searching).

The match is read in one short read transaction and saved in one short write
transaction (``dutydesk.matching.saved.save_result``), so a search over 50,000
households never holds the writer lock while it ranks.
"""

from __future__ import annotations

import datetime as dt

from db.enums import RequestState
from db.models import PlacementRequest
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.errors import Conflict, InvalidInput
from dutydesk.matching.criteria import MatchCriteria, criteria_for_request
from dutydesk.matching.engine import match
from dutydesk.matching.saved import SavedSearch, save_result
from dutydesk.matching.weights import Weights
from dutydesk.requests.lookup import find_open_request
from dutydesk.requests.transitions import move


def run_and_save(desk: Desk, request_id: int | str, criteria: MatchCriteria | None = None, *,
                 weights: Weights | None = None, at: dt.datetime | None = None) -> SavedSearch:
    """Run the match for a request, save it with the request, and move a logged request to searching."""
    require(desk.actor, Permission.LOG, "run a search for a placement request")
    if desk.actor.user_id is None:
        raise InvalidInput("A search must be run by a named worker.")
    with desk.db.read() as s:
        req = find_open_request(s, request_id)
        rid = req.id
        crit = criteria or criteria_for_request(s, rid)
        if crit.request_id is None:
            crit = crit.with_changes(request_id=req.id, request_reference=req.reference)
        # The exclusions are written by the database at save time; only the ranked come to Python.
        result = match(s, crit, weights=weights, ranked_only=True)
    with desk.db.write() as s:
        req = s.get(PlacementRequest, rid)
        if req is None or not req.state.is_open:
            raise Conflict("The request was closed while the search ran; nothing was saved.")
        search = save_result(s, result, run_by_id=desk.actor.user_id, request_id=rid, at=at)
        moved = False
        if req.state is RequestState.LOGGED:
            move(s, desk.actor, req, RequestState.SEARCHING, "search run", at=at)
            moved = True
        audit.record(s, desk.actor, "search.run", "searches", search.id,
                     {"request": req.reference, "ranked": search.ranked_count, "excluded": search.excluded_count},
                     at=at)
        return SavedSearch(search.id, rid, req.reference, search.run_at, desk.actor.full_name,
                           search.ranked_count, search.excluded_count, crit, moved)
