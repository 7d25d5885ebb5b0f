"""Finding an allegation by its reference, and the rule that a closed one never changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import AllegationStatus
from db.models import Allegation
from dutydesk.errors import Conflict, NotFound


def find(s: Session, reference: str | int) -> Allegation:
    """By reference (AL-2026-00012), or by number (the dashboard's lines carry the number)."""
    ref = str(reference or "").strip().upper()
    if ref.isdigit():
        a = s.get(Allegation, int(ref))
    else:
        a = s.execute(sa.select(Allegation).where(Allegation.reference == ref)).scalar_one_or_none()
    if a is None:
        raise NotFound(f"There is no allegation {ref or '(none given)'}; check the reference (AL-...).")
    return a


def refuse_if_closed(a: Allegation, doing: str) -> None:
    if a.status == AllegationStatus.CLOSED:
        raise Conflict(f"Allegation {a.reference} is closed, so it cannot be {doing}; "
                       "add an addendum to correct or add to the record.")
