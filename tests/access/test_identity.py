"""Identity is the authenticated login; DUTYDESK_USER, DUTYDESK_NOW and --as only on a demo or
test store; every write re-checks the account; roles enforced in services."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.enums import Role
from db.models import AuditEvent, Call, Setting, Team, User
from dutydesk import clock
from dutydesk.access import users
from dutydesk.access.desk import Desk
from dutydesk.access.identity import (
    DEMO_SETTING, SERVICE_ACCOUNT_SETTING, Permission, process_account, require, sign_in,
)
from dutydesk.calls.call_log import log_call
from dutydesk.calls.inputs import CallInput
from dutydesk.errors import AccountDisabled, NotAllowed, UnknownUser
from conftest import add_user, make_real_store


@pytest.fixture
def real(database, people):
    """The same people, on a store that is not a demo or test store."""
    make_real_store(database)
    return database


def test_os_login_signs_in_on_a_test_store(database, people, monkeypatch) -> None:
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    actor = sign_in(database)
    assert (actor.username, actor.role, actor.team_name) == ("dana", Role.DUTY_WORKER, "East duty team")


def test_a_real_store_ignores_dutydesk_user_user_and_logname(real, monkeypatch) -> None:
    for name in ("DUTYDESK_USER", "USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(name, "ada")  # an administrator's login
    me = process_account()
    assert me != "ada"
    with pytest.raises(UnknownUser, match=repr(me)):
        sign_in(real)
    add_user(real, me, Role.VIEWER)
    assert sign_in(real).username == me


def test_a_real_store_ignores_dutydesk_now(real, monkeypatch) -> None:
    add_user(real, process_account(), Role.DUTY_WORKER)
    monkeypatch.setenv("DUTYDESK_NOW", "2020-01-01T03:00:00")
    actor = sign_in(real)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    view = log_call(Desk(real, actor), CallInput(caller_type="carer", category="information", summary="Rang"))
    with real.read() as s:
        call = s.get(Call, view.id)
        event = s.exec(sa.select(AuditEvent).where(AuditEvent.entity == "calls")).scalars().one()
    assert call.received_at.year == event.at.year == dt.datetime.now(dt.UTC).year


def test_a_test_store_honours_dutydesk_now(database, people, monkeypatch) -> None:
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_NOW", "2020-01-01T03:00:00")
    sign_in(database)
    assert clock.now() == dt.datetime(2020, 1, 1, 3, tzinfo=dt.UTC)


def test_sudo_user_is_believed_only_from_the_service_account(real, monkeypatch) -> None:
    me = process_account()
    add_user(real, me, Role.VIEWER)
    monkeypatch.setenv("SUDO_USER", "dana")
    assert sign_in(real).username == me  # no service account named: SUDO_USER is anyone's to set
    with real.write() as s:
        s.add(Setting(key=SERVICE_ACCOUNT_SETTING, value="someone-else"))
    assert sign_in(real).username == me
    with real.write() as s:
        s.get(Setting, SERVICE_ACCOUNT_SETTING).value = me
    assert sign_in(real).username == "dana"


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


def test_as_is_refused_on_a_real_store(real) -> None:
    with pytest.raises(NotAllowed, match="demo"):
        sign_in(real, as_user="maya")


def test_as_is_honoured_on_a_demo_store(real) -> None:
    with real.write() as s:
        s.add(Setting(key=DEMO_SETTING, value="true"))
    assert sign_in(real, as_user="maya").role is Role.MANAGER


def _calls(db) -> int:
    with db.read() as s:
        return s.exec(sa.select(sa.func.count(Call.id))).scalar_one()


def test_a_disabled_workers_open_session_is_refused_at_its_next_write(database, people) -> None:
    open_desk = Desk(database, people["worker"])  # signed in before the change
    log_call(open_desk, CallInput(caller_type="carer", category="information", summary="First"))
    users.disable_user(Desk(database, people["admin"]), "dana")
    with pytest.raises(AccountDisabled, match="disabled; nothing was saved"):
        log_call(open_desk, CallInput(caller_type="carer", category="information", summary="Second"))
    assert _calls(database) == 1


def test_a_role_change_applies_at_the_next_write(database, people) -> None:
    admin_desk = Desk(database, people["admin"])
    users.edit_user(Desk(database, people["admin"]), "dana", role="viewer")
    with pytest.raises(NotAllowed, match="changed your role to viewer"):
        log_call(Desk(database, people["worker"]), CallInput(caller_type="carer", category="information",
                                                              summary="After"))
    assert _calls(database) == 0
    users.edit_user(admin_desk, "dana", role="duty_worker")
    log_call(Desk(database, people["worker"]), CallInput(caller_type="carer", category="information", summary="Ok"))
    assert _calls(database) == 1


def test_edit_changes_role_team_and_name_and_is_audited(database, people) -> None:
    change = users.edit_user(Desk(database, people["admin"]), "dana", full_name="Dana Evans", role="manager",
                             team_code="west")
    assert change.changed and (change.user.full_name, change.user.role, change.user.team_code) == (
        "Dana Evans", Role.MANAGER, "WEST")
    with database.read() as s:
        user = s.exec(sa.select(User).where(User.username == "dana")).scalars().one()
        team = s.get(Team, user.team_id)
        event = s.exec(sa.select(AuditEvent).where(AuditEvent.action == "user.edited")).scalars().one()
    assert (user.full_name, user.role, team.code) == ("Dana Evans", Role.MANAGER, "WEST")
    assert event.username == "ada" and '"role":{"from":"duty_worker","to":"manager"}' in event.detail
    again = users.edit_user(Desk(database, people["admin"]), "dana", role="manager")
    assert not again.changed


def test_only_an_administrator_edits_and_the_last_one_stays(database, people) -> None:
    with pytest.raises(NotAllowed, match="Only an administrator can change users"):
        users.edit_user(Desk(database, people["manager"]), "dana", role="admin")
    with pytest.raises(NotAllowed, match="last active administrator"):
        users.edit_user(Desk(database, people["admin"]), "ada", role="manager")


def test_require_names_the_roles_needed(people) -> None:
    require(people["manager"], Permission.SIGN_OFF, "sign off a decision")
    with pytest.raises(NotAllowed, match="Only a manager can sign off a decision; you are signed in as a duty worker"):
        require(people["worker"], Permission.SIGN_OFF, "sign off a decision")
    with pytest.raises(NotAllowed):
        require(people["viewer"], Permission.LOG, "log a call")
