"""What leaves the desk: backups, restores and exports need their role, are audited (who, what,
where to), make owner-only files, never overwrite without --force and never follow a link."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
import sqlalchemy as sa

from db.models import AuditEvent, Call
from dutydesk.access import audit, safekeeping
from dutydesk.access.desk import Desk
from dutydesk.calls.call_log import log_call
from dutydesk.calls.inputs import CallInput
from dutydesk.errors import Conflict, DeskError, InvalidInput, NotAllowed
from process_support import make_request
from screens.entry import main


@pytest.fixture
def sqlite_database(database, people):
    """Backups and restores are of SQLite files (PostgreSQL's are pg_dump's): the SQLite store only."""
    if not database.is_sqlite:
        pytest.skip("dutydesk backs up and restores SQLite stores; PostgreSQL uses pg_dump")
    return database


def _events(db, action: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(sa.select(AuditEvent).where(AuditEvent.action == action)).scalars())


def _calls(db) -> int:
    with db.read() as s:
        return s.exec(sa.select(sa.func.count(Call.id))).scalar_one()


def _log(db, actor, summary: str) -> None:
    log_call(Desk(db, actor), CallInput(caller_type="carer", category="information", summary=summary))


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def run(capsys, monkeypatch, user: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DUTYDESK_USER", user)
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("who", ["viewer", "worker", "manager"])
def test_only_an_administrator_backs_up(sqlite_database, people, tmp_path, who) -> None:
    with pytest.raises(NotAllowed, match="Only an administrator can back up the store"):
        safekeeping.back_up(Desk(sqlite_database, people[who]), tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists() and not _events(sqlite_database, "store.backed_up")


def test_a_backup_is_private_and_audited_with_who_and_where(sqlite_database, people, tmp_path) -> None:
    path = safekeeping.back_up(Desk(sqlite_database, people["admin"]), tmp_path / "copy.db")
    assert path == tmp_path / "copy.db" and _mode(path) == 0o600
    [event] = _events(sqlite_database, "store.backed_up")
    assert event.username == "ada" and json.loads(event.detail)["to"] == str(path)


def test_a_backup_never_overwrites_without_force_nor_follows_a_link(sqlite_database, people, tmp_path) -> None:
    desk = Desk(sqlite_database, people["admin"])
    target = tmp_path / "copy.db"
    target.write_text("keep me")
    with pytest.raises(DeskError, match="already exists; give --force"):
        safekeeping.back_up(desk, target)
    assert target.read_text() == "keep me"
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours")
    link = tmp_path / "link.db"
    link.symlink_to(elsewhere)
    for force in (False, True):
        with pytest.raises(DeskError, match="symbolic link"):
            safekeeping.back_up(desk, link, force=force)
    assert elsewhere.read_text() == "not yours" and link.is_symlink()
    safekeeping.back_up(desk, target, force=True)
    assert _mode(target) == 0o600 and sqlite3.connect(target).execute("select count(*) from users").fetchone()[0] == 7
    assert len(_events(sqlite_database, "store.backed_up")) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dutydesk-")]


def test_backup_from_the_command_line_for_a_viewer_is_refused(sqlite_database, people, tmp_path, capsys,
                                                              monkeypatch) -> None:
    url = sqlite_database.url.render_as_string(hide_password=False)
    code, _out, err = run(capsys, monkeypatch, "vic", "--db", url, "db", "backup", "--to", str(tmp_path / "b.db"))
    assert code == 3 and "Only an administrator can back up" in err
    code, out, _err = run(capsys, monkeypatch, "ada", "--db", url, "db", "backup", "--to", str(tmp_path / "b.db"))
    assert code == 0 and "Backed up" in out and _mode(tmp_path / "b.db") == 0o600


def test_restore_checks_asks_keeps_the_replaced_store_and_is_audited(sqlite_database, people, tmp_path) -> None:
    admin = Desk(sqlite_database, people["admin"])
    _log(sqlite_database, people["worker"], "Before the backup")
    backup = safekeeping.back_up(admin, tmp_path / "good.db")
    _log(sqlite_database, people["worker"], "After the backup")
    with pytest.raises(NotAllowed):
        safekeeping.restore(Desk(sqlite_database, people["manager"]), backup, confirmed=True)
    with pytest.raises(Conflict, match="Confirm with --yes"):
        safekeeping.restore(admin, backup, confirmed=False)
    assert _calls(sqlite_database) == 2
    done = safekeeping.restore(admin, backup, confirmed=True)
    assert _calls(sqlite_database) == 1
    assert sqlite3.connect(done.kept).execute("select count(*) from calls").fetchone()[0] == 2
    assert _mode(done.kept) == 0o600
    [event] = _events(sqlite_database, "store.restored")
    assert event.username == "ada" and json.loads(event.detail)["replaced_store_kept_at"] == str(done.kept)
    with sqlite_database.read() as s:
        assert audit.verify(s).ok


def test_restore_refuses_a_copy_whose_audit_chain_is_broken(sqlite_database, people, tmp_path) -> None:
    admin = Desk(sqlite_database, people["admin"])
    _log(sqlite_database, people["worker"], "Rang")
    backup = safekeeping.back_up(admin, tmp_path / "tampered.db")
    con = sqlite3.connect(backup)
    con.execute("UPDATE audit_events SET username = 'someone' WHERE action = 'call.logged' OR id = 1")
    con.commit()
    con.close()
    with pytest.raises(DeskError, match="audit trail is broken"):
        safekeeping.restore(admin, backup, confirmed=True)
    assert _calls(sqlite_database) == 1 and not _events(sqlite_database, "store.restore_started")
    link = tmp_path / "link.db"
    link.symlink_to(backup)
    with pytest.raises(InvalidInput, match="symbolic link"):
        safekeeping.restore(admin, link, confirmed=True)


def _export(capsys, monkeypatch, url: str, user: str, reference: str, *extra: str):
    return run(capsys, monkeypatch, user, "--db", url, "requests", "export", reference, *extra)


def test_a_decision_record_export_is_private_audited_and_careful(database, people, tmp_path, capsys,
                                                                 monkeypatch) -> None:
    rid = make_request(database, people["worker"])
    url = database.url.render_as_string(hide_password=False)
    out = tmp_path / "record.md"
    code, _o, err = _export(capsys, monkeypatch, url, "vic", str(rid), "--out", str(out))
    assert code == 3 and "Only a duty worker, manager or administrator can export" in err and not out.exists()
    code, _o, err = _export(capsys, monkeypatch, url, "dana", str(rid), "--out", str(out))
    assert code == 0, err
    assert _mode(out) == 0o600 and out.read_text().startswith("#")
    [event] = _events(database, "request.exported")
    assert (event.username, event.entity_id, json.loads(event.detail)["to"]) == ("dana", str(rid), str(out))
    first = out.read_text()
    out.write_text("the worker's own notes")
    code, _o, err = _export(capsys, monkeypatch, url, "dana", str(rid), "--out", str(out))
    assert code != 0 and "already exists" in err and out.read_text() == "the worker's own notes"
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    code, _o, err = _export(capsys, monkeypatch, url, "dana", str(rid), "--out", str(link), "--force")
    assert code != 0 and "symbolic link" in err and victim.read_text() == "someone else's file"
    code, _o, err = _export(capsys, monkeypatch, url, "dana", str(rid), "--out", str(out), "--force")
    assert code == 0 and out.read_text() == first and _mode(out) == 0o600
    assert len(_events(database, "request.exported")) == 2
