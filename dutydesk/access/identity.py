"""Who is at the desk, and what their role lets them do.

Identity is the operating-system login: SSH (or the desk PC's sign-in) has
already authenticated the person. Roles are checked here, in the service
layer, so the command line obeys the same rules as the screens.

Signing in is on the path from process start to the first screen, so it reads
``users``, ``teams`` and ``settings`` with plain SQL and does not import the
models (``db.models``: about 0.15 s of class building and mapper set-up).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

import sqlalchemy as sa

from db.engine import Database
from db.enums import Role
from dutydesk.errors import AccountDisabled, NotADemoStore, NotAllowed, UnknownLogin
from dutydesk.labels import label

DEMO_SETTING = "demo"

# What each role may do. Services call ``require(actor, Permission.X)``.
WRITE_ROLES = frozenset({Role.DUTY_WORKER, Role.MANAGER, Role.ADMIN})


class Permission:
    READ = frozenset(Role)
    LOG = WRITE_ROLES  # calls, requests, searches, contacts, placements
    SIGN_OFF = frozenset({Role.MANAGER})
    ADMINISTER = frozenset({Role.ADMIN})
    MANAGE_HOUSEHOLDS = frozenset({Role.MANAGER, Role.ADMIN})
    VIEW_USERS = frozenset({Role.MANAGER, Role.ADMIN})  # the list shows roles and teams, not case data
    READ_AUDIT = frozenset({Role.MANAGER, Role.ADMIN})  # every worker's actions on every record


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


_DEMO = sa.text("SELECT value FROM settings WHERE key = :key")
_USER = sa.text(
    "SELECT users.id, users.username, users.full_name, users.role, users.team_id, users.active, teams.name "
    "FROM users LEFT OUTER JOIN teams ON teams.id = users.team_id WHERE users.username = :username"
).columns(sa.column("id", sa.Integer), sa.column("username", sa.String), sa.column("full_name", sa.String),
          sa.column("role", sa.String), sa.column("team_id", sa.Integer), sa.column("active", sa.Boolean),
          sa.column("team_name", sa.String))


def is_demo(db: Database) -> bool:
    with db.engine.connect() as conn:
        value = conn.execute(_DEMO, {"key": DEMO_SETTING}).scalar()
    return value == "true"


def actor_for(db: Database, username: str) -> Actor:
    with db.engine.connect() as conn:
        row = conn.execute(_USER, {"username": username}).first()
    if row is None:
        raise UnknownLogin(f"There is no dutydesk user called {username!r}. "
                           "Ask an administrator to add you (dutydesk users add).")
    if not row.active:
        raise AccountDisabled(f"The dutydesk account {username!r} is disabled. Ask an administrator.")
    return Actor(
        user_id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        team_id=row.team_id,
        team_name=row.team_name or "",
    )


def sign_in(db: Database, as_user: str | None = None) -> Actor:
    """The actor for this session. ``--as`` is honoured only on a demo database."""
    if as_user:
        if not is_demo(db):
            raise NotADemoStore("--as works only on a demo database; real users sign in with their own login.")
        return actor_for(db, as_user)
    return actor_for(db, os_login())


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def role_list(roles: frozenset[Role]) -> str:
    """"a duty worker, manager or administrator": roles in the desk's words, in a fixed order."""
    wanted = {Role(r) for r in roles}
    words = [label(r) for r in Role if r in wanted]
    if not words:
        return "nobody"
    if len(words) == 1:
        return _a(words[0])
    return _a(", ".join(words[:-1])) + " or " + words[-1]


def can(actor: Actor, allowed: frozenset[Role]) -> bool:
    """Whether the actor's role may do it (for showing or hiding a choice; services still ``require``)."""
    return actor.role in allowed


def require(actor: Actor, allowed: frozenset[Role], doing: str) -> None:
    if actor.role not in allowed:
        mine = label(actor.role)
        raise NotAllowed(f"Only {role_list(allowed)} can {doing}; you are signed in as {_a(mine)}.")
