"""Who may change which part of a household's record, and the rules on its status.

One module, read by the edit service, the households CSV import and the screens
(which grey out what the signed-in role may not change), so every route obeys
the same rules:

* duty workers record what a carer reports: the household's facts (where it
  is, bedrooms, pets, languages ...), its supervising social worker, and its
  availability (unavailable periods, places not available: ``availability_edit``);
* terms of approval, status, approval, review and DBS dates, and the record's
  own identity (name, kind, agency, team) need a manager;
* no route makes a household available while an open allegation holds it
  (``holds.refuse_if_held``);
* a household cannot resign or be de-registered while a child is placed there:
  its current placements must be ended first (they are named). Resignation is the
  carer's notice, de-registration the agency's decision (a manager, with a reason
  and the day of the decision, for example the panel's); either way the household
  leaves matching (it is no longer approved) and keeps its history.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import HouseholdStatus
from db.models import Child, Placement
from dutydesk.access.identity import Actor, Permission, can, require
from dutydesk.carers.holds import holding_allegation
from dutydesk.errors import Conflict

FACTS = ("postcode", "place", "phone", "supervising_social_worker", "bedrooms", "pets", "smoker",
         "wheelchair_access", "other_children_ages", "languages", "religion", "ethnicity")
TERMS = ("age_min", "age_max", "places", "gender_terms", "placement_types", "specialisms")
STATUS = ("status",)
DATES = ("approved_on", "approval_expires_on", "approval_extended", "annual_review_due", "dbs_expires_on")
IDENTITY = ("reference", "name", "kind", "agency", "team")

# Field group -> (roles allowed, what the refusal says they tried).
GROUPS: dict[tuple[str, ...], tuple[frozenset, str]] = {
    FACTS: (Permission.LOG, "change a household's facts"),
    TERMS: (Permission.MANAGE_HOUSEHOLDS, "change terms of approval"),
    STATUS: (Permission.MANAGE_HOUSEHOLDS, "change a household's status"),
    DATES: (Permission.MANAGE_HOUSEHOLDS, "change approval, review or DBS dates"),
    IDENTITY: (Permission.MANAGE_HOUSEHOLDS, "change a household's name, kind, agency or team"),
}
EDITABLE: tuple[str, ...] = IDENTITY + STATUS + TERMS + FACTS + DATES
GROUP_OF = {name: group for group in GROUPS for name in group}
# Statuses in which a household takes no child: leaving them for approved is "making it available".
AVAILABLE = HouseholdStatus.APPROVED
LEAVING = frozenset({HouseholdStatus.RESIGNED, HouseholdStatus.DEREGISTERED})
# What the refusal tells the worker to record once the placements are ended.
LEAVING_WORDS = {HouseholdStatus.RESIGNED: "the resignation", HouseholdStatus.DEREGISTERED: "the de-registration"}


def may_change(actor: Actor, field: str) -> bool:
    """Whether the actor's role may change this field (for the screens; the service still checks)."""
    allowed, _doing = GROUPS[GROUP_OF[field]]
    return can(actor, allowed)


def require_fields(actor: Actor, fields: set[str] | list[str]) -> None:
    """``NotAllowed`` for the first field group touched that the actor's role may not change."""
    for group, (allowed, doing) in GROUPS.items():
        if set(group) & set(fields):
            require(actor, allowed, doing)


def current_placements(session: Session, household_id: int) -> list[str]:
    """The household's placements not yet ended, as "PL-2026-00012 (Sam Green)"."""
    rows = session.execute(
        sa.select(Placement.reference, Child.first_name, Child.last_name)
        .join(Child, Child.id == Placement.child_id)
        .where(Placement.household_id == household_id, Placement.ended_on.is_(None))
        .order_by(Placement.starts_on, Placement.id)
    ).all()
    return [f"{ref} ({first} {last})".replace(" )", ")") for ref, first, last in rows]


def status_words(before: HouseholdStatus, after: HouseholdStatus, held_by: str | None,
                 placed: list[str]) -> str | None:
    """Why the status may not move from ``before`` to ``after``, given the allegation holding the
    household (``held_by``) and its current placements; None when it may."""
    if before == after:
        return None
    if after is AVAILABLE and held_by is not None:
        return (f"the household is on hold because of open allegation {held_by}; it cannot be made available "
                "until the allegation is closed")
    if after in LEAVING and placed:
        return (f"a child is still placed there ({', '.join(placed)}); end "
                f"{'that placement' if len(placed) == 1 else 'those placements'} first, then record "
                f"{LEAVING_WORDS[after]}; the household's history is kept either way")
    return None


def status_problem(session: Session, household_id: int, before: HouseholdStatus, after: HouseholdStatus) -> str | None:
    """Why the household may not move from ``before`` to ``after`` now, or None."""
    if before == after:
        return None
    held = holding_allegation(session, household_id) if after is AVAILABLE else None
    placed = current_placements(session, household_id) if after in LEAVING else []
    return status_words(before, after, held, placed)


def left_on_problem(left_on: dt.date, approved_on: dt.date | None, today: dt.date) -> str | None:
    """Why ``left_on`` cannot be the day the household left the register, or None."""
    if left_on > today:
        return (f"{left_on:%d %b %Y} is in the future; record the resignation or de-registration on the day it "
                "takes effect (until then the household stays approved)")
    if approved_on is not None and left_on < approved_on:
        return f"{left_on:%d %b %Y} is before the household was approved ({approved_on:%d %b %Y})"
    return None


def panel_on_problem(panel_on: dt.date, changed: set[str], today: dt.date) -> str | None:
    """Why ``panel_on`` cannot be the panel date of this edit's new terms, or None."""
    if not set(TERMS) & changed:
        return "is the day panel approved new terms; give it with the change of terms (ages, places, types ...)"
    if panel_on > today:
        return f"{panel_on:%d %b %Y} is in the future; record the new terms once panel has approved them"
    return None


def refuse_status(session: Session, household_id: int, before: HouseholdStatus, after: HouseholdStatus) -> None:
    problem = status_problem(session, household_id, before, after)
    if problem:
        raise Conflict(problem[0].upper() + problem[1:] + ".")
