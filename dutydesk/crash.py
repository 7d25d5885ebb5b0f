"""Unexpected errors: written to a private file, never shown as a traceback."""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

from platformdirs import user_log_dir


def report(err: BaseException) -> Path:
    folder = Path(user_log_dir("dutydesk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(traceback.format_exception(err)))
    return path
