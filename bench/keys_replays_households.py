"""Scenario replays about a carer's household (3, 5, 13, 14, 15), from the dashboard at 80x24.

The household is found as a worker finds it: F3, / and part of its name, o opens it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from keys_replay_kit import Counted, Row, at, desk, fresh_store, read, user_id


async def open_household(k: Counted, name: str) -> None:
    await k.key("f3", "slash")
    await k.text(name)
    await k.key("enter", "o")


async def with_reason(k: Counted, reason: str) -> None:
    """ctrl+s with no reason yet goes to the Reason box (the record says why); the reason, then ctrl+s."""
    await k.key("ctrl+s")
    await k.text(reason)
    await k.key("ctrl+s")


async def edit_field(k: Counted, field: str, value: str) -> None:
    """Tab down the household record to a field, empty it (when it holds something) and type the new value."""
    await k.tab_to(f"f-{field}")
    focused = k.pilot.app.focused
    if getattr(focused, "value", None) or getattr(focused, "text", None):
        await k.clear()
    await k.text(value)


async def scenario3(folder: Path) -> list[Row]:
    """A carer with an empty bed asks why: her household, every request it was considered for and what decided it."""
    from db.engine import Database
    from db.enums import Gender
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for
    from dutydesk.requests.searches import run_and_save
    from matching_builders import child, household, request

    at("2026-11-27T10:00:00", "dana")
    url = fresh_store(folder)
    uid = user_id(url, "dana")
    db = Database(url)
    today = dt.date(2026, 11, 27)
    household(db, "H-KEMP", name="Kemp, Susan", place="Ramsgate", age_min=5, age_max=17, places=2,
              vacant_since=today - dt.timedelta(days=47))
    household(db, "H-DOVER", name="Near, Dover", place="Dover")
    from dutydesk.places import ensure_places

    with db.write() as s:
        pl = {n: p.id for n, p in ensure_places(s).items()}
    desk_ = Desk(db, actor_for(db, "dana"))
    for ref, age, gender, town in (("R-TODDLER", 3, Gender.FEMALE, "Margate"), ("R-DOVER", 10, Gender.MALE, "Dover")):
        rid = request(db, uid, [child(db, f"C-{ref}", age=age, gender=gender, school_place_id=pl[town])], ref=ref)
        run_and_save(desk_, rid)
    db.dispose()
    async with desk(url, folder) as k:
        await open_household(k, "kemp")
        await k.key("h")  # the requests it was considered for
        ok = k.shows("Considered for (2 searches", "R-DOVER", "R-TODDLER", "Ruled out:", "is outside the approved ages 5-17")
    return [Row("3 carer asks why: household and its history", k.count, ok)]


def _placed_store(folder: Path, name: str, first: str, age: int) -> tuple[str, int, int]:
    from db.engine import Database
    from db.enums import Gender
    from matching_builders import child, household, placement

    url = fresh_store(folder)
    uid = user_id(url, "dana")
    db = Database(url)
    hid = household(db, "HH-OLD", name=name, places=2, age_min=5, age_max=17)
    pid = placement(db, child(db, f"C-{first.upper()}", age=age, gender=Gender.MALE, first_name=first), hid, uid,
                    starts_on=dt.date(2026, 9, 1))
    db.dispose()
    return url, hid, pid


async def scenario5(folder: Path) -> list[Row]:
    """Breakdown: the call logged against the child and household, the placement ended, a new request opened."""
    from sqlmodel import select

    from db.enums import PlacementEndReason, RequestState
    from db.models import Call, Placement, PlacementRequest, RequestChild

    at("2026-12-04T16:00:00", "dana")
    url, hid, pid = _placed_store(folder, "Oak, Pam", "Kai", 15)
    async with desk(url, folder) as k:
        await k.key("f2", "w", "u")  # the child's social worker; update or breakdown
        await k.text("Kai's placement has broken down; carer gives 24 hours' notice")
        await k.key("tab")
        await k.text("Kai")
        await k.key("enter")  # Kai, placed there; on to the household
        await k.text("Oak")
        await k.key("enter", "ctrl+s")
        await open_household(k, "oak")
        await k.key("e", "1", "b", "tab")  # end a placement: Kai's; breakdown; the date stays today
        await k.text("Carer gave 24 hours' notice after an incident")
        await k.key("ctrl+s")
        await k.key("f2", "w", "r")  # the new request, for the same child
        await k.text("New home needed for Kai after breakdown")
        await k.key("tab")
        await k.text("Kai")
        await k.key("enter", "s", "u")  # Kai; short term, urgent
        await k.key("ctrl+s")

    def done(s) -> bool:
        p = s.get(Placement, pid)
        calls = s.exec(select(Call)).all()
        req = s.exec(select(PlacementRequest)).one_or_none()
        kids = [rc.child_id for rc in s.exec(select(RequestChild)).all()]
        return (p.ended_on is not None and p.end_reason == PlacementEndReason.BREAKDOWN and len(calls) == 2
                and calls[0].household_id == hid and req is not None and req.state == RequestState.LOGGED
                and kids == [p.child_id])

    return [Row("5 breakdown: call, placement ended, new request", k.count, read(url, done))]


async def scenario13(folder: Path) -> list[Row]:
    """A carer rings: away from Friday for a fortnight; recorded during the call, searches then rule it out."""
    from sqlmodel import select

    from db.models import Call, UnavailablePeriod
    from db.engine import Database
    from matching_builders import household

    at("2026-11-30T10:00:00", "dana")
    url = fresh_store(folder)
    db = Database(url)
    hid = household(db, "HH-AWAY", name="Hill, Rosa", place="Ramsgate")
    db.dispose()
    async with desk(url, folder) as k:
        await k.key("f2", "c", "v")  # a carer; availability
        await k.text("Family away from Friday for a fortnight")
        await k.tab_to("household-input")
        await k.text("Hill")
        await k.key("enter", "ctrl+o", "h")  # the household; carer away: a holiday
        await k.text("04/12/2026")
        await k.key("tab")
        await k.text("18/12/2026")
        await k.key("tab")
        await k.text("Family holiday")
        await k.key("ctrl+s", "ctrl+s")  # the dates, then the call

    def done(s) -> bool:
        from dutydesk.matching.criteria import MatchCriteria
        from dutydesk.matching.engine import match

        period = s.exec(select(UnavailablePeriod).where(UnavailablePeriod.household_id == hid)).one_or_none()
        res = match(s, MatchCriteria(from_on=dt.date(2026, 12, 7)))
        out = {e.household_id for e in res.excluded}
        return (period is not None and (period.starts_on, period.ends_on) == (dt.date(2026, 12, 4),
                dt.date(2026, 12, 18)) and hid in out and s.exec(select(Call)).one_or_none() is not None)

    return [Row("13 carer on holiday: call and dates away", k.count, read(url, done))]


async def scenario14(folder: Path) -> list[Row]:
    """Terms varied at panel: a manager records sibling groups and ages up to 15; the next search ranks it first."""
    import sqlalchemy as sa

    from db.engine import Database
    from db.enums import Gender, PlacementType, Specialism
    from db.models import Search, SearchResult
    from dutydesk.access.identity import actor_for
    from dutydesk.calls.intake import ChildInput, RequestInput, open_request
    from matching_builders import household

    at("2026-12-04T16:00:00", "maya")
    url = fresh_store(folder)
    db = Database(url)
    hid = household(db, "HH-PAN", name="Patel, Asha", places=2, age_min=0, age_max=10,
                    placement_types=frozenset({PlacementType.SHORT_TERM}), specialisms=frozenset())
    with db.write() as s:
        open_request(s, actor_for(db, "dana"), RequestInput(
            placement_type=PlacementType.SHORT_TERM, urgency="planned", needed_from=dt.date(2026, 12, 4),
            needs=frozenset({Specialism.SIBLING_GROUPS}),
            new_children=(ChildInput(first_name="Ben", last_name="Ryan", age=8, gender=Gender.MALE, family_key="ryan"),
                          ChildInput(first_name="Tom", last_name="Ryan", age=14, gender=Gender.MALE,
                                     family_key="ryan"))))
    db.dispose()
    async with desk(url, folder) as k:
        await open_household(k, "patel")
        await k.key("c")  # change the record
        await edit_field(k, "age_max", "15")
        await edit_field(k, "specialisms", "sibling groups")
        await edit_field(k, "panel_on", "2026-11-20")
        await with_reason(k, "Panel approved sibling groups, ages up to 15")
        await k.key("f9", "enter", "s")  # the dashboard; the brothers' request; search

    def done(s) -> bool:
        search = s.execute(sa.select(Search.id)).scalar_one_or_none()
        rank = s.execute(sa.select(SearchResult.rank).where(SearchResult.search_id == search,
                                                           SearchResult.household_id == hid)).scalar_one_or_none()
        return rank == 1

    return [Row("14 terms varied at panel, then the search", k.count, read(url, done))]


async def scenario15(folder: Path) -> list[Row]:
    """A carer resigns: refused while a child is placed; the placement ended; then resigned, history kept."""
    from sqlmodel import select

    from db.enums import HouseholdStatus
    from db.models import Household, Placement

    at("2026-12-04T16:00:00", "maya")
    url, hid, pid = _placed_store(folder, "Ward, Pat", "Jo", 11)
    async with desk(url, folder) as k:
        await open_household(k, "ward")
        await k.key("c")
        await edit_field(k, "status", "resigned")
        await with_reason(k, "Carers gave notice: retiring")
        refused = k.shows("end that placement first")
        await k.key("escape", "y")  # leave the record unsaved
        await k.key("e", "1", "p", "ctrl+s")  # end Jo's placement: a planned move
        await k.key("c")
        await edit_field(k, "status", "resigned")
        await with_reason(k, "Carers gave notice: retiring")

    def done(s) -> bool:
        h = s.get(Household, hid)
        p = s.get(Placement, pid)
        return h.status == HouseholdStatus.RESIGNED and p.ended_on is not None and \
            len(s.exec(select(Placement).where(Placement.household_id == hid)).all()) == 1

    return [Row("15 resignation: refused, placement ended, resigned", k.count, refused and read(url, done))]


REPLAYS = (("3", scenario3), ("5", scenario5), ("13", scenario13), ("14", scenario14), ("15", scenario15))
