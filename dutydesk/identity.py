"""Who is at the desk, and what their role lets them do.

Identity is the operating-system login: SSH (or the desk PC's sign-in) has
already authenticated the person. Roles are checked here, in the service
layer, so the command line obeys the same rules as the screens.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlmodel import select

from db.engine import Database
from db.enums import Role
from db.models import Setting, Team, User
from dutydesk.errors import NotAllowed, UnknownUser

DEMO_SETTING = "demo"

# What each role may do. Services call ``require(actor, Permission.X)``.
WRITE_ROLES = frozenset({Role.DUTY_WORKER, Role.MANAGER, Role.ADMIN})


class Permission:
    READ = frozenset(Role)
    LOG = WRITE_ROLES  # calls, requests, searches, contacts, placements
    SIGN_OFF = frozenset({Role.MANAGER})
    ADMINISTER = frozenset({Role.ADMIN})
    MANAGE_HOUSEHOLDS = frozenset({Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user, as services see them. ``user_id`` None is the system."""

    user_id: int | None
    username: str
    full_name: str
    role: Role
    team_id: int | None = None
    team_name: str = ""

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM = Actor(user_id=None, username="system", full_name="dutydesk", role=Role.ADMIN)


def os_login() -> str:
    return os.environ.get("DUTYDESK_USER") or getpass.getuser()


def is_demo(db: Database) -> bool:
    with db.read() as s:
        row = s.get(Setting, DEMO_SETTING)
        return row is not None and row.value == "true"


def actor_for(db: Database, username: str) -> Actor:
    with db.read() as s:
        row = s.exec(
            select(User, Team).join(Team, Team.id == User.team_id, isouter=True).where(User.username == username)
        ).first()
    if row is None:
        raise UnknownUser(
            f"There is no dutydesk user called {username!r}. "
            "Ask an administrator to add you (dutydesk users add)."
        )
    user, team = row
    if not user.active:
        raise UnknownUser(f"The dutydesk account {username!r} is disabled. Ask an administrator.")
    return Actor(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        team_id=user.team_id,
        team_name=team.name if team else "",
    )


def sign_in(db: Database, as_user: str | None = None) -> Actor:
    """The actor for this session. ``--as`` is honoured only on a demo database."""
    if as_user:
        if not is_demo(db):
            raise NotAllowed("--as works only on a demo database; real users sign in with their own login.")
        return actor_for(db, as_user)
    return actor_for(db, os_login())


def require(actor: Actor, allowed: frozenset[Role], doing: str) -> None:
    if actor.role not in allowed:
        names = " or ".join(sorted(r.value.replace("_", " ") for r in allowed))
        raise NotAllowed(f"Only a {names} can {doing}; you are signed in as a {actor.role.value.replace('_', ' ')}.")
