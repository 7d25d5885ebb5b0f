"""The carer finder's service calls, each in its own short read.

The finder screen runs the match once (``run``), keeps the result in memory,
and asks for the rules behind a page of ruled-out households (``explain``);
the criteria dialog turns typed fields into criteria (``criteria_from_typed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.matching.criteria import MatchCriteria, criteria_for_request
from dutydesk.matching.typed_criteria import criteria_from_fields
from dutydesk.matching.engine import match
from dutydesk.matching.result import Excluded, MatchResult
from dutydesk.matching.weights import weights_in_force


def run(desk: Desk, request_id: int | None = None, criteria: MatchCriteria | None = None) -> MatchResult:
    """The match for ``criteria``, else for the request's own, else a look-up from today.

    The weights are read first: a weights.toml the desk cannot use refuses the search
    (InvalidInput naming the file and line) instead of ranking with something else."""
    in_force = weights_in_force()
    with desk.db.read() as s:
        crit = criteria
        if crit is None:
            crit = criteria_for_request(s, request_id) if request_id else MatchCriteria(from_on=clock.today())
        result = match(s, crit, weights=in_force.weights)
    result.weights_note = in_force.note()
    return result


def explain(desk: Desk, result: MatchResult, excluded: Iterable[Excluded]) -> dict[int, list[tuple[str, Any]]]:
    """The rules (with their values) that ruled each of these households out."""
    with desk.db.read() as s:
        return result.explain(s, excluded)


def criteria_from_typed(desk: Desk, values: dict[str, str], base: MatchCriteria | None = None) -> MatchCriteria:
    """Criteria from the finder's typed fields; InvalidInput says which field and what to type."""
    with desk.db.read() as s:
        return criteria_from_fields(s, values, base)
