"""Benchmark: importing and exporting households as CSV, beside a floor measured in
the same run.

    python bench/households_io.py                 # 50,000 rows on SQLite, 3 runs
    python bench/households_io.py --rows 5000 --runs 5
    python bench/households_io.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test

Each import run goes into a fresh store. The floor is the least any import must do:
read the same file with ``csv.reader`` and insert the same rows with one Core
executemany, with no checking and no audit. Prints medians in seconds and ratios.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from db.engine import Database  # noqa: E402
from db.enums import Role  # noqa: E402
from db.models import Household, Team, User  # noqa: E402
from db.schema import create_schema  # noqa: E402
from dutydesk.carers import households_export, households_format, households_import  # noqa: E402
from dutydesk.access.desk import Desk  # noqa: E402
from dutydesk.access.identity import actor_for  # noqa: E402
from dutydesk.places import ensure_places, reference_places  # noqa: E402

LAST = ["Akhtar", "Smith", "Jones", "O'Brien [Jr]", "Patel", "Okafor", "Nowak", "Hughes", "Ann [/]", "Clarke"]
TYPES = ["emergency", "short_term", "long_term", "short_breaks", "parent_and_child", "remand"]
SPECS = ["disability", "sibling_groups", "teenagers", "uasc", "therapeutic", "babies"]


def make_csv(path: Path, rows: int, seed: int = 3) -> None:
    rnd = random.Random(seed)
    places = [p.name for p in reference_places()]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(households_format.COLUMN_NAMES)
        for i in range(rows):
            kind = rnd.choices(["in_house", "connected_person", "ifa"], [75, 10, 15])[0]
            lo = rnd.choice([0, 0, 2, 5, 11])
            hi = rnd.choice([x for x in (4, 10, 12, 17, 17) if x >= lo])
            w.writerow([
                f"HH-{i:06d}", f"{rnd.choice(LAST)}, household {i}", kind,
                "Brightwater Fostering" if kind == "ifa" else "", rnd.choice(["approved"] * 8 + ["on_hold"]),
                rnd.choice(["EAST", "WEST", "OOH", ""]), rnd.choice(places), "CT9 1AB", "+44 1843 555 000",
                "Priya Shah", lo, hi, rnd.choice([1, 1, 2, 3]), "any",
                ";".join(rnd.sample(TYPES, 2)), ";".join(rnd.sample(SPECS, rnd.randint(0, 2))),
                rnd.randint(1, 5), rnd.choice(["yes", "no"]), "no", "no", "3;7", "english;polish", "", "",
                "2020-01-01", "", "no", "2026-01-01", "2027-01-01", "", 0,
            ])


def fresh_store(url: str | None, tmp: Path) -> tuple[Database, Desk, object]:
    """A new store; returns (db, desk, cleanup)."""
    admin = None
    if url:
        schema = f"b_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(url)
        with admin.begin() as c:
            c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        db = Database(sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}))
    else:
        db = Database(f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}")
    create_schema(db)
    with db.write() as s:
        ensure_places(s)
        for code in ("EAST", "WEST", "OOH"):
            s.add(Team(code=code, name=code))
        s.flush()
        s.add(User(username="bench", full_name="Bench", role=Role.ADMIN))
    desk = Desk(db, actor_for(db, "bench"))

    def cleanup() -> None:
        db.dispose()
        if admin is not None:
            with admin.begin() as c:
                c.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()

    return db, desk, cleanup


def floor_import(db: Database, path: Path) -> None:
    """Read the file and insert the rows with no checking and no audit."""
    table = Household.__table__
    now = dt.datetime.now(dt.UTC)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [{"reference": r[0], "name": r[1], "kind": r[2], "status": r[4], "places": int(r[12]),
                 "age_min": int(r[10]), "age_max": int(r[11]), "postcode": r[7], "phone": r[8],
                 "languages": r[21], "gender_terms": "any", "created_at": now} for r in reader]
    with db.write() as s:
        for i in range(0, len(rows), 1000):
            s.execute(table.insert(), rows[i:i + 1000])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--url", help="a PostgreSQL URL (each run uses its own schema); default SQLite")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = tmp / "households.csv"
        make_csv(path, args.rows)
        imports, floors, exports, writes = [], [], [], []
        real_write = households_import._write

        def timed_write(*a, **kw):
            t0 = time.perf_counter()
            try:
                return real_write(*a, **kw)
            finally:
                writes.append(time.perf_counter() - t0)

        households_import._write = timed_write
        for _ in range(args.runs):
            db, desk, cleanup = fresh_store(args.url, tmp)
            try:
                t = time.perf_counter()
                result = households_import.import_households(desk, path)
                imports.append(time.perf_counter() - t)
                assert result.added == args.rows, result
                out = io.StringIO()
                t = time.perf_counter()
                n = households_export.write_csv(desk, out)
                exports.append(time.perf_counter() - t)
                assert n == args.rows
            finally:
                cleanup()
            db, desk, cleanup = fresh_store(args.url, tmp)
            try:
                t = time.perf_counter()
                floor_import(db, path)
                floors.append(time.perf_counter() - t)
            finally:
                cleanup()
        backend = "PostgreSQL" if args.url else "SQLite"
        mi, mf, me, mw = (statistics.median(x) for x in (imports, floors, exports, writes))
        print(f"{backend}, {args.rows} households, {args.runs} runs (medians)")
        print(f"  import (check every row, insert, audit each): {mi:6.2f} s  runs {[round(x, 2) for x in imports]}")
        print(f"    of which the write transaction (lock held): {mw:6.2f} s")
        print(f"  floor  (csv.reader + bare Core insert):       {mf:6.2f} s  runs {[round(x, 2) for x in floors]}")
        print(f"  ratio import/floor: {mi / mf:.1f}x")
        print(f"  export CSV (streamed):                        {me:6.2f} s  runs {[round(x, 2) for x in exports]}")
        print(f"  ratio export/floor: {me / mf:.2f}x")


if __name__ == "__main__":
    main()
