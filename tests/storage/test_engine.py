"""The engine's promises: SQLite settings, a private file, write locks, no lost updates."""

from __future__ import annotations

import os
import sqlite3
import stat
import traceback

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.engine import Database, sqlite_path
from db.models import Setting
from db.schema import create_schema
from run_helpers import run_processes

PROCESSES = 6
INCREMENTS = 30


def _pragma(session, name: str):
    return session.exec(sa.text(f"PRAGMA {name}")).scalar_one()


@pytest.mark.parametrize("mode", ["read", "write"])
def test_sqlite_settings_are_in_effect(sqlite_database, mode):
    with getattr(sqlite_database, mode)() as s:
        assert _pragma(s, "journal_mode") == "wal"
        assert _pragma(s, "synchronous") == 2  # FULL: commits survive a power cut
        assert _pragma(s, "foreign_keys") == 1
        assert _pragma(s, "busy_timeout") >= 20000


def test_the_database_file_is_private(tmp_path):
    old = os.umask(0)  # even a permissive umask must not widen it
    try:
        db = Database(f"sqlite:///{tmp_path / 'sub' / 'desk.db'}")
        create_schema(db)
        with db.write() as s:
            s.add(Setting(key="k", value="v"))
        path = sqlite_path(db.url)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # SQLite gives the -wal and -shm files the database file's mode.
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                assert stat.S_IMODE(side.stat().st_mode) == 0o600
        db.dispose()
    finally:
        os.umask(old)


def _try_begin_immediate(path) -> bool:
    con = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as err:
        assert "locked" in str(err)
        return False
    finally:
        con.close()


def test_a_write_session_holds_the_write_lock_from_its_first_read(sqlite_database):
    path = sqlite_path(sqlite_database.url)
    with sqlite_database.write() as s:
        s.exec(select(Setting)).all()  # only a read so far
        assert not _try_begin_immediate(path)
    assert _try_begin_immediate(path)


def test_a_read_session_does_not_block_writers(sqlite_database):
    path = sqlite_path(sqlite_database.url)
    with sqlite_database.read() as s:
        s.exec(select(Setting)).all()
        assert _try_begin_immediate(path)


# ---------------------------------------------------------------- many processes


def _increment_sqlite(db: Database) -> None:
    # Read, think, write: the pattern that loses updates or fails under a deferred BEGIN.
    with db.write() as s:
        row = s.get(Setting, "counter")
        row.value = str(int(row.value) + 1)
        s.add(row)


def _increment_pg(db: Database) -> None:
    # PostgreSQL has no BEGIN IMMEDIATE: read, then a conditional UPDATE that
    # only applies if nobody changed the value in between; retry otherwise.
    while True:
        with db.write() as s:
            old = s.get(Setting, "counter").value
            done = s.exec(
                sa.update(Setting).where(Setting.key == "counter", Setting.value == old)
                .values(value=str(int(old) + 1))
            ).rowcount
        if done == 1:
            return


def _worker(url: str, start, errors) -> None:
    try:
        db = Database(url)
        start.wait()
        for _ in range(INCREMENTS):
            (_increment_sqlite if db.is_sqlite else _increment_pg)(db)
        db.dispose()
    except BaseException:  # noqa: BLE001 - report every failure to the parent
        errors.put(traceback.format_exc())


def test_concurrent_read_then_write_loses_nothing(database):
    with database.write() as s:
        s.add(Setting(key="counter", value="0"))
    url = database.url.render_as_string(hide_password=False)
    database.dispose()  # children open their own connections

    errors = run_processes(_worker, url, PROCESSES)

    assert errors == []  # in particular no "database is locked"
    with database.read() as s:
        assert s.get(Setting, "counter").value == str(PROCESSES * INCREMENTS)
