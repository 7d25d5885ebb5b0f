"""The audit trail: a hash chain that notices edits and removals, written with every change."""

from __future__ import annotations

import json
import traceback

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.engine import Database
from db.enums import Role
from db.models import AuditEvent, AuditHead, Team
from dutydesk.access import audit
from dutydesk.access.identity import SYSTEM
from conftest import add_user
from run_helpers import run_processes

WRITERS = 4
EVENTS_EACH = 15


def _append(db: Database, actor, n: int) -> list[int]:
    ids = []
    for i in range(n):
        with db.write() as s:
            ids.append(audit.record(s, actor, "note.added", "households", i, {"text": f"O'Brien [Jr] {i}"}).id)
    return ids


def _sql(db: Database, statement: str) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql(statement)


def test_events_form_a_chain(database, people):
    ids = _append(database, people["worker"], 3)
    with database.read() as s:
        events = s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.id for e in events] == ids
        assert events[0].prev_hash == audit.GENESIS
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        assert s.get(AuditHead, 1).last_hash == events[-1].hash
        assert audit.verify(s) == audit.ChainCheck(3, True)


def test_an_edited_event_is_found(database, people):
    ids = _append(database, people["worker"], 3)
    _sql(database, f"UPDATE audit_events SET detail = '{{\"text\": \"nothing\"}}' WHERE id = {ids[1]}")
    with database.read() as s:
        check = audit.verify(s)
    assert (check.ok, check.broken_at) == (False, ids[1])
    assert "changed" in check.problem


def test_a_removed_middle_event_is_found(database, people):
    ids = _append(database, people["worker"], 3)
    _sql(database, f"DELETE FROM audit_events WHERE id = {ids[1]}")
    with database.read() as s:
        check = audit.verify(s)
    assert (check.ok, check.broken_at) == (False, ids[2])
    assert "removed" in check.problem


def test_a_removed_newest_event_is_found(database, people):
    ids = _append(database, people["worker"], 3)
    _sql(database, f"DELETE FROM audit_events WHERE id = {ids[2]}")
    with database.read() as s:
        check = audit.verify(s)
    assert (check.ok, check.broken_at) == (False, None)
    assert "newest" in check.problem


def test_the_event_commits_and_rolls_back_with_the_change(database):
    with pytest.raises(RuntimeError):
        with database.write() as s:
            s.add(Team(code="WEST", name="West duty team"))
            audit.record(s, SYSTEM, "team.added", "teams", "WEST")
            raise RuntimeError("the worker's change failed half way")
    with database.read() as s:
        assert s.exec(select(Team)).all() == []
        assert s.exec(select(AuditEvent)).all() == []
        assert s.get(AuditHead, 1) is None
    with database.write() as s:
        s.add(Team(code="WEST", name="West duty team"))
        audit.record(s, SYSTEM, "team.added", "teams", "WEST")
    with database.read() as s:
        assert len(s.exec(select(Team)).all()) == 1
        assert audit.verify(s) == audit.ChainCheck(1, True)


def _writer(url: str, start, errors) -> None:
    try:
        db = Database(url)
        start.wait()
        _append(db, SYSTEM, EVENTS_EACH)
        db.dispose()
    except BaseException:  # noqa: BLE001 - report every failure to the parent
        errors.put(traceback.format_exc())


def test_concurrent_appends_keep_the_chain(database):
    _append(database, SYSTEM, 1)  # the head row exists before the race
    url = database.url.render_as_string(hide_password=False)
    database.dispose()

    assert run_processes(_writer, url, WRITERS) == []

    with database.read() as s:
        assert audit.verify(s) == audit.ChainCheck(1 + WRITERS * EVENTS_EACH, True)


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli_store(sqlite_database, monkeypatch):
    """A SQLite store with a worker, a manager and three events; returns a runner for commands."""
    from run_helpers import run_cli

    add_user(sqlite_database, "dana", Role.DUTY_WORKER)
    add_user(sqlite_database, "maya", Role.MANAGER)
    ids = _append(sqlite_database, SYSTEM, 3)
    path = str(sqlite_database.url.database)

    def run(capsys, user: str, *args: str):
        monkeypatch.setenv("DUTYDESK_USER", user)
        return run_cli(capsys, "--db", path, "audit", *args)

    return sqlite_database, ids, run


def test_cli_verify_says_intact_or_names_the_event(cli_store, capsys):
    db, ids, run = cli_store
    code, out, _ = run(capsys, "nobody", "verify")
    assert code == 0 and "intact: 3 events" in out
    _sql(db, f"UPDATE audit_events SET username = 'someone' WHERE id = {ids[1]}")
    code, _, err = run(capsys, "nobody", "verify")
    assert code == 8 and f"broken at event {ids[1]}" in err and err.count("\n") == 1


def test_cli_verify_names_the_end_when_the_newest_is_gone(cli_store, capsys):
    db, ids, run = cli_store
    _sql(db, f"DELETE FROM audit_events WHERE id = {ids[2]}")
    code, _, err = run(capsys, "nobody", "verify")
    assert code == 8 and f"after event {ids[1]}" in err and f"event {ids[2]} was written" in err


def test_cli_list_is_for_managers_and_admins(cli_store, capsys):
    _db, ids, run = cli_store
    code, _, err = run(capsys, "dana", "list")
    assert code == 3 and "manager" in err
    code, out, err = run(capsys, "maya", "list", "--entity", "households", "--id", "1", "--json")
    assert code == 0, err
    events = json.loads(out)
    assert [e["id"] for e in events] == [ids[1]]
    assert events[0]["detail"] == {"text": "O'Brien [Jr] 1"}
    code, out, _ = run(capsys, "maya", "list", "--limit", "2")
    assert code == 0 and out.count("note.added") == 2 and "O'Brien [Jr] 2" in out
    code, _, err = run(capsys, "maya", "list", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_cli_list_keeps_control_codes_off_the_terminal(cli_store, capsys):
    db, _ids, run = cli_store
    with db.write() as s:
        audit.record(s, SYSTEM, "note.added", "households", 9, {"text": "\x1b]0;owned\x07 Ann [/]"})
    code, out, _ = run(capsys, "maya", "list", "--limit", "1")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "Ann [/]" in out


def test_verify_reads_in_batches(database):
    _append(database, SYSTEM, 5)
    with database.read() as s:
        assert audit.verify(s, batch=2) == audit.ChainCheck(5, True)
        assert s.exec(select(sa.func.count()).select_from(AuditEvent)).one() == 5


def _waiting_on_audit_head(db: Database) -> bool:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND position('audit_head' in query) > 0 AND pid <> pg_backend_pid()").scalar_one() > 0


def test_a_stores_first_two_events_at_once_both_append(database):
    """No head row yet: the second first event waits for the first's head instead of failing on its key."""
    import threading
    import time

    first_in, second_done, errors = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            _first()
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(repr(err))

    def _first() -> None:
        with database.write() as s:
            audit.record(s, SYSTEM, "note.added", "households", 1, {"text": "first"})
            first_in.set()
            # On PostgreSQL hold the uncommitted head until the second waits on it (on SQLite
            # the second cannot even begin before this commits).
            deadline = time.monotonic() + 20
            while not database.is_sqlite and not second_done.is_set() and time.monotonic() < deadline:
                if _waiting_on_audit_head(database):
                    break
                time.sleep(0.01)

    def second() -> None:
        first_in.wait(10)
        try:
            with database.write() as s:
                audit.record(s, SYSTEM, "note.added", "households", 2, {"text": "second"})
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(repr(err))
        finally:
            second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with database.read() as s:
        assert audit.verify(s) == audit.ChainCheck(2, True)
