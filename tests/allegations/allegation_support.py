"""Builders for the allegation tests: a child placed in a household, and an allegation logged."""

from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa

from db.enums import AllegationCategory, AllegationParty, PlacementType, SafetyDecision
from db.models import Child, Placement
from dutydesk.access.desk import Desk
from dutydesk.allegations import record
from dutydesk.allegations.inputs import AllegationInput, SafetyInput

_n = itertools.count(1)


def add_child(db, first: str = "Lily", last: str = "Ward", *, household_id: int | None = None,
              by: int | None = None, since: dt.date = dt.date(2025, 1, 6)) -> int:
    k = next(_n)
    with db.write() as s:
        c = Child(case_reference=f"CR-A{k:04d}", first_name=first, last_name=last, date_of_birth=dt.date(2017, 3, 1))
        s.add(c)
        s.flush()
        if household_id is not None:
            taken = s.execute(sa.select(sa.func.count()).select_from(Placement)
                              .where(Placement.household_id == household_id)).scalar()
            s.add(Placement(reference=f"PL-A{k:05d}", child_id=c.id, household_id=household_id,
                            placement_type=PlacementType.LONG_TERM, place_number=taken + 1, starts_on=since,
                            created_by_id=by))
        return c.id


def log(db, actor, household_id: int, children: list[int], *, placed: list[int] | None = None,
        category: AllegationCategory = AllegationCategory.HARM, at: dt.datetime | None = None) -> str:
    return record.log_allegation(Desk(db, actor), AllegationInput(
        household_id=household_id, category=category,
        summary="Lily told her teacher that her foster carer hit her on the arm.",
        said_by="Mrs Hall, designated safeguarding lead", children=tuple(children),
        told=frozenset({AllegationParty.SOCIAL_WORKER}),
        safety=tuple(SafetyInput(c, SafetyDecision.UNDER_REVIEW, "Safe tonight; carer's partner stays away.")
                     for c in (placed if placed is not None else children)),
        at=at))
