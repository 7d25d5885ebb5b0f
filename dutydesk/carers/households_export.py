"""Households out of the desk as CSV or JSON, in the import's own columns (role-checked and audited)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import IO, Any

import sqlalchemy as sa

from db.enums import HouseholdStatus, PlacementType, Specialism
from db.models import Place, Team
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.carers.households_format import (
    BATCH,
    COLUMN_NAMES,
    DB_COLUMN,
    HOUSEHOLDS,
    TEXT_COLUMNS,
    BadCell,
    defuse,
    enum_value,
)
from dutydesk.errors import InvalidInput

_SET_ORDER = {"placement_types": tuple(PlacementType), "specialisms": tuple(Specialism)}


def public_values(values: dict[str, Any]) -> dict[str, Any]:
    """One household's columns as JSON-ready values (lists for sets, ISO dates, enum values)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, (set, frozenset)):
            value = [m.value for m in _SET_ORDER[key] if m in value]
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif key == "other_children_ages":
            value = [int(a) for a in value.split(",") if a]
        elif key == "languages":
            value = [x for x in value.split(",") if x]
        out[key] = value
    return out



_SELECT_COLUMNS = [HOUSEHOLDS.c[DB_COLUMN.get(n, n)] for n in COLUMN_NAMES if n not in DB_COLUMN]


def export_select() -> sa.Select:
    return (
        sa.select(*_SELECT_COLUMNS, HOUSEHOLDS.c.id, Team.code.label("team"), Place.name.label("place"))
        .select_from(HOUSEHOLDS)
        .join(Team, Team.id == HOUSEHOLDS.c.team_id, isouter=True)
        .join(Place, Place.id == HOUSEHOLDS.c.place_id, isouter=True)
    )


def row_values(row: sa.Row) -> dict[str, Any]:
    m = row._mapping
    return {n: m[n] for n in COLUMN_NAMES}


# ============================================================== export


def _statuses(values: Iterable[str | HouseholdStatus] | None) -> list[HouseholdStatus]:
    out = []
    for v in values or ():
        try:
            out.append(enum_value(HouseholdStatus, str(v), "status"))
        except BadCell as err:
            raise InvalidInput(f"{err.what}: {err.hint}.") from None
    return out


def iter_households(desk: Desk, statuses: Iterable[str | HouseholdStatus] | None = None,
                    *, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Every household (or those with the given statuses), by reference, as JSON-ready dicts.

    Streams from SQL in batches, so 50,000 households never sit in memory at once.
    The caller must consume it promptly: it holds one read session open while it runs.
    """
    # Checked now, not on the first next(): nothing is written before a refusal.
    require(desk.actor, Permission.MANAGE_HOUSEHOLDS, "export households")
    wanted = _statuses(statuses)
    stmt = export_select().order_by(HOUSEHOLDS.c.reference)
    if wanted:
        stmt = stmt.where(HOUSEHOLDS.c.status.in_(wanted))
    return _stream(desk, stmt, batch)


def _stream(desk: Desk, stmt: sa.Select, batch: int) -> Iterator[dict[str, Any]]:
    with desk.db.read() as s:
        for row in s.connection().execute(stmt.execution_options(yield_per=batch)):
            yield public_values(row_values(row))


def _csv_cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    text = str(value)
    return defuse(text) if key in TEXT_COLUMNS else text


def write_csv(desk: Desk, out: IO[str], statuses: Iterable[str | HouseholdStatus] | None = None) -> int:
    """Write the import format to ``out``; returns how many households."""
    records = iter_households(desk, statuses)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    n = 0
    for record in records:
        writer.writerow([_csv_cell(k, record[k]) for k in COLUMN_NAMES])
        n += 1
    _audit_export(desk, n, "csv", statuses)
    return n


def write_json(desk: Desk, out: IO[str], statuses: Iterable[str | HouseholdStatus] | None = None) -> int:
    """Write a JSON array of households to ``out``, one object at a time; returns how many."""
    records = iter_households(desk, statuses)
    n = 0
    out.write("[")
    for record in records:
        out.write(",\n  " if n else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    _audit_export(desk, n, "json", statuses)
    return n


def _audit_export(desk: Desk, n: int, fmt: str, statuses: Iterable[Any] | None) -> None:
    """A bulk extract of carers' personal details is itself worth a line in the audit trail."""
    with desk.db.write() as s:
        audit.record(s, desk.actor, "households.exported", "households", "export",
                     {"households": n, "format": fmt, "statuses": [str(x) for x in (statuses or ())]})
