"""Reading the audit trail: who did or opened what, filtered and paged (managers and administrators).

The screen (``screens.audit``) and ``dutydesk audit list`` share this one query.
A page is found by keyset (events with an id below the last one shown), so a
trail of millions of events pages as fast as its first page, and the newest
events come first. A record is named as people know it, by its reference
(``REQ-...``, a household's reference, a child's case reference) or as
``table#id``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import Allegation, AuditEvent, Child, Household, Placement, PlacementRequest
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk import clock
from dutydesk.clock import LOCAL_TZ
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.text import clean

PAGE = 50
MAX_PAGE = 1000
# What the screen can open, by the table an event names.
OPENABLE = frozenset({"placement_requests", "households"})
# The column that names a record as people know it, by the table an event names.
NAMED_BY = {"placement_requests": PlacementRequest.reference, "households": Household.reference,
            "children": Child.case_reference, "allegations": Allegation.reference,
            "placements": Placement.reference}


@dataclass(frozen=True, slots=True)
class TrailFilter:
    username: str | None = None
    record: str | None = None  # a reference, or table#id
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    entity: str | None = None  # every record of one kind (a table name)


@dataclass(frozen=True, slots=True)
class EventLine:
    id: int
    at: dt.datetime
    username: str
    action: str
    entity: str
    entity_id: str
    detail: str
    record: str = ""  # as people know it: REQ-2026-00001, HH-00003, a child's case reference; or table#id

    @property
    def opens(self) -> tuple[str, int] | None:
        """(table, id) when the desk has a screen for this record."""
        if self.entity in OPENABLE and self.entity_id.isdigit():
            return self.entity, int(self.entity_id)
        return None

    def to_json(self) -> dict[str, Any]:
        try:
            detail: Any = json.loads(self.detail)
        except ValueError:
            detail = self.detail
        return {"id": self.id, "at": self.at.isoformat(), "username": self.username, "action": self.action,
                "entity": self.entity, "entity_id": self.entity_id, "record": self.record, "detail": detail}


@dataclass(frozen=True, slots=True)
class TrailPage:
    events: list[EventLine]
    more: bool  # older events match too: ask again with before=events[-1].id


def _record(session: Session, text: str) -> tuple[str, str]:
    """(table, id) for what a person typed: ``table#id`` or a reference the desk gives out."""
    value = clean(text)
    if "#" in value:
        table, _, ident = value.partition("#")
        if not table or not ident:
            raise InvalidInput("Name a record as table#id, for example households#12, or by its reference.")
        return clean(table), clean(ident)
    wanted = value.upper()
    for model, column, table in ((PlacementRequest, PlacementRequest.reference, "placement_requests"),
                                 (Household, Household.reference, "households"),
                                 (Child, Child.case_reference, "children")):
        found = session.exec(select(model.id).where(sa.func.upper(column) == wanted)).first()
        if found is not None:
            return table, str(found)
    raise NotFound(f"No record has the reference {value!r}. Type a request, household or child reference, "
                   "or table#id.")


def _bound(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ).astimezone(dt.UTC)


def events(desk: Desk, flt: TrailFilter = TrailFilter(), *, before: int | None = None,
           limit: int = PAGE) -> TrailPage:
    """A page of events, newest first, matching ``flt``; ``before`` is the last id of the previous page."""
    require(desk.actor, Permission.READ_AUDIT, "read the audit trail")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"Ask for between 1 and {MAX_PAGE} events at a time.")
    if flt.day_from and flt.day_to and flt.day_from > flt.day_to:
        raise InvalidInput("The first day is after the last day; swap them.")
    if flt.day_from and flt.day_from > clock.today():
        raise InvalidInput(f"From: {flt.day_from:%d/%m/%Y} is in the future, so no event can match; "
                           "type a day up to today, or leave it blank.")
    if before is not None and before < 1:
        raise InvalidInput("--before takes an event number from the list (1 or more).")
    query = select(AuditEvent).order_by(sa.desc(AuditEvent.id)).limit(limit + 1)
    with desk.db.read() as s:
        if flt.username and clean(flt.username):
            query = query.where(AuditEvent.username == clean(flt.username))
        if flt.record and clean(flt.record):
            table, ident = _record(s, flt.record)
            query = query.where(AuditEvent.entity == table, AuditEvent.entity_id == ident)
        if flt.entity and clean(flt.entity):
            query = query.where(AuditEvent.entity == clean(flt.entity))
        if flt.day_from:
            query = query.where(AuditEvent.at >= _bound(flt.day_from))
        if flt.day_to:
            query = query.where(AuditEvent.at < _bound(flt.day_to + dt.timedelta(days=1)))
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = list(s.exec(query).all())
        names = _references(s, rows[:limit])
    lines = [EventLine(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.detail,
                       names.get((e.entity, e.entity_id)) or f"{e.entity}#{e.entity_id}") for e in rows[:limit]]
    return TrailPage(lines, more=len(rows) > limit)


def _references(session: Session, rows: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """The reference of each record a page of events names: one query per kind of record on the page."""
    wanted: dict[str, set[int]] = {}
    for e in rows:
        if e.entity in NAMED_BY and e.entity_id.isdigit():
            wanted.setdefault(e.entity, set()).add(int(e.entity_id))
    out: dict[tuple[str, str], str] = {}
    for table, ids in wanted.items():
        column = NAMED_BY[table]
        model = column.class_
        for ident, ref in session.execute(sa.select(model.id, column).where(model.id.in_(ids))):
            out[(table, str(ident))] = ref
    return out
