"""reference counters: REQ-, PL-, TEMP- and AL- numbers from the store, never max+1

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00

PostgreSQL gets one sequence per counter; SQLite, which has none, a table with
one row per counter that the writing transaction (BEGIN IMMEDIATE) bumps.
Each counter starts after the highest number its table already holds, so an
upgraded store's next reference never meets an old one.

A frozen copy of db/references.py at this revision: later changes to that
module must not change what this revision does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "reference_counters"
# counter name -> (table, column, prefix)
COUNTERS = {
    "requests": ("placement_requests", "reference", "REQ"),
    "placements": ("placements", "reference", "PL"),
    "temp_children": ("children", "case_reference", "TEMP"),
    "allegations": ("allegations", "reference", "AL"),
}


def _highest(bind: sa.Connection, table: str, column: str, prefix: str) -> int:
    pattern = re.compile(rf"^{re.escape(prefix)}-(?:\d{{4}}-)?(\d+)$")
    rows = bind.execute(sa.text(f"SELECT {column} FROM {table} WHERE {column} LIKE :like"),
                        {"like": f"{prefix}-%"}).scalars()
    return max((int(m.group(1)) for m in map(pattern.match, (r or "" for r in rows)) if m), default=0)


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    if pg:
        for name in COUNTERS:
            op.execute(f"CREATE SEQUENCE IF NOT EXISTS ref_{name}_seq AS bigint MINVALUE 1")
    else:
        op.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (name VARCHAR(40) NOT NULL PRIMARY KEY, "
                   "value INTEGER NOT NULL CHECK (value >= 0))")
    for name, (table, column, prefix) in COUNTERS.items():
        top = _highest(bind, table, column, prefix)
        if top < 1:
            continue
        if pg:
            bind.exec_driver_sql(f"SELECT setval('ref_{name}_seq', {int(top)})")
        else:
            bind.execute(sa.text(f"INSERT INTO {TABLE} (name, value) VALUES (:n, :v) "
                                 "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)"),
                         {"n": name, "v": top})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in COUNTERS:
            op.execute(f"DROP SEQUENCE IF EXISTS ref_{name}_seq")
    else:
        op.execute(f"DROP TABLE IF EXISTS {TABLE}")
