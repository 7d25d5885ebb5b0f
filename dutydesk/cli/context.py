"""What every command needs: the store and the signed-in actor, made on first use."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

import click

from db.engine import Database
from dutydesk.config import database_url
from dutydesk.errors import DeskError, SchemaMismatch
from dutydesk.access.identity import Actor, sign_in


@dataclass
class CliContext:
    db_value: str | None = None
    as_user: str | None = None
    # Set by the screens' entry point: dutydesk never imports screens itself.
    app_opener: Callable[["CliContext"], None] | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)
    _schema_checked: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return database_url(self.db_value)

    def database(self, *, check_schema: bool = True) -> Database:
        """The store, refusing one whose schema is older or newer than this code.

        ``check_schema=False`` is for the commands that create, upgrade or
        inspect the store itself (init, db upgrade|backup|status).
        """
        if self._db is None:
            if check_schema and self.missing_file() is not None:
                # Say so without creating an empty file where a mistyped --db points.
                raise SchemaMismatch(missing_message(str(self.missing_file()), self.db_value))
            self._db = open_store(self.url)
        if check_schema and not self._schema_checked:
            from db.migrate import SchemaProblem, ensure_current

            try:
                ensure_current(self._db)
            except SchemaProblem as problem:
                raise schema_mismatch(problem, self._db, self.db_value) from None
            self._schema_checked = True
        return self._db

    def missing_file(self) -> Path | None:
        """The SQLite file the URL names, if it does not exist yet (None otherwise)."""
        from db.engine import sqlite_path

        path = sqlite_path(self.url)
        return path if path is not None and not path.exists() else None

    def actor(self) -> Actor:
        if self._actor is None:
            self._actor = sign_in(self.database(), self.as_user)
        return self._actor


pass_cli = click.make_pass_decorator(CliContext)


def command_hint(db_value: str | None, command: str) -> str:
    """How to type a dutydesk command for the same store the user named."""
    where = f" --db {shlex.quote(db_value)}" if db_value else ""
    return f"dutydesk{where} {command}"


def store_name(db: Database) -> str:
    """The store as people know it: a file path, or a URL without its password."""
    from db.engine import sqlite_path

    path = sqlite_path(db.url)
    return str(path) if path is not None else db.url.render_as_string(hide_password=True)


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def open_store(url: str) -> Database:
    """The store at ``url``, reachable, or a DeskError saying what to check (never a traceback)."""
    import sqlalchemy as sa

    try:
        db = Database(url)
    except OSError as err:  # the SQLite file or its folder cannot be made
        raise DeskError(
            f"Cannot create the store file ({err.strerror or err}: {err.filename}). "
            "Choose a folder you can write to with --db, or set DUTYDESK_DATABASE_URL."
        ) from None
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as err:
        raise DeskError(
            f"Cannot open that store ({_first_line(err)}). Give a SQLite file path or a "
            "postgresql+psycopg:// URL with --db, or set DUTYDESK_DATABASE_URL."
        ) from None
    try:
        with db.engine.connect():
            pass
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as err:
        db.dispose()
        raise DeskError(
            f"Could not reach the store at {store_name(db)}: {_first_line(err)}. "
            "Check --db or DUTYDESK_DATABASE_URL, and that the database server is running."
        ) from None
    return db


def missing_message(where: str, db_value: str | None) -> str:
    return (
        f"There is no dutydesk store at {where} yet: run `{command_hint(db_value, 'init')}` "
        f"to create an empty one, or `{command_hint(db_value, 'demo')}` for demo data."
    )


def schema_mismatch(problem: Exception, db: Database, db_value: str | None) -> SchemaMismatch:
    """A db.migrate SchemaProblem in the desk's words, naming the command that helps."""
    from db.migrate import SchemaMissing, SchemaOutdated, SchemaTooNew

    if isinstance(problem, SchemaOutdated):
        return SchemaMismatch(
            f"This database needs upgrading (it is at revision {problem.current}; this dutydesk needs "
            f"{problem.head}): run `{command_hint(db_value, 'db upgrade')}` (it backs up SQLite first)."
        )
    if isinstance(problem, SchemaTooNew):
        return SchemaMismatch(
            f"This database was made by a newer dutydesk (revision {problem.current}; this one knows up to "
            f"{problem.head}). Upgrade dutydesk on this machine; nothing was changed."
        )
    if isinstance(problem, SchemaMissing):
        return SchemaMismatch(missing_message(store_name(db), db_value))
    return SchemaMismatch(
        f"{store_name(db)}: {problem}. dutydesk will not use it; check --db or DUTYDESK_DATABASE_URL."
    )


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write("\n")
