"""The schema's version: Alembic, configured in code (no alembic.ini at run time).

Every run hands Alembic one connection (``config.attributes["connection"]``).
On SQLite that connection has ``PRAGMA foreign_keys=OFF`` set *before* its
transaction begins (inside one the pragma is ignored), because batch mode
recreates tables and with foreign keys on that deletes every ``ON DELETE
CASCADE`` child row (PITFALLS.md). ``PRAGMA foreign_key_check`` runs before
the commit, so a migration that breaks a reference rolls back whole.

Writing revisions (development only) is ``db.revisions``: ``python -m db.revisions
regenerate-initial`` and ``python -m db.revisions new "message"`` (docs/storage.md).

This module must not import ``dutydesk``: the application turns the Schema*
errors below into messages in the desk's words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from db.backup import backup_sqlite
from db.engine import Database, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic itself is imported only when migrating: checking a store's revision on
# every start reads file names instead (about 0.1 s less before the first screen).
# The models likewise (``db.models``, about 0.15 s): only migrating and comparing need them.

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
MIGRATION_LOCK = 0x64757479  # "duty": a PostgreSQL advisory lock key held while migrating


# --- errors (plain exceptions: db never imports dutydesk) -----------------------

class SchemaProblem(Exception):
    """The store's schema is not the one this code was written for."""

    def __init__(self, message: str, *, current: str | None = None, head: str | None = None) -> None:
        super().__init__(message)
        self.current = current
        self.head = head


class SchemaMissing(SchemaProblem):
    """No dutydesk tables at all: a new, empty store."""


class SchemaUnknown(SchemaProblem):
    """Tables but no revision stamp: not made by dutydesk, or damaged."""


class SchemaOutdated(SchemaProblem):
    """Made by an older dutydesk: ``dutydesk db upgrade`` brings it up to date."""


class SchemaTooNew(SchemaProblem):
    """Stamped with a revision this code does not know: a newer dutydesk made it."""


class MigrationFailed(Exception):
    """A migration left the data inconsistent; it was rolled back."""


# --- Alembic configuration --------------------------------------------------------

def alembic_config(connection: sa.Connection | None = None, script_location: Path | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    # Files named "0001_initial.py": the revision id first, so the order is plain to see.
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


def _extra_ddl_names() -> set[str]:
    from db.schema import EXTRA_DDL

    return {name for name, _create, _drop in EXTRA_DDL}


def _include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave out of comparisons what the models cannot describe.

    That is the DDL in ``db.schema.EXTRA_DDL``: SQLite full-text tables (and
    their ``<name>_*`` shadow tables) and PostgreSQL expression indexes, which
    only the store has. Everything else is compared.
    """
    if not reflected or compare_to is not None or not name:
        return True
    if type_ == "table":
        return not any(name == extra or name.startswith(extra + "_") for extra in _extra_ddl_names())
    if type_ == "index":
        # Alembic cannot compare expression indexes; the models declare none.
        return all(isinstance(e, sa.Column) for e in obj.expressions)
    return True


def _plain_type(type_: Any) -> Any:
    """The storage type behind a model type, so revisions never import model code.

    Old revisions must keep working after the models move on; a revision that
    named ``db.models.base.UTCDateTime`` would break when that class changed.
    """
    if isinstance(type_, sa.Enum) and not type_.native_enum:
        return sa.String(length=type_.length)
    if isinstance(type_, sa.types.TypeDecorator):
        impl = type_.impl_instance
        return _plain_type(impl) or impl
    return None


def _render_item(type_: str, obj: Any, _autogen_context: Any) -> str | bool:
    if type_ == "type":
        plain = _plain_type(obj)
        if plain is not None:
            return f"sa.{plain!r}"
    return False


def context_options() -> dict[str, Any]:
    """Options for every migration context: runs, autogenerate and the model-match test."""
    from db.models import metadata

    return {
        "target_metadata": metadata,
        # Batch operations are plain ALTERs on PostgreSQL and table copies on SQLite.
        "render_as_batch": True,
        # Our SQLite connections have real transactions (db.engine), so the
        # whole upgrade commits or rolls back as one.
        "transactional_ddl": True,
        "compare_type": True,
        "compare_server_default": True,
        "include_object": _include_object,
        "render_item": _render_item,
        "version_table": VERSION_TABLE,
    }


def run_in_context(context: Any) -> None:
    """Called by migrations/env.py."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through db.migrate (dutydesk db upgrade), which supplies a connection")
    context.configure(connection=connection, **context_options())
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two upgrades at once: the second waits here, then finds nothing to do.
            # (On SQLite the migration's BEGIN IMMEDIATE already serialises them.)
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        before = context.config.attributes.get("before_migrations")
        if before is not None:
            # We hold the write lock now: a backup taken here is exactly what
            # the migrations start from, with no commit slipping in between.
            before()
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            _check_foreign_keys(connection)


def _check_foreign_keys(connection: sa.Connection) -> None:
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if rows:
        sample = ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in rows[:5])
        raise MigrationFailed(f"the migration left {len(rows)} broken references ({sample}); nothing was changed")


