"""Scenario replays that start with a call (1, 2, 4, 6, 7, 8), from the dashboard at 80x24.

Each builds its own store, presses the keys a worker would, and checks the store
afterwards; see bench/keys_scenarios.py for the table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from keys_replay_kit import Counted, Row, at, desk, fresh_store, read


async def child_on_call(k: Counted, name: str, age: str, gender: str) -> None:
    """From the summary: Tab to the child finder, the name (no match: new child), age, gender."""
    await k.key("tab")
    await k.text(name)
    await k.key("enter")
    await k.text(age)
    await k.key("tab", gender)


async def near(k: Counted, town: str) -> None:
    await k.text(town)
    await k.key("enter")


async def scenario1(folder: Path) -> list[Row]:
    """Police protection at night: logged (ctrl+f runs the search), two tries, acceptance, placed at once."""
    from sqlmodel import select

    from db.enums import CandidateStatus, RequestState
    from db.models import Candidate, Decision, PlacementRequest
    from test_request_ui import log_scenario1_call, move_to, scenario1_store

    at("2026-11-22T02:10:00", "oliver")
    url, ids = scenario1_store(folder)
    async with desk(url, folder) as k:
        await log_scenario1_call(k.pilot, k, save="ctrl+f")
        logged = k.count
        await move_to(k.pilot, k, "Akhtar, Samina [Jr]")
        await k.key("n", "n")  # no answer, twice
        await move_to(k.pilot, k, "Brown, Jo")
        await k.key("a", "e")  # accepted; place now (emergency, out of hours)
        await k.text("First carer did not answer twice; Jo accepted and is near her school.")
        await k.key("ctrl+s")

    def done(s) -> bool:
        req = s.exec(select(PlacementRequest)).one()
        d = s.exec(select(Decision)).one()
        first = s.exec(select(Candidate).where(Candidate.household_id == ids["Akhtar, Samina [Jr]"])).one()
        return (req.state == RequestState.PLACED and d.retrospective and d.household_id == ids["Brown, Jo"]
                and first.status == CandidateStatus.NO_ANSWER)

    ok = read(url, done)
    return [Row("1 police protection: call logged, search run", logged, ok),
            Row("1 police protection: logged and placed", k.count, ok)]


async def brothers_or_baby(folder: Path, which: int) -> list[Row]:
    """2: three brothers on one call, then closed as unmet (IFA); 7: a mother of 17 and her unborn baby."""
    from sqlmodel import select

    from db.enums import RequestState, UnmetNeed
    from db.models import PlacementRequest, RequestChild
    from test_request_ui import scenario1_store

    at("2026-11-27T10:00:00", "dana")
    url, _ids = scenario1_store(folder)  # three households of two places, ages 8-17: none takes all three
    async with desk(url, folder) as k:
        await k.key("f2", "w", "r")
        if which == 2:
            await k.text("Three brothers need a short-term home")
            children = (("Tom Reed", "4", "m"), ("Sam Reed", "7", "m"), ("Joe Reed", "9", "m"))
        else:
            await k.text("Mother of 17 and her baby need a parent and child home")
            children = (("Kayla Moss", "17", "f"), ("Baby Moss", "due 30/12/2026", "u"))
        for i, (name, age, gender) in enumerate(children):
            if i:
                await k.key("ctrl+n")
                await k.text(name)
                await k.key("enter")
                await k.text(age)
                await k.key("tab", gender)
            else:
                await child_on_call(k, name, age, gender)
        if which == 2:
            await k.key("s", "p")  # short term, planned
            await k.clear()
            await k.text("01/12/2026")
            await k.key("ctrl+f")  # saved, searched: every household ruled out
            logged = k.count
            await k.key("c", "s", "tab", "i")  # close unmet: sibling group; an IFA commissioned
            await k.text("No in-house household has three places; IFA for the three together")
            await k.key("ctrl+s")
        else:
            await k.key("p", "u")  # parent and child, urgent
            await k.key("ctrl+s")
            logged = k.count
        home = k.screen in ("DashboardScreen", "RequestScreen")

    def done(s) -> bool:
        req = s.exec(select(PlacementRequest)).one_or_none()
        if req is None:
            return False
        n = len(s.exec(select(RequestChild).where(RequestChild.request_id == req.id)).all())
        if which == 7:
            return n == 2 and req.placement_type.value == "parent_and_child"
        return (n == 3 and req.needed_from == dt.date(2026, 12, 1) and req.state == RequestState.CLOSED_UNMET
                and UnmetNeed.SIBLING_GROUP in req.unmet_needs)

    ok = home and read(url, done)
    if which == 2:
        return [Row("2 sibling group of three: call logged, searched", logged, ok),
                Row("2 sibling group: logged and closed unmet (IFA)", k.count, ok)]
    return [Row("7 parent and unborn baby: call logged", logged, ok)]


async def scenario4(folder: Path) -> list[Row]:
    """Respite: short breaks for a 10-year-old wheelchair user; a wheelchair-accessible household ranks."""
    from sqlmodel import select

    from db.enums import PlacementType, Specialism
    from db.models import PlacementRequest, Search
    from db.engine import Database
    from matching_builders import household

    at("2026-11-27T10:00:00", "dana")
    url = fresh_store(folder)
    db = Database(url)
    household(db, "HH-WHEEL", name="Wheel, Ann", place="Canterbury", wheelchair_access=True,
              placement_types=frozenset({PlacementType.SHORT_BREAKS}), specialisms=frozenset({Specialism.DISABILITY}))
    household(db, "HH-STEPS", name="Steps, Bo", place="Canterbury",
              placement_types=frozenset({PlacementType.SHORT_BREAKS}), specialisms=frozenset({Specialism.DISABILITY}))
    db.dispose()
    async with desk(url, folder) as k:
        await k.key("f2", "w", "r")
        await k.text("Short breaks every other weekend for a wheelchair user")
        await child_on_call(k, "Ella Hart", "10", "f")
        await k.key("b", "p")  # short breaks, planned
        await k.clear()
        await k.text("05/12/2026")
        await k.tab_to("req_needs")
        await k.key("d")  # disability
        await k.tab_to("req_place-input")
        await near(k, "Canterbury")
        await k.tab_to("req_limits")
        await k.key("w")  # wheelchair access
        await k.key("ctrl+f")
        ranked = k.shows("Wheel, Ann") and not k.shows("Steps, Bo")

    def done(s) -> bool:
        req = s.exec(select(PlacementRequest)).one()
        return (req.placement_type == PlacementType.SHORT_BREAKS and req.needs_wheelchair_access
                and Specialism.DISABILITY in req.needs and s.exec(select(Search)).first() is not None)

    return [Row("4 respite, wheelchair: logged and searched", k.count, ranked and read(url, done))]


async def scenario6(folder: Path) -> list[Row]:
    """UASC: a 16-year-old at Dover speaking Pashto; the finder, with the language, ranks the Pashto home first."""
    from sqlmodel import select

    from db.enums import Specialism
    from db.engine import Database
    from db.models import PlacementRequest
    from matching_builders import household

    at("2026-11-27T22:30:00", "oliver")
    url = fresh_store(folder)
    db = Database(url)
    for ref, name, langs in (("HH-ENG", "Abbot, Ann", "english"), ("HH-PAS", "Zadran, Gul", "english,pashto")):
        household(db, ref, name=name, place="Dover", specialisms=frozenset({Specialism.UASC}), languages=langs,
                  age_min=12, age_max=17)
    db.dispose()
    async with desk(url, folder) as k:
        await k.key("f2", "p", "r")
        await k.text("Boy 16 arrived at Dover alone, speaks Pashto")
        await child_on_call(k, "Ahmad Khan", "16", "m")
        await k.key("e", "a")  # emergency (urgency and today filled); needs: UASC
        await k.tab_to("req_place-input")
        await near(k, "Dover")
        await k.key("ctrl+f")
        logged = k.count
        await k.key("f", "e")  # the finder on this request; its criteria
        await k.tab_to("crit-language")
        await k.text("pashto")
        await k.key("ctrl+s")
        rows = getattr(k.pilot.app.screen, "rows", None) or []
        first = getattr(rows[0], "name", getattr(rows[0], "household_name", "")) if rows else ""
        ranked = k.shows("Zadran, Gul") and ("Zadran" in str(first) or not rows)

    def done(s) -> bool:
        req = s.exec(select(PlacementRequest)).one()
        return Specialism.UASC in req.needs and req.urgency.value == "emergency"

    ok = ranked and read(url, done)
    return [Row("6 UASC: call logged, search run", logged, ok),
            Row("6 UASC: and the finder with Pashto", k.count, ok)]


async def scenario8(folder: Path) -> list[Row]:
    """Connected person: a grandmother recorded on the call (ctrl+g), her household ranked, Leo placed tonight."""
    from sqlmodel import select

    from db.enums import HouseholdKind, RequestState
    from db.models import Household, Placement, PlacementRequest
    from test_request_ui import move_to, scenario1_store

    at("2026-11-22T02:10:00", "oliver")
    url, _ids = scenario1_store(folder)
    async with desk(url, folder) as k:
        await k.key("f2", "x", "r")
        await k.text("Grandmother offers to take her grandson Leo tonight")
        await child_on_call(k, "Leo Green", "13", "m")
        await k.key("ctrl+g")  # the grandmother, during the call
        await k.text("Green, Margaret")
        await k.key("tab")
        await k.text("CT9 2AB")
        await k.key("tab", "tab")
        await k.text("grandmother; has him at weekends")
        await k.key("ctrl+s")  # kept for the call
        await k.key("e")  # emergency: urgency and today filled
        await k.tab_to("req_place-input")
        await near(k, "Margate")
        await k.key("ctrl+f")
        logged = k.count
        await move_to(k.pilot, k, "Green, Margaret")
        await k.key("a", "e")
        await k.text("His grandmother, known to him, offers tonight; temporary approval.")
        await k.key("ctrl+s")

    def done(s) -> bool:
        h = s.exec(select(Household).where(Household.kind == HouseholdKind.CONNECTED_PERSON)).one_or_none()
        p = s.exec(select(Placement)).one_or_none()
        req = s.exec(select(PlacementRequest)).one()
        return (h is not None and h.approval_expires_on is not None and p is not None and p.household_id == h.id
                and req.state == RequestState.PLACED)

    ok = read(url, done)
    return [Row("8 connected person: call and grandmother logged", logged, ok),
            Row("8 connected person: and placed tonight", k.count, ok)]


REPLAYS = (("1", scenario1), ("2", lambda f: brothers_or_baby(f, 2)), ("4", scenario4), ("6", scenario6),
           ("7", lambda f: brothers_or_baby(f, 7)), ("8", scenario8))
