"""Opening the desk: find the store, open it, check its schema, sign the person in.

One way for the command line (``dutydesk.cli.context``) and the screens
(``screens.launch``), so both say the same thing when it goes wrong: every
failure is a ``dutydesk.errors.OpeningProblem`` whose ``what`` and ``hint`` are
worded here, once. The command line prints ``str(problem)``; the opening screen
shows its title, what and hint.

This module is on the path to the first screen: it imports the engine and the
revision check, never the models (``db.models``).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.engine import Database, sqlite_path
from dutydesk.access import store_problems
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor, is_demo
from dutydesk.access.identity import sign_in as _sign_in
from dutydesk.config import database_url, default_database_path
from dutydesk.errors import (
    NotADeskStore,
    SchemaNewer,
    SchemaOutdated,
    StoreAddressInvalid,
    StoreDriverMissing,
    StoreEmpty,
    StoreMissing,
    StoreNotCreatable,
    StoreSchemaProblem,
    StoreUnreachable,
)

DB_HINT = "Check --db or DUTYDESK_DATABASE_URL"


def store_url(db_value: str | None) -> str:
    """The store's URL: ``--db``, else ``DUTYDESK_DATABASE_URL``, else the default file."""
    return database_url(db_value)


def command_hint(db_value: str | None, command: str) -> str:
    """How to type a dutydesk command for the same store the person named."""
    where = f" --db {shlex.quote(db_value)}" if db_value else ""
    return f"dutydesk{where} {command}"


def store_name(where: Database | Any) -> str:
    """The store as people know it: a file path, or a URL without its password."""
    import sqlalchemy as sa

    url = where.url if isinstance(where, Database) else sa.make_url(str(where))
    path = sqlite_path(url)
    return str(path) if path is not None else url.render_as_string(hide_password=True)


def missing_file(url: str) -> Path | None:
    """The SQLite file ``url`` names, if it does not exist yet (None otherwise, or for a bad URL)."""
    try:
        path = sqlite_path(url)
    except Exception:  # noqa: BLE001 - a malformed URL is reported when it is opened
        return None
    return path if path is not None and not path.exists() else None


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not even a URL: nothing after an '@'
        return url.split("@")[-1]


def _existing_file(url: str) -> Path | None:
    """The SQLite path ``url`` names, when something is there (None for PostgreSQL or a bad URL)."""
    try:
        path = sqlite_path(url)
    except Exception:  # noqa: BLE001 - a malformed URL is reported when it is opened
        return None
    return path if path is not None and path.exists() else None


def store_missing(path: Path, db_value: str | None) -> StoreMissing:
    # The commands name the file unless it is the default one: it may well be mistyped.
    named = db_value or (None if path.resolve() == default_database_path().resolve() else str(path))
    return StoreMissing(
        f"There is no dutydesk store at {path}.",
        f"Create it with `{command_hint(named, 'init')}`, or try the desk on demo data with "
        f"`{command_hint(named, 'demo')}`.",
    )


def open_store(url: str, *, db_value: str | None = None, must_exist: bool = True) -> Database:
    """The store at ``url``, reachable. ``must_exist=False`` lets ``init`` create a new SQLite file."""
    import sqlalchemy as sa

    missing = missing_file(url) if must_exist else None
    if missing is not None:
        raise store_missing(missing, db_value)
    existing = _existing_file(url)
    if existing is not None and (problem := store_problems.file_problem(existing)) is not None:
        raise problem
    try:
        db = Database(url)
    except OSError as err:
        raise StoreNotCreatable(
            f"Cannot create the store file ({err.strerror or err}: {err.filename}).",
            "Choose a folder you can write to with --db, or set DUTYDESK_DATABASE_URL.",
        ) from None
    except ImportError as err:
        raise StoreDriverMissing(
            f"This dutydesk cannot open the store at {_safe_url(url)}: its database driver "
            f"({err.name or err}) is not installed.",
            "Ask an administrator to install dutydesk with its PostgreSQL extra, dutydesk[postgres] "
            "(from the source tree: pip install '.[postgres]').",
        ) from None
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as err:
        raise StoreAddressInvalid(
            f"Cannot open that store ({_safe_url(url)}): {_first_line(err)}.",
            "Give a SQLite file path or a postgresql+psycopg:// URL with --db, or set DUTYDESK_DATABASE_URL.",
        ) from None
    try:
        with db.engine.connect():
            pass
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as err:
        db.dispose()
        problem = store_problems.problem_from(err, store_name(db))
        if problem is not None:
            raise problem from None
        raise StoreUnreachable(
            f"Could not reach the store at {store_name(db)}: {_first_line(err)}.",
            f"{DB_HINT}, and that the database server is running.",
        ) from None
    return db


