"""Users and teams: roles enforced, input checked, disabling, audit (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from db.enums import Area, Role
from db.models import AuditEvent, User
from dutydesk.access import audit
from dutydesk.access import users
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput, NotAllowed, NotFound, UnknownUser
from dutydesk.access.identity import SYSTEM, actor_for


def events(db, action: str | None = None) -> list[AuditEvent]:
    with db.read() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return list(s.exec(stmt).all())


def desk_of(database, people, who: str) -> Desk:
    return Desk(database, people[who])


# ---------------------------------------------------------------- first user


def test_first_user_of_a_new_store_must_be_an_admin(database) -> None:
    setup = Desk(database, users.bootstrap_actor(database, "root"))
    assert not users.has_users(database)
    with pytest.raises(InvalidInput, match="first user must be an administrator"):
        users.add_user(setup, "jo", "Jo Smith", Role.DUTY_WORKER)
    assert not users.has_users(database)

    info = users.add_user(setup, "ada", "Ada Admin", "admin")
    assert info.role is Role.ADMIN and info.team_code is None and info.active
    (ev,) = events(database, "user.added")
    # Attributed to the real OS login that set the store up, not to an anonymous "system".
    assert ev.username == "root" and ev.user_id is None
    assert json.loads(ev.detail)["first_user"] is True
    assert actor_for(database, "ada").role is Role.ADMIN


def test_after_the_first_user_the_bootstrap_actor_has_no_special_power(database, people) -> None:
    # people exist, so a non-admin stays refused whatever the table looked like before.
    with pytest.raises(NotAllowed):
        users.add_user(desk_of(database, people, "manager"), "jo", "Jo", "duty_worker", "EAST")


# ---------------------------------------------------------------- adding


def test_admin_adds_a_worker_and_it_is_audited(database, people) -> None:
    info = users.add_user(desk_of(database, people, "admin"), "jo.smith-2", "Jo Smith", "duty worker", "east")
    assert (info.username, info.role, info.team_code) == ("jo.smith-2", Role.DUTY_WORKER, "EAST")
    actor = actor_for(database, "jo.smith-2")
    assert actor.role is Role.DUTY_WORKER and actor.team_name
    (ev,) = events(database, "user.added")
    assert ev.username == "ada" and ev.entity == "users" and ev.entity_id == str(actor.user_id)
    assert json.loads(ev.detail) == {"username": "jo.smith-2", "full_name": "Jo Smith", "role": "duty_worker",
                                     "team": "EAST", "first_user": False}
    with database.read() as s:
        assert audit.verify(s).ok


@pytest.mark.parametrize("who", ["worker", "manager", "viewer"])
def test_only_an_admin_adds_users(database, people, who) -> None:
    with pytest.raises(NotAllowed, match="Only an administrator can add users"):
        users.add_user(desk_of(database, people, who), "jo", "Jo Smith", "viewer", "EAST")
    assert events(database, "user.added") == []


@pytest.mark.parametrize("bad", ["Bob", "-bob", ".bob", "bob smith", "bob@example.org", "12345", "a" * 33, "bób"])
def test_usernames_must_look_like_os_logins(database, people, bad) -> None:
    with pytest.raises(InvalidInput, match="is not a login name"):
        users.add_user(desk_of(database, people, "admin"), bad, "Bob", "viewer")


def test_an_upper_case_login_gets_a_suggestion(database, people) -> None:
    with pytest.raises(InvalidInput, match="Did you mean 'bob'"):
        users.add_user(desk_of(database, people, "admin"), "Bob", "Bob", "viewer")


def test_blank_username_and_name_say_what_to_type(database, people) -> None:
    admin = desk_of(database, people, "admin")
    with pytest.raises(InvalidInput, match="Type a username"):
        users.add_user(admin, "  ", "Bob", "viewer")
    with pytest.raises(InvalidInput, match="full name"):
        users.add_user(admin, "bob", " \t\n ", "viewer")


def test_unknown_role_lists_the_roles(database, people) -> None:
    with pytest.raises(InvalidInput, match="duty_worker, manager, admin, viewer"):
        users.add_user(desk_of(database, people, "admin"), "bob", "Bob", "boss")


def test_unknown_team_lists_the_known_ones(database, people) -> None:
    with pytest.raises(InvalidInput, match=r"no team 'NORTH'. Known teams: EAST, OOH, WEST"):
        users.add_user(desk_of(database, people, "admin"), "bob", "Bob", "viewer", "north")


def test_duplicate_username_is_refused(database, people) -> None:
    with pytest.raises(InvalidInput, match="already a user 'dana'"):
        users.add_user(desk_of(database, people, "admin"), "dana", "Another Dana", "viewer")


def test_names_are_cleaned_but_kept_literal(database, people) -> None:
    admin = desk_of(database, people, "admin")
    a = users.add_user(admin, "obrien", "O'Brien [Jr]", "viewer")
    b = users.add_user(admin, "ann", "Ann [/]", "viewer")
    c = users.add_user(admin, "evil", "Eve\x1b]0;owned\x07 \u202eLyn", "viewer")
    assert a.full_name == "O'Brien [Jr]" and b.full_name == "Ann [/]"
    assert "\x1b" not in c.full_name and "\x07" not in c.full_name and "\u202e" not in c.full_name
    assert c.full_name.startswith("Eve") and c.full_name.endswith("Lyn")
    with database.read() as s:
        stored = s.exec(select(User.full_name).where(User.username == "evil")).one()
    assert stored == c.full_name


# ---------------------------------------------------------------- listing


def test_managers_and_admins_list_users_others_may_not(database, people) -> None:
    names = [u.username for u in users.list_users(desk_of(database, people, "manager"))]
    assert names == sorted(names) and {"ada", "dana", "vic"} <= set(names)
    assert users.list_users(desk_of(database, people, "admin"))
    for who in ("worker", "viewer"):
        with pytest.raises(NotAllowed):
            users.list_users(desk_of(database, people, who))


def test_list_hides_disabled_users_unless_asked(database, people) -> None:
    admin = desk_of(database, people, "admin")
    users.disable_user(admin, "vic")
    assert "vic" not in [u.username for u in users.list_users(admin)]
    everyone = {u.username: u for u in users.list_users(admin, include_disabled=True)}
    assert everyone["vic"].active is False and everyone["dana"].active is True
    assert everyone["dana"].to_json()["team"] == "EAST"


# ---------------------------------------------------------------- disabling


def test_admin_disables_a_user_who_then_cannot_sign_in(database, people) -> None:
    admin = desk_of(database, people, "admin")
    change = users.disable_user(admin, "dana")
    assert change.changed and change.user.active is False
    with pytest.raises(UnknownUser, match="disabled"):
        actor_for(database, "dana")
    (ev,) = events(database, "user.disabled")
    assert ev.username == "ada" and json.loads(ev.detail) == {"username": "dana"}

    again = users.disable_user(admin, "dana")
    assert not again.changed
    assert len(events(database, "user.disabled")) == 1  # nothing changed, nothing audited

    assert users.enable_user(admin, "dana").changed
    assert actor_for(database, "dana").username == "dana"
    assert len(events(database, "user.enabled")) == 1


def test_an_admin_cannot_disable_themself(database, people) -> None:
    with pytest.raises(NotAllowed, match="cannot disable your own account.*another administrator"):
        users.disable_user(desk_of(database, people, "admin"), "ada")
    assert actor_for(database, "ada").role is Role.ADMIN


def test_the_last_active_admin_cannot_be_disabled(database, people) -> None:
    with pytest.raises(NotAllowed, match="last active administrator"):
        users.disable_user(Desk(database, SYSTEM), "ada")
    users.add_user(desk_of(database, people, "admin"), "root2", "Second Admin", "admin")
    assert users.disable_user(Desk(database, SYSTEM), "ada").changed


@pytest.mark.parametrize("who", ["worker", "manager", "viewer"])
def test_only_an_admin_disables(database, people, who) -> None:
    with pytest.raises(NotAllowed):
        users.disable_user(desk_of(database, people, who), "vic")
    assert actor_for(database, "vic").username == "vic"


def test_disabling_someone_unknown_says_how_to_look(database, people) -> None:
    with pytest.raises(NotFound, match="users list --all"):
        users.disable_user(desk_of(database, people, "admin"), "nobody")


# ---------------------------------------------------------------- teams


def test_teams_add_and_list(database, people) -> None:
    admin = desk_of(database, people, "admin")
    info = users.add_team(admin, "north", "North Kent duty team", area="north")
    assert (info.code, info.area) == ("NORTH", Area.NORTH)
    listed = {t.code: t for t in users.list_teams(desk_of(database, people, "viewer"))}
    assert listed["EAST"].active_users == 5 and listed["NORTH"].active_users == 0
    assert [e.action for e in events(database, "team.added")] == ["team.added"]
    with pytest.raises(InvalidInput, match="already a team 'NORTH'"):
        users.add_team(admin, "North", "Again")
    with pytest.raises(InvalidInput, match="not a team code"):
        users.add_team(admin, "north kent", "x")
    with pytest.raises(InvalidInput, match="not an area"):
        users.add_team(admin, "SOUTHX", "x", area="middle")
    with pytest.raises(NotAllowed):
        users.add_team(desk_of(database, people, "manager"), "SOUTH", "South")
