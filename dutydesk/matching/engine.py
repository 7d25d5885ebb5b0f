"""The matching engine: every household ranked or excluded, with reasons, in one pass.

Speed (50,000 households in well under a second) comes from:

* one Core ``SELECT`` of plain columns (no ORM objects), with the EnumSet columns
  read as raw integers and the hard rules tested as bits by the database itself:
  each row arrives with a rule mask, 0 meaning eligible;
* placements and unavailable periods overlapping the dates pre-aggregated per
  household with ``GROUP BY`` and joined in, never a query per household;
* distance computed once per place (a few dozen), not per household;
* experience and continuity from aggregate queries over the placements with the
  needs or children in question only;
* reasons kept as a bit mask plus the row they came from, labelled only when shown.

No Textual here: the finder, the command line and saved searches call ``match``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import Integer, String, type_coerce
from sqlmodel import Session

from db.enums import Gender, GenderTerms, PlacementType
from db.models import Child, Household, Place, Placement, UnavailablePeriod
from db.models.base import bit_of
from dutydesk import clock
from dutydesk.matching import rules as R
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.factors import Contribution, Inputs, contributions, top_reasons
from dutydesk.matching.weights import Weights, load_weights
from dutydesk.places import haversine_km

H = Household.__table__
PL = Placement.__table__
U = UnavailablePeriod.__table__
C = Child.__table__

# Open-ended requests look this far ahead for declared breaks and holidays.
UNAVAILABLE_HORIZON_DAYS = 14
# Warnings (bits): shown on a ranked household, never silently dropped.
W_DBS = 1
W_REVIEW = 2
W_APPROVAL_ENDS = 4
W_ALLEGATION = 8
WARNING_TITLES = {W_DBS: "DBS lapsed", W_REVIEW: "review overdue", W_APPROVAL_ENDS: "approval ends", W_ALLEGATION: "allegation open"}

# Column positions in the candidate rows (read by index for speed). The first
# block is fetched for every household; the details (for rule labels) only for
# the households being explained.
I_ID, I_REF, I_NAME, I_KIND, I_MASK, I_PLACE, I_FREE, I_LOAD, I_VACANT, I_WARN, I_LANG, I_REL, I_ETH = range(13)
D_ID, D_STATUS, D_PLACES, D_LOAD, D_FREE, D_AGEMIN, D_AGEMAX, D_GENDER, D_SPECS, D_OTHERS, D_EXPIRES, D_UNAV, \
    D_PLACE, D_MASK = range(14)


class Ranked(NamedTuple):
    household_id: int
    reference: str
    name: str
    kind: str
    score: float
    inputs: Inputs
    free: int
    warnings: int  # bits: W_DBS, W_REVIEW, W_APPROVAL_ENDS, W_ALLEGATION


class Excluded(NamedTuple):
    household_id: int
    reference: str
    name: str
    kind: str
    mask: int  # the failed rules' bits (rules.RULES)

    @property
    def codes(self) -> list[str]:
        return R.codes_of(self.mask)


class _Lazy(Sequence):
    """A list of raw entries shown as view tuples only when read (50,000 tuples cost time)."""

    __slots__ = ("_items", "_make")

    def __init__(self, items: list, make: Callable[[Any], Any]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._make(x) for x in self._items[i]]
        return self._make(self._items[i])

    def __iter__(self) -> Iterator[Any]:
        make = self._make
        for x in self._items:
            yield make(x)

    def raw(self) -> list:
        return self._items


@dataclass
class _Context:
    """What the factors need besides the row, kept to rebuild a household's inputs when shown."""

    km_by_place: dict[int, float]
    experience: dict[int, int]
    child_homes: set[int]
    sibling_homes: set[int]
    alleged: set[int]
    today_ordinal: int
    with_details: bool = False


