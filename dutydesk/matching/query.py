"""The matching query: every household with its free places for the dates and its rule mask.

One Core ``SELECT`` of plain columns (no ORM objects), with the EnumSet columns
read as raw integers and the hard rules tested as bits by the database itself:
each row arrives with a rule mask, 0 meaning eligible. Placements and unavailable
periods overlapping the dates are pre-aggregated per household with ``GROUP BY``
and joined in, never a query per household. The same parts build the details the
rule labels need (``details_select``, which ``dutydesk.carers.availability`` reads
too, so availability and matching always agree) and the exclusions a saved search
stores (``excluded_reasons_select``, JSON made by the database).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Integer, String, type_coerce
from sqlmodel import Session

from db.enums import Gender, GenderTerms
from db.models import Child, Household, Placement, UnavailablePeriod
from db.models.base import bit_of
from dutydesk.child_limits import USUAL_LIMIT
from dutydesk.matching import capacity
from dutydesk.matching import rules as R
from dutydesk.matching.criteria import MatchCriteria

H = Household.__table__
PL = Placement.__table__
U = UnavailablePeriod.__table__
C = Child.__table__

# Open-ended requests look this far ahead for declared breaks and holidays.
UNAVAILABLE_HORIZON_DAYS = 14
# Warnings (bits), computed by the query: shown on a ranked household, never silently dropped.
W_DBS = 1
W_REVIEW = 2
W_APPROVAL_ENDS = 4
W_ALLEGATION = 8
W_USUAL_LIMIT = 16  # over the usual limit and not all siblings: a proposal needs an exemption

# Column positions in the candidate rows (read by index for speed). The first
# block is fetched for every household; the details (for rule labels) only for
# the households being explained.
I_ID, I_REF, I_NAME, I_KIND, I_MASK, I_PLACE, I_FREE, I_LOAD, I_VACANT, I_WARN, I_LANG, I_REL, I_ETH = range(13)
D_ID, D_STATUS, D_PLACES, D_LOAD, D_FREE, D_AGEMIN, D_AGEMAX, D_GENDER, D_SPECS, D_OTHERS, D_EXPIRES, D_UNAV, \
    D_PLACE, D_MASK, D_HELD = range(15)



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
        sa.select(U.c.household_id.label("hid"), sa.func.count().label("n"),
                  # The break itself, for the rule's words: "n|kind|first day|last day" (the first kind).
                  (_text(sa.func.count()) + sa.literal("|") + _text(sa.func.min(type_coerce(U.c.kind, String)))
                   + sa.literal("|") + _text(sa.func.min(U.c.starts_on)) + sa.literal("|")
                   + _text(sa.func.max(U.c.ends_on))).label("what"))
        .where(unav_where)
        .group_by(U.c.household_id)
        .subquery("unav")
    )
    occ_n = sa.func.coalesce(occ.c.n, 0)
    # For dates starting today or before, the atomic counter the placement service
    # moves is authoritative too: never show a place it would refuse.
    if from_on <= today:
        load = capacity.counter_or_overlapping(H, occ_n)
    else:
        load = occ_n
    held = capacity.held_back_sql(H, from_on)
    free = capacity.free_places_sql(H, load) - held
    kind = type_coerce(H.c.kind, String)
    status = type_coerce(H.c.status, String)
    specs = type_coerce(H.c.specialisms, Integer)
    ptypes = type_coerce(H.c.placement_types, Integer)

    checks: list[tuple[sa.ColumnElement[bool], int]] = [(status != capacity.APPROVED, R.BIT["status"])]
    # Ended before the first day a child could go there (never before today): the proposal's own test.
    checks.append((sa.and_(kind == "connected_person", H.c.approval_expires_on.is_not(None),
                           H.c.approval_expires_on < max(from_on, today)), R.BIT["expired"]))
    cont = sorted(set(continuity_ids))
    if cont:
        checks.append((sa.and_(kind == "connected_person", H.c.id.not_in(cont)), R.BIT["connected"]))
    else:
        checks.append((kind == "connected_person", R.BIT["connected"]))
    checks.append((unav.c.n.is_not(None), R.BIT["unavailable"]))
    checks.append((free <= 0, R.BIT["vacancy"]))
    if c.places_needed > 1:
        checks.append((sa.and_(free > 0, free < c.places_needed), R.BIT["siblings"]))
    ages = c.term_ages
    if ages:
        checks.append((sa.or_(H.c.age_min > min(ages), H.c.age_max < max(ages)), R.BIT["age"]))
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
        sa.case((_over_usual_limit(c, load, occ_where), W_USUAL_LIMIT), else_=0)
        + sa.case((sa.and_(H.c.dbs_expires_on.is_not(None), H.c.dbs_expires_on < today), W_DBS), else_=0)
        + sa.case((sa.and_(H.c.annual_review_due.is_not(None), H.c.annual_review_due < today), W_REVIEW), else_=0)
        + sa.case((sa.and_(H.c.approval_expires_on.is_not(None),
                           H.c.approval_expires_on < until_on if until_on else sa.true()), W_APPROVAL_ENDS), else_=0)
    )
    source = H.outerjoin(occ, occ.c.hid == H.c.id).outerjoin(unav, unav.c.hid == H.c.id)
    return source, dict(mask=mask, warn=warn, free=free, load=load, kind=kind, status=status, specs=specs,
                        unav=unav.c.what, held=held)


def _over_usual_limit(c: MatchCriteria, load: Any, occ_where: Any) -> sa.ColumnElement[bool]:
    """More children than the usual limit once these are placed, and not all siblings: every child
    of the request and every child placed there (for the dates) of the one family."""
    over = load + c.children > USUAL_LIMIT
    if c.sibling_key is None:
        return over
    siblings = (sa.select(sa.func.count()).select_from(PL.join(C, C.c.id == PL.c.child_id))
                .where(occ_where, PL.c.household_id == H.c.id, C.c.family_key == c.sibling_key)
                .scalar_subquery())
    return sa.and_(over, load > siblings)


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
        "unavailable": lit('["unavailable","') + sa.func.coalesce(k.unav, "") + lit('"]'),
        "vacancy": lit('["vacancy",[') + _text(k.places) + lit(",") + _text(k.load) + lit("]]"),
        "siblings": lit('["siblings",[') + _text(k.free) + lit(f",{c.places_needed}"
                                                             + (',"parent_and_child"]]' if c.parent_and_child else "]]")),
        "age": lit('["age",[') + _text(k.age_min) + lit(",") + _text(k.age_max) + _failing_json(
            [(sa.or_(k.age_min > a, k.age_max < a), [n, a]) for n, a in c.age_children()]) + lit("]]"),
        "gender": _gender_json(c, k.gender),
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


def _failing_json(cases: list[tuple[Any, list[Any]]]) -> Any:
    """',[[name, value], ...]' of the children each condition holds for (none: nothing at all)."""
    if not cases:
        return sa.literal("")
    joined = sa.literal(",[")
    parts = [sa.case((cond, sa.literal(json.dumps(item, ensure_ascii=False) + ",")), else_=sa.literal(""))
             for cond, item in cases]
    inner = parts[0]
    for p in parts[1:]:
        inner = inner + p
    return joined + sa.func.rtrim(inner, ",") + sa.literal("]")


def _gender_json(c: MatchCriteria, gender: Any) -> Any:
    """'["gender","female"]', or with the children it fails: '["gender",["female",[["Sam","male"]]]]'."""
    if not c.named:
        return sa.literal('["gender","') + gender + sa.literal('"]')
    cases = [(gender != g, [n, g]) for n, _a, g in c.named]
    return sa.literal('["gender",["') + gender + sa.literal('"') + _failing_json(cases) + sa.literal("]]")


def _detail_columns(x: dict[str, Any]) -> list[Any]:
    return [
        H.c.id, x["status"], H.c.places, x["load"], x["free"], H.c.age_min, H.c.age_max,
        type_coerce(H.c.gender_terms, String), x["specs"], H.c.other_children_ages,
        type_coerce(H.c.approval_expires_on, String), x["unav"], H.c.place_id, x["mask"], x["held"],
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
