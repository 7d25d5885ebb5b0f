"""Scenario replays for oversight (9, 11, 16), from the dashboard at 80x24.

17 (the letter to a carer) is not replayed: it is printed by ``dutydesk reports
letter`` on the command line and has no screen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from keys_replay_kit import Row, at, desk, fresh_store, read, user_id


async def scenario9(folder: Path) -> list[Row]:
    """Allegation: the school's call, the allegation (household on hold), the LADO referral; a manager closes it."""
    import sqlalchemy as sa

    from db.engine import Database
    from db.enums import AllegationStatus, HouseholdStatus
    from db.models import Allegation, Household
    from matching_builders import child, household, placement

    at("2026-11-24T11:40:00", "dana")
    url = fresh_store(folder)
    uid = user_id(url, "dana")
    db = Database(url)
    bell = household(db, "HH-BELL", name="Bell, Tracey", place="Herne Bay")
    placement(db, child(db, "CR-S09", age=9, first_name="Lily", last_name="Ward"), bell, uid,
              starts_on=dt.date(2025, 10, 20))
    db.dispose()
    async with desk(url, folder) as k:
        await k.key("f2", "x", "g")  # the school; allegation or concern
        await k.text("Lily told her teacher her carer hit her")
        await k.key("tab")
        await k.text("Lily")
        await k.key("enter")  # Lily, placed there; on to the household
        await k.text("Bell")
        await k.key("enter", "ctrl+s")  # the call saved; the allegation form opens
        await k.key("h")  # harm
        await k.text("Carer hit her on the arm this morning")
        await k.key("tab")
        await k.text("Lily, to her teacher Mrs Hall")
        await k.key("tab", "w", "tab", "tab", "u")  # told: the child's SW; Lily's safety under review
        await k.text("Partner stays with relatives")
        await k.key("ctrl+s", "r")  # recorded (on hold); the LADO referral
        await k.text("Phoned the LADO and emailed the referral form")
        await k.key("ctrl+s")
        worker = k.count
    held = read(url, lambda s: s.get(Household, bell).status == HouseholdStatus.ON_HOLD)
    at("2026-11-25T15:00:00", "maya")
    async with desk(url, folder) as k:
        await k.key("ctrl+g", "enter", "l")  # the open allegations; this one; lift the hold
        await k.text("LADO threshold not met; safe to take placements")
        await k.key("ctrl+s", "o", "u", "tab")  # the outcome: unsubstantiated, dated today
        await k.text("LADO enquiry found no evidence; carer to be told in writing")
        await k.key("tab", "tab", "l", "ctrl+s")  # no approval review; the hold lifted

    def done(s) -> bool:
        a = s.execute(sa.select(Allegation)).scalar_one()
        return (a.status == AllegationStatus.CLOSED and a.lado_referred_at is not None
                and s.get(Household, bell).status == HouseholdStatus.APPROVED)

    ok = held and read(url, done)
    return [Row("9 allegation: call, allegation, LADO referral", worker, ok),
            Row("9 allegation: a manager lifts the hold, outcome", k.count, ok)]


async def scenario11(folder: Path) -> list[Row]:
    """Shift change at 17:00: the handover shows two requests, the 19:30 callback, the hold; a note for OOH."""
    import sqlalchemy as sa
    from sqlmodel import select

    from db.engine import Database
    from db.enums import Gender, HouseholdStatus, PlacementType, Urgency
    from db.models import HandoverNote, Household, Team
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for
    from dutydesk.calls.call_log import CallbackInput
    from dutydesk.calls.callbacks import add_callback
    from process_support import make_household, make_request

    def hour(hhmm: str) -> dt.datetime:
        return dt.datetime.fromisoformat(f"2026-11-24T{hhmm}:00+00:00")

    at("2026-11-24T17:00:00", "dana")
    url = fresh_store(folder)
    db = Database(url)
    dana = actor_for(db, "dana")
    make_request(db, dana, children=[("Ann", 9, Gender.FEMALE)], urgency=Urgency.URGENT,
                 placement_type=PlacementType.SHORT_TERM, at=hour("09:00"))
    make_request(db, dana, children=[("Max", 14, Gender.MALE)], urgency=Urgency.PLANNED,
                 placement_type=PlacementType.LONG_TERM, at=hour("11:00"))
    with db.read() as s:
        ooh = s.execute(sa.select(Team.id).where(Team.code == "OOH")).scalar_one()
    add_callback(Desk(db, dana), CallbackInput(due_at=hour("19:30"), summary="Ring SW back", team_id=ooh))
    held = make_household(db, "Kemp, Susan", status=HouseholdStatus.ON_HOLD)
    with db.write() as s:
        s.execute(sa.update(Household).where(Household.id == held).values(status_changed_at=hour("12:00")))
    db.dispose()
    async with desk(url, folder) as k:
        await k.key("f10")
        shown = k.shows("Open 2 · Callbacks 1 · Placed 0 · On hold 1")
        await k.key("w")  # a note for out of hours
        await k.text("Callback 19:30 to SW. Kemp on hold since noon.")
        await k.key("ctrl+s")
    ok = shown and read(url, lambda s: s.exec(select(HandoverNote)).one_or_none() is not None)
    return [Row("11 shift change: handover read, note for OOH", k.count, ok)]


async def scenario16(folder: Path) -> list[Row]:
    """Monday with the managers: consistency for October across the teams, then sufficiency."""
    import sys

    from db.engine import Database
    from db.enums import RequestState as RS
    from dutydesk.access.identity import actor_for

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reports"))
    from report_builders import Store
    from ui_helpers import SeedUser, seed_store

    users = [SeedUser("dana", "Dana Smith", "duty_worker", "EAST"), SeedUser("maya", "Maya Patel", "manager", "EAST"),
             SeedUser("wes", "Wes Lee", "duty_worker", "WEST")]
    at("2026-11-23T09:30:00", "maya")
    url = seed_store(folder, users)
    db = Database(url)
    st = Store(db, {"worker": actor_for(db, "dana"), "manager": actor_for(db, "maya"),
                    "worker2": actor_for(db, "wes")})
    h = st.household("HH-R1", "Able, Ann", places=2, vacant_since=dt.date(2026, 10, 1))
    for ref, team, who, when, signed in (("PR-1", "EAST", "worker", "2026-10-05 10:00", "2026-10-05 15:00"),
                                         ("PR-2", "EAST", "worker", "2026-10-09 10:00", "2026-10-14 09:00"),
                                         ("PR-3", "WEST", "worker2", "2026-10-10 10:00", "2026-10-10 12:00")):
        r = st.request(ref, team, who, when, RS.PLACED)
        st.search(r, when, who, {h: (None, {"x": [["age", [0, 4]]]})})
        st.decision(r, when, who, hid=h, signed=signed)
        st.move(r, RS.PLACED, signed, who)
    db.dispose()
    async with desk(url, folder) as k:
        await k.key("f8", "d")  # reports (consistency); the period
        await k.clear()
        await k.text("2026-10-01")
        await k.key("tab")
        await k.clear()
        await k.text("2026-10-31")
        await k.key("ctrl+s")
        october = k.shows("01 Oct 2026 to 31 Oct 2026", "EAST", "WEST")
        await k.key("r")  # sufficiency
        ok = october and k.shows("Sufficiency")
    return [Row("16 managers: consistency for October, sufficiency", k.count, ok)]


REPLAYS = (("9", scenario9), ("11", scenario11), ("16", scenario16))
