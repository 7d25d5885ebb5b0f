"""Engines and sessions, made by a factory from a URL (never at import).

SQLite follows SQLAlchemy's documented recipe for real transactions (see
PITFALLS.md): the driver's own transaction handling is switched off, every
connection gets WAL, foreign keys, synchronous=FULL and a long busy timeout,
and writing sessions start with ``BEGIN IMMEDIATE`` so concurrent writers queue
for the lock instead of failing with "database is locked" after a read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

BUSY_TIMEOUT_S = 30
_IMMEDIATE = "dutydesk_immediate"


def is_sqlite(url: str | sa.URL) -> bool:
    return make_url(str(url)).get_backend_name() == "sqlite"


def sqlite_path(url: str | sa.URL) -> Path | None:
    """The file behind a SQLite URL, or None for memory or another backend."""
    u = make_url(str(url))
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only: it holds children's data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def make_engine(url: str | sa.URL, *, echo: bool = False, **kw: Any) -> Engine:
    url = make_url(str(url))
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _create_private_file(path)
        engine = sa.create_engine(
            url,
            echo=echo,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            **kw,
        )
        _install_sqlite_listeners(engine)
        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, **kw)


def _wal(cur: Any) -> None:
    """Switch to WAL. On a store that is not yet WAL (a new file), the switch needs a lock that SQLite
    does not wait for: a second process opening it at that moment got "database is locked" at once
    (three upgrades of one new store, 1 run in 4). Retry it for as long as the busy timeout would wait."""
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _install_sqlite_listeners(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        _wal(cur)
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(_IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """One store: an engine plus short-lived read and write sessions.

    Hold a session for one action only; a read snapshot kept open across a
    screen stops SQLite checkpoints and grows the WAL without bound.
    """

    def __init__(self, url: str | sa.URL, *, echo: bool = False) -> None:
        self.url = make_url(str(url))
        self.engine = make_engine(self.url, echo=echo)
        self._write_engine = self.engine.execution_options(**{_IMMEDIATE: True})

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def write_engine(self) -> Engine:
        """The engine whose transactions start with ``BEGIN IMMEDIATE`` (migrations use it)."""
        return self._write_engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"
