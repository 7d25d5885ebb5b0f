"""What every command needs: the store and the signed-in actor, made on first use."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

import click

from db.engine import Database
from dutydesk.config import database_url
from dutydesk.identity import Actor, sign_in


@dataclass
class CliContext:
    db_value: str | None = None
    as_user: str | None = None
    # Set by the screens' entry point: dutydesk never imports screens itself.
    app_opener: Callable[["CliContext"], None] | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return database_url(self.db_value)

    def database(self, *, check_schema: bool = True) -> Database:
        """The store, refusing one whose schema is older or newer than this code."""
        if self._db is None:
            self._db = Database(self.url)
            if check_schema:
                from db.migrate import ensure_current

                ensure_current(self._db)
        return self._db

    def actor(self) -> Actor:
        if self._actor is None:
            self._actor = sign_in(self.database(), self.as_user)
        return self._actor


pass_cli = click.make_pass_decorator(CliContext)


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write("\n")
