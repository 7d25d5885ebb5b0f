"""Each report's time on the 50,000-household, 18-month demo, beside the bare SQL of its main aggregate.

For each report (consistency, sufficiency, vacancies, timescales) this times
``dutydesk.reports.run.run`` over the demo's whole history (as a manager, every
team), then replays the SQL that run sent, captured from the service's own
connection, on a bare sqlite3 connection with no ORM, session or dataclasses:

- **main**: the slowest single statement (the report's main aggregate);
- **all SQL**: every statement the report sent, one after the other.

It prints medians and the ratios report / main and report / all SQL, and the
report's CPU time over the main statement's (process time, which a busy machine
disturbs less than the wall clock). Aim: each report under 1 s and within 3x of
its main aggregate. The carer's letter for
HH-00003 is timed too (no floor: a handful of small queries).

    .venv/bin/python bench/reports.py [--store PATH] [--households 50000] [--runs 5]

Without --store it builds one with ``dutydesk --db PATH demo --no-ui
--households N`` (20-60 s; the path is printed so it can be reused).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AIM_S = 1.0
AIM_RATIO = 3.0
KINDS = ("consistency", "sufficiency", "vacancies", "timescales")


def build(path: Path, households: int) -> None:
    print(f"building a {households}-household demo store at {path} (dutydesk demo --no-ui) ...", flush=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "screens.entry", "--db", str(path), "demo", "--no-ui",
                    "--households", str(households)], check=True, cwd=ROOT)
    print(f"  built in {time.perf_counter() - t:.0f} s", flush=True)


def bare(path: Path, statements: list[tuple[str, tuple]]) -> tuple[list[float], list[float]]:
    """Seconds (wall, CPU) for each captured statement, executed and fetched on a plain sqlite3 connection."""
    conn = sqlite3.connect(str(path))
    try:
        walls, cpus = [], []
        for sql, params in statements:
            t, c = time.perf_counter(), time.process_time()
            conn.execute(sql, params).fetchall()
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        return walls, cpus
    finally:
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="an existing demo store (SQLite file)")
    ap.add_argument("--households", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    path = args.store
    if path is None:
        path = Path(tempfile.mkdtemp()) / "demo.db"
        build(path, args.households)

    from sqlalchemy import event, select

    from db.engine import Database
    from db.models import PlacementRequest, User
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for
    from dutydesk.reports import letter, run

    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        first = s.execute(select(PlacementRequest.created_at).order_by(PlacementRequest.created_at).limit(1)).scalar()
        manager = s.execute(select(User.username).where(User.role == "manager").order_by(User.id)).scalars().first()
    desk = Desk(db, actor_for(db, manager))
    start = first.date().replace(day=1)
    end = dt.date.today()
    print(f"store {path}; period {start} to {end}; as {manager}; {args.runs} runs each, medians; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")

    captured: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, tuple(parameters) if parameters else ()))

    print(f"{'report':<12} {'report s':>9} {'main s':>8} {'all SQL s':>10} {'x main':>7} {'x all':>6}  "
          f"{'rows':>5}  {'CPU x main':>10}  verdict")
    worst = 0.0
    for kind in KINDS:
        run.run(desk, kind, start, end)  # warm the caches once, as a second look at the screen would
        times, mains, alls, cpus, main_cpus = [], [], [], [], []
        rows = 0
        for _ in range(args.runs):
            captured.clear()
            event.listen(db.engine, "before_cursor_execute", capture)
            t, c = time.perf_counter(), time.process_time()
            view = run.run(desk, kind, start, end)
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            event.remove(db.engine, "before_cursor_execute", capture)
            rows = sum(len(tb.rows) for tb in view.tables)
            each, each_cpu = bare(path, list(captured))
            mains.append(max(each))
            alls.append(sum(each))
            main_cpus.append(each_cpu[each.index(max(each))])  # the same statement's CPU
        rep, mn, al = statistics.median(times), statistics.median(mains), statistics.median(alls)
        cpu_ratio = statistics.median(cpus) / max(statistics.median(main_cpus), 1e-9)
        ok = rep < AIM_S and rep / mn <= AIM_RATIO
        worst = max(worst, rep)
        print(f"{kind:<12} {rep:>9.3f} {mn:>8.3f} {al:>10.3f} {rep / mn:>7.2f} {rep / al:>6.2f}  {rows:>5}  "
              f"{cpu_ratio:>10.2f}  {'ok' if ok else 'over the aim'}")
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        letter.render_markdown(letter.build(desk, "HH-00003"))
        times.append(time.perf_counter() - t)
    print(f"{'letter':<12} {statistics.median(times):>9.3f}  (HH-00003, no floor)")
    print(f"\naim: each report under {AIM_S:.0f} s and within {AIM_RATIO:.0f}x of its main aggregate "
          f"(load average now {os.getloadavg()[0]:.1f})")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
