"""Small deterministic data for the matching tests (scenarios 2, 3, 4, 6, 7 and rule by rule)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import sqlalchemy as sa

from db.engine import Database
from db.enums import (
    Gender,
    GenderTerms,
    HouseholdKind,
    HouseholdStatus,
    PlacementType,
    RequestState,
    Urgency,
)
from db.models import Child, Household, Place, Placement, PlacementRequest, RequestChild, Team, UnavailablePeriod
from dutydesk.places import ensure_places

TODAY = dt.date(2026, 11, 20)
_seq = itertools.count(1)


def places(db: Database) -> dict[str, int]:
    with db.write() as s:
        return {name: p.id for name, p in ensure_places(s).items()}


def household(db: Database, ref: str, *, place: str | None = "Margate", **kw: Any) -> int:
    defaults: dict[str, Any] = dict(
        name=f"Household {ref}", kind=HouseholdKind.IN_HOUSE, status=HouseholdStatus.APPROVED,
        age_min=0, age_max=17, places=2, gender_terms=GenderTerms.ANY,
        placement_types=frozenset(PlacementType), specialisms=frozenset(),
        languages="english",
    )
    defaults.update(kw)
    with db.write() as s:
        pid = None
        if place:
            pid = s.execute(sa.select(Place.id).where(Place.name == place)).scalar_one()
        h = Household(reference=ref, place_id=pid, **defaults)
        s.add(h)
        s.flush()
        return h.id


def child(db: Database, ref: str, *, age: int | None = 10, gender: Gender = Gender.FEMALE, **kw: Any) -> int:
    dob = None if age is None else dt.date(TODAY.year - age, 1, 1)
    with db.write() as s:
        c = Child(case_reference=ref, first_name=kw.pop("first_name", ref), last_name=kw.pop("last_name", "Test"),
                  date_of_birth=dob, gender=gender, **kw)
        s.add(c)
        s.flush()
        return c.id


def placement(db: Database, child_id: int, household_id: int, user_id: int, *, starts_on: dt.date,
              ended_on: dt.date | None = None, planned_end_on: dt.date | None = None,
              count_now: bool = True) -> int:
    """A placement; active ones also move the household's occupied counter (as the placement service does)."""
    n = next(_seq)
    with db.write() as s:
        p = Placement(reference=f"PL{n:05d}", child_id=child_id, household_id=household_id,
                      placement_type=PlacementType.SHORT_TERM, place_number=100 + n, starts_on=starts_on,
                      ended_on=ended_on, planned_end_on=planned_end_on, created_by_id=user_id)
        s.add(p)
        if ended_on is None and count_now:
            s.execute(sa.update(Household).where(Household.id == household_id)
                      .values(occupied_places=Household.occupied_places + 1))
        s.flush()
        return p.id


def unavailable(db: Database, household_id: int, starts_on: dt.date, ends_on: dt.date, kind: str = "holiday") -> None:
    with db.write() as s:
        s.add(UnavailablePeriod(household_id=household_id, kind=kind, starts_on=starts_on, ends_on=ends_on))


def request(db: Database, user_id: int, child_ids: list[int], *, ref: str | None = None,
            placement_type: PlacementType = PlacementType.SHORT_TERM, needed_from: dt.date = TODAY,
            state: RequestState = RequestState.LOGGED, **kw: Any) -> int:
    n = next(_seq)
    with db.write() as s:
        team = s.execute(sa.select(Team.id).limit(1)).scalar_one()
        r = PlacementRequest(reference=ref or f"R{n:05d}", team_id=team, created_by_id=user_id,
                             placement_type=placement_type, urgency=kw.pop("urgency", Urgency.URGENT),
                             needed_from=needed_from, state=state, **kw)
        s.add(r)
        s.flush()
        for cid in child_ids:
            s.add(RequestChild(request_id=r.id, child_id=cid))
        return r.id
