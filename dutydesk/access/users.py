"""Workers (users) and teams: adding, listing, editing, disabling. Administrators only.

Identity is the operating-system login, so a username must look like one. A
brand-new store has no users at all; then the first ``users add`` is allowed
from the shell (whoever can write the store can set it up) but must create an
administrator, who then adds everyone else. That first event is attributed to
the real OS login (:func:`bootstrap_actor`), not to an anonymous "system".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from db.engine import Database
from db.enums import Area, Role
from db.models import Team, User
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput, NotAllowed, NotFound
from dutydesk.access.identity import Actor, Permission, os_login, require, store_kind
from dutydesk.text import clean, field_text

# Like a POSIX login name: lower case, may not start with a dot or dash, at most 32.
_USERNAME = re.compile(r"[a-z0-9_][a-z0-9._-]{0,31}")
_TEAM_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
FULL_NAME_MAX = 120
TEAM_NAME_MAX = 80
_ROLE_NAMES = ", ".join(r.value for r in Role)


@dataclass(frozen=True, slots=True)
class UserInfo:
    username: str
    full_name: str
    role: Role
    team_code: str | None
    team_name: str
    active: bool
    created_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "full_name": self.full_name,
            "role": self.role.value,
            "team": self.team_code,
            "team_name": self.team_name,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class UserChange:
    """The user after a change, and whether anything actually changed."""

    user: UserInfo
    changed: bool


@dataclass(frozen=True, slots=True)
class TeamInfo:
    code: str
    name: str
    area: Area | None
    out_of_hours: bool
    active_users: int

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "area": self.area.value if self.area else None,
            "out_of_hours": self.out_of_hours,
            "active_users": self.active_users,
        }


# ---------------------------------------------------------------- bootstrapping


def has_users(db: Database) -> bool:
    with db.read() as s:
        return s.exec(select(User.id).limit(1)).first() is not None


def bootstrap_actor(db: Database, username: str | None = None) -> Actor:
    """Who sets up a store that has no users yet: the real OS login, acting as administrator."""
    login = username or os_login(store_kind(db))
    return Actor(user_id=None, username=login, full_name=f"{login} (first set-up)", role=Role.ADMIN)


# ---------------------------------------------------------------- validation


def _username(value: str) -> str:
    name = clean(value)
    if not name:
        raise InvalidInput("Type a username: the person's operating-system login, for example jsmith.")
    if not _USERNAME.fullmatch(name) or name.isdigit():
        lowered = name.lower()
        hint = f" Did you mean {lowered!r}?" if lowered != name and _USERNAME.fullmatch(lowered) else ""
        raise InvalidInput(
            f"{name!r} is not a login name: use lower-case letters, digits, dot, dash or underscore "
            f"(at most 32, not starting with a dot or dash, not only digits), "
            f"exactly as the person signs in to the server.{hint}"
        )
    return name


def _full_name(value: str) -> str:
    return field_text(value, "Full name", limit=FULL_NAME_MAX, required=True,
                      missing='Type the person\'s full name, for example --name "Jo Smith"')


def parse_role(value: str | Role) -> Role:
    text = clean(str(value)).lower().replace(" ", "_").replace("-", "_")
    try:
        return Role(text)
    except ValueError:
        raise InvalidInput(f"{clean(str(value))!r} is not a role: type one of {_ROLE_NAMES}.") from None


def _team(session: Session, code: str | None) -> Team | None:
    if code is None or not clean(code):
        return None
    wanted = clean(code).upper()
    team = session.exec(select(Team).where(sa.func.upper(Team.code) == wanted)).first()
    if team is None:
        known = [t for t in session.exec(select(Team.code).order_by(Team.code)).all()]
        if known:
            raise InvalidInput(f"There is no team {wanted!r}. Known teams: {', '.join(known)}.")
        raise InvalidInput(
            f"There is no team {wanted!r}: this store has no teams yet. "
            "Add one first with: dutydesk teams add CODE --name \"Team name\"."
        )
    return team


def _info(user: User, team: Team | None) -> UserInfo:
    return UserInfo(
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        team_code=team.code if team else None,
        team_name=team.name if team else "",
        active=bool(user.active),
        created_at=user.created_at,
    )


# ---------------------------------------------------------------- users


def add_user(desk: Desk, username: str, full_name: str, role: str | Role, team_code: str | None = None) -> UserInfo:
    """Add a worker. Administrators only, except the very first user of a new store."""
    actor = desk.actor
    username = _username(username)
    full_name = _full_name(full_name)
    role = parse_role(role)
    with desk.db.write() as s:
        first = s.exec(select(User.id).limit(1)).first() is None
        if first:
            if role is not Role.ADMIN:
                raise InvalidInput(
                    "This store has no users yet: the first user must be an administrator "
                    f"(--role admin), who then adds everyone else. Try: dutydesk users add {username} "
                    f'--name "{full_name}" --role admin'
                )
        else:
            require(actor, Permission.ADMINISTER, "add users")
        team = _team(s, team_code)
        if s.exec(select(User.id).where(User.username == username)).first() is not None:
            raise InvalidInput(
                f"There is already a user {username!r}. See them with: dutydesk users list --all"
            )
        user = User(username=username, full_name=full_name, role=role, team_id=team.id if team else None)
        s.add(user)
        s.flush()
        audit.record(
            s, actor, "user.added", "users", user.id,
            {"username": username, "full_name": full_name, "role": role.value,
             "team": team.code if team else None, "first_user": first},
        )
        return _info(user, team)


def list_users(desk: Desk, *, include_disabled: bool = False) -> list[UserInfo]:
    require(desk.actor, Permission.VIEW_USERS, "list users")
    stmt = select(User, Team).join(Team, Team.id == User.team_id, isouter=True).order_by(User.username)
    if not include_disabled:
        stmt = stmt.where(User.active == sa.true())
    with desk.db.read() as s:
        return [_info(u, t) for u, t in s.exec(stmt).all()]


def get_user(desk: Desk, username: str) -> UserInfo:
    require(desk.actor, Permission.VIEW_USERS, "look up users")
    with desk.db.read() as s:
        row = s.exec(
            select(User, Team).join(Team, Team.id == User.team_id, isouter=True)
            .where(User.username == clean(username))
        ).first()
    if row is None:
        raise NotFound(f"There is no user {clean(username)!r}. See who there is with: dutydesk users list --all")
    return _info(*row)


def _set_active(desk: Desk, username: str, active: bool) -> UserChange:
    actor = desk.actor
    doing = "enable users" if active else "disable users"
    require(actor, Permission.ADMINISTER, doing)
    username = clean(username)
    if not active and actor.user_id is not None and username == actor.username:
        raise NotAllowed(
            "You cannot disable your own account: the desk must always keep an administrator who can "
            "sign in. Ask another administrator to do it."
        )
    with desk.db.write() as s:
        row = s.exec(
            select(User, Team).join(Team, Team.id == User.team_id, isouter=True).where(User.username == username)
        ).first()
        if row is None:
            raise NotFound(f"There is no user {username!r}. See who there is with: dutydesk users list --all")
        user, team = row
        if bool(user.active) == active:
            return UserChange(_info(user, team), changed=False)
        if not active and user.role == Role.ADMIN:
            others = s.exec(
                select(sa.func.count(User.id)).where(
                    User.role == Role.ADMIN, User.active == sa.true(), User.id != user.id
                )
            ).one()
            if not others:
                raise NotAllowed(
                    f"{username!r} is the last active administrator; add another administrator "
                    "before disabling this one."
                )
        user.active = active
        s.add(user)
        s.flush()
        audit.record(s, actor, "user.enabled" if active else "user.disabled", "users", user.id,
                     {"username": username})
        return UserChange(_info(user, team), changed=True)


def disable_user(desk: Desk, username: str) -> UserChange:
    """Stop a worker signing in. Their records and audit history stay."""
    return _set_active(desk, username, False)


def enable_user(desk: Desk, username: str) -> UserChange:
    return _set_active(desk, username, True)


def edit_user(desk: Desk, username: str, *, full_name: str | None = None, role: str | Role | None = None,
              team_code: str | None = None, no_team: bool = False) -> UserChange:
    """Change a worker's name, role or team (administrators), audited with what was and what is.

    The change takes effect at that worker's next action: every write re-checks
    the account (``audit.record``), so an open desk cannot keep the old role.
    """
    actor = desk.actor
    require(actor, Permission.ADMINISTER, "change users")
    username = clean(username)
    new_name = _full_name(full_name) if full_name is not None else None
    new_role = parse_role(role) if role is not None else None
    if no_team and team_code is not None:
        raise InvalidInput("Give --team CODE or --no-team, not both.")
    if new_name is None and new_role is None and team_code is None and not no_team:
        raise InvalidInput('Say what to change: --name "Full Name", --role ROLE, --team CODE or --no-team.')
    with desk.db.write() as s:
        row = s.exec(
            select(User, Team).join(Team, Team.id == User.team_id, isouter=True).where(User.username == username)
        ).first()
        if row is None:
            raise NotFound(f"There is no user {username!r}. See who there is with: dutydesk users list --all")
        user, team = row
        before = {"full_name": user.full_name, "role": Role(user.role).value, "team": team.code if team else None}
        new_team = team if team_code is None and not no_team else _team(s, team_code)
        if new_role is not None and new_role is not Role.ADMIN and Role(user.role) is Role.ADMIN and user.active:
            others = s.exec(select(sa.func.count(User.id)).where(
                User.role == Role.ADMIN, User.active == sa.true(), User.id != user.id)).one()
            if not others:
                raise NotAllowed(f"{username!r} is the last active administrator; make someone else an "
                                 "administrator first.")
        if new_name is not None:
            user.full_name = new_name
        if new_role is not None:
            user.role = new_role
        user.team_id = new_team.id if new_team else None
        after = {"full_name": user.full_name, "role": Role(user.role).value,
                 "team": new_team.code if new_team else None}
        if after == before:
            return UserChange(_info(user, team), changed=False)
        s.add(user)
        s.flush()
        changed = {k: {"from": before[k], "to": after[k]} for k in after if after[k] != before[k]}
        audit.record(s, actor, "user.edited", "users", user.id, {"username": username, "changed": changed})
        return UserChange(_info(user, new_team), changed=True)


def set_service_account(desk: Desk, account: str) -> None:
    """Name the OS account that owns the store, whose sudo callers sign in as themselves (README)."""
    from db.models import Setting
    from dutydesk.access.identity import SERVICE_ACCOUNT_SETTING

    require(desk.actor, Permission.ADMINISTER, "set the service account")
    account = _username(account)
    with desk.db.write() as s:
        setting = s.get(Setting, SERVICE_ACCOUNT_SETTING)
        before = setting.value if setting else None
        if setting is None:
            setting = Setting(key=SERVICE_ACCOUNT_SETTING, value=account)
        setting.value = account
        s.add(setting)
        s.flush()
        audit.record(s, desk.actor, "settings.service_account", "settings", SERVICE_ACCOUNT_SETTING,
                     {"from": before, "to": account})


# ---------------------------------------------------------------- teams


def parse_area(value: str | None) -> Area | None:
    if value is None or not clean(value):
        return None
    text = clean(value).title()
    try:
        return Area(text)
    except ValueError:
        raise InvalidInput(
            f"{clean(value)!r} is not an area: type one of {', '.join(a.value for a in Area)}."
        ) from None


def add_team(desk: Desk, code: str, name: str, *, area: str | Area | None = None, out_of_hours: bool = False) -> TeamInfo:
    require(desk.actor, Permission.ADMINISTER, "add teams")
    code = clean(code).upper()
    if not _TEAM_CODE.fullmatch(code):
        raise InvalidInput(
            f"{code!r} is not a team code: use capital letters, digits, dash or underscore, "
            "at most 16, for example EAST or OOH."
        )
    name = field_text(name, "Team name", limit=TEAM_NAME_MAX, required=True,
                      missing='Type the team\'s name, for example --name "East Kent duty team"')
    area_value = area if isinstance(area, Area) else parse_area(area)
    with desk.db.write() as s:
        if s.exec(select(Team.id).where(sa.func.upper(Team.code) == code)).first() is not None:
            raise InvalidInput(f"There is already a team {code!r}. See them with: dutydesk teams list")
        team = Team(code=code, name=name, area=area_value, out_of_hours=out_of_hours)
        s.add(team)
        s.flush()
        audit.record(s, desk.actor, "team.added", "teams", team.id,
                     {"code": code, "name": name, "area": area_value.value if area_value else None,
                      "out_of_hours": out_of_hours})
        return TeamInfo(code, name, area_value, out_of_hours, 0)


def list_teams(desk: Desk) -> list[TeamInfo]:
    require(desk.actor, Permission.READ, "list teams")
    counts = (
        select(User.team_id, sa.func.count(User.id).label("n"))
        .where(User.active == sa.true())
        .group_by(User.team_id)
        .subquery()
    )
    stmt = (
        select(Team, counts.c.n)
        .join(counts, counts.c.team_id == Team.id, isouter=True)
        .order_by(Team.code)
    )
    with desk.db.read() as s:
        return [
            TeamInfo(t.code, t.name, t.area, bool(t.out_of_hours), int(n or 0))
            for t, n in s.exec(stmt).all()
        ]
