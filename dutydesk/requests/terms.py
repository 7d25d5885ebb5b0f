"""A household's terms of approval: how placing some children would fall outside them.

Placing outside the terms (over the usual limit, outside the age range, gender or
placement types) is allowed only with an exemption reason and a manager's
sign-off; the proposal records which terms it breaches.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from db.enums import GenderTerms, PlacementType
from db.models import Child, Household, Placement
from dutydesk import clock, working_days
from dutydesk.labels import label

USUAL_LIMIT = 3  # children in one household, unless all are siblings
OUTSIDE_TERMS_OVERDUE_WORKING_DAYS = 6


def terms_breaches(
    session: Session,
    household: Household,
    child_ids: list[int],
    placement_type: PlacementType,
    on: dt.date,
) -> list[str]:
    """How placing these children would fall outside the household's terms of approval (empty if it would not)."""
    breaches: list[str] = []
    children = [session.get(Child, cid) for cid in child_ids]
    children = [c for c in children if c is not None]
    for c in children:
        age = c.age_on(on)
        if age is not None and not (household.age_min <= age <= household.age_max):
            breaches.append(f"{c.display_name} is {age}, outside the approved ages {household.age_min}-{household.age_max}")
        if household.gender_terms != GenderTerms.ANY and c.gender.value != household.gender_terms.value:
            breaches.append(f"{c.display_name} is not within the approved gender ({household.gender_terms.value})")
    if household.placement_types and placement_type not in household.placement_types:
        breaches.append(f"not approved for {label(placement_type)} placements")
    total = household.occupied_places + len(children)
    if total > USUAL_LIMIT:
        placed = session.exec(
            select(Child.family_key).join(Placement, Placement.child_id == Child.id)
            .where(Placement.household_id == household.id, Placement.ended_on.is_(None))
        ).all()
        keys = {k for k in placed} | {c.family_key for c in children}
        unknown = household.occupied_places - len(placed)
        if None in keys or len(keys) != 1 or unknown > 0:
            breaches.append(f"{total} children is over the usual limit of {USUAL_LIMIT} and they are not all siblings")
    return breaches


def outside_terms_overdue(starts_on: dt.date, today: dt.date | None = None) -> bool:
    """An emergency placement outside terms not resolved within 6 working days."""
    return working_days.working_days_between(starts_on, today or clock.today()) > OUTSIDE_TERMS_OVERDUE_WORKING_DAYS
