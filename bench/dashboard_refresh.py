"""The dashboard's refresh cost on a 50,000-household store, beside the bare SQL as floor.

Each refresh of the dashboard calls ``dutydesk.overview.dashboard.load`` once (the
screen does it every few seconds in a thread worker). This script times that
call for a duty worker and for a manager, and, as the floor, the very same SQL
statements (captured from the service's own run) executed on a bare sqlite3
connection with no ORM, session or dataclasses. It prints medians and the
ratio service / floor. Aim: under 50 ms per refresh.

    /work/venv/bin/python bench/dashboard_refresh.py [--store PATH] [--households 50000] [--runs 15]

Without --store it builds one with ``dutydesk --db PATH demo --no-ui
--households N`` (this takes minutes; the path is printed so it can be reused).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIM_MS = 50.0


def build(path: Path, households: int) -> None:
    print(f"building a {households}-household demo store at {path} (dutydesk demo --no-ui) ...", flush=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "screens.entry", "--db", str(path), "demo", "--no-ui",
                    "--households", str(households)], check=True, cwd=ROOT)
    print(f"  built in {time.perf_counter() - t:.0f} s", flush=True)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="an existing demo store (SQLite file)")
    ap.add_argument("--households", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    path = args.store
    if path is None:
        path = Path(tempfile.mkdtemp()) / "demo.db"
        build(path, args.households)

    from sqlalchemy import event, select

    from db.engine import Database
    from db.enums import Role
    from db.models import Call, Household, User
    from dutydesk.overview import dashboard
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for

    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        households = s.execute(select(Household.id).order_by(Household.id.desc()).limit(1)).scalar() or 0
        calls = s.execute(select(Call.id).order_by(Call.id.desc()).limit(1)).scalar() or 0
        worker = s.execute(select(User.username).where(User.role == Role.DUTY_WORKER, User.active)
                           .order_by(User.id).limit(1)).scalar()
        manager = s.execute(select(User.username).where(User.role == Role.MANAGER, User.active)
                            .order_by(User.id).limit(1)).scalar()
    print(f"store: {path} ({households} households, {calls} calls)")

    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # noqa: ANN001
        captured.append((statement, parameters))

    results = []
    for who in (worker, manager):
        if not who:
            continue
        desk = Desk(db, actor_for(db, who))
        dashboard.load(desk)  # warm the caches
        captured.clear()
        event.listen(db.engine, "before_cursor_execute", capture)
        data = dashboard.load(desk)
        event.remove(db.engine, "before_cursor_execute", capture)
        statements = [(st, p) for st, p in captured if st.lstrip().upper().startswith("SELECT")]

        raw = sqlite3.connect(str(path))
        for st, p in statements:
            raw.execute(st, p).fetchall()
        service, floor = [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            t = time.perf_counter()
            dashboard.load(desk)
            service.append(time.perf_counter() - t)
            t = time.perf_counter()
            for st, p in statements:
                raw.execute(st, p).fetchall()
            floor.append(time.perf_counter() - t)
        raw.close()
        per_stmt = []
        raw = sqlite3.connect(str(path))
        for st, p in statements:
            t = time.perf_counter()
            for _ in range(3):
                raw.execute(st, p).fetchall()
            per_stmt.append(((time.perf_counter() - t) / 3 * 1000, " ".join(st.split())[:90]))
        raw.close()
        results.append((who, desk.actor.role.value, median_ms(service), median_ms(floor), len(statements), data,
                        sorted(per_stmt, reverse=True)[:3]))
    db.dispose()

    worst = 0.0
    for who, role, svc, flo, n, data, slow in results:
        worst = max(worst, svc)
        print(f"\n{role} {who}: {n} SELECTs per refresh; shows {len(data.requests)} of {data.requests_total} open "
              f"requests, {data.households_with_vacancy} households with vacancies, {len(data.waiting)} waiting")
        print(f"  service dashboard.load  median {svc:7.2f} ms  ({args.runs} runs)")
        print(f"  floor: same SQL, bare   median {flo:7.2f} ms")
        print(f"  ratio service / floor   {svc / flo:7.2f}")
        print("  slowest statements (bare):")
        for ms, text in slow:
            print(f"    {ms:6.2f} ms  {text}")
    print(f"\nworst median {worst:.2f} ms per refresh; aim < {AIM_MS:.0f} ms: {'met' if worst < AIM_MS else 'NOT met'}")
    return 0 if worst < AIM_MS else 2


if __name__ == "__main__":
    sys.exit(main())