class MatchResult:
    """Ranked households (best first; ties by reference) and excluded households (by reference)."""

    def __init__(self, criteria: MatchCriteria, weights: Weights, today: dt.date,
                 ranked_raw: list[tuple[float, str, Any]], excluded_raw: list[tuple[str, int, Any]],
                 ctx: _Context) -> None:
        self.criteria = criteria
        self.weights = weights
        self.today = today
        self.ctx = ctx
        # Raw entries lead with their sort key, so a plain sort() orders them (no key function):
        self._ranked_raw = ranked_raw  # (-score, reference, row), sorted
        self._excluded_raw = excluded_raw  # (reference, mask, row), unsorted until read
        self._excluded_sorted = False
        self._ranked_index: dict[int, int] | None = None
        self._excluded_index: dict[int, int] | None = None
        self.ranked = _Lazy(ranked_raw, self._make_ranked)
        self._excluded = _Lazy(excluded_raw, self._make_excluded)

    @property
    def excluded(self) -> _Lazy:
        if not self._excluded_sorted:
            self._excluded_raw.sort()  # by reference (unique: the rest is never compared)
            self._excluded_sorted = True
            self._excluded_index = None
        return self._excluded

    @property
    def km_by_place(self) -> dict[int, float]:
        return self.ctx.km_by_place

    @property
    def total(self) -> int:
        return len(self._ranked_raw) + len(self._excluded_raw)

    def _make_ranked(self, item: tuple[float, str, Any]) -> Ranked:
        neg, _ref, row = item
        inputs = self._inputs(row)
        warn = row[I_WARN] | (W_ALLEGATION if row[I_ID] in self.ctx.alleged else 0)
        return Ranked(row[I_ID], row[I_REF], row[I_NAME], row[I_KIND], -neg, inputs, row[I_FREE], warn)

    @staticmethod
    def _make_excluded(item: tuple[str, int, Any]) -> Excluded:
        _ref, mask, row = item
        return Excluded(row[I_ID], row[I_REF], row[I_NAME], row[I_KIND], mask)

    def _inputs(self, row: Any) -> Inputs:
        c, ctx, hid = self.criteria, self.ctx, row[I_ID]
        km = ctx.km_by_place.get(row[I_PLACE]) if (ctx.km_by_place and row[I_PLACE] is not None) else None
        vs = row[I_VACANT]
        vdays = max(0, ctx.today_ordinal - _ordinal(vs)) if vs is not None else None
        return Inputs(
            km=km,
            experience=ctx.experience.get(hid, 0),
            language=_speaks(row[I_LANG], c.language) if c.language else None,
            religion=((row[I_REL] or "").lower() == c.religion) if c.religion else None,
            culture=((row[I_ETH] or "").lower() == c.ethnicity) if c.ethnicity else None,
            continuity_child=hid in ctx.child_homes,
            continuity_sibling=hid in ctx.sibling_homes,
            vacant_days=vdays,
            kind=row[I_KIND],
            load=row[I_LOAD],
        )

    # -- explanations (made only when asked) -----------------------------
    def contributions(self, r: Ranked) -> list[Contribution]:
        c = self.criteria
        return contributions(r.inputs, self.weights, c.near_label, c.language, c.religion)

    def top_reasons(self, r: Ranked, n: int = 2) -> list[Contribution]:
        return top_reasons(self.contributions(r), n)

    def explain(self, session: Session, excluded: Iterable[Excluded]) -> dict[int, list[tuple[str, Any]]]:
        """Every hard rule each household failed, as (code, detail), in display order.

        The details (age range, places taken ...) are read in one query for just
        these households, with the same SQL the match used.
        """
        items = list(excluded)
        if not items:
            return {}
        details = household_details(session, self.criteria, self.today, [e.household_id for e in items])
        getters = _arg_getters(self.criteria, self.ctx.km_by_place)
        out = {}
        for e in items:
            d = details.get(e.household_id)
            out[e.household_id] = [(code, getters[code](d) if d else None) for code in R.codes_of(e.mask)]
        return out

    def explain_all(self, session: Session) -> dict[int, tuple[tuple[str, Any], ...]]:
        """Every excluded household's rules with details (read with the match when it ran
        ``with_details``, else in one more query over all households)."""
        km = self.ctx.km_by_place
        crit = self.criteria
        if self.ctx.with_details:
            get = None
        else:
            details = household_details(session, self.criteria, self.today, None)
            get = details.get
        out = {}
        getters = _arg_getters(crit, km)
        codes_cache: dict[int, list[tuple[str, Callable[[Any], Any]]]] = {}
        for _ref, mask, row in self._excluded_raw:
            d = row[DETAILS_AT:] if get is None else get(row[I_ID])
            pairs = codes_cache.get(mask)
            if pairs is None:
                pairs = codes_cache[mask] = [(code, getters[code]) for code in R.codes_of(mask)]
            if d is None:
                out[row[I_ID]] = tuple((code, None) for code, _g in pairs)
            else:
                out[row[I_ID]] = tuple([(code, g(d)) for code, g in pairs])
        return out

    def rank_of(self, household_id: int) -> int | None:
        if self._ranked_index is None:
            self._ranked_index = {item[2][I_ID]: i for i, item in enumerate(self._ranked_raw)}
        i = self._ranked_index.get(household_id)
        return None if i is None else i + 1

    def ranked_for(self, household_id: int) -> Ranked | None:
        rank = self.rank_of(household_id)
        return None if rank is None else self.ranked[rank - 1]

    def excluded_for(self, household_id: int) -> Excluded | None:
        if self._excluded_index is None:
            self._excluded_index = {item[2][I_ID]: i for i, item in enumerate(self._excluded_raw)}
        i = self._excluded_index.get(household_id)
        return None if i is None else self._make_excluded(self._excluded_raw[i])

    def rule_counts(self) -> dict[str, int]:
        """How many households each rule excluded (a household may fail several)."""
        counts: dict[int, int] = {}
        for _ref, mask, _row in self._excluded_raw:
            counts[mask] = counts.get(mask, 0) + 1
        out = {r.code: 0 for r in R.RULES}
        for mask, n in counts.items():
            for rule in R.RULES:
                if mask & rule.bit:
                    out[rule.code] += n
        return {k: v for k, v in out.items() if v}


