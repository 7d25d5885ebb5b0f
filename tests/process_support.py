"""Small builders for the duty-process tests: households, requests, saved searches.

Requests go through intake.open_request (the calls service); saved searches are
written directly in the matching service's stored shape ({"f": factors} for a
ranked household, {"x": rules} for one ruled out), so these tests do not depend
on the matching weights.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

from db.engine import Database
from db.enums import (
    Gender,
    HouseholdKind,
    HouseholdStatus,
    PlacementType,
    Urgency,
)
from db.models import Household, Search, SearchResult
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor
from dutydesk.calls.intake import ChildInput, RequestInput, open_request

_n = itertools.count(1)


def make_household(
    db: Database,
    name: str | None = None,
    *,
    places: int = 1,
    occupied: int = 0,
    age_min: int = 0,
    age_max: int = 17,
    types: frozenset[PlacementType] = frozenset({PlacementType.EMERGENCY, PlacementType.SHORT_TERM,
                                                  PlacementType.LONG_TERM}),
    status: HouseholdStatus = HouseholdStatus.APPROVED,
    kind: HouseholdKind = HouseholdKind.IN_HOUSE,
) -> int:
    k = next(_n)
    with db.write() as s:
        h = Household(
            reference=f"HH-T{k:05d}", name=name or f"Carer household {k}", kind=kind, status=status,
            places=places, occupied_places=occupied, age_min=age_min, age_max=age_max, placement_types=types,
        )
        s.add(h)
        s.flush()
        return h.id


def make_request(
    db: Database,
    actor: Actor,
    *,
    children: list[tuple[str, int, Gender]] | None = None,
    urgency: Urgency = Urgency.EMERGENCY,
    placement_type: PlacementType = PlacementType.EMERGENCY,
    needed_from: dt.date | None = None,
    family_key: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    from dutydesk import clock

    kids = children or [("Amy", 13, Gender.FEMALE)]
    with db.write() as s:
        req = open_request(
            s, actor,
            RequestInput(
                placement_type=placement_type, urgency=urgency,
                needed_from=needed_from or clock.today(),
                new_children=tuple(
                    ChildInput(first_name=first, last_name="Test", age=age, gender=g, family_key=family_key)
                    for first, age, g in kids
                ),
                at=at,
            ),
        )
        return req.id


def save_search(
    db: Database,
    actor: Actor,
    request_id: int,
    ranked: list[int],
    excluded: dict[int, list[str]] | None = None,
) -> int:
    excluded = excluded or {}
    with db.write() as s:
        from dutydesk import clock

        srch = Search(request_id=request_id, run_by_id=actor.user_id, criteria=json.dumps({"test": True}), run_at=clock.now(),
                      ranked_count=len(ranked), excluded_count=len(excluded))
        s.add(srch)
        s.flush()
        for i, hid in enumerate(ranked, start=1):
            s.add(SearchResult(search_id=srch.id, household_id=hid, rank=i, score=100.0 - i,
                               reasons=json.dumps({"f": [["distance", 5.0, "3 km from school"]]})))
        for hid, rules in excluded.items():
            s.add(SearchResult(search_id=srch.id, household_id=hid, rank=None, score=None,
                               reasons=json.dumps({"x": [[r] for r in rules]})))
        return srch.id


def desk(db: Database, actor: Actor) -> Desk:
    return Desk(db, actor)
