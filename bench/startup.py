"""Start-up benchmark: dutydesk against an empty Textual app, in the same run.

    /work/venv/bin/python bench/startup.py [--runs 7] [--households 400] [--store PATH]

Measures, each N times in fresh processes, and prints medians and ratios:

1. ready: process start -> dashboard mounted and its first data load done
   (dutydesk, headless, ``DUTYDESK_EXIT_WHEN_READY=1``), against the floor: an
   empty Textual app that imports sqlmodel and exits when mounted;
2. first frame: process start -> the first frame's text arrives on a real
   pseudo-terminal (80x24), dutydesk ("Opening the desk") against an empty
   Textual app (no sqlmodel import: the frame is what the person sees first);
3. once, ``python -X importtime`` of the dutydesk start, top imports by time.

The store is a demo county built with ``dutydesk demo --no-ui``; if that command
is not available, a store with the same number of households is made by hand
(and the script says so).
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import fcntl
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

FLOOR_READY = """
import os, time
import sqlmodel
from textual.app import App

class Empty(App):
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        with open(os.environ["BENCH_FILE"], "a") as fh:
            fh.write(f"ready {time.time():.6f}\\n")
        self.exit()

Empty().run(headless=True)
"""

FLOOR_PAINT = """
from textual.app import App, ComposeResult
from textual.widgets import Static

class Empty(App):
    def compose(self) -> ComposeResult:
        yield Static("Empty app frame")
    def on_mount(self):
        self.set_timer(0.3, self.exit)

Empty().run()
"""


# -- the store --------------------------------------------------------------------------------


def build_store(path: Path, households: int) -> tuple[str, str]:
    """(how it was built, a username to sign in as)."""
    env = dict(os.environ)
    cmd = [PY, "-m", "screens.entry", "--db", str(path), "demo", "--no-ui", "--households", str(households)]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode == 0 and path.exists():
        how = f"dutydesk demo --no-ui --households {households}"
    else:
        why = (result.stderr.strip().splitlines() or ["no output"])[-1]
        how = f"by hand ({households} households, 3 teams, 3 users): `dutydesk demo` failed: {why}"
        if path.exists():
            path.unlink()
        subprocess.run([PY, "-c", HAND_STORE, str(path), str(households)], cwd=ROOT, check=True)
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT username FROM users WHERE active ORDER BY id LIMIT 1").fetchone()
        demo = conn.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    if row is None or demo is None or demo[0] != "true":
        raise SystemExit("the store has no active user or is not marked demo; cannot benchmark")
    return how, row[0]


HAND_STORE = """
import sys, datetime as dt
from db.engine import Database
from db.enums import HouseholdKind, HouseholdStatus, Role
from db.models import Household, Setting, Team, User
from db.schema import create_schema
db = Database(f"sqlite:///{sys.argv[1]}")
try:
    create_schema(db)
except ImportError:
    create_schema(db, stamp=False)
n = int(sys.argv[2])
with db.write() as s:
    teams = [Team(code=c, name=f"{c.title()} duty team") for c in ("EAST", "WEST", "OOH")]
    s.add_all(teams); s.flush()
    s.add_all([User(username=u, full_name=u.title(), role=r, team_id=teams[i].id)
               for i, (u, r) in enumerate([("dana", Role.DUTY_WORKER), ("maya", Role.MANAGER), ("ada", Role.ADMIN)])])
    kinds = [HouseholdKind.IN_HOUSE] * 15 + [HouseholdKind.CONNECTED_PERSON] * 2 + [HouseholdKind.IFA] * 3
    for i in range(n):
        s.add(Household(reference=f"HH-{i:05d}", name=f"Household {i}", kind=kinds[i % 20],
                        status=HouseholdStatus.APPROVED, team_id=teams[i % 3].id, places=1 + i % 3,
                        vacant_since=dt.date(2026, 10, 1) if i % 4 == 0 else None))
    s.add(Setting(key="demo", value="true"))
