"""Who is at the desk, and what their role lets them do.

Identity is the operating-system login: SSH (or the desk PC's sign-in) has
already authenticated the person. It is read from the process's real user id,
never from the environment (``USER``/``LOGNAME`` are the caller's to set). In
the deployment the README describes, workers reach the store only through
``sudo -u <service account>``; there the login is ``SUDO_USER``, which sudo
sets itself, and it is believed only when the process runs as the account
the store names in its ``service_account`` setting.

``DUTYDESK_USER``, ``DUTYDESK_NOW`` and ``--as`` are for demonstrations and
tests: they are honoured only on a store whose settings mark it as a demo or
a test store, never on a real one. Roles are checked here, in the service
layer, so the command line obeys the same rules as the screens.

Signing in is on the path from process start to the first screen, so it reads
``users``, ``teams`` and ``settings`` with plain SQL and does not import the
models (``db.models``: about 0.15 s of class building and mapper set-up).
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass

import sqlalchemy as sa

from db.engine import Database
from db.enums import Role
from dutydesk.errors import AccountDisabled, NotADemoStore, NotAllowed, UnknownLogin
from dutydesk.labels import label

DEMO_SETTING = "demo"
TEST_SETTING = "test_store"  # set by the test suite's fixtures only; no command writes it
SERVICE_ACCOUNT_SETTING = "service_account"  # the OS account that owns the store (README: deployment)

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
    # A copy that leaves the desk: those who work the case; a viewer may look but take nothing away.
    EXPORT = WRITE_ROLES
    BACK_UP = frozenset({Role.ADMIN})  # the whole store, every child: backups and restores


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


@dataclass(frozen=True, slots=True)
class StoreKind:
    """What the store's settings say about whom to believe."""

    demo: bool = False
    test: bool = False
    service_account: str | None = None

    @property
    def trusts_environment(self) -> bool:
        """Whether DUTYDESK_USER, DUTYDESK_NOW and --as may be honoured (demo and test stores only)."""
        return self.demo or self.test


REAL_STORE = StoreKind()


def process_account() -> str:
    """The account the process really runs as (its real uid), whatever the environment says."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid with no passwd entry (a bare container): no name to claim
        return str(uid)


def os_login(kind: StoreKind = REAL_STORE) -> str:
    """The authenticated login: the real account, or sudo's caller when run as the service account."""
    if kind.trusts_environment and os.environ.get("DUTYDESK_USER"):
        return os.environ["DUTYDESK_USER"]
    account = process_account()
    caller = os.environ.get("SUDO_USER")
    # SUDO_USER is sudo's to set; it is believed only when sudo is the way into the service account.
    if caller and kind.service_account and account == kind.service_account and os.geteuid() == os.getuid():
        return caller
    return account


_SETTINGS = sa.text("SELECT key, value FROM settings WHERE key IN (:demo, :test, :service)")
_DEMO = sa.text("SELECT value FROM settings WHERE key = :key")
_USER = sa.text(
    "SELECT users.id, users.username, users.full_name, users.role, users.team_id, users.active, teams.name "
    "FROM users LEFT OUTER JOIN teams ON teams.id = users.team_id WHERE users.username = :username"
).columns(sa.column("id", sa.Integer), sa.column("username", sa.String), sa.column("full_name", sa.String),
          sa.column("role", sa.String), sa.column("team_id", sa.Integer), sa.column("active", sa.Boolean),
          sa.column("team_name", sa.String))


def store_kind(db: Database) -> StoreKind:
    with db.engine.connect() as conn:
        rows = dict(conn.execute(_SETTINGS, {"demo": DEMO_SETTING, "test": TEST_SETTING,
                                             "service": SERVICE_ACCOUNT_SETTING}).all())
    return StoreKind(demo=rows.get(DEMO_SETTING) == "true", test=rows.get(TEST_SETTING) == "true",
                     service_account=rows.get(SERVICE_ACCOUNT_SETTING) or None)


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
    """The actor for this session. ``--as`` is honoured only on a demo (or test) store.

    Signing in also sets whether the desk's clock may be fixed from DUTYDESK_NOW:
    only on a demo or test store, so a real store's records carry the real time.
    """
    from dutydesk import clock

    kind = store_kind(db)
    clock.trust_environment(kind.trusts_environment)
    if as_user:
        if not kind.trusts_environment:
            raise NotADemoStore("--as works only on a demo database; real users sign in with their own login.")
        return actor_for(db, as_user)
    return actor_for(db, os_login(kind))


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
