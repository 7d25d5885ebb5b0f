"""What leaves the desk: files written for a person, readable by them only, never through a link.

Every export, backup and restore goes through here or through
``dutydesk.access.safekeeping``, so they share one set of rules:

- the file is made 0600 (children's and carers' details), complete or not at all
  (written beside the target under a private name, then moved into place);
- an existing file is replaced only with ``force`` (``--force``), and a symbolic
  link at the target is refused even then: moving a file over a link would be
  harmless, but a link there means someone expected the desk to write elsewhere;
- the event is audited: who, what, and where it went (:func:`record_taken`).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput

T = TypeVar("T")
STDOUT = "standard output"


def check_target(path: Path, *, force: bool) -> Path:
    """``path`` if the desk may write a new file there; otherwise a refusal in the desk's words."""
    path = path.expanduser()
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise InvalidInput(f"{path} is a symbolic link; dutydesk will not write through it. "
                           "Give the real file name.")
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InvalidInput(f"{path} is a folder; give a file name inside it.")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InvalidInput(f"{path} is not an ordinary file; choose another name.")
    if st is not None and not force:
        raise Conflict(f"{path} already exists; nothing was written. Give --force to replace it, "
                       "or choose another name.")
    if not path.parent.is_dir():
        raise InvalidInput(f"There is no folder {path.parent}; create it first or choose another place.")
    return path


def place_file(tmp: Path, path: Path, *, force: bool) -> None:
    """Move the finished ``tmp`` to ``path``: replacing only with ``force``, never following a link."""
    if force:
        check_target(path, force=True)  # again: a link may have appeared while the file was written
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if anything (a file, a link) is there now: no overwrite, ever
    except FileExistsError:
        raise Conflict(f"{path} appeared while the file was being written; nothing was replaced. "
                       "Give --force to replace it, or choose another name.") from None
    finally:
        tmp.unlink(missing_ok=True)


def private_temp(folder: Path, prefix: str = ".dutydesk-") -> tuple[int, Path]:
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, dir=folder)  # mkstemp makes it 0600
    except OSError as err:
        raise InvalidInput(f"Cannot write in {folder}: {err.strerror or err}.") from None
    return fd, Path(name)


def write_private(path: Path, write: Callable[[TextIO], T], *, force: bool = False) -> T:
    """Write a text file for the person at the desk: 0600, whole or not at all, as the rules above say."""
    path = check_target(path, force=force)
    fd, tmp = private_temp(path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            result = write(fh)
        place_file(tmp, path, force=force)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result


def where(path: Path | None) -> str:
    return STDOUT if path is None else str(path.expanduser().absolute())


def record_taken(desk: Desk, action: str, entity: str, entity_id: Any, to: str, **detail: Any) -> None:
    """Audit that something left the desk: who (the actor), what (action, record), where to."""
    with desk.db.write() as s:
        audit.record(s, desk.actor, action, entity, entity_id, {"to": to, **detail})