def _ordinal(value: Any) -> int:
    """A date column read raw: a string on SQLite, a date on PostgreSQL."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).toordinal()
    return value.toordinal()


def _speaks(languages: str | None, lang: str) -> bool:
    langs = languages or ""
    return lang in langs.lower() and lang in [x.strip() for x in langs.lower().split(",")]


def warning_labels(bits: int, expires: dt.date | None = None) -> list[str]:
    out = []
    if bits & W_DBS:
        out.append("DBS check lapsed: renew it before placing")
    if bits & W_REVIEW:
        out.append("Annual review overdue")
    if bits & W_APPROVAL_ENDS:
        out.append(f"Temporary approval ends {expires:%d %b %Y}, before the dates end" if expires
                   else "Temporary approval ends before the dates end")
    if bits & W_ALLEGATION:
        out.append("An allegation is open")
    return out


def _as_date(value: Any) -> dt.date | None:
    """A date column read raw: a string on SQLite, a date on PostgreSQL."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _unav_arg(d: Any) -> Any:
    n = d[D_UNAV] or 0
    return f"{n} declared period{'s' if n != 1 else ''}" if n else None


def _younger_arg(d: Any) -> Any:
    return d[D_OTHERS] or None


def _arg_getters(c: MatchCriteria, km_by_place: dict[int, float] | None) -> dict[str, Callable[[Any], Any]]:
    """For each rule, how to read its detail (for the label) from a details row."""
    ptype = c.placement_type.value if c.placement_type else None
    need = c.need_mask
    wanted = c.places_needed
    km = km_by_place or {}

    def distance(d: Any) -> Any:
        pid = d[D_PLACE]
        value = km.get(pid) if pid is not None else None
        return round(value, 1) if value is not None else None

    def expired(d: Any) -> Any:
        exp = _as_date(d[D_EXPIRES])
        return exp.isoformat() if exp else None

    return {
        "status": lambda d: d[D_STATUS],
        "expired": expired,
        "connected": lambda d: None,
        "unavailable": _unav_arg,
        "vacancy": lambda d: (d[D_PLACES], d[D_LOAD]),
        "siblings": lambda d: (d[D_FREE], wanted),
        "age": lambda d: (d[D_AGEMIN], d[D_AGEMAX]),
        "gender": lambda d: d[D_GENDER],
        "type": lambda d: ptype,
        "needs": lambda d: need & ~(d[D_SPECS] or 0),
        "wheelchair": lambda d: None,
        "others": lambda d: None,
        "younger": _younger_arg,
        "pets": lambda d: None,
        "smoker": lambda d: None,
        "distance": distance,
    }


