"""Store problems a worker can meet, in the desk's words: one line each, its own exit status, no crash file.

Found two ways, worded once here for the command line and the screens alike:

- before opening (``file_problem``): the path is a folder, the file is not a
  SQLite database, or this login may not read or write it;
- while working (``problem_from``): the database driver refuses a write to a
  read-only file, or finds the file is not a database, or damaged.

A worker has no shell, so every hint says what to ask an administrator for;
the words an administrator needs (the path, the folder) are in the sentence.
"""

from __future__ import annotations

import os
from pathlib import Path

from dutydesk.errors import (
    OpeningProblem,
    StoreIsDirectory,
    StoreNotADatabase,
    StorePermissionDenied,
    StoreReadOnly,
)

SQLITE_HEADER = b"SQLite format 3\x00"
ASK = "ask an administrator"


def not_a_database(path: Path | str, detail: str = "it is not a database") -> StoreNotADatabase:
    return StoreNotADatabase(
        f"{path} is not a dutydesk store: {detail}. Nothing was changed.",
        f"Check the file named after --db; if it is the desk's store, {ASK} to restore it from a backup.",
    )


def read_only(path: Path | str, why: str) -> StoreReadOnly:
    return StoreReadOnly(
        f"The store at {path} can be read but not written ({why}); nothing was saved.",
        f"To work at the desk, {ASK} to let the desk write the file and its folder.",
    )


def permission_denied(path: Path | str, what: str) -> StorePermissionDenied:
    return StorePermissionDenied(
        f"You do not have permission to open the store at {path} ({what}).",
        f"{ASK.capitalize()} to give your login access to the desk's store.",
    )


def file_problem(path: Path) -> OpeningProblem | None:
    """What keeps the SQLite store at ``path`` (which exists) from opening, or None."""
    if path.is_dir():
        return StoreIsDirectory(
            f"{path} is a folder, not a store file.",
            f"Name the store's file after --db (for example {path / 'dutydesk.db'}), or {ASK} where the "
            "desk's store is.",
        )
    folder = path.parent
    if not os.access(folder, os.X_OK):
        return permission_denied(path, f"its folder {folder} is closed to you")
    if not os.access(path, os.R_OK):
        return permission_denied(path, "the file is not readable by you")
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as err:
        return permission_denied(path, err.strerror or str(err))
    if header and header != SQLITE_HEADER:
        return not_a_database(path)
    if not os.access(path, os.W_OK):
        return read_only(path, "the file is read-only")
    # SQLite keeps its write-ahead log beside the file: a folder it cannot write locks writers out.
    if not os.access(folder, os.W_OK) and not Path(f"{path}-wal").exists():
        return read_only(path, f"its folder {folder} is read-only")
    return None


def problem_from(err: BaseException, where: str) -> OpeningProblem | None:
    """A database error that is really a store problem, in the desk's words (None for anything else)."""
    text = str(getattr(err, "orig", None) or err).lower()
    if "readonly database" in text or "read-only" in text and "database" in text:
        return read_only(where, "the database said so")
    if "file is not a database" in text:
        return not_a_database(where)
    if "database disk image is malformed" in text:
        return not_a_database(where, "it is damaged")
    if "unable to open database file" in text:
        return permission_denied(where, "the file or its folder cannot be opened")
    return None
