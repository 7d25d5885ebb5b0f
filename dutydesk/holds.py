"""Which open allegations hold which households: read straight from the allegations table.

Below every package, so matching can name the allegation behind a hold and the carers'
services can enforce it (``dutydesk.carers.holds``) without either importing the other.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import AllegationStatus
from db.models import Allegation


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