@contextmanager
def migration_connection(db: Database) -> Iterator[sa.Connection]:
    """A connection for Alembic; on SQLite with foreign keys off until it is returned."""
    with db.write_engine.connect() as conn:
        raw = conn.connection.driver_connection if db.is_sqlite else None
        if raw is not None:
            # Before any BEGIN: inside a transaction this pragma does nothing.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield conn
            if conn.in_transaction():
                conn.commit()
        finally:
            if raw is not None:
                if conn.in_transaction():
                    conn.rollback()
                # The pooled connection goes back to others: restore the guard.
                raw.execute("PRAGMA foreign_keys=ON")


def _command() -> Any:
    from alembic import command

    return command


def _run(
    db: Database,
    action: Callable[[Config], None],
    script_location: Path | None = None,
    before_migrations: Callable[[], None] | None = None,
) -> None:
    with migration_connection(db) as conn:
        cfg = alembic_config(conn, script_location)
        cfg.attributes["before_migrations"] = before_migrations
        action(cfg)


# --- revisions ------------------------------------------------------------------

def script_directory(script_location: Path | None = None) -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(script_location=script_location))


def known_revisions(script_location: Path | None = None) -> list[str]:
    """Every revision id, oldest first, read from the file names.

    Revisions are numbered 0001, 0002, ... in one line, and each file is named
    ``NNNN_slug.py``; a test holds the names to Alembic's own view of the chain.
    """
    versions = (script_location or SCRIPT_LOCATION) / "versions"
    ids = {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")}
    return sorted(ids)


def head_revision(script_location: Path | None = None) -> str:
    revisions = known_revisions(script_location)
    if not revisions:
        raise RuntimeError(f"no migrations found under {script_location or SCRIPT_LOCATION}")
    return revisions[-1]


def _has_table(conn: sa.Connection, name: str) -> bool:
    return sa.inspect(conn).has_table(name)


def current_revision(db: Database) -> str | None:
    """The revision stamped in the store, or None (new store, or stamped at base)."""
    with db.engine.connect() as conn:
        if not _has_table(conn, VERSION_TABLE):
            return None
        rows = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    if len(rows) > 1:
        raise SchemaUnknown(f"the store has several revision stamps ({', '.join(rows)}); it was not made by dutydesk")
    return rows[0] if rows else None


def desk_tables(db: Database) -> list[str]:
    """Tables in the store other than Alembic's own."""
    with db.engine.connect() as conn:
        return sorted(t for t in sa.inspect(conn).get_table_names() if t != VERSION_TABLE)


def stamp_head(db: Database, script_location: Path | None = None) -> None:
    """Mark a store built from the models (db.schema.create_schema) as current."""
    _run(db, lambda cfg: _command().stamp(cfg, "head"), script_location)


def check(db: Database, script_location: Path | None = None) -> str:
    """The store's revision if it is the head; otherwise the matching SchemaProblem."""
    current = current_revision(db)
    head = head_revision(script_location)
    if current == head:
        return current
    if current is None:
        if desk_tables(db):
            raise SchemaUnknown(
                "this database has tables but no dutydesk revision stamp: it was not made by dutydesk, "
                "or it is damaged",
                head=head,
            )
        raise SchemaMissing("this database is empty", head=head)
    if current in known_revisions(script_location):
        raise SchemaOutdated(
            f"this database needs upgrading (it is at revision {current}; this dutydesk needs {head})",
            current=current, head=head,
        )
    raise SchemaTooNew(
        f"this database was made by a newer dutydesk (revision {current}; this one knows up to {head})",
        current=current, head=head,
    )


def ensure_current(db: Database, script_location: Path | None = None) -> None:
    check(db, script_location)


# --- upgrade and downgrade -------------------------------------------------------

@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade(
    db: Database,
    backup_dir: Path | None = None,
    *,
    script_location: Path | None = None,
) -> UpgradeResult:
    """Take the store to the head revision; an empty store gets every table.

    A SQLite file with data is copied first (see db.backup), under the
    migration's write lock; PostgreSQL is backed up with pg_dump by its
    administrator, which the CLI asks about. A failed backup changes nothing.
    """
    try:
        current = check(db, script_location)
        return UpgradeResult(current, current, None)
    except SchemaOutdated as outdated:
        before: str | None = outdated.current
    except SchemaMissing:
        before = None
    # SchemaTooNew and SchemaUnknown propagate: upgrading cannot help them.
    backups: list[Path] = []

    def back_up() -> None:
        backups.append(backup_sqlite(db, backup_dir=backup_dir, revision=before))

    wanted = before is not None and sqlite_path(db.url) is not None
    _run(db, lambda cfg: _command().upgrade(cfg, "head"), script_location, back_up if wanted else None)
    return UpgradeResult(before, current_revision(db) or "", backups[0] if backups else None)


def upgrade_to(db: Database, revision: str, script_location: Path | None = None) -> None:
    """Move to one revision without backup or checks: tests and development only."""
    _run(db, lambda cfg: _command().upgrade(cfg, revision), script_location)


def downgrade_to(db: Database, revision: str, script_location: Path | None = None) -> None:
    """Move down to a revision ("base" drops everything): tests and development only."""
    _run(db, lambda cfg: _command().downgrade(cfg, revision), script_location)


def differences(db: Database) -> list[Any]:
    """What autogenerate would change to make the store match the models ([] when they match)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import metadata

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts=context_options())
        return compare_metadata(ctx, metadata)
