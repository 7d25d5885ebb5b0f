"""Creating a fresh schema, for tests and for a brand-new database.

``create_schema`` builds the tables from the models plus the DDL the models
cannot express (full-text search), then stamps the Alembic head, so a fresh
database and an upgraded one end up the same; a migration test holds us to it.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from db.engine import Database
from db.models import metadata

# DDL beyond the models, applied after create_all: (name, create, drop).
# Each callable takes a Connection and must work on SQLite and PostgreSQL.
ExtraDDL = tuple[str, Callable[[sa.Connection], None], Callable[[sa.Connection], None]]
EXTRA_DDL: list[ExtraDDL] = []

from db import call_search  # noqa: E402 - registers the calls' full-text search
from db import references  # noqa: E402 - the reference counters (sequences on PostgreSQL)
from db import household_keys  # noqa: E402 - one household per reference, whatever its case

EXTRA_DDL.append((call_search.FTS_TABLE, call_search.create, call_search.drop))
EXTRA_DDL.append((call_search.VACANCY_INDEX, call_search.vacancy_create, call_search.vacancy_drop))
EXTRA_DDL.append((references.COUNTER_TABLE, references.create, references.drop))
EXTRA_DDL.append((household_keys.REFERENCE_KEY_INDEX, household_keys.create, household_keys.drop))


def create_schema(database: Database, *, stamp: bool = True) -> None:
    with database.engine.begin() as conn:
        metadata.create_all(conn)
        for _name, create, _drop in EXTRA_DDL:
            create(conn)
    if stamp:
        from db.migrate import stamp_head

        stamp_head(database)
