"""Time ``dutydesk demo --no-ui`` at 400 and 50,000 households.

    /work/venv/bin/python bench/demo_build.py [--runs 3] [--big-runs 1] [--big 50000] [--skip-big]

Each run is a fresh process building into a fresh SQLite file (what a person
types). Printed per size: the median wall time, the median of the demo's own
build time with the saved searches left out (measured in-process, so the
matching engine's share shows), the file size, and a ratio against a floor
measured in the same run: a fresh process that creates the same schema and
bulk-inserts the same number of rows (narrow rows, one transaction) into a
SQLite file, i.e. the cost of the storage alone.

The issue asks for under 60 seconds at 50,000 households on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
DUTYDESK = str(Path(PY).with_name("dutydesk"))

FLOOR = r"""
import sqlite3, sys, time
from db.engine import Database
from db.schema import create_schema
path, rows = sys.argv[1], int(sys.argv[2])
t = time.perf_counter()
db = Database(f"sqlite:///{path}")
create_schema(db, stamp=False)
db.dispose()
con = sqlite3.connect(path, isolation_level=None)
con.execute("CREATE TABLE floor_rows (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER NOT NULL)")
con.execute("BEGIN IMMEDIATE")
con.executemany("INSERT INTO floor_rows VALUES (?, ?, ?)", ((i, f"row {i}", i % 97) for i in range(rows)))
con.execute("COMMIT")
con.close()
"""

BUILD_ONLY = r"""
import sys, time
from db.engine import Database
from dutydesk.demo.build import build, prepare_store
db = prepare_store(Database(f"sqlite:///{sys.argv[1]}"), force=True)
t = time.perf_counter()
build(db, seed=1, households=int(sys.argv[2]), searches=False)
print(time.perf_counter() - t)
"""


def fresh(tmp: Path, name: str) -> Path:
    path = tmp / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def size_mb(path: Path) -> float:
    return sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists()) / 1e6


def rows_in(path: Path) -> int:
    import sqlite3

    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'calls_fts%'")]
    total = sum(con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names)
    con.close()
    return total


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, out.stdout


def bench_size(tmp: Path, households: int, runs: int, env: dict[str, str]) -> None:
    walls: list[float] = []
    builds: list[float] = []
    floors: list[float] = []
    mb = 0.0
    for i in range(runs):
        path = fresh(tmp, f"demo_{households}.db")
        wall, _ = timed([DUTYDESK, "--db", str(path), "demo", "--no-ui", "--households", str(households)], env)
        walls.append(wall)
        mb = size_mb(path)
        rows = rows_in(path)
        floor_path = fresh(tmp, f"floor_{households}.db")
        floor, _ = timed([PY, "-c", FLOOR, str(floor_path), str(rows)], env)
        floors.append(floor)
        only_path = fresh(tmp, f"only_{households}.db")
        _, out = timed([PY, "-c", BUILD_ONLY, str(only_path), str(households)], env)
        builds.append(float(out.strip().splitlines()[-1]))
        print(f"  run {i + 1}: demo {wall:.1f} s (build without searches {builds[-1]:.1f} s), "
              f"floor {floor:.1f} s, {rows:,} rows, {mb:.0f} MB", flush=True)
    demo, floor = statistics.median(walls), statistics.median(floors)
    print(f"{households:>6,} households: demo --no-ui median {demo:.1f} s over {runs} run(s); "
          f"build without saved searches {statistics.median(builds):.1f} s; "
          f"floor (schema + same row count, raw executemany) {floor:.1f} s; ratio {demo / floor:.1f}x; "
          f"file {mb:.0f} MB")
    if households >= 50_000:
        print(f"        under 60 s: {'yes' if demo < 60 else 'NO'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs at 400 households")
    ap.add_argument("--big", type=int, default=50_000)
    ap.add_argument("--big-runs", type=int, default=1)
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("DUTYDESK_NOW", "2026-11-22T10:00:00")
    load = os.getloadavg()[0]
    print(f"demo build benchmark (load average {load:.1f} on {os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="dutydesk-demo-bench-") as d:
        tmp = Path(d)
        bench_size(tmp, 400, args.runs, env)
        if not args.skip_big:
            bench_size(tmp, args.big, args.big_runs, env)


if __name__ == "__main__":
    main()