def _rule_arg(code: str, d: Any, c: MatchCriteria, km_by_place: dict[int, float] | None = None) -> Any:
    return _arg_getters(c, km_by_place)[code](d)


def _other_ages(text: str | None) -> list[int]:
    out = []
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdigit():
            out.append(int(part))
    return out


# ---------------------------------------------------------------------------
# SQL
# ---------------------------------------------------------------------------

def _window(c: MatchCriteria) -> tuple[dt.date, dt.date | None, dt.date]:
    """(from, until or None for open-ended, end of the window for declared unavailability)."""
    unav_end = c.until_on or (c.from_on + dt.timedelta(days=UNAVAILABLE_HORIZON_DAYS - 1))
    return c.from_on, c.until_on, unav_end


def overlapping_placements(from_on: dt.date, until_on: dt.date | None, today: dt.date) -> sa.ColumnElement[bool]:
    """Placements that hold a place at some time in [from_on, until_on].

    A placement holds its place from ``starts_on`` until it has ``ended_on`` (the
    child left that day, so the place is free again that day). A placement not
    yet ended holds its place until its ``planned_end_on`` if that is still
    ahead; one whose planned end has passed without ending still holds it.
    """
    cond = [
        sa.or_(
            sa.and_(PL.c.ended_on.is_not(None), PL.c.ended_on > from_on),
            sa.and_(
                PL.c.ended_on.is_(None),
                sa.or_(PL.c.planned_end_on.is_(None), PL.c.planned_end_on <= today, PL.c.planned_end_on > from_on),
            ),
        )
    ]
    if until_on is not None:
        cond.append(PL.c.starts_on <= until_on)
    return sa.and_(*cond)


def _gender_rule(genders: tuple[Gender, ...]) -> sa.ColumnElement[bool] | None:
    if not genders:
        return None
    g = set(genders)
    if g == {Gender.FEMALE}:
        allowed = [GenderTerms.ANY.value, GenderTerms.FEMALE.value]
    elif g == {Gender.MALE}:
        allowed = [GenderTerms.ANY.value, GenderTerms.MALE.value]
    else:  # mixed group, non-binary or not known: only households approved for any gender
        allowed = [GenderTerms.ANY.value]
    return type_coerce(H.c.gender_terms, String).not_in(allowed)


