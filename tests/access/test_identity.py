"""Identity is the OS login; --as only on a demo store; roles enforced in services."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from db.enums import Role
from db.models import Setting, User
from dutydesk.errors import NotAllowed, UnknownUser
from dutydesk.access.identity import DEMO_SETTING, Permission, require, sign_in


def test_os_login_signs_in(database, people, monkeypatch) -> None:
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    actor = sign_in(database)
    assert (actor.username, actor.role, actor.team_name) == ("dana", Role.DUTY_WORKER, "East duty team")


def test_unknown_login_is_told_to_ask_an_administrator(database, people, monkeypatch) -> None:
    monkeypatch.setenv("DUTYDESK_USER", "stranger")
    with pytest.raises(UnknownUser, match="Ask an administrator"):
        sign_in(database)


def test_disabled_user_cannot_sign_in(database, people, monkeypatch) -> None:
    with database.write() as s:
        s.execute(sa.update(User).where(User.username == "dana").values(active=False))
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    with pytest.raises(UnknownUser, match="disabled"):
        sign_in(database)


def test_as_is_refused_on_a_real_store(database, people) -> None:
    with pytest.raises(NotAllowed, match="demo"):
        sign_in(database, as_user="maya")


def test_as_is_honoured_on_a_demo_store(database, people) -> None:
    with database.write() as s:
        s.add(Setting(key=DEMO_SETTING, value="true"))
    assert sign_in(database, as_user="maya").role is Role.MANAGER


def test_require_names_the_roles_needed(people) -> None:
    require(people["manager"], Permission.SIGN_OFF, "sign off a decision")
    with pytest.raises(NotAllowed, match="Only a manager can sign off a decision; you are signed in as a duty worker"):
        require(people["worker"], Permission.SIGN_OFF, "sign off a decision")
    with pytest.raises(NotAllowed):
        require(people["viewer"], Permission.LOG, "log a call")
