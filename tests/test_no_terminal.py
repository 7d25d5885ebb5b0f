"""Opening the desk with no terminal says so and stops, instead of spinning (issue 9, point 6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ui_helpers import seed_store

ROOT = Path(__file__).resolve().parent.parent


def test_no_terminal_is_told_and_exits(tmp_path):
    url = seed_store(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("DUTYDESK_HEADLESS", "DUTYDESK_EXIT_WHEN_READY")}
    env["DUTYDESK_USER"] = "dana"
    result = subprocess.run([sys.executable, "-m", "screens.entry", "--db", url.removeprefix("sqlite:///")],
                            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "Traceback" not in result.stderr