def _parts(c: MatchCriteria, today: dt.date, km_by_place: dict[int, float], continuity_ids: Iterable[int] = (),
           household_ids: list[int] | None = None):
    """The FROM clause and the computed expressions shared by the match and the details.

    ``household_ids`` narrows the placement and period aggregates to those households
    (the profile and the finder's page ask about a few, not 50,000)."""
    from_on, until_on, unav_end = _window(c)
    occ_where = overlapping_placements(from_on, until_on, today)
    if c.request_id is not None:
        # A placement made for this very request is its outcome, not a reason against it.
        occ_where = sa.and_(occ_where, sa.or_(PL.c.request_id.is_(None), PL.c.request_id != c.request_id))
    unav_where = sa.and_(U.c.starts_on <= unav_end, U.c.ends_on >= from_on)
    if household_ids is not None:
        occ_where = sa.and_(occ_where, PL.c.household_id.in_(household_ids))
        unav_where = sa.and_(unav_where, U.c.household_id.in_(household_ids))
    occ = (
        sa.select(PL.c.household_id.label("hid"), sa.func.count().label("n"))
        .where(occ_where)
        .group_by(PL.c.household_id)
        .subquery("occ")
    )
    unav = (
        sa.select(U.c.household_id.label("hid"), sa.func.count().label("n"))
        .where(unav_where)
        .group_by(U.c.household_id)
        .subquery("unav")
    )
    occ_n = sa.func.coalesce(occ.c.n, 0)
    # For dates starting today or before, the atomic counter the placement service
    # moves is authoritative too: never show a place it would refuse.
    if from_on <= today:
        load = sa.case((H.c.occupied_places > occ_n, H.c.occupied_places), else_=occ_n)
    else:
        load = occ_n
    free = H.c.places - load
    kind = type_coerce(H.c.kind, String)
    status = type_coerce(H.c.status, String)
    specs = type_coerce(H.c.specialisms, Integer)
    ptypes = type_coerce(H.c.placement_types, Integer)

    checks: list[tuple[sa.ColumnElement[bool], int]] = [(status != "approved", R.BIT["status"])]
    checks.append((sa.and_(kind == "connected_person", H.c.approval_expires_on.is_not(None),
                           H.c.approval_expires_on < from_on), R.BIT["expired"]))
    cont = sorted(set(continuity_ids))
    if cont:
        checks.append((sa.and_(kind == "connected_person", H.c.id.not_in(cont)), R.BIT["connected"]))
    else:
        checks.append((kind == "connected_person", R.BIT["connected"]))
    checks.append((unav.c.n.is_not(None), R.BIT["unavailable"]))
    checks.append((free <= 0, R.BIT["vacancy"]))
    if c.places_needed > 1:
        checks.append((sa.and_(free > 0, free < c.places_needed), R.BIT["siblings"]))
    if c.ages:
        checks.append((sa.or_(H.c.age_min > min(c.ages), H.c.age_max < max(c.ages)), R.BIT["age"]))
    g = _gender_rule(c.genders)
    if g is not None:
        checks.append((g, R.BIT["gender"]))
    if c.placement_type is not None:
        checks.append((ptypes.op("&")(bit_of(c.placement_type)) == 0, R.BIT["type"]))
    need = c.need_mask
    if need:
        checks.append((specs.op("&")(need) != need, R.BIT["needs"]))
    if c.wheelchair:
        checks.append((H.c.wheelchair_access.is_(False), R.BIT["wheelchair"]))
    if c.no_other_children:
        checks.append((H.c.other_children_ages != "", R.BIT["others"]))
    if c.no_younger_children and c.ages and min(c.ages) > 0:
        # Own children's ages are stored "3,7": look for any age below the youngest child's.
        ages = sa.literal(",") + sa.func.replace(H.c.other_children_ages, " ", "") + sa.literal(",")
        checks.append((sa.or_(*[ages.like(f"%,{a},%") for a in range(min(c.ages))]), R.BIT["younger"]))
    if c.no_pets:
        checks.append((H.c.pets.is_(True), R.BIT["pets"]))
    if c.no_smokers:
        checks.append((H.c.smoker.is_(True), R.BIT["smoker"]))
    if c.max_distance_km is not None and c.near_place_id is not None:
        near_ok = sorted(pid for pid, km in km_by_place.items() if km <= c.max_distance_km)
        checks.append((sa.or_(H.c.place_id.is_(None), H.c.place_id.not_in(near_ok or [-1])), R.BIT["distance"]))

    mask = sum((sa.case((cond, bit), else_=0) for cond, bit in checks), sa.literal(0))
    warn = (
        sa.case((sa.and_(H.c.dbs_expires_on.is_not(None), H.c.dbs_expires_on < today), W_DBS), else_=0)
        + sa.case((sa.and_(H.c.annual_review_due.is_not(None), H.c.annual_review_due < today), W_REVIEW), else_=0)
        + sa.case((sa.and_(H.c.approval_expires_on.is_not(None),
                           H.c.approval_expires_on < until_on if until_on else sa.true()), W_APPROVAL_ENDS), else_=0)
    )
    source = H.outerjoin(occ, occ.c.hid == H.c.id).outerjoin(unav, unav.c.hid == H.c.id)
    return source, dict(mask=mask, warn=warn, free=free, load=load, kind=kind, status=status, specs=specs,
                        unav=unav.c.n)


