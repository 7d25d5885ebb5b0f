"""Build the demo county into an empty store.

``build(database, seed, households, children, progress)`` writes everything
in one write transaction with bulk Core inserts, marks the store as a demo
(``settings.demo = "true"``) and records one summary audit event. The same
seed and the same clock (``DUTYDESK_NOW``) give the same county.

``prepare_store`` is what ``dutydesk demo`` calls first: it refuses a store
that holds data unless told to wipe it.
"""

from __future__ import annotations

import importlib.util
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from db import references
from db.engine import Database, sqlite_path
from db.models import Place, metadata
from db.schema import EXTRA_DDL, create_schema
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.demo import children as children_mod
from dutydesk.demo import history, households as households_mod, people, search_log
from dutydesk.demo.county import County, PlaceInfo, Progress, Writer
from dutydesk.demo.households import TOWN_WEIGHTS
from dutydesk.demo.scenarios import CHILDREN as SCENARIO_CHILDREN
from dutydesk.demo.scenarios import Scenarios
from dutydesk.errors import Conflict, InvalidInput
from dutydesk.access.identity import DEMO_SETTING, SYSTEM, StoreKind, os_login
from dutydesk.places import ensure_places

MIN_HOUSEHOLDS = 30
MAX_HOUSEHOLDS = 200_000
CHILDREN_PER_HOUSEHOLD = 1.5
# Past this many placed requests the history stops growing with the county:
# a 50,000-household store is for testing matching, not for 18 months of calls.
HISTORY_REQUEST_CAP = 6_000
DATA_TABLES = ("households", "children", "calls", "placement_requests", "users", "teams")


@dataclass
class DemoSummary:
    seed: int
    seconds: float
    counts: dict[str, int]
    os_user: str | None
    scenarios: list[tuple[int, str, str]] = field(default_factory=list)
    searches_added: bool = False


def default_children(households: int) -> int:
    return round(households * CHILDREN_PER_HOUSEHOLD)


def store_counts(database: Database) -> dict[str, int]:
    """Rows in the tables that say a store is in use (missing tables count as empty)."""
    out: dict[str, int] = {}
    with database.engine.connect() as conn:
        insp = sa.inspect(conn)
        for name in DATA_TABLES:
            if insp.has_table(name):
                out[name] = conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[name])).scalar_one()
    return out


def has_data(database: Database) -> bool:
    return any(store_counts(database).values())


def _has_migrations() -> bool:
    return importlib.util.find_spec("db.migrate") is not None


def wipe(database: Database) -> Database:
    """Remove every desk table (a SQLite file is deleted outright). Returns the store to use."""
    path = sqlite_path(database.url)
    url = database.url
    if path is not None:
        database.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return Database(url)
    with database.engine.begin() as conn:
        for _name, _create, drop in reversed(EXTRA_DDL):
            try:
                with conn.begin_nested():
                    drop(conn)
            except sa.exc.DBAPIError:
                pass
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return database


def prepare_store(database: Database, *, force: bool) -> Database:
    """An empty store with the current schema, or Conflict if it holds data and ``force`` is off."""
    counts = store_counts(database)
    if any(counts.values()) and not force:
        what = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items() if n)
        raise Conflict(
            f"The store {database.url.render_as_string(hide_password=True)} already holds data ({what}). "
            "dutydesk demo builds a fresh county: run it again with --force to wipe this store and rebuild it, "
            "or give --db a new file."
        )
    if counts or sa.inspect(database.engine).get_table_names():
        database = wipe(database)
    create_schema(database, stamp=_has_migrations())
    return database


def _estimate_rows(households: int, children: int) -> int:
    placed = min(HISTORY_REQUEST_CAP, int(children * 0.45))
    return int(households + children * 2.2 + placed * 24 + 3000)


def _load_places(county: County, session) -> None:
    ensure_places(session)
    rows = session.exec(select(Place).order_by(Place.id)).all()
    for p in rows:
        info = PlaceInfo(p.id, p.name, p.district, p.area, p.postcode_district, p.latitude, p.longitude,
                         float(TOWN_WEIGHTS.get(p.name, 5)))
        county.places.append(info)
        county.places_by_area.setdefault(p.area, []).append(info)


def _fix_sequences(conn: sa.Connection) -> None:
    """After explicit ids on PostgreSQL, move each serial past the highest id."""
    for table in metadata.sorted_tables:
        col = table.c.get("id")
        if col is None or not isinstance(col.type, sa.Integer) or not col.primary_key:
            continue
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if seq:
            conn.execute(sa.text(f"SELECT setval(:s, COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"),
                         {"s": seq})


# Tables loaded in bulk whose secondary indexes are built after the rows (faster on SQLite
# than keeping a dozen B-trees in step row by row). Constraints stay in force throughout.
BULK_TABLES = ("households", "children", "placements", "placement_requests", "request_transitions",
               "candidates", "candidate_contacts", "decisions", "calls", "callbacks", "request_children",
               "search_results")


