"""What a write the store refused means, read from the IntegrityError alone.

After an IntegrityError the session's transaction is finished: reading an ORM
attribute then raises ``PendingRollbackError`` (PITFALLS.md). So nothing here
touches the session or its objects; a message that needs a record's name must
capture it before the flush.

``violation`` names the rule that was broken on both stores (PostgreSQL's
diagnostics, SQLite's message); ``refused`` says it in the desk's words for
the errors that are not a conflict the worker can act on, so a broken rule
is never passed off as, say, "no free place".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

_PG_KINDS = {"23505": "unique", "23503": "foreign_key", "23514": "check", "23502": "not_null"}
_SQLITE = re.compile(r"^(UNIQUE|FOREIGN KEY|CHECK|NOT NULL) constraint failed(?::\s*(.*))?$", re.IGNORECASE)
_PG_KEY = re.compile(r"^Key \(([^)]*)\)=")


@dataclass(frozen=True)
class Violation:
    kind: str  # unique, foreign_key, check, not_null or other
    table: str | None = None
    columns: tuple[str, ...] = ()
    constraint: str | None = None

    def is_unique(self, table: str, *columns: str) -> bool:
        return self.kind == "unique" and self.table == table and set(self.columns) == set(columns)


def violation(err: IntegrityError) -> Violation:
    orig = getattr(err, "orig", err)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:  # psycopg
        diag = orig.diag
        kind = _PG_KINDS.get(sqlstate, "other")
        columns: tuple[str, ...] = ()
        key = _PG_KEY.match(diag.message_detail or "")
        if key:
            columns = tuple(c.strip() for c in key.group(1).split(","))
        elif diag.column_name:
            columns = (diag.column_name,)
        return Violation(kind, diag.table_name, columns, diag.constraint_name)
    m = _SQLITE.match(str(orig).strip())
    if not m:
        return Violation("other")
    kind = m.group(1).lower().replace(" ", "_")
    detail = (m.group(2) or "").strip()
    if kind in ("unique", "not_null") and detail:
        parts = [p.strip() for p in detail.split(",")]
        if all("." in p for p in parts):
            return Violation(kind, parts[0].split(".", 1)[0], tuple(p.split(".", 1)[1] for p in parts))
        return Violation(kind, constraint=detail.removeprefix("index ").strip("'"))
    return Violation(kind, constraint=detail or None)


def _words(columns: tuple[str, ...]) -> str:
    return " and ".join(c.removesuffix("_id").replace("_", " ") for c in columns) or "key"


def refused(what: str, err: IntegrityError) -> str:
    """One sentence for a save the store refused: what, which rule, and what to do."""
    v = violation(err)
    if v.kind == "unique":
        why = f"the store already holds a record with the same {_words(v.columns)}"
    elif v.kind == "foreign_key":
        why = "a record it refers to is not in the store (any more)"
    elif v.kind == "check":
        why = f"it breaks the store's rule {v.constraint}" if v.constraint else "it breaks one of the store's rules"
    elif v.kind == "not_null":
        why = f"{_words(v.columns)} is missing"
    else:
        why = "the store refused it"
    return (f"{what} was not saved because {why}; nothing was changed. Try again, and if it happens again "
            "tell an administrator.")