db.dispose()
"""


# -- timing ---------------------------------------------------------------------------------


def timed_ready(cmd: list[str], env: dict[str, str], stamp_file: Path) -> tuple[float, float]:
    """(seconds to the 'ready' stamp, seconds to process exit), from just before spawning."""
    stamp_file.write_text("")
    env = dict(env, BENCH_FILE=str(stamp_file), DUTYDESK_BENCH_FILE=str(stamp_file))
    start = time.time()
    result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    end = time.time()
    if result.returncode != 0:
        raise SystemExit(f"{cmd!r} failed ({result.returncode}): {result.stderr[-2000:]}")
    stamps = dict(line.split() for line in stamp_file.read_text().splitlines() if line.strip())
    if "ready" not in stamps:
        raise SystemExit(f"{cmd!r} never reported ready")
    return float(stamps["ready"]) - start, end - start


def timed_first_frame(cmd: list[str], env: dict[str, str], marker: bytes, limit: float = 30.0) -> float:
    """Seconds from spawning ``cmd`` on an 80x24 pseudo-terminal until ``marker`` is written to it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(env, TERM="xterm-256color", COLUMNS="80", LINES="24")
    env.pop("DUTYDESK_HEADLESS", None)
    start = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    found: float | None = None
    try:
        while time.time() - start < limit:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
                if found is None and marker in seen:
                    found = time.time() - start
            elif proc.poll() is not None and found is not None:
                break
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=10)
        os.close(master)
    if found is None:
        raise SystemExit(f"{cmd!r}: never painted {marker!r}; output began {seen[:300]!r}")
    return found


def import_profile(cmd: list[str], env: dict[str, str], stamp_file: Path, top: int = 10) -> list[tuple[str, float]]:
    """The slowest top-level imports (cumulative seconds) of one run with -X importtime."""
    stamp_file.write_text("")
    env = dict(env, DUTYDESK_BENCH_FILE=str(stamp_file))
    result = subprocess.run([PY, "-X", "importtime", *cmd[1:]], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if m and len(m.group(2)) <= 1:  # top-level imports only
            name = m.group(3).split(".")[0]
            totals[name] = totals.get(name, 0.0) + int(m.group(1)) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])[:top]


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--households", type=int, default=400)
    parser.add_argument("--store", type=Path, help="use this demo store instead of building one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dutydesk-bench-") as tmp:
        tmpdir = Path(tmp)
        store = args.store or tmpdir / "demo.db"
        if args.store:
            with sqlite3.connect(store) as conn:
                user = conn.execute("SELECT username FROM users WHERE active ORDER BY id LIMIT 1").fetchone()[0]
            print(f"store: {store} (given with --store)")
        else:
            t0 = time.time()
            how, user = build_store(store, args.households)
            print(f"store: {how} ({time.time() - t0:.1f} s)")
        stamp = tmpdir / "stamps.txt"
        env = dict(os.environ, DUTYDESK_HEADLESS="1", DUTYDESK_EXIT_WHEN_READY="1")
        env.pop("NO_COLOR", None)
        desk_cmd = [PY, "-m", "screens.entry", "--db", str(store), "--as", user]
        floor_cmd = [PY, "-c", FLOOR_READY]

        # Warm up once each (bytecode, page cache), not counted.
        timed_ready(floor_cmd, env, stamp)
        timed_ready(desk_cmd, env, stamp)

        floor_ready, floor_exit, desk_ready, desk_exit = [], [], [], []
        floor_paint, desk_paint = [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            r, e = timed_ready(floor_cmd, env, stamp)
            floor_ready.append(r)
            floor_exit.append(e)
            r, e = timed_ready(desk_cmd, env, stamp)
            desk_ready.append(r)
            desk_exit.append(e)
            floor_paint.append(timed_first_frame([PY, "-c", FLOOR_PAINT], env, b"Empty app frame"))
            desk_paint.append(timed_first_frame(desk_cmd, env, b"Opening the desk"))

        print(f"\nmedians of {args.runs} runs (seconds from process start); {len(os.sched_getaffinity(0))} CPUs")
        rows = [
            ("ready: empty Textual app + sqlmodel (floor)", median(floor_ready)),
            ("ready: dutydesk dashboard loaded", median(desk_ready)),
            ("exit:  empty Textual app + sqlmodel (floor)", median(floor_exit)),
            ("exit:  dutydesk", median(desk_exit)),
            ("first frame: empty Textual app", median(floor_paint)),
            ("first frame: dutydesk 'Opening the desk'", median(desk_paint)),
        ]
        for label, value in rows:
            print(f"  {label:<46} {value:6.3f}")
        print(f"  ratio ready  dutydesk / floor               {median(desk_ready) / median(floor_ready):6.2f}x")
        print(f"  ratio exit   dutydesk / floor               {median(desk_exit) / median(floor_exit):6.2f}x")
        print(f"  ratio first frame dutydesk / empty app      {median(desk_paint) / median(floor_paint):6.2f}x")
        print(f"  spread ready: floor {min(floor_ready):.3f}-{max(floor_ready):.3f}, "
              f"dutydesk {min(desk_ready):.3f}-{max(desk_ready):.3f}")

        print("\nslowest top-level imports of one dutydesk start (python -X importtime, cumulative s):")
        for name, seconds in import_profile(desk_cmd, env, stamp):
            print(f"  {name:<24} {seconds:6.3f}")


if __name__ == "__main__":
    main()
