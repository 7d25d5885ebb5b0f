"""The shared state of one demo build: the seed's random stream, the clock, ids, and a bulk writer.

Rows are written with SQLAlchemy Core ``insert(table)`` and lists of dicts
(executemany), buffered per table and flushed in foreign-key order, so 50,000
households take seconds rather than minutes. Every id is assigned here, so
rows can point at each other before anything reaches the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import random
from enum import Enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from db.enums import Area, GenderTerms, HouseholdKind, HouseholdStatus, Role
from db.models import metadata
from db.models.base import EnumSet, UTCDateTime, mask_of
from dutydesk.clock import LOCAL_TZ
from dutydesk.demo.rand import choice

UTC = dt.UTC
Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: what the build is doing and how far it has got."""

CHUNK = 5000
HISTORY_DAYS = 548  # eighteen months


def _no_progress(label: str, done: int, total: int) -> None:
    return None


def _utc_text(value: dt.datetime) -> str:
    """An aware datetime as SQLAlchemy's SQLite DATETIME text, in UTC (as ``UTCDateTime`` stores it)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    v = value.astimezone(UTC)
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (
        v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def fast_converter(type_: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The bind conversion for one column on SQLite, quicker than the generic processor
    for the column types the demo writes in bulk; a test holds it equal to SQLAlchemy's."""
    if isinstance(type_, UTCDateTime):
        return _utc_text
    if isinstance(type_, EnumSet):
        cache: dict[Any, int] = {}
        enum_cls = type_.enum_cls

        def to_mask(value: Any) -> int:
            mask = cache.get(value)
            if mask is None:
                mask = cache[value] = mask_of(enum_cls, value)
            return mask

        return to_mask
    if isinstance(type_, sa.Enum) and issubclass(type_.enum_class or str, str):
        return _enum_value if type_.enum_class is None else None  # StrEnum members bind as their text
    if isinstance(type_, sa.Boolean):
        return None  # bool binds as 0/1
    if type(type_) is sa.Date:
        return dt.date.isoformat
    return type_.dialect_impl(dialect).bind_processor(dialect)


class Writer:
    """Buffers rows per table and writes them in dependency order with executemany."""

    def __init__(self, conn: sa.Connection, progress: Progress | None, total_hint: int) -> None:
        self.conn = conn
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.order = [t.name for t in metadata.sorted_tables]
        # On SQLite, rows go straight to the driver after each column's own bind
        # processor (the same conversion SQLAlchemy applies), skipping per-row
        # statement compilation; PostgreSQL uses Core's batched executemany.
        self.fast = conn.dialect.name == "sqlite"
        self._statements: dict[str, Any] = {}
        self.progress = progress or _no_progress
        self.label = "Building the county"
        self.done = 0
        self.total = max(1, total_hint)

    def add(self, table: str, row: dict[str, Any]) -> None:
        buf = self.buffers.setdefault(table, [])
        buf.append(row)
        if len(buf) >= CHUNK:
            self.flush()

    def extend(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.add(table, row)

    def _prepared(self, name: str) -> tuple[str, list[str], list[tuple[int, Callable[[Any], Any]]]]:
        """A plain ``INSERT ... VALUES (?, ...)`` and each column's bind processor (SQLite fast path)."""
        got = self._statements.get(name)
        if got is None:
            dialect = self.conn.dialect
            quote = dialect.identifier_preparer.quote
            table = metadata.tables[name]
            cols = list(table.columns)
            sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in cols)}) "
                   f"VALUES ({', '.join('?' for _ in cols)})")
            convs = [fast_converter(c.type, dialect) for c in cols]
            got = self._statements[name] = (sql, [c.key for c in cols],
                                            [(i, f) for i, f in enumerate(convs) if f is not None])
        return got

    def _write(self, name: str, rows: list[dict[str, Any]]) -> None:
        if not self.fast:
            self.conn.execute(sa.insert(metadata.tables[name]), rows)
            return
        sql, keys, converted = self._prepared(name)
        getter = operator.itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
        params = []
        for row in rows:
            try:
                values = list(getter(row))
            except KeyError:  # a missing nullable column is NULL; a missing NOT NULL one fails in SQLite
                values = [row.get(k) for k in keys]
            for i, conv in converted:
                v = values[i]
                if v is not None:
                    values[i] = conv(v)
            params.append(tuple(values))
        self.conn.exec_driver_sql(sql, params)

    def flush(self) -> None:
        for name in self.order:
            rows = self.buffers.get(name)
            if not rows:
                continue
            self._write(name, rows)
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            self.done += len(rows)
            self.buffers[name] = []
        self.total = max(self.total, self.done)
        self.progress(self.label, self.done, self.total)

    def stage(self, label: str) -> None:
        self.flush()
        self.label = label
        self.progress(label, self.done, self.total)


