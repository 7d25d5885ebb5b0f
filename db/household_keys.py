"""One household per reference, whatever its case or surrounding spaces.

"HH-00123", "hh-00123" and " HH-00123 " name the same household: a unique index
on ``lower(trim(reference))`` makes the store refuse the second, on SQLite and
PostgreSQL alike. It is an expression index, which the models cannot declare,
so it is extra DDL (``db.schema.EXTRA_DDL``) and made by migration 0005 too.
"""

from __future__ import annotations

import sqlalchemy as sa

REFERENCE_KEY_INDEX = "uq_households_reference_key"
CREATE = [f"CREATE UNIQUE INDEX IF NOT EXISTS {REFERENCE_KEY_INDEX} ON households (lower(trim(reference)))"]
DROP = [f"DROP INDEX IF EXISTS {REFERENCE_KEY_INDEX}"]


def reference_key(reference: str) -> str:
    """The form references are compared in."""
    return reference.strip().lower()


def create(conn: sa.Connection) -> None:
    for sql in CREATE:
        conn.exec_driver_sql(sql)


def drop(conn: sa.Connection) -> None:
    for sql in DROP:
        conn.exec_driver_sql(sql)
