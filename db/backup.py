"""Backups of a SQLite store: one consistent copy, integrity-checked, owner-only.

``sqlite3.Connection.backup`` with the default ``pages=-1`` copies the whole
database in one step, so writers in other processes cannot restart it (the
stepwise form never finished under load; see PITFALLS.md). PostgreSQL stores
are backed up with ``pg_dump`` by their administrator, not by dutydesk.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from db.engine import BUSY_TIMEOUT_S, Database, sqlite_path


class BackupError(Exception):
    """The copy could not be made or failed its integrity check."""


def default_backup_dir(db_file: Path) -> Path:
    return db_file.parent / "backups"


def _new_private_file(path: Path) -> None:
    # O_EXCL: never overwrite an earlier backup; 0600: the copy holds children's data too.
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} already exists; choose another name") from None
    os.close(fd)


def _backup_name(folder: Path, stem: str, revision: str | None) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{stem}-{stamp}-rev{revision or 'none'}"
    path = folder / f"{base}.db"
    n = 1
    while path.exists():  # two backups within one second
        path = folder / f"{base}-{n}.db"
        n += 1
    return path


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` on a file: an empty list means it is sound."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def backup_sqlite(
    db: Database, *, dest: Path | None = None, backup_dir: Path | None = None, revision: str | None = None
) -> Path:
    """Copy the store to ``dest`` (or a timestamped file in ``backup_dir``) and check the copy."""
    source = sqlite_path(db.url)
    if source is None:
        raise BackupError("only a SQLite file can be backed up by dutydesk; use pg_dump for PostgreSQL")
    if dest is None:
        folder = backup_dir or default_backup_dir(source)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        dest = _backup_name(folder, source.stem, revision)
    else:
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _new_private_file(dest)
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)  # pages=-1: all at once, consistent even while others write
            # A backup is one self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        problems = integrity_problems(dest)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    if problems:
        dest.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check ({'; '.join(problems[:3])})")
    return dest
