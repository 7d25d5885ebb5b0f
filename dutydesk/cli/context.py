"""What every command needs: the store and the signed-in actor, made on first use."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

import click

from db.engine import Database
from dutydesk.access import opening
from dutydesk.access.identity import Actor

# Worded once, in dutydesk.access.opening; the command modules import them from here.
command_hint = opening.command_hint
store_name = opening.store_name
schema_mismatch = opening.schema_problem


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
        return opening.store_url(self.db_value)

    def database(self, *, check_schema: bool = True) -> Database:
        """The store, refusing one whose schema is older or newer than this code.

        ``check_schema=False`` is for the commands that create, upgrade or
        inspect the store itself (init, db upgrade|backup|status).
        """
        if self._db is None:
            # Checking, a missing file is refused without creating an empty one where a mistyped --db points.
            self._db = opening.open_store(self.url, db_value=self.db_value, must_exist=check_schema)
        if check_schema and not self._schema_checked:
            opening.check_schema(self._db, self.db_value)
            self._schema_checked = True
        return self._db

    def missing_file(self) -> Path | None:
        """The SQLite file the URL names, if it does not exist yet (None otherwise)."""
        return opening.missing_file(self.url)

    def actor(self) -> Actor:
        if self._actor is None:
            self._actor = opening.sign_in(self.database(), self.as_user)
        return self._actor


pass_cli = click.make_pass_decorator(CliContext)


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write("\n")
