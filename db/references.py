"""Counters for the references the desk makes (REQ-, PL-, TEMP-, AL-), one per kind.

Never max+1: two PostgreSQL transactions that read the same maximum make the
same reference, and one of them fails on the unique index (issue 11: 5 of 8
placements into different households failed that way).

- PostgreSQL: a real sequence per counter (``ref_<name>_seq``). ``nextval``
  never blocks and never hands a number out twice, not even to a transaction
  that rolls back (so a rollback leaves a gap in the numbers).
- SQLite has no sequences: one row per counter in ``reference_counters``,
  bumped with ``UPDATE ... RETURNING`` inside the caller's write transaction.
  Writing transactions start with ``BEGIN IMMEDIATE`` (db.engine), so they are
  serialised and two of them can never read the same value; a rollback
  returns the number.

A counter holds the last number handed out. ``catch_up`` moves every counter
past the highest number already used in its table (an upgraded store, the
demo's bulk rows), so new references never meet old ones.

Migration 0004 holds a frozen copy of this DDL and of ``catch_up``; change both together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

COUNTER_TABLE = "reference_counters"


@dataclass(frozen=True)
class Counter:
    """A counter and the references it numbers: ``prefix``-YYYY-NNNNN in ``table.column``."""

    name: str
    table: str
    column: str
    prefix: str

    @property
    def sequence(self) -> str:
        return f"ref_{self.name}_seq"


COUNTERS: dict[str, Counter] = {
    c.name: c
    for c in (
        Counter("requests", "placement_requests", "reference", "REQ"),
        Counter("placements", "placements", "reference", "PL"),
        Counter("temp_children", "children", "case_reference", "TEMP"),
        Counter("allegations", "allegations", "reference", "AL"),
    )
}

SQLITE_CREATE = [
    f"CREATE TABLE IF NOT EXISTS {COUNTER_TABLE} ("
    "name VARCHAR(40) NOT NULL PRIMARY KEY, "
    "value INTEGER NOT NULL CHECK (value >= 0))",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {COUNTER_TABLE}"]


def _counter(name: str) -> Counter:
    try:
        return COUNTERS[name]
    except KeyError:
        raise ValueError(f"no reference counter {name!r}; known: {', '.join(COUNTERS)}") from None


def create(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for sql in SQLITE_CREATE:
            conn.exec_driver_sql(sql)
    elif conn.dialect.name == "postgresql":
        for c in COUNTERS.values():
            conn.exec_driver_sql(f"CREATE SEQUENCE IF NOT EXISTS {c.sequence} AS bigint MINVALUE 1")


def drop(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for sql in SQLITE_DROP:
            conn.exec_driver_sql(sql)
    elif conn.dialect.name == "postgresql":
        for c in COUNTERS.values():
            conn.exec_driver_sql(f"DROP SEQUENCE IF EXISTS {c.sequence}")


def next_value(conn: sa.Connection, name: str) -> int:
    """The next number of counter ``name``, inside the caller's (write) transaction."""
    c = _counter(name)
    if conn.dialect.name == "postgresql":
        return int(conn.exec_driver_sql(f"SELECT nextval('{c.sequence}')").scalar_one())
    # The upsert makes the row on first use, so a counter added later needs no seeding.
    return int(conn.execute(
        sa.text(f"INSERT INTO {COUNTER_TABLE} (name, value) VALUES (:n, 1) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"),
        {"n": c.name},
    ).scalar_one())


def current_value(conn: sa.Connection, name: str) -> int:
    """The last number handed out (0 before the first)."""
    c = _counter(name)
    if conn.dialect.name == "postgresql":
        return int(conn.exec_driver_sql(
            f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {c.sequence}").scalar_one())
    value = conn.execute(sa.text(f"SELECT value FROM {COUNTER_TABLE} WHERE name = :n"), {"n": c.name}).scalar()
    return int(value or 0)


def raise_to(conn: sa.Connection, name: str, at_least: int) -> None:
    """Make sure the counter's next number is above ``at_least`` (it never moves back).

    For upgrades and bulk loads, with no writer about: on PostgreSQL it reads
    the sequence and then sets it, and a ``nextval`` in between could be undone.
    """
    c = _counter(name)
    if at_least < 1:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval('{c.sequence}', GREATEST({int(at_least)}, "
            f"(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {c.sequence})))"
        )
        return
    conn.execute(
        sa.text(f"INSERT INTO {COUNTER_TABLE} (name, value) VALUES (:n, :v) "
                "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)"),
        {"n": c.name, "v": int(at_least)},
    )


def _number_pattern(prefix: str) -> re.Pattern[str]:
    # PREFIX-YYYY-NNNNN as the desk makes them, and PREFIX-NNNNNN as the demo writes some.
    return re.compile(rf"^{re.escape(prefix)}-(?:\d{{4}}-)?(\d+)$")


def highest_used(conn: sa.Connection, name: str) -> int:
    """The highest number already used in the counter's table (0 if none)."""
    c = _counter(name)
    pattern = _number_pattern(c.prefix)
    rows = conn.execute(
        sa.text(f"SELECT {c.column} FROM {c.table} WHERE {c.column} LIKE :like"), {"like": f"{c.prefix}-%"}
    ).scalars()
    best = 0
    for ref in rows:
        m = pattern.match(ref or "")
        if m:
            best = max(best, int(m.group(1)))
    return best


def catch_up(conn: sa.Connection, names: Iterable[str] | None = None) -> dict[str, int]:
    """Move each counter past the references already in the store; returns the highest numbers found."""
    found = {}
    for name in names or COUNTERS:
        found[name] = highest_used(conn, name)
        raise_to(conn, name, found[name])
    return found