@functools.lru_cache(maxsize=None)
def _london_offset(day: dt.date, hour: int) -> dt.timedelta:
    """London's offset from UTC at ``hour`` on ``day`` (the same answer as attaching the zone)."""
    return LOCAL_TZ.utcoffset(dt.datetime(day.year, day.month, day.day, hour)) or dt.timedelta()


@dataclass(slots=True)
class PlaceInfo:
    id: int
    name: str
    district: str
    area: Area | None
    postcode_district: str
    lat: float
    lon: float
    weight: float


@dataclass(slots=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: Role
    team: str | None


@dataclass(slots=True)
class HH:
    """A household being built; ``row()`` turns it into the table's columns."""

    id: int
    reference: str
    name: str
    kind: HouseholdKind
    status: HouseholdStatus
    place: PlaceInfo
    team_id: int
    agency: str | None = None
    postcode: str = ""
    phone: str = ""
    ssw: str = ""
    age_min: int = 0
    age_max: int = 17
    places: int = 1
    gender_terms: GenderTerms = GenderTerms.ANY
    types: frozenset = frozenset()
    specialisms: frozenset = frozenset()
    bedrooms: int = 2
    pets: bool = False
    smoker: bool = False
    other_children_ages: str = ""
    languages: str = "english"
    religion: str = ""
    ethnicity: str = ""
    wheelchair: bool = False
    approved_on: dt.date | None = None
    approval_expires_on: dt.date | None = None
    approval_extended: bool = False
    annual_review_due: dt.date | None = None
    dbs_expires_on: dt.date | None = None
    occupied: int = 0
    reserved: int = 0  # places the scenarios fill themselves (numbers 1..reserved)
    vacant_since: dt.date | None = None
    status_changed_at: dt.datetime | None = None
    left_on: dt.date | None = None
    left_reason: str | None = None
    created_at: dt.datetime | None = None
    scenario: bool = False

    @property
    def can_hold_children(self) -> bool:
        return self.status in (HouseholdStatus.APPROVED, HouseholdStatus.ON_HOLD, HouseholdStatus.SUSPENDED)

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "reference": self.reference, "name": self.name, "kind": self.kind,
            "agency": self.agency, "status": self.status, "team_id": self.team_id,
            "place_id": self.place.id, "postcode": self.postcode, "phone": self.phone,
            "supervising_social_worker": self.ssw, "age_min": self.age_min, "age_max": self.age_max,
            "places": self.places, "gender_terms": self.gender_terms, "placement_types": self.types,
            "specialisms": self.specialisms, "bedrooms": self.bedrooms, "pets": self.pets,
            "smoker": self.smoker, "other_children_ages": self.other_children_ages,
            "languages": self.languages, "religion": self.religion, "ethnicity": self.ethnicity,
            "wheelchair_access": self.wheelchair, "approved_on": self.approved_on,
            "approval_expires_on": self.approval_expires_on, "approval_extended": self.approval_extended,
            "annual_review_due": self.annual_review_due, "dbs_expires_on": self.dbs_expires_on,
            "occupied_places": self.occupied, "vacant_since": self.vacant_since,
            "status_changed_at": self.status_changed_at, "created_at": self.created_at, "version": 1,
            "places_unavailable": 0, "left_on": self.left_on, "left_reason": self.left_reason,
        }


