"""Backups of a SQLite store: one consistent copy, integrity-checked, owner-only.

The copy is made under a private temporary name beside the target (0600),
checked, and only then moved into place: without ``force`` with a hard link,
which fails if anything is there (a file or a symbolic link: nothing is
overwritten or followed); with ``force`` by a rename, which replaces the name
itself and never writes through a link. Who may back up, and the audit event,
are the service layer's (``dutydesk.access.safekeeping``).

``sqlite3.Connection.backup`` with the default ``pages=-1`` copies the whole
database in one step, so writers in other processes cannot restart it (the
stepwise form never finished under load; see PITFALLS.md). PostgreSQL stores
are backed up with ``pg_dump`` by their administrator, not by dutydesk.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from db.engine import BUSY_TIMEOUT_S, Database, sqlite_path


class BackupError(Exception):
    """The copy could not be made or failed its integrity check."""


def default_backup_dir(db_file: Path) -> Path:
    return db_file.parent / "backups"


def _refuse_link(path: Path, *, force: bool) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise BackupError(f"{path} is a symbolic link; dutydesk will not write through it")
    if not stat.S_ISREG(st.st_mode):
        raise BackupError(f"{path} is not an ordinary file")
    if not force:
        raise BackupError(f"{path} already exists; give --force to replace it, or choose another name")


def _place(tmp: Path, dest: Path, *, force: bool) -> None:
    if force:
        _refuse_link(dest, force=True)
        os.replace(tmp, dest)
        return
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise BackupError(f"{dest} appeared while the copy was made; nothing was replaced") from None
    finally:
        tmp.unlink(missing_ok=True)


def _private_folder(folder: Path) -> None:
    if folder.is_symlink():
        raise BackupError(f"{folder} is a symbolic link; dutydesk will not write through it")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


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


def copy_sqlite(source: Path, dest: Path) -> None:
    """One consistent copy of ``source`` into the (new, empty) file ``dest``, as one self-contained file."""
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # pages=-1: all at once, consistent even while others write
        dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one file: no -wal beside it
    finally:
        dst.close()
        src.close()


def backup_sqlite(
    db: Database, *, dest: Path | None = None, backup_dir: Path | None = None, revision: str | None = None,
    force: bool = False,
) -> Path:
    """Copy the store to ``dest`` (or a timestamped file in ``backup_dir``) and check the copy."""
    source = sqlite_path(db.url)
    if source is None:
        raise BackupError("only a SQLite file can be backed up by dutydesk; use pg_dump for PostgreSQL")
    if dest is None:
        folder = backup_dir or default_backup_dir(source)
        _private_folder(folder)
        dest = _backup_name(folder, source.stem, revision)
    else:
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _refuse_link(dest, force=force)
    fd, name = tempfile.mkstemp(prefix=".dutydesk-backup-", dir=dest.parent)  # 0600
    os.close(fd)
    tmp = Path(name)
    try:
        copy_sqlite(source, tmp)
        problems = integrity_problems(tmp)
        if problems:
            raise BackupError(f"the copy failed its integrity check ({'; '.join(problems[:3])})")
        _place(tmp, dest, force=force)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def replace_contents(source: Path, live: Path) -> None:
    """Overwrite the live store's pages with ``source``'s, in one step, under SQLite's own locks.

    Other processes holding the store open see the restored data at their next
    transaction; no file is swapped under them (their -wal/-shm stay valid).
    """
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    dst = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
