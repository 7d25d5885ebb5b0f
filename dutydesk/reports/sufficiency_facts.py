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
from dutydesk.reports.period import Period

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
    """(request id, source, outcome time) for the needs in the period."""
    closed = _outcome_at(RequestState.CLOSED_UNMET)
    placed = _outcome_at(RequestState.PLACED)
    state = type_coerce(R.c.state, String)
    ifa = sa.select(Placement.request_id).join(Household, Household.id == Placement.household_id).where(
        type_coerce(Household.kind, String) == HouseholdKind.IFA.value, Placement.request_id.is_not(None))
    when = sa.case((state == RequestState.CLOSED_UNMET.value, sa.func.coalesce(closed.c.at, R.c.state_changed_at)),
                   else_=sa.func.coalesce(placed.c.at, R.c.state_changed_at))
    stmt = (
        sa.select(R.c.id, sa.case((state == RequestState.CLOSED_UNMET.value, "unmet"), else_="ifa"), when)
        .select_from(R).outerjoin(closed, closed.c.rid == R.c.id).outerjoin(placed, placed.c.rid == R.c.id)
        .where(sa.or_(state == RequestState.CLOSED_UNMET.value,
                      sa.and_(state == RequestState.PLACED.value, R.c.id.in_(ifa))),
               when >= period.start_at, when < period.end_at)
    )
    if team_id is not None:
        stmt = stmt.where(R.c.team_id == team_id)
    return stmt


def load_needs(session: Session, period: Period, team_id: int | None) -> list[NeedFact]:
    scope = {rid: (source, at) for rid, source, at in session.execute(scope_select(period, team_id))}
    if not scope:
        return []
    ids = sorted(scope)
    facts: dict[int, NeedFact] = {}
    for chunk in _chunks(ids):
        for rid, ref, team, ptype, needs, wheel, district in session.execute(
            sa.select(R.c.id, R.c.reference, R.c.team_id, type_coerce(R.c.placement_type, String),
                      type_coerce(R.c.needs, Integer), R.c.needs_wheelchair_access, Place.district)
            .outerjoin(Place, Place.id == R.c.near_place_id).where(R.c.id.in_(chunk))
        ):
            source, at = scope[rid]
            facts[rid] = NeedFact(rid, ref, team, source, at, ptype, members_of(Specialism, needs or 0),
                                  bool(wheel), district or "")
        for rid, needed_from, born in session.execute(
            sa.select(RequestChild.request_id, R.c.needed_from, Child.date_of_birth)
            .join(R, R.c.id == RequestChild.request_id).join(Child, Child.id == RequestChild.child_id)
            .where(RequestChild.request_id.in_(chunk)).order_by(RequestChild.request_id, Child.id)
        ):
            facts[rid].ages.append(_age(born, needed_from))
        for rid, sid in session.execute(
            sa.select(Search.request_id, sa.func.max(Search.id)).where(Search.request_id.in_(chunk))
            .group_by(Search.request_id)
        ):
            facts[rid].search_id = sid
    by_search = {f.search_id: f for f in facts.values() if f.search_id is not None}
    for sid, got in in_house_reasons(session, list(by_search)).items():
        by_search[sid].in_house = got
    return sorted(facts.values(), key=lambda f: (f.at, f.request_id))


def in_house_reasons(session: Session, search_ids: list[int]) -> dict[int, InHouseReasons]:
    """Per saved search, how its in-house households fared: one aggregate over their rows."""
    if not search_ids:
        return {}
    sr = SearchResult.__table__
    out: dict[int, InHouseReasons] = {}
    cols = ([sr.c.search_id, sa.func.sum(sa.case((sr.c.rank.is_not(None), 1), else_=0)),
             sa.func.sum(sa.case((sr.c.rank.is_(None), 1), else_=0))]
            + RW.rule_sums(sr.c.rank, sr.c.reasons) + RW.rule_sums(sr.c.rank, sr.c.reasons, single=True, prefix="a_"))
    n = len(RW.RULE_CODES)
    for chunk in _chunks(sorted(search_ids)):
        for row in session.execute(
            sa.select(*cols).join(Household.__table__, Household.__table__.c.id == sr.c.household_id)
            .where(sr.c.search_id.in_(chunk), type_coerce(Household.kind, String) == HouseholdKind.IN_HOUSE.value)
            .group_by(sr.c.search_id)
        ):
            by_rule = {c: int(row[3 + i] or 0) for i, c in enumerate(RW.RULE_CODES)}
            alone = {c: int(row[3 + n + i] or 0) for i, c in enumerate(RW.RULE_CODES)}
            out[row[0]] = InHouseReasons(int(row[1] or 0), int(row[2] or 0), by_rule, alone)
    return out


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return max(0, on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# --------------------------------------------------------------------------- the in-house register


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
    """Approved in-house households, places and free places for each category, in one pass (free places
    by matching's one rule: places held back as "not available" are not free)."""
    H = Household.__table__
    free = capacity.free_places_now_sql(H, today)
    cols = []
    for key, cond in register_conditions().items():
        cols += [sa.func.sum(sa.case((cond, 1), else_=0)).label(column_name("h", key)),
                 sa.func.sum(sa.case((cond, H.c.places), else_=0)).label(column_name("p", key)),
                 sa.func.sum(sa.case((cond, free), else_=0)).label(column_name("f", key))]
    cols += [sa.func.count().label("h_all"), sa.func.sum(H.c.places).label("p_all"), sa.func.sum(free).label("f_all")]
    stmt = sa.select(*cols).where(*in_house_approved(team_id))
    return stmt


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


def register_by_district(team_id: int | None, today: dt.date | None = None) -> sa.Select:
    H = Household.__table__
    free = capacity.free_places_now_sql(H, today)
    return (sa.select(Place.district, sa.func.count(), sa.func.sum(H.c.places), sa.func.sum(free))
            .select_from(H).join(Place, Place.id == H.c.place_id).where(*in_house_approved(team_id))
            .group_by(Place.district))
