"""Households into the desk from CSV: read and check the whole file, then write it in one transaction.

An import reads and checks the whole file first, collecting every problem as
"line N, column X: what is wrong (what to type)", and writes nothing unless every
row is good; then it writes everything in one transaction (Core batches, not one
ORM object per row) with one audit event per household, so each record's history
says who brought it into the desk and from which file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from db.enums import HouseholdStatus
from db.models import Place, Team
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.carers import holds
from dutydesk.carers import household_rules as rules
from dutydesk.carers.households_export import export_select, public_values, row_values
from dutydesk.carers.households_read import Row, open_text, read_rows
from dutydesk.carers.households_format import BATCH, DEFAULTS, HOUSEHOLDS, ImportRejected
from dutydesk.errors import Conflict
from dutydesk.places import ensure_places


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    rows: int
    added: int
    updated: int
    unchanged: int
    dry_run: bool
    added_references: tuple[str, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "rows": self.rows, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "dry_run": self.dry_run}


# ============================================================== writing

def db_values(values: dict[str, Any], teams: dict[str, int], place_ids: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "team":
            out["team_id"] = teams[value] if value else None
        elif key == "place":
            out["place_id"] = place_ids[value] if value else None
        else:
            out[key] = value
    return out


def import_households(
    desk: Desk,
    source: Path | str | IO[bytes],
    *,
    update: bool = False,
    dry_run: bool = False,
    source_name: str | None = None,
) -> ImportResult:
    """Check a whole CSV file, then import all of it in one transaction, or nothing."""
    require(desk.actor, Permission.MANAGE_HOUSEHOLDS, "import households")
    name = source_name or (str(source) if isinstance(source, (str, Path)) else "the input")
    text = open_text(source, name)
    with text:
        rows, problems = read_rows(desk, text, name, update)
    if problems:
        raise ImportRejected(name, problems)
    new = [r for r in rows if r.existing_id is None]
    old = [r for r in rows if r.existing_id is not None]
    if dry_run:
        return ImportResult(name, len(rows), len(new), len(old), 0, True)
    try:
        return _write(desk, name, new, old)
    except IntegrityError:
        raise Conflict(
            "Someone changed the households while this file was being imported (a reference was added "
            "or a team or place removed); nothing was imported. Run the import again."
        ) from None


def _write(desk: Desk, name: str, new: list[Row], old: list[Row]) -> ImportResult:
    now = clock.now()
    events: list[tuple[str, str, Any, dict[str, Any] | None]] = []
    updated = unchanged = 0
    with desk.db.write() as s:
        place_ids = {n: pid for pid, n in s.execute(sa.select(Place.id, Place.name)).all()}
        if not place_ids:
            place_ids = {n: p.id for n, p in ensure_places(s).items()}
        teams = {code.upper(): tid for tid, code in s.execute(sa.select(Team.id, Team.code)).all()}
        # New households: Core inserts in batches, ids back in the order given.
        for i in range(0, len(new), BATCH):
            chunk = new[i:i + BATCH]
            params = []
            for r in chunk:
                values = {**DEFAULTS, **r.values}
                params.append({**db_values(values, teams, place_ids), "created_at": now, "version": 1})
            # Plain executemany: RETURNING in parameter order would make SQLite insert row by row.
            s.execute(sa.insert(HOUSEHOLDS), params)
            ids = dict(s.execute(
                sa.select(HOUSEHOLDS.c.reference, HOUSEHOLDS.c.id)
                .where(HOUSEHOLDS.c.reference.in_([r.reference for r in chunk]))
            ).all())
            for r in chunk:
                hid = ids[r.reference]
                events.append(("household.imported", "households", hid,
                               {"reference": r.reference, "source": name, "line": r.line}))
        # Existing households (--update): lock, compare, update what changed.
        for i in range(0, len(old), BATCH):
            chunk = old[i:i + BATCH]
            ids = [r.existing_id for r in chunk]
            stmt = export_select().add_columns(HOUSEHOLDS.c.version).where(HOUSEHOLDS.c.id.in_(ids))
            if not desk.db.is_sqlite:
                stmt = stmt.with_for_update(of=HOUSEHOLDS)
            current = {row.id: row for row in s.execute(stmt).all()}
            # Checked again in this transaction: an allegation raised since the file was read holds too.
            held = holds.held_households(s, ids)
            for r in chunk:
                row = current.get(r.existing_id)
                if row is None:
                    raise Conflict(f"Household {r.reference} was removed while importing; nothing was imported. Run it again.")
                before = public_values(row_values(row))
                if "occupied_places" in r.values and r.values["occupied_places"] != row.occupied_places:
                    raise Conflict(f"A child was placed with or left household {r.reference} while importing; "
                                   "nothing was imported. Run the import again.")
                after = public_values(r.values)
                changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
                if not changes:
                    unchanged += 1
                    continue
                if "status" in changes and r.values["status"] is HouseholdStatus.APPROVED and r.existing_id in held:
                    raise Conflict(f"Household {r.reference} (line {r.line}) was put on hold by allegation "
                                   f"{held[r.existing_id]} while importing; an import cannot lift it. Nothing was "
                                   "imported; type on_hold for it and run the import again.")
                values = db_values({k: r.values[k] for k in changes}, teams, place_ids)
                update = sa.update(HOUSEHOLDS).where(HOUSEHOLDS.c.id == r.existing_id)
                if "status" in changes:
                    values["status_changed_at"] = now
                    if r.values["status"] in rules.LEAVING:
                        # The same rule as the desk's edit: the day it left, why, and never with a child placed.
                        values.update(left_on=clock.today(), left_reason=f"households import {name}, line {r.line}")
                        update = update.where(HOUSEHOLDS.c.occupied_places == row.occupied_places)
                    elif HouseholdStatus(row.status) in rules.LEAVING:
                        values.update(left_on=None, left_reason=None)
                done = s.execute(update.values(**values, version=HOUSEHOLDS.c.version + 1))
                if done.rowcount != 1:
                    placed = ", ".join(rules.current_placements(s, r.existing_id))
                    raise Conflict(f"A child was placed with household {r.reference} (line {r.line}) while importing "
                                   f"({placed}); it cannot become {r.values['status'].value} until that placement "
                                   "is ended. Nothing was imported.")
                updated += 1
                events.append(("household.updated", "households", r.existing_id,
                               {"reference": r.reference, "source": name, "line": r.line, "changes": changes,
                                "version": row.version + 1}))
        if events:
            audit.record_many(s, desk.actor, events, at=now)
            audit.record(s, desk.actor, "households.imported", "households", "import",
                         {"source": name, "added": len(new), "updated": updated, "unchanged": unchanged},
                         at=now)
    return ImportResult(name, len(new) + len(old), len(new), updated, unchanged, False,
                        tuple(r.reference for r in new))
