"""What a person may set for the desk's look and keys, and the start-up bench's hooks.

Imports nothing heavy: it is on the path to the first frame.
"""

from __future__ import annotations

import os
import time
import tomllib

ENV_THEME = "DUTYDESK_THEME"
ENV_EXIT_WHEN_READY = "DUTYDESK_EXIT_WHEN_READY"
ENV_BENCH_FILE = "DUTYDESK_BENCH_FILE"
ENV_KEYMAP = "DUTYDESK_KEYS"


def default_theme() -> str:
    """A truecolour theme where the terminal says it has truecolour, else the terminal's own 16 colours.

    Over SSH ``COLORTERM`` is usually not passed on, so remote sessions get
    ``ansi-dark``, which follows the terminal's palette and works in 16 colours.
    """
    if os.environ.get("COLORTERM", "").lower() in {"truecolor", "24bit"}:
        return "textual-dark"
    return "ansi-dark"


def bench_stamp(event: str) -> None:
    """Append ``event time`` to the file named by DUTYDESK_BENCH_FILE, if set."""
    path = os.environ.get(ENV_BENCH_FILE)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{event} {time.time():.6f}\n")


def keymap_path() -> str:
    """``DUTYDESK_KEYS``, else ``keys.toml`` in the config folder."""
    path = os.environ.get(ENV_KEYMAP)
    if path:
        return path
    from dutydesk.config import config_dir

    return str(config_dir() / "keys.toml")


def read_keymap(path: str) -> dict[str, str]:
    """Binding id -> keys, e.g. ``"desk.log_call" = "f5"``; raises OSError or TOMLDecodeError."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}
