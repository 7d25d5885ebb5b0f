"""The demo's teams and workers, and the pools of social workers' names.

Usernames are stable across seeds, so they can be printed and used with
``dutydesk --as USERNAME``.
"""

from __future__ import annotations

from db.enums import Area, Role
from dutydesk.demo import names
from dutydesk.demo.county import County, UserInfo

TEAMS: list[tuple[str, str, Area | None, bool]] = [
    ("NORTH", "North duty team", Area.NORTH, False),
    ("EAST", "East duty team", Area.EAST, False),
    ("SOUTH", "South duty team", Area.SOUTH, False),
    ("WEST", "West duty team", Area.WEST, False),
    ("OOH", "Out of hours", None, True),
]
AREA_TEAM = {Area.NORTH: "NORTH", Area.EAST: "EAST", Area.SOUTH: "SOUTH", Area.WEST: "WEST"}

# username, full name, role, team
USERS: list[tuple[str, str, Role, str | None]] = [
    ("priya.s", "Priya Sharma", Role.DUTY_WORKER, "NORTH"),
    ("tom.h", "Tom Hughes", Role.DUTY_WORKER, "NORTH"),
    ("dana.e", "Dana Evans", Role.DUTY_WORKER, "EAST"),
    ("kwame.a", "Kwame Asante", Role.DUTY_WORKER, "EAST"),
    ("rhys.m", "Rhys Morgan", Role.DUTY_WORKER, "SOUTH"),
    ("grace.o", "Grace Okafor", Role.DUTY_WORKER, "SOUTH"),
    ("ellie.w", "Ellie Walsh", Role.DUTY_WORKER, "WEST"),
    ("harpreet.k", "Harpreet Kaur", Role.DUTY_WORKER, "WEST"),
    ("oliver.b", "Oliver Bennett", Role.DUTY_WORKER, "OOH"),
    ("niamh.f", "Niamh Fitzgerald", Role.DUTY_WORKER, "OOH"),
    ("marek.n", "Marek Nowak", Role.DUTY_WORKER, "OOH"),
    ("maya.p", "Maya Patel", Role.MANAGER, "EAST"),
    ("james.c", "James Carter", Role.MANAGER, "WEST"),
    ("fiona.m", "Fiona MacLeod", Role.MANAGER, "OOH"),
    ("alan.r", "Alan Reid", Role.ADMIN, None),
    ("vicky.h", "Victoria Hale", Role.VIEWER, None),
]

# What the summary tells people to try with --as.
SUGGESTED = [
    ("dana.e", "duty worker, East"),
    ("oliver.b", "out-of-hours worker"),
    ("maya.p", "manager (signs off)"),
    ("alan.r", "administrator"),
    ("vicky.h", "viewer (read only)"),
]


def add_people(county: County, os_user: str | None) -> UserInfo | None:
    """Teams and users; the OS login (if not a demo name) becomes an East duty worker.

    The OS-login user takes no part in the history, so the county is the same
    whoever builds it.
    """
    w = county.writer
    for code, name, area, ooh in TEAMS:
        tid = county.next_id("teams")
        county.teams[code] = tid
        w.add("teams", {"id": tid, "code": code, "name": name, "area": area, "out_of_hours": ooh})
    created = county.at(county.start, 9)
    for username, full_name, role, team in USERS:
        uid = county.next_id("users")
        county.users[username] = UserInfo(uid, username, full_name, role, team)
        w.add("users", {
            "id": uid, "username": username, "full_name": full_name, "role": role,
            "team_id": county.teams[team] if team else None, "active": True, "created_at": created,
        })
    me = None
    if os_user and os_user not in county.users:
        uid = county.next_id("users")
        me = UserInfo(uid, os_user, f"{os_user} (you, demo)", Role.DUTY_WORKER, "EAST")
        w.add("users", {
            "id": uid, "username": os_user, "full_name": me.full_name, "role": Role.DUTY_WORKER,
            "team_id": county.teams["EAST"], "active": True, "created_at": created,
        })
    rng = county.rng
    county.social_workers = sorted({names.person(rng) for _ in range(60)})
    county.ssws = sorted({names.person(rng) for _ in range(24)})
    return me
