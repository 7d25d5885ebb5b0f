"""The allegation hold: the one rule every route that makes a household available obeys.

An allegation of harm puts the household on hold for new placements at once. While
that allegation is open and its hold has not been lifted by a manager's recorded
decision, no edit, status change or CSV import may make the household available
again. The rule is read straight from the allegations table so that the carers'
services (below the allegations package) can enforce it without importing it.
"""

from __future__ import annotations

from sqlmodel import Session

from dutydesk.errors import Conflict
from dutydesk.holds import held_households, holding_allegation

__all__ = ["held_households", "holding_allegation", "refuse_if_held"]


def refuse_if_held(session: Session, household_id: int, doing: str) -> None:
    """Raise ``Conflict`` when an open allegation holds the household; ``doing`` says what was tried."""
    ref = holding_allegation(session, household_id)
    if ref is not None:
        raise Conflict(
            f"The household is on hold because of open allegation {ref}; it cannot be {doing} "
            f"until a manager lifts the hold or the allegation is closed."
        )
