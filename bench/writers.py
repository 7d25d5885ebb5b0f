"""Over 400 lines because it is one self-contained script whose writer processes, preparation
and report must agree on one plan of work.

Many writers at once, through the desk's services, on SQLite and PostgreSQL in one run (issue 11).

N processes (default 20), each one worker at the desk. Each runs the same mix,
in this order, over and over: a plain call; a call that records a new child
and opens a placement request; a plain call; a placement of a signed-off
request into a household of its own (so every placement goes to a different
household, as the eight-households failure did). Two runs per store:

- **offered**: about ``--rate`` transactions a second in total (default 100),
  each process on its own clock (rate / N a second, spread so arrivals
  interleave). Latency counts from the moment the transaction was due, so a
  process that falls behind pays for it (no coordinated omission).
- **saturated**: the same transactions back to back, no think time.

It prints attempted, committed and failed transactions, median, p99 and worst
latency, the throughput, and for SQLite the WAL file's size at the end and its
largest seen during the run; then it checks the store holds exactly what was
reported committed and that every reference is distinct. As context (a floor,
measured in the same run) it prints one process's bare write transaction on the
same store, and the load average, since the machine is shared.

    /work/wt/h3/.venv/bin/python bench/writers.py [--processes 20] [--per-process 50] [--rate 100]
        [--stores sqlite,postgres] [--pg URL]

PostgreSQL: ``--pg``, else DUTYDESK_BENCH_DATABASE_URL or DUTYDESK_TEST_DATABASE_URL;
the run gets its own schema there and drops it at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIX = ("call", "call_child_request", "call", "place")
MODES = ("offered", "saturated")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# ---------------------------------------------------------------- inside a writer process


def _prepare_placement(db, actor, manager, idx: int, k: int) -> int:
    """A household with one free place and a signed-off request for it; returns the request id."""
    import json as _json

    from db.enums import Gender, HouseholdKind, HouseholdStatus, PlacementType, Urgency
    from db.models import Household, Search, SearchResult
    from dutydesk import clock
    from dutydesk.access.desk import Desk
    from dutydesk.calls.intake import ChildInput, RequestInput, open_request
    from dutydesk.requests import decisions

    with db.write() as s:
        h = Household(reference=f"HH-B{idx:02d}-{k:04d}", name=f"Bench household {idx}/{k}",
                      kind=HouseholdKind.IN_HOUSE, status=HouseholdStatus.APPROVED, places=1,
                      placement_types=frozenset({PlacementType.SHORT_TERM}))
        s.add(h)
        s.flush()
        req = open_request(s, actor, RequestInput(
            placement_type=PlacementType.SHORT_TERM, urgency=Urgency.URGENT, needed_from=clock.today(),
            new_children=(ChildInput(first_name=f"Bench{idx}x{k}", last_name="Test", age=10, gender=Gender.FEMALE),),
        ))
        srch = Search(request_id=req.id, run_by_id=actor.user_id, criteria=_json.dumps({"bench": True}),
                      run_at=clock.now(), ranked_count=1, excluded_count=0)
        s.add(srch)
        s.flush()
        s.add(SearchResult(search_id=srch.id, household_id=h.id, rank=1, score=99.0,
                           reasons=_json.dumps({"f": [["distance", 5.0, "3 km from school"]]})))
        rid, hid = req.id, h.id
    dv = decisions.propose(Desk(db, actor), rid, "place", "The one household with the right bed.", household_id=hid)
    decisions.sign_off(Desk(db, manager), dv.id, "Agreed")
    return rid


def _call(desk, n: int, with_child: bool) -> None:
    from dutydesk import clock
    from dutydesk.calls.call_log import CallInput, log_call
    from dutydesk.calls.intake import ChildInput, RequestInput

    log_call(desk, CallInput(
        caller_type="police" if with_child else "carer",
        category="placement_request" if with_child else "carer_support",
        summary=f"Bench call {n}: O'Brien [Jr] on the phone",
        new_child=ChildInput(first_name=f"New{n}", last_name="O'Brien [Jr]", age=12) if with_child else None,
        request=RequestInput(placement_type="emergency", urgency="emergency", needed_from=clock.today())
        if with_child else None,
    ))


def plan(per_process: int) -> list[str]:
    return [MIX[k % len(MIX)] for k in range(per_process)]


def writer(idx: int, url: str, username: str, ready: dict[str, list[int]], per_process: int, rate: float,
           n: int, barrier, results) -> None:
    """One worker at the desk: a warm-up, then each mode's plan once the parent releases the barrier.

    ``ready`` holds the signed-off requests this process will place, per mode (and "warm").
    """
    try:
        from db.engine import Database
        from dutydesk.access.desk import Desk
        from dutydesk.access.identity import actor_for
        from dutydesk.requests import placements

        db = Database(url)
        desk = Desk(db, actor_for(db, username))
        # One of each, not measured: the first of each kind in a process pays for lazy imports
        # and SQLAlchemy's statement compilation (about half a second), which no worker at a
        # desk that has been open a minute would see.
        warm, warm_errors = {}, []
        for k, op in enumerate(MIX):
            try:
                if op == "place":
                    placements.place(desk, ready["warm"][0])
                else:
                    _call(desk, idx * 100_000 + 90_000 + k, op == "call_child_request")
                warm[op] = warm.get(op, 0) + 1
            except Exception as err:  # noqa: BLE001 - reported (the code before issue 11's fix failed here)
                warm_errors.append(f"warm-up {op}: {type(err).__name__}: {err}"[:200])
        for mode in MODES:
            barrier.wait(timeout=600)
            interval = 1.0 / (rate / n) if mode == "offered" else 0.0
            t0 = time.perf_counter() + interval * idx / n
            first = mode == MODES[0]
            out = {"ok": {}, "latency": [], "errors": [], "warm": warm if first else {},
                   "warm_errors": warm_errors if first else []}
            todo = list(ready[mode])
            cpu = time.process_time()
            for k, op in enumerate(plan(per_process)):
                due = t0 + k * interval
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                start = due if mode == "offered" else time.perf_counter()
                try:
                    if op == "place":
                        placements.place(desk, todo.pop(0))
                    else:
                        _call(desk, idx * 100_000 + k, op == "call_child_request")
                    out["ok"][op] = out["ok"].get(op, 0) + 1
                except Exception as err:  # noqa: BLE001 - counted and reported
                    out["errors"].append(f"{op}: {type(err).__name__}: {err}"[:300])
                out["latency"].append(time.perf_counter() - start)
            out["cpu"] = time.process_time() - cpu
            results.put((mode, idx, out))
        db.dispose()
    except Exception:  # noqa: BLE001 - the parent reports it
        results.put(("crash", idx, traceback.format_exc()))
        barrier.abort()  # nobody waits for a writer that is gone


# ---------------------------------------------------------------- the parent


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _prepare_all(url: str, names: list[str], per_process: int) -> list[dict[str, list[int]]]:
    """Every writer's signed-off requests, made here, one after another, before any writer starts.

    Twenty processes preparing their own at once are a saturated race of their own; on SQLite at a
    load average of 10 one of them waited past the 30 s busy timeout ("database is locked") before
    the measured part had begun.
    """
    from db.engine import Database
    from dutydesk.access.identity import actor_for

    db = Database(url)
    manager = actor_for(db, "bench.manager")
    wanted = plan(per_process).count("place")
    out = []
    for idx, name in enumerate(names):
        actor = actor_for(db, name)
        ready = {"warm": [_prepare_placement(db, actor, manager, idx, 9000)]}
        for m, mode in enumerate(MODES):
            ready[mode] = [_prepare_placement(db, actor, manager, idx, 1000 * m + k) for k in range(wanted)]
        out.append(ready)
    db.dispose()
    return out


def _floor(db, runs: int = 100) -> float:
    """One process, a bare write transaction (one UPDATE and the commit): what a commit costs here."""
    import sqlalchemy as sa

    from db.models import Setting

    with db.write() as s:
        s.add(Setting(key="bench_floor", value="0"))
    times = []
    for i in range(runs):
        t = time.perf_counter()
        with db.write() as s:
            s.execute(sa.update(Setting).where(Setting.key == "bench_floor").values(value=str(i)))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _setup_store(url: str, n: int) -> list[str]:
    from db.engine import Database
    from db.enums import Role
    from db.models import Team, User
    from db.schema import create_schema
    from dutydesk.access import audit
    from dutydesk.access.identity import SYSTEM

    db = Database(url)
    create_schema(db)
    teams = ["EAST", "WEST", "NORTH", "SOUTH", "OOH"]
    names = []
    with db.write() as s:
        ids = {}
        for code in teams:
            t = Team(code=code, name=f"{code.title()} duty team", out_of_hours=code == "OOH")
            s.add(t)
            s.flush()
            ids[code] = t.id
        s.add(User(username="bench.manager", full_name="Bench Manager", role=Role.MANAGER, team_id=ids["EAST"]))
        for i in range(n):
            names.append(f"bench.w{i:02d}")
            s.add(User(username=names[-1], full_name=f"Bench Worker {i}", role=Role.DUTY_WORKER,
                       team_id=ids[teams[i % 4]]))
        # As `dutydesk init` leaves a store: the audit chain already started.
        audit.record(s, SYSTEM, "bench.store_made", "settings", "bench", {"workers": n})
    db.dispose()
    return names


def _check_store(url: str, committed: dict[str, int]) -> str:
    import sqlalchemy as sa

    from db.engine import Database
    from db.models import Call, Child, Placement, PlacementRequest

    db = Database(url)
    with db.read() as s:
        calls = s.execute(sa.select(sa.func.count()).select_from(Call)).scalar_one()
        placed = s.execute(sa.select(sa.func.count()).select_from(Placement)).scalar_one()
        distinct = all(
            s.execute(sa.select(sa.func.count(col) - sa.func.count(sa.distinct(col)))).scalar_one() == 0
            for col in (PlacementRequest.reference, Placement.reference, Child.case_reference)
        )
        integrity = "-"
        if db.is_sqlite:
            integrity = s.execute(sa.text("PRAGMA integrity_check")).scalar_one()
    db.dispose()
    want_calls = committed.get("call", 0) + committed.get("call_child_request", 0)
    return (f"in the store (with the warm-up): calls {calls} (reported committed {want_calls}), placements {placed} "
            f"(reported {committed.get('place', 0)}), references distinct: {'yes' if distinct else 'NO'}, "
            f"integrity_check: {integrity}")


def _machine_busy() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat (zeros elsewhere)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return (0, 0)
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle, sum(fields))


def _wal_watch(path: Path | None, stop: threading.Event, seen: list[int]) -> None:
    while not stop.wait(0.1):
        if path is not None:
            try:
                seen.append(os.path.getsize(str(path) + "-wal"))
            except OSError:
                pass


def run_store(store: str, url: str, args) -> list[dict]:
    from db.engine import Database

    names = _setup_store(url, args.processes)
    db = Database(url)
    floor = _floor(db)
    db.dispose()
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(args.processes + 1), ctx.Queue()
    t = time.perf_counter()
    ready = _prepare_all(url, names, args.per_process)
    print(f"  {store}: {sum(len(v) for r in ready for v in r.values())} signed-off requests prepared, "
          f"one process, in {time.perf_counter() - t:.1f} s", flush=True)
    procs = [ctx.Process(target=writer, args=(i, url, names[i], ready[i], args.per_process, args.rate,
                                              args.processes, barrier, results))
             for i in range(args.processes)]
    t_setup = time.perf_counter()
    for p in procs:
        p.start()
    try:
        return _measure(store, url, args, names, floor, procs, barrier, results, t_setup)
    finally:
        for p in procs:  # a writer still running would hold the store (and its schema) open
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)


def _measure(store, url, args, names, floor, procs, barrier, results, t_setup) -> list[dict]:
    from db.engine import sqlite_path

    rows = []
    path = sqlite_path(url)
    total_committed: dict[str, int] = {}
    for mode in MODES:
        try:
            barrier.wait(timeout=900)
        except threading.BrokenBarrierError:
            crashes = []
            try:
                while True:
                    crashes.append(results.get(timeout=5))
            except queue.Empty:
                pass
            raise SystemExit("a writer failed:\n" + "\n".join(str(c[2]) for c in crashes if c[0] == "crash"))
        if mode == MODES[0]:
            print(f"  {store}: {args.processes} processes started and warmed up in "
                  f"{time.perf_counter() - t_setup:.1f} s", flush=True)
        stop, seen = threading.Event(), []
        watcher = threading.Thread(target=_wal_watch, args=(path, stop, seen), daemon=True)
        watcher.start()
        load_before = os.getloadavg()[0]
        busy_before = _machine_busy()
        t = time.perf_counter()
        got = []
        while len(got) < args.processes:
            item = results.get(timeout=900)
            if item[0] == "crash":
                raise SystemExit(f"writer {item[1]} crashed:\n{item[2]}")
            got.append(item[2])
        wall = time.perf_counter() - t
        busy = [b - a for a, b in zip(busy_before, _machine_busy(), strict=True)]
        stop.set()
        watcher.join()
        warm_errors = [e for g in got for e in g["warm_errors"]]
        if warm_errors:
            print(f"  {store}: {len(warm_errors)} warm-up transactions failed, for example: "
                  f"{sorted(set(warm_errors))[:2]}")
        latency = [x for g in got for x in g["latency"]]
        errors = [e for g in got for e in g["errors"]]
        ok: dict[str, int] = {}
        for g in got:
            for op, c in g["warm"].items():
                total_committed[op] = total_committed.get(op, 0) + c
            for op, c in g["ok"].items():
                ok[op] = ok.get(op, 0) + c
                total_committed[op] = total_committed.get(op, 0) + c
        # The last sample: once the writers have gone, the last connection to close checkpoints
        # and removes the WAL.
        wal = seen[-1] if seen else None
        rows.append({
            "store": store, "mode": mode, "offered": f"{args.rate:.0f}/s" if mode == "offered" else "max",
            "attempted": len(latency), "committed": sum(ok.values()), "errors": len(errors),
            "tx_s": len(latency) / wall, "median_ms": 1000 * statistics.median(latency),
            "p99_ms": 1000 * _pct(latency, 0.99), "max_ms": 1000 * max(latency), "floor_ms": 1000 * floor,
            "wal_mb": None if wal is None else wal / 1e6, "wal_peak_mb": max(seen) / 1e6 if seen else None,
            "load": f"{load_before:.1f}-{os.getloadavg()[0]:.1f}", "first_errors": sorted(set(errors))[:3],
            "cpu_ms_per_tx": 1000 * sum(g["cpu"] for g in got) / max(1, len(latency)),
            "machine_busy": busy[0] / busy[1] if busy[1] else float("nan"),
            "by_op": ok,
        })
    for p in procs:
        p.join(timeout=60)
    rows[-1]["check"] = _check_store(url, total_committed)
    return rows


def _pg_schema(base: str) -> tuple[str, callable]:
    import sqlalchemy as sa

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
        hide_password=False)

    def drop() -> None:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()

    return url, drop


def _print(rows: list[dict]) -> None:
    head = (f"{'store':9} {'mode':10} {'offered':>7} {'attempted':>9} {'committed':>9} {'errors':>6} {'tx/s':>6} "
            f"{'median':>8} {'p99':>8} {'worst':>8} {'floor':>7} {'ratio':>6} {'WAL end/peak':>13} {'load':>9} "
            f"{'CPU/tx':>7} {'busy':>5}")
    print(head)
    for r in rows:
        wal = "-" if r["wal_mb"] is None else f"{r['wal_mb']:.1f}/{(r['wal_peak_mb'] or 0):.1f} MB"
        print(f"{r['store']:9} {r['mode']:10} {r['offered']:>7} {r['attempted']:>9} {r['committed']:>9} "
              f"{r['errors']:>6} {r['tx_s']:>6.1f} {r['median_ms']:>6.1f}ms {r['p99_ms']:>6.1f}ms "
              f"{r['max_ms']:>6.0f}ms {r['floor_ms']:>5.1f}ms {r['median_ms'] / r['floor_ms']:>5.1f}x {wal:>13} "
              f"{r['load']:>9} {r['cpu_ms_per_tx']:>5.1f}ms {100 * r['machine_busy']:>4.0f}%")
    for r in rows:
        for e in r["first_errors"]:
            print(f"  {r['store']} {r['mode']} error: {e}")
        if "check" in r:
            print(f"  {r['store']}: {r['check']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--processes", type=int, default=20)
    ap.add_argument("--per-process", type=int, default=50, help="transactions per process in each mode")
    ap.add_argument("--rate", type=float, default=100.0, help="offered transactions a second, all processes")
    ap.add_argument("--stores", default="sqlite,postgres")
    ap.add_argument("--pg", default=os.environ.get("DUTYDESK_BENCH_DATABASE_URL")
                    or os.environ.get("DUTYDESK_TEST_DATABASE_URL") or DEFAULT_PG)
    ap.add_argument("--json", type=Path, help="also write the rows to this file")
    args = ap.parse_args()
    print(f"writers: {args.processes} processes x {args.per_process} transactions per mode; mix per process: "
          "call, call with a new child and a request, call, placement into a household of its own")
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(shared with other engineers' test runs)", flush=True)
    rows: list[dict] = []
    for store in args.stores.split(","):
        if store == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                rows += run_store("sqlite", f"sqlite:///{Path(tmp) / 'writers.db'}", args)
        elif store == "postgres":
            url, drop = _pg_schema(args.pg)
            try:
                rows += run_store("postgres", url, args)
            finally:
                drop()
        else:
            raise SystemExit(f"unknown store {store!r}: sqlite or postgres")
    print()
    _print(rows)
    print("latency: from when the transaction was due (offered) or started (saturated) to its commit; "
          "floor: one process's bare write transaction on the same store, median; ratio = median / floor;\n"
          "CPU/tx: the writers' own CPU per transaction (the PostgreSQL server's not included); "
          "busy: the whole machine's CPU use during the run, other engineers' work included")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    bad = [r for r in rows if r["errors"] or r["committed"] != r["attempted"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
