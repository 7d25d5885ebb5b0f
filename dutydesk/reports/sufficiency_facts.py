"""The needs the county's own carers could not meet, one fact per placement request.

A need counts in the period when its request was closed unmet in it, or placed
with an independent agency (IFA) in it. Each gets its categories from the
request itself (the children's ages on the day they were needed, how many
together, the needs asked for, the placement type, where), never from free text,
and the reason in-house carers could not meet it from its latest saved search:
the rules that ruled out in-house households, above all the rule that alone
ruled out the nearest misses.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Integer, String, type_coerce
from sqlmodel import Session

from db.enums import HouseholdKind, PlacementType, RequestState, Specialism
from db.models import (
    Child,
    Household,
    Place,
    Placement,
    PlacementRequest,
    RequestChild,
    RequestTransition,
    Search,
    SearchResult,
)
from db.models.base import bit_of, members_of
from dutydesk.matching import capacity
from dutydesk.reports import reasons as RW
from dutydesk.reports.period import Period, utc

R = PlacementRequest.__table__
RT = RequestTransition.__table__

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("age:0-4", 0, 4), ("age:5-10", 5, 10), ("age:11-15", 11, 15), ("age:16-17", 16, 17))
TEEN_FROM = 13


@dataclass(frozen=True)
class InHouseReasons:
    """What the latest saved search said about the in-house households."""

    ranked: int  # in-house households eligible on paper
    excluded: int
    by_rule: dict[str, int]  # in-house households each rule ruled out
    alone: dict[str, int]  # ... that rule alone

    @property
    def main(self) -> str:
        """'rule:<code>' for the rule that kept in-house carers out, or 'eligible' when some were eligible."""
        if self.ranked:
            return "eligible"
        code = RW.top(self.alone) or RW.top(self.by_rule)
        return f"rule:{code}" if code else "none"


@dataclass
class NeedFact:
    request_id: int
    reference: str
    team_id: int
    source: str  # "unmet" or "ifa"
    at: dt.datetime
    placement_type: str
    needs: frozenset[Specialism]
    wheelchair: bool
    district: str
    ages: list[int | None] = field(default_factory=list)
    search_id: int | None = None
    in_house: InHouseReasons | None = None

    @property
    def children(self) -> int:
        return len(self.ages)

    def categories(self) -> list[str]:
        cats: list[str] = []
        for key, lo, hi in AGE_BANDS:
            if any(a is not None and lo <= a <= hi for a in self.ages):
                cats.append(key)
        if any(a is None for a in self.ages):
            cats.append("age:unknown")
        n = self.children
        if n >= 2 and self.placement_type != PlacementType.PARENT_AND_CHILD.value:
            cats.append("siblings:4+" if n >= 4 else f"siblings:{n}")
        if Specialism.DISABILITY in self.needs or self.wheelchair:
            cats.append("disability")
        if self.placement_type == PlacementType.PARENT_AND_CHILD.value:
            cats.append("parent_and_child")
        if Specialism.UASC in self.needs:
            cats.append("uasc")
        if Specialism.TEENAGERS in self.needs or any(a is not None and a >= TEEN_FROM for a in self.ages):
            cats.append("teenagers")
        if self.placement_type == PlacementType.REMAND.value:
            cats.append("remand")
        cats.append(f"place:{self.district or '(not recorded)'}")
        return cats


def _outcome_at(state: RequestState) -> sa.Subquery:
    return (sa.select(RT.c.request_id.label("rid"), sa.func.min(RT.c.at).label("at"))
            .where(type_coerce(RT.c.to_state, String) == state.value).group_by(RT.c.request_id).subquery())


def scope_select(period: Period, team_id: int | None) -> sa.Select:
    """The needs in the period, one row each with what its categories need: (request id, source,
    outcome time, reference, team, placement type, needs, wheelchair, district, latest search)."""
    closed = _outcome_at(RequestState.CLOSED_UNMET)
    placed = _outcome_at(RequestState.PLACED)
    state = type_coerce(R.c.state, String)
    # Placed with an agency: looked up on the request's placements (not a list of every agency placement).
    ifa = (sa.select(Placement.request_id).join(Household, Household.id == Placement.household_id)
           .where(Placement.request_id == R.c.id, type_coerce(Household.kind, String) == HouseholdKind.IFA.value)
           .exists())
    when = sa.case((state == RequestState.CLOSED_UNMET.value, sa.func.coalesce(closed.c.at, R.c.state_changed_at)),
                   else_=sa.func.coalesce(placed.c.at, R.c.state_changed_at))
    latest = sa.select(sa.func.max(Search.id)).where(Search.request_id == R.c.id).scalar_subquery()
    stmt = (
        sa.select(R.c.id, sa.case((state == RequestState.CLOSED_UNMET.value, "unmet"), else_="ifa"), when,
                  R.c.reference, R.c.team_id, type_coerce(R.c.placement_type, String),
                  type_coerce(R.c.needs, Integer), R.c.needs_wheelchair_access, Place.district, latest)
        .select_from(R).outerjoin(closed, closed.c.rid == R.c.id).outerjoin(placed, placed.c.rid == R.c.id)
        .outerjoin(Place, Place.id == R.c.near_place_id)
        .where(sa.or_(state == RequestState.CLOSED_UNMET.value, sa.and_(state == RequestState.PLACED.value, ifa)),
               when >= period.start_at, when < period.end_at)
    )
    if team_id is not None:
        stmt = stmt.where(R.c.team_id == team_id)
    return stmt


def load_needs(session: Session, period: Period, team_id: int | None) -> list[NeedFact]:
    # Three statements whatever the period: the needs (with their request's details and latest saved
    # search), the children's ages, and one aggregate over those searches (was three a 500 requests).
    conn = session.connection()  # Core rows, without the ORM's result machinery
    facts: dict[int, NeedFact] = {}
    for rid, source, at, ref, team, ptype, needs, wheel, district, sid in conn.execute(
            scope_select(period, team_id)).all():
        facts[rid] = NeedFact(rid, ref, team, source, utc(at), ptype, members_of(Specialism, needs or 0),
                              bool(wheel), district or "", search_id=sid)
    if not facts:
        return []
    for chunk in _chunks(sorted(facts)):
        for rid, needed_from, born in conn.execute(
            sa.select(RequestChild.request_id, R.c.needed_from, Child.date_of_birth)
            .join(R, R.c.id == RequestChild.request_id).join(Child, Child.id == RequestChild.child_id)
            .where(RequestChild.request_id.in_(chunk)).order_by(RequestChild.request_id, Child.id)
        ).all():
            facts[rid].ages.append(_age(born, needed_from))
    by_search = {f.search_id: f for f in facts.values() if f.search_id is not None}
    for sid, got in in_house_reasons(session, list(by_search)).items():
        by_search[sid].in_house = got
    return sorted(facts.values(), key=lambda f: (f.at, f.request_id))


def in_house_reasons(session: Session, search_ids: list[int]) -> dict[int, InHouseReasons]:
    """Per saved search, how its in-house households fared: one aggregate over their rows, grouped
    by whether a row names one rule only (so each row's rules are matched once, not twice)."""
    if not search_ids:
        return {}
    sr = SearchResult.__table__
    H = Household.__table__
    single = sa.case((RW.single_rule(sr.c.reasons), 1), else_=0)
    cols = ([sr.c.search_id, single, sa.func.sum(sa.case((sr.c.rank.is_not(None), 1), else_=0)),
             sa.func.sum(sa.case((sr.c.rank.is_(None), 1), else_=0))] + RW.rule_sums(sr.c.rank, sr.c.reasons))
    acc: dict[int, list] = {}
    for chunk in _chunks(sorted(search_ids)):
        for row in session.connection().execute(
            sa.select(*cols).join(H, H.c.id == sr.c.household_id)
            .where(sr.c.search_id.in_(chunk), type_coerce(H.c.kind, String) == HouseholdKind.IN_HOUSE.value)
            .group_by(sr.c.search_id, single)
        ).all():
            a = acc.setdefault(row[0], [0, 0, dict.fromkeys(RW.RULE_CODES, 0), dict.fromkeys(RW.RULE_CODES, 0)])
            a[0] += int(row[2] or 0)
            a[1] += int(row[3] or 0)
            for code, n in zip(RW.RULE_CODES, row[4:]):
                if n:
                    a[2][code] += int(n)
                    if row[1]:
                        a[3][code] += int(n)
    return {sid: InHouseReasons(ranked, excluded, by_rule, alone)
            for sid, (ranked, excluded, by_rule, alone) in acc.items()}


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return max(0, on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _chunks(ids: list[int], size: int = 10_000):
    """Ids for ``IN (...)`` in lists well under both stores' limits on parameters (SQLite 32,766,
    PostgreSQL 65,535): one list for any period a county asks for (about 2,000 needs in 18 months)."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# --------------------------------------------------------------------------- the in-house register


@functools.cache
def register_conditions() -> dict[str, object]:
    """SQL conditions on a household: its terms of approval cover the category (vacancy aside)."""
    H = Household.__table__
    specs = type_coerce(H.c.specialisms, Integer)
    types = type_coerce(H.c.placement_types, Integer)

    def has(col, member):
        return col.op("&")(bit_of(member)) != 0

    conds: dict[str, object] = {key: sa.and_(H.c.age_min <= hi, H.c.age_max >= lo) for key, lo, hi in AGE_BANDS}
    for n in (2, 3, 4):
        conds["siblings:4+" if n == 4 else f"siblings:{n}"] = sa.and_(
            H.c.places >= n, has(specs, Specialism.SIBLING_GROUPS))
    conds["disability"] = has(specs, Specialism.DISABILITY)
    conds["parent_and_child"] = has(types, PlacementType.PARENT_AND_CHILD)
    conds["uasc"] = has(specs, Specialism.UASC)
    conds["teenagers"] = H.c.age_max >= TEEN_FROM
    conds["remand"] = has(types, PlacementType.REMAND)
    return conds


def register_select(team_id: int | None, today: dt.date | None = None) -> sa.Select:
    """Approved in-house households, places and free places for each category, by district, in one pass
    (the county's figures are the districts' sums; free places by matching's one rule: places held back
    as "not available" are not free)."""
    H = Household.__table__
    free = capacity.free_places_now_sql(H, today)
    cols = [Place.district.label("district")]
    for key, cond in register_conditions().items():
        cols += [sa.func.sum(sa.case((cond, 1), else_=0)).label(column_name("h", key)),
                 sa.func.sum(sa.case((cond, H.c.places), else_=0)).label(column_name("p", key)),
                 sa.func.sum(sa.case((cond, free), else_=0)).label(column_name("f", key))]
    cols += [sa.func.count().label("h_all"), sa.func.sum(H.c.places).label("p_all"), sa.func.sum(free).label("f_all")]
    return (sa.select(*cols).select_from(H).outerjoin(Place, Place.id == H.c.place_id)
            .where(*in_house_approved(team_id)).group_by(Place.district))


def register_totals(rows) -> tuple[dict[str, int], dict[str, tuple[int, int, int]]]:
    """``register_select``'s rows as (the county's figures by column name, {district: (households,
    places, free places)}); households with no place recorded count in the county's figures only."""
    county: dict[str, int] = {}
    districts: dict[str, tuple[int, int, int]] = {}
    for row in rows:
        for name, value in row.items():
            if name != "district":
                county[name] = county.get(name, 0) + int(value or 0)
        if row["district"] is not None:
            districts[row["district"]] = (int(row["h_all"] or 0), int(row["p_all"] or 0), int(row["f_all"] or 0))
    return county, districts


def column_name(prefix: str, key: str) -> str:
    """A plain SQL label for a category key (``age:0-4`` -> ``h_age_0_4``)."""
    return prefix + "_" + "".join(ch if ch.isalnum() else "_" for ch in key)


def in_house_approved(team_id: int | None) -> list:
    H = Household.__table__
    where = [type_coerce(H.c.kind, String) == HouseholdKind.IN_HOUSE.value,
             type_coerce(H.c.status, String) == "approved"]
    if team_id is not None:
        where.append(H.c.team_id == team_id)
    return where
