"""The allegation hold: the one rule every route that makes a household available obeys.

An allegation of harm puts the household on hold for new placements at once. While
that allegation is open and its hold has not been lifted by a manager's recorded
decision, no edit, status change or CSV import may make the household available
again. The rule is read straight from the allegations table so that the carers'
services (below the allegations package) can enforce it without importing it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import AllegationStatus
from db.models import Allegation
from dutydesk.errors import Conflict


def holding_allegation(session: Session, household_id: int) -> str | None:
    """The reference of an open allegation that holds the household, or None.

    A concern or complaint never holds (``on_hold`` false from the start); a manager's
    lifting clears ``on_hold`` while the allegation stays open."""
    return session.execute(
        sa.select(Allegation.reference)
        .where(Allegation.household_id == household_id, Allegation.status == AllegationStatus.OPEN,
               Allegation.on_hold.is_(True))
        .order_by(Allegation.raised_at, Allegation.id)
        .limit(1)
    ).scalar()


def held_households(session: Session, household_ids: list[int]) -> dict[int, str]:
    """For many households at once (an import): household id -> holding allegation's reference."""
    if not household_ids:
        return {}
    rows = session.execute(
        sa.select(Allegation.household_id, Allegation.reference)
        .where(Allegation.household_id.in_(household_ids), Allegation.status == AllegationStatus.OPEN,
               Allegation.on_hold.is_(True))
        .order_by(Allegation.raised_at.desc(), Allegation.id.desc())
    ).all()
    return {hid: ref for hid, ref in rows}


def refuse_if_held(session: Session, household_id: int, doing: str) -> None:
    """Raise ``Conflict`` when an open allegation holds the household; ``doing`` says what was tried."""
    ref = holding_allegation(session, household_id)
    if ref is not None:
        raise Conflict(
            f"The household is on hold because of open allegation {ref}; it cannot be {doing} "
            f"until a manager lifts the hold or the allegation is closed."
        )
