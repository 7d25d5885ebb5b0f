"""Backups and restores of the whole store: administrators only, audited, owner-only files.

A backup is every child's record at once, so it needs the administrator's
role (``Permission.BACK_UP``) and is audited in the store it was taken from
(who, which store, where to). A restore replaces the live store: it first
checks the copy (SQLite's integrity check, a dutydesk schema this code can
open or upgrade, an unbroken audit chain), keeps a backup of the store it
replaces, and records itself in the restored store, so the trail says who
brought it back and where the replaced data went.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from db.backup import BackupError, backup_sqlite, copy_sqlite, default_backup_dir, integrity_problems, replace_contents
from db.engine import Database, sqlite_path
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.exports import private_temp, record_taken
from dutydesk.access.identity import Actor, Permission, actor_for, require
from dutydesk.errors import Conflict, DeskError, InvalidInput


def _sqlite_file(desk: Desk, doing: str) -> Path:
    path = sqlite_path(desk.db.url)
    if path is None:
        raise DeskError(
            f"This store is not a SQLite file: {doing} PostgreSQL with pg_dump and pg_restore (your "
            "database administrator's job); dutydesk does it for SQLite files only."
        )
    return path


def revision_of(db: Database) -> str | None:
    from db.migrate import SchemaProblem, current_revision

    try:
        return current_revision(db)
    except SchemaProblem:
        return None


def back_up(desk: Desk, dest: Path | None = None, *, force: bool = False) -> Path:
    """Copy the store to ``dest`` (a new file, or a folder), check it, and audit who took it where."""
    require(desk.actor, Permission.BACK_UP, "back up the store")
    source = _sqlite_file(desk, "back up")
    folder = dest if dest is not None and dest.is_dir() and not dest.is_symlink() else None
    try:
        path = backup_sqlite(desk.db, dest=None if folder else dest, backup_dir=folder,
                             revision=revision_of(desk.db), force=force)
    except BackupError as err:
        raise DeskError(f"Could not back up {source}: {err}. Nothing was written.") from None
    record_taken(desk, "store.backed_up", "store", source.name, str(path.absolute()), store=str(source))
    return path


@dataclass(frozen=True)
class SourceCheck:
    """What a restore would bring back."""

    path: Path
    revision: str | None
    events: int


@dataclass(frozen=True)
class Restored:
    source: SourceCheck
    kept: Path  # the replaced store's data, backed up first


def _refuse_odd_source(src: Path) -> None:
    try:
        st = os.lstat(src)
    except FileNotFoundError:
        raise InvalidInput(f"There is no file {src} to restore from.") from None
    if stat.S_ISLNK(st.st_mode):
        raise InvalidInput(f"{src} is a symbolic link; give the backup file itself.")
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput(f"{src} is not an ordinary file; give a backup file made by dutydesk db backup.")


def check_source(copy: Path, shown: Path) -> SourceCheck:
    """Integrity, schema and audit chain of a copy; a ``DeskError`` naming what is wrong."""
    from db import migrate

    problems = integrity_problems(copy)
    if problems:
        raise DeskError(f"{shown} is damaged ({'; '.join(problems[:3])}); nothing was restored.")
    db = Database(f"sqlite:///{copy}")
    try:
        try:
            migrate.ensure_current(db)
            revision = migrate.head_revision()
        except migrate.SchemaOutdated as older:
            revision = older.current  # a backup from before an upgrade: `db upgrade` after restoring
        except migrate.SchemaProblem as problem:
            raise DeskError(f"{shown} is not a dutydesk store this version can use ({problem}); "
                            "nothing was restored.") from None
        with db.read() as s:
            chain = audit.verify(s)
    finally:
        db.dispose()
    if not chain.ok:
        where = f" at event {chain.broken_at}" if chain.broken_at else ""
        raise DeskError(f"{shown}'s audit trail is broken{where} ({chain.problem}); nothing was restored. "
                        "Keep the file as it is and tell your administrator.")
    return SourceCheck(shown, revision, chain.events)


def restore(desk: Desk, src: Path, *, confirmed: bool) -> Restored:
    """Replace the live store with the backup ``src``, once checked and confirmed; keep what it replaces."""
    require(desk.actor, Permission.BACK_UP, "restore the store")
    live = _sqlite_file(desk, "restore")
    src = src.expanduser()
    _refuse_odd_source(src)
    if src.resolve() == live.resolve():
        raise InvalidInput(f"{src} is the live store itself; give a backup file.")
    fd, tmp = private_temp(live.parent, ".dutydesk-restore-")
    os.close(fd)
    try:
        try:
            copy_sqlite(src, tmp)  # checks run on a private copy, so the file cannot change under them
        except Exception as err:  # noqa: BLE001 - any sqlite3 error: not a store we can read
            raise DeskError(f"{src} could not be read as a SQLite store ({err}); nothing was restored.") from None
        checked = check_source(tmp, src)
        if not confirmed:
            raise Conflict(
                f"Restoring replaces the live store {live} with {src} (revision {checked.revision}, "
                f"{checked.events} audit events, checked). Confirm with --yes; the live store is backed up first."
            )
        record_taken(desk, "store.restore_started", "store", live.name, str(live), source=str(src.absolute()))
        kept = backup_sqlite(desk.db, backup_dir=default_backup_dir(live), revision=revision_of(desk.db))
        desk.db.dispose()  # our own pooled connections must not hold the old pages
        replace_contents(tmp, live)
    except BackupError as err:
        raise DeskError(f"Could not restore: {err}. The live store was not changed.") from None
    finally:
        tmp.unlink(missing_ok=True)
    with desk.db.write() as s:
        audit.record(s, _restorer(desk), "store.restored", "store", live.name, {
            "from": str(src.absolute()), "replaced_store_kept_at": str(kept), "events_verified": checked.events,
            "revision": checked.revision,
        })
    return Restored(checked, kept)


def _restorer(desk: Desk) -> Actor:
    """The administrator as the restored store knows them, or by name if it predates their account."""
    try:
        return actor_for(desk.db, desk.actor.username)
    except DeskError:
        a = desk.actor
        return Actor(user_id=None, username=a.username, full_name=a.full_name, role=a.role)