def _drop_bulk_indexes(conn: sa.Connection) -> list[sa.Index]:
    dropped: list[sa.Index] = []
    for name in BULK_TABLES:
        for index in sorted(metadata.tables[name].indexes, key=lambda i: i.name or ""):
            index.drop(conn)
            dropped.append(index)
    return dropped


def build(
    database: Database,
    seed: int = 1,
    households: int = 400,
    children: int | None = None,
    progress: Progress | None = None,
    *,
    os_user: str | None = None,
    request_cap: int = HISTORY_REQUEST_CAP,
    searches: bool = True,
    searches_budget_s: float | None = None,
) -> DemoSummary:
    """Write the demo county into ``database``, which must have the schema and no data.

    ``progress(label, done, total)`` is called as rows are written. ``os_user``
    (default: the OS login) gets an East duty-worker account so ``dutydesk``
    opens without ``--as``. ``searches`` off skips the saved searches the
    matching engine adds at the end (``dutydesk.demo.searches``), for fast tests.
    """
    if not MIN_HOUSEHOLDS <= households <= MAX_HOUSEHOLDS:
        raise InvalidInput(f"--households must be between {MIN_HOUSEHOLDS} and {MAX_HOUSEHOLDS:,}; "
                           f"you gave {households:,}.")
    if children is None:
        children = default_children(households)
    if children < households // 2 or children < 40:
        raise InvalidInput(f"--children must be at least half the households and at least 40 "
                           f"(for {households:,} households, at least {max(40, households // 2):,}); "
                           f"you gave {children:,}.")
    if not sa.inspect(database.engine).has_table("households"):
        create_schema(database, stamp=_has_migrations())
    if has_data(database):
        raise Conflict("The store already holds data; the demo is built into an empty store only.")
    started = time.perf_counter()
    # A demo store honours DUTYDESK_NOW and DUTYDESK_USER (the same county every run); a real one never.
    clock.trust_environment(True)
    if os_user is None:
        os_user = os_login(StoreKind(demo=True))
    with database.write() as session:
        conn = session.connection()
        writer = Writer(conn, progress, _estimate_rows(households, children))
        deferred = _drop_bulk_indexes(conn) if database.is_sqlite else []
        county = County(rng=random.Random(seed), now=clock.now().replace(microsecond=0), writer=writer)
        writer.stage("Teams, workers and places")
        _load_places(county, session)
        me = people.add_people(county, os_user)

        writer.stage("Households")
        scenes = Scenarios(county)
        scenes.households()
        households_mod.generate(county, households - len(county.households))
        scripted_extra = sum(h.occupied - h.reserved for h in county.households if h.scenario)
        budget = int(0.8 * (children - SCENARIO_CHILDREN)) - scripted_extra
        children_mod.plan_occupancy(county, budget)
        for h in county.households:
            writer.add("households", h.row())

        writer.stage("Children and placements")
        scenes.children()
        children_mod.generate(county, children)

        stats = history.generate(county, request_cap)
        writer.stage("Scenarios")
        scenes.history()
        search_log.flush(county)
        if county.call_links:
            calls = metadata.tables["calls"]
            conn.execute(
                sa.update(calls).where(calls.c.id == sa.bindparam("cid")).values(request_id=sa.bindparam("rid")),
                [{"cid": c, "rid": r} for c, r in county.call_links],
            )
        writer.stage("Indexes")
        for index in deferred:  # the same DDL create_all used, now over the loaded rows
            index.create(conn)
        settings = metadata.tables["settings"]
        conn.execute(sa.insert(settings), [
            {"key": DEMO_SETTING, "value": "true"},
            {"key": "demo_seed", "value": str(seed)},
            {"key": "demo_built_at", "value": county.now.isoformat()},
        ])
        if database.url.get_backend_name() == "postgresql":
            _fix_sequences(conn)
        references.catch_up(conn)  # the desk's next REQ-/PL-/TEMP-/AL- numbers follow the demo's
        scenes.log_allegations(session)  # through the allegations service, now the rows and counters are in
        counts = dict(writer.counts)
        counts["places"] = len(county.places)
        audit.record(session, SYSTEM, "demo.built", "settings", DEMO_SETTING, {
            "seed": seed, "households": households, "children": children,
            "rows": {k: counts[k] for k in sorted(counts)}, **{k: v for k, v in stats.items()},
        }, at=county.now)
        writer.progress("Saving", writer.done, writer.done)
        notes = list(county.scenario_notes)
    summary = DemoSummary(seed=seed, seconds=0.0, counts=counts, os_user=me.username if me else None,
                          scenarios=notes)
    del county, scenes, writer  # let the in-memory county go before the searches run
    add_searches = None
    if searches:
        try:
            from dutydesk.demo.searches import add_searches  # saved searches come from the matching engine
        except ImportError:
            add_searches = None
    if add_searches is not None:
        if searches_budget_s is None:
            add_searches(database, progress)
        else:
            add_searches(database, progress, budget_s=searches_budget_s)
        summary.searches_added = True
    summary.seconds = time.perf_counter() - started
    return summary