def candidate_select(c: MatchCriteria, today: dt.date, km_by_place: dict[int, float],
                     continuity_ids: Iterable[int] = (), *, household_ids: Iterable[int] | None = None,
                     with_details: bool = False, ranked_only: bool = False) -> sa.Select:
    """The one query: every household with its free places for the dates and its rule mask (0: eligible).

    ``with_details`` adds the columns the rule labels need (laid out as ``details_select``'s,
    from position 13), for saving a search without a second pass."""
    ids = None if household_ids is None else sorted(set(household_ids))
    source, x = _parts(c, today, km_by_place, continuity_ids, ids)
    cols = [
        H.c.id, H.c.reference, H.c.name, x["kind"], x["mask"].label("mask"), H.c.place_id,
        x["free"].label("free"), x["load"].label("load"), type_coerce(H.c.vacant_since, String), x["warn"].label("warn"),
        H.c.languages if c.language else sa.null(), H.c.religion if c.religion else sa.null(),
        H.c.ethnicity if c.ethnicity else sa.null(),
    ]
    if with_details:
        cols += _detail_columns(x)
    stmt = sa.select(*cols).select_from(source)
    if ids is not None:
        stmt = stmt.where(H.c.id.in_(ids))
    if ranked_only:
        stmt = stmt.where(x["mask"] == 0)
    return stmt


def _text(expr: Any) -> Any:
    return sa.cast(expr, String)


def excluded_reasons_select(c: MatchCriteria, today: dt.date, km_by_place: dict[int, float],
                            continuity_ids: Iterable[int], search_id: int) -> sa.Select:
    """(search_id, household_id, rank, score, reasons) for every excluded household, the reasons
    JSON built by the database itself (``{"x": [[code, detail], ...]}``, as ``saved.parse_reasons``
    reads), so saving 50,000 exclusions needs no Python per household."""
    source, x = _parts(c, today, km_by_place, continuity_ids)
    # Materialised once, so the database does not recompute the rule mask for every fragment.
    cand = (
        sa.select(H.c.id.label("id"), x["mask"].label("m"), x["status"].label("status"),
                  _text(H.c.approval_expires_on).label("expires"), x["unav"].label("unav"),
                  H.c.places.label("places"), x["load"].label("load"), x["free"].label("free"),
                  H.c.age_min.label("age_min"), H.c.age_max.label("age_max"),
                  type_coerce(H.c.gender_terms, String).label("gender"), x["specs"].label("specs"),
                  H.c.other_children_ages.label("others"), H.c.place_id.label("place_id"))
        .select_from(source)
        .cte("cand")
        .prefix_with("MATERIALIZED")
    )
    k = cand.c
    lit = sa.literal
    ptype = c.placement_type.value if c.placement_type else None
    need = c.need_mask
    km_case = sa.case(*[(k.place_id == pid, lit(f"{km:.1f}")) for pid, km in sorted(km_by_place.items())],
                      else_=lit("null")) if km_by_place else lit("null")
    detail: dict[str, Any] = {
        "status": lit('["status","') + k.status + lit('"]'),
        "expired": lit('["expired","') + sa.func.coalesce(k.expires, "") + lit('"]'),
        "connected": lit('["connected"]'),
        "unavailable": lit('["unavailable","') + _text(sa.func.coalesce(k.unav, 0))
        + sa.case((k.unav == 1, lit(' declared period"]')), else_=lit(' declared periods"]')),
        "vacancy": lit('["vacancy",[') + _text(k.places) + lit(",") + _text(k.load) + lit("]]"),
        "siblings": lit('["siblings",[') + _text(k.free) + lit(f",{c.places_needed}]]"),
        "age": lit('["age",[') + _text(k.age_min) + lit(",") + _text(k.age_max) + lit("]]"),
        "gender": lit('["gender","') + k.gender + lit('"]'),
        "type": lit(f'["type","{ptype}"]' if ptype else '["type"]'),
        "needs": lit('["needs",') + _text(lit(need) - k.specs.op("&")(need)) + lit("]"),
        "wheelchair": lit('["wheelchair"]'),
        "others": lit('["others"]'),
        "younger": lit('["younger","') + sa.func.replace(k.others, '"', "") + lit('"]'),
        "pets": lit('["pets"]'),
        "smoker": lit('["smoker"]'),
        "distance": lit('["distance",') + km_case + lit("]"),
    }
    parts = [sa.case((k.m.op("&")(rule.bit) != 0, detail[rule.code] + lit(",")), else_=lit(""))
             for rule in R.RULES]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined + p
    reasons = lit('{"x":[') + sa.func.rtrim(joined, ",") + lit("]}")
    return sa.select(lit(search_id), k.id, sa.null(), sa.null(), reasons).where(k.m != 0)