def schema_problem(problem: Exception, db: Database, db_value: str | None = None) -> StoreSchemaProblem:
    """A ``db.migrate.SchemaProblem`` in the desk's words, naming the command that helps."""
    from db import migrate

    shown = store_name(db)
    if isinstance(problem, migrate.SchemaMissing):
        return StoreEmpty(
            f"The store at {shown} has no dutydesk tables yet.",
            f"Create it with `{command_hint(db_value, 'init')}`, or try the desk on demo data with "
            f"`{command_hint(db_value, 'demo')}`.",
        )
    if isinstance(problem, migrate.SchemaOutdated):
        return SchemaOutdated(
            f"The store at {shown} needs upgrading (it is at revision {problem.current}; this dutydesk needs "
            f"{problem.head}).",
            f"To bring it up to date, run `{command_hint(db_value, 'db upgrade')}` (it backs up a SQLite "
            "store first), then open the desk again.",
        )
    if isinstance(problem, migrate.SchemaTooNew):
        return SchemaNewer(
            f"The store at {shown} was made by a newer dutydesk (revision {problem.current}; this one knows "
            f"up to {problem.head}).",
            "Use the newer dutydesk, or ask an administrator to upgrade this one; nothing was changed.",
        )
    detail = str(problem).rstrip(".")
    return NotADeskStore(
        f"The store at {shown} does not look like a dutydesk store: {detail}.",
        f"dutydesk will not use it. {DB_HINT}; if it is a dutydesk store, ask an administrator.",
    )


def check_schema(db: Database, db_value: str | None = None) -> None:
    """Refuse a store whose schema is not exactly this dutydesk's (older, newer, empty, foreign)."""
    from db import migrate

    import sqlalchemy as sa

    try:
        migrate.ensure_current(db)
    except migrate.SchemaProblem as problem:
        raise schema_problem(problem, db, db_value) from None
    except sa.exc.DatabaseError as err:
        found = store_problems.problem_from(err, store_name(db))
        if found is None:
            raise
        raise found from None


def sign_in(db: Database, as_user: str | None = None) -> Actor:
    """The OS login's account, or the ``--as`` user on a demo store (``dutydesk.access.identity``)."""
    return _sign_in(db, as_user)


def open_desk(
    db_value: str | None = None,
    as_user: str | None = None,
    *,
    url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Desk:
    """The desk, open and signed in, or an ``OpeningProblem`` saying what to do.

    ``url`` overrides the store ``db_value`` names (the screens are handed a URL);
    ``db_value`` is still used to word the commands in a hint. ``progress`` is told
    each step (``store_opened``, ``schema_checked``, ``signed_in``) for the start-up bench.
    """
    step = progress or (lambda _name: None)
    db = open_store(url or store_url(db_value), db_value=db_value)
    step("store_opened")
    try:
        check_schema(db, db_value)
        step("schema_checked")
        actor = sign_in(db, as_user)
        demo = is_demo(db)
        step("signed_in")
    except BaseException:
        db.dispose()
        raise
    return Desk(db, actor, demo=demo)