@dataclass(slots=True)
class Kid:
    """A child being built."""

    id: int
    case_reference: str
    first_name: str
    last_name: str
    dob: dt.date
    gender: Any
    home: PlaceInfo
    school: PlaceInfo | None
    needs: frozenset = frozenset()
    wheelchair: bool = False
    legal_status: Any = None
    placing_authority: str = "Kent County Council"
    social_worker: str = ""
    languages: str = "english"
    religion: str = ""
    ethnicity: str = ""
    family_key: str | None = None
    notes: str = ""
    created_at: dt.datetime | None = None

    def age_on(self, day: dt.date) -> int:
        d = self.dob
        return day.year - d.year - ((day.month, day.day) < (d.month, d.day))

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "case_reference": self.case_reference, "first_name": self.first_name,
            "last_name": self.last_name, "date_of_birth": self.dob, "gender": self.gender,
            "needs": self.needs, "needs_wheelchair_access": self.wheelchair,
            "legal_status": self.legal_status, "placing_authority": self.placing_authority,
            "allocated_social_worker": self.social_worker,
            "school_place_id": self.school.id if self.school else None, "home_place_id": self.home.id,
            "languages": self.languages, "religion": self.religion, "ethnicity": self.ethnicity,
            "family_key": self.family_key, "notes": self.notes, "created_at": self.created_at,
        }


@dataclass
class County:
    rng: random.Random
    now: dt.datetime  # aware UTC
    writer: Writer
    places: list[PlaceInfo] = field(default_factory=list)
    teams: dict[str, int] = field(default_factory=dict)  # code -> id
    users: dict[str, UserInfo] = field(default_factory=dict)  # username -> info
    households: list[HH] = field(default_factory=list)
    kids: list[Kid] = field(default_factory=list)
    stays: list[Any] = field(default_factory=list)  # children.Stay, active and ended
    waiting: list[list[Kid]] = field(default_factory=list)  # children (and sibling groups) not placed now
    places_by_area: dict[Any, list[PlaceInfo]] = field(default_factory=dict)
    pools: dict[Any, list[HH]] = field(default_factory=dict)  # approved households by area
    cand_pairs: set[tuple[int, int]] = field(default_factory=set)  # (request id, household id)
    placed_log: list[tuple[int, Any, int, dt.datetime, dt.datetime, int]] = field(default_factory=list)
    call_links: list[tuple[int, int]] = field(default_factory=list)  # (call id, request id) set at the end
    skip_handover: set[tuple[str, dt.date]] = field(default_factory=set)
    searches: dict[int, Any] = field(default_factory=dict)  # request id -> search_log.Logged
    search_reqs: dict[int, Any] = field(default_factory=dict)  # request id -> (Req, its row)
    ids: dict[str, int] = field(default_factory=dict)
    social_workers: list[str] = field(default_factory=list)  # children's social workers
    ssws: list[str] = field(default_factory=list)  # supervising social workers
    # Found by the scenarios, for the summary: (number, title, where to look).
    scenario_notes: list[tuple[int, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._pools: dict[Any, list[UserInfo]] = {}
        self.today: dt.date = self.now.astimezone(LOCAL_TZ).date()
        self.start: dt.date = self.today - dt.timedelta(days=HISTORY_DAYS)

    def next_id(self, table: str) -> int:
        n = self.ids.get(table, 0) + 1
        self.ids[table] = n
        return n

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """A local wall-clock time on ``day``, as aware UTC."""
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - _london_offset(day, hour)

    def local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(LOCAL_TZ)

    def past(self, value: dt.datetime, margin_minutes: int = 1) -> dt.datetime:
        """``value``, or just before now if it would be in the future."""
        limit = self.now - dt.timedelta(minutes=margin_minutes)
        return value if value <= limit else limit

    def users_with(self, role: Role, team: str | None = None) -> list[UserInfo]:
        key = (role, team)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = [u for u in self.users.values()
                                       if u.role == role and (team is None or u.team == team)]
        return pool

    def worker(self, team: str) -> UserInfo:
        return choice(self.rng, self.users_with(Role.DUTY_WORKER, team))

    def manager(self, not_id: int | None = None) -> UserInfo:
        pool = [u for u in self.users_with(Role.MANAGER) if u.id != not_id]
        return choice(self.rng, pool)