def _detail_columns(x: dict[str, Any]) -> list[Any]:
    return [
        H.c.id, x["status"], H.c.places, x["load"], x["free"], H.c.age_min, H.c.age_max,
        type_coerce(H.c.gender_terms, String), x["specs"], H.c.other_children_ages,
        type_coerce(H.c.approval_expires_on, String), x["unav"], H.c.place_id, x["mask"],
    ]


DETAILS_AT = 13


def details_select(c: MatchCriteria, today: dt.date, household_ids: Iterable[int] | None) -> sa.Select:
    """What the rule labels need (status, places taken, terms ...), for the households being explained."""
    ids = None if household_ids is None else sorted(set(household_ids))
    source, x = _parts(c, today, {}, (), ids)
    stmt = sa.select(*_detail_columns(x)).select_from(source)
    if ids is not None:
        stmt = stmt.where(H.c.id.in_(ids))
    return stmt


def household_details(session: Session, c: MatchCriteria, today: dt.date,
                      household_ids: Iterable[int] | None) -> dict[int, Any]:
    ids = None if household_ids is None else list(household_ids)
    out: dict[int, Any] = {}
    if ids is not None and len(ids) > 500:
        for i in range(0, len(ids), 500):
            out.update(household_details(session, c, today, ids[i:i + 500]))
        return out
    for row in session.execute(details_select(c, today, ids)):
        out[row[0]] = row
    return out


def floor_select(c: MatchCriteria | None = None) -> sa.Select:
    """The floor for the benchmark: the bare SQL fetching the same candidate rows and
    columns as ``candidate_select`` (no aggregates, no rule tests)."""
    return sa.select(
        H.c.id, H.c.reference, H.c.name, type_coerce(H.c.kind, String), type_coerce(H.c.status, String),
        H.c.place_id, H.c.places, H.c.occupied_places, type_coerce(H.c.vacant_since, String), H.c.id,
        H.c.languages if c is not None and c.language else sa.null(),
        H.c.religion if c is not None and c.religion else sa.null(),
        H.c.ethnicity if c is not None and c.ethnicity else sa.null(),
    )


def place_distances(session: Session, near_place_id: int | None) -> dict[int, float]:
    if near_place_id is None:
        return {}
    rows = session.execute(sa.select(Place.id, Place.latitude, Place.longitude)).all()
    origin = next((r for r in rows if r[0] == near_place_id), None)
    if origin is None:
        return {}
    return {pid: haversine_km(origin[1], origin[2], lat, lon) for pid, lat, lon in rows}


def experience_counts(session: Session, need_mask: int, today: dt.date) -> dict[int, int]:
    """Placements (begun by today) of children with any of the needed specialisms, per household."""
    if not need_mask:
        return {}
    # The children with the needs first (a scan of one table), then their placements by
    # child: not every placement joined to its child (80,000 row lookups on a big county).
    needy = sa.select(C.c.id).where(type_coerce(C.c.needs, Integer).op("&")(need_mask) != 0)
    stmt = (
        sa.select(PL.c.household_id, sa.func.count())
        .where(PL.c.child_id.in_(needy), PL.c.starts_on <= today)
        .group_by(PL.c.household_id)
    )
    return dict(session.execute(stmt).all())


def continuity(session: Session, child_ids: tuple[int, ...], family_keys: tuple[str, ...]) -> tuple[set[int], set[int]]:
    """(households the child has lived with, households a sibling lives or lived with)."""
    child_homes: set[int] = set()
    sibling_homes: set[int] = set()
    if child_ids:
        child_homes = set(session.execute(
            sa.select(PL.c.household_id).where(PL.c.child_id.in_(child_ids)).distinct()).scalars())
    if family_keys:
        stmt = (
            sa.select(PL.c.household_id).select_from(PL.join(C, C.c.id == PL.c.child_id))
            .where(C.c.family_key.in_(family_keys))
        )
        if child_ids:
            stmt = stmt.where(PL.c.child_id.not_in(child_ids))
        sibling_homes = set(session.execute(stmt.distinct()).scalars())
    return child_homes, sibling_homes


def open_allegations(session: Session, household_ids: Iterable[int] | None = None) -> set[int]:
    from db.models import Allegation

    stmt = sa.select(Allegation.household_id).where(type_coerce(Allegation.status, String) == "open").distinct()
    return set(session.execute(stmt).scalars())


# ---------------------------------------------------------------------------
# The match
# ---------------------------------------------------------------------------

def match(session: Session, criteria: MatchCriteria, *, weights: Weights | None = None,
          today: dt.date | None = None, household_ids: Iterable[int] | None = None,
          with_details: bool = False, ranked_only: bool = False) -> MatchResult:
    """Rank every household that passes the hard rules; keep every other with its failed rules.

    ``ranked_only`` leaves the excluded households in the database (for saving a search,
    whose exclusions are written by ``excluded_reasons_select`` without passing through Python)."""
    w = weights or load_weights()
    today = today or clock.today()
    c = criteria
    km_by_place = place_distances(session, c.near_place_id)
    child_homes, sibling_homes = continuity(session, c.child_ids, c.family_keys)
    exp = experience_counts(session, c.need_mask, today)
    alleged = open_allegations(session)
    stmt = candidate_select(c, today, km_by_place, child_homes | sibling_homes, household_ids=household_ids,
                            with_details=with_details, ranked_only=ranked_only)
    # Plain tuples straight from the driver: every column here is an int, a string or
    # NULL (dates are read as text), so SQLAlchemy's row objects would only add cost.
    cursor_result = session.execute(stmt)
    rows = cursor_result.cursor.fetchall()
    cursor_result.close()

    ranked: list[tuple[float, str, Any]] = []
    excluded: list[tuple[str, int, Any]] = []
    r_append = ranked.append
    x_append = excluded.append

    # Weights and flags as locals for the loop; the same arithmetic as factors.contributions
    # (a test holds every score to the sum of its shown contributions).
    d_points, d_reach, d_floor = w.distance_points, w.distance_reach_km, w.distance_floor
    e_per, e_cap = w.experience_per_placement, w.experience_cap
    lang_w, rel_w, cult_w = w.language_match, w.religion_match, w.culture_match
    cc_w, cs_w = w.continuity_child, w.continuity_sibling
    v_per, v_cap = w.vacancy_per_day, w.vacancy_cap_days
    kind_w = {"in_house": w.kind_in_house, "connected_person": w.kind_connected_person, "ifa": w.kind_ifa}
    load_w = w.load_per_child
    lang, rel, eth = c.language, c.religion, c.ethnicity
    use_km = bool(km_by_place)
    ordinal = today.toordinal()
    vdays_of: dict[Any, int] = {}  # vacant_since as read -> days empty (a few hundred distinct dates)

    for row in rows:
        m = row[4]
        hid = row[0]
        if m:
            x_append((row[1], m, row))
            continue
        score = 0.0
        if use_km:
            km = km_by_place.get(row[5])
            if km is not None:
                dp = d_points * (1.0 - km / d_reach) if d_reach > 0 else 0.0
                score += dp if dp > d_floor else d_floor
        if exp:
            n_exp = exp.get(hid, 0)
            if n_exp:
                score += e_per * (n_exp if n_exp < e_cap else e_cap)
        if lang and _speaks(row[10], lang):
            score += lang_w
        if rel and (row[11] or "").lower() == rel:
            score += rel_w
        if eth and (row[12] or "").lower() == eth:
            score += cult_w
        if hid in child_homes:
            score += cc_w
        if hid in sibling_homes:
            score += cs_w
        vs = row[8]
        if vs is not None:
            vdays = vdays_of.get(vs)
            if vdays is None:
                vdays = vdays_of[vs] = ordinal - _ordinal(vs)
            if vdays > 0:
                score += v_per * (vdays if vdays < v_cap else v_cap)
        score += kind_w.get(row[3], 0.0) + load_w * row[7]
        r_append((-round(score, 2), row[1], row))

    # Ties in score are broken by household reference (unique, so rows are never compared).
    ranked.sort()
    ctx = _Context(km_by_place, exp, child_homes, sibling_homes, alleged, ordinal, with_details)
    return MatchResult(c, w, today, ranked, excluded, ctx)

