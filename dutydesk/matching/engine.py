"""The matching engine: every household ranked or excluded, with reasons, in one pass.

Speed (50,000 households in well under a second) comes from:

* one query (``dutydesk.matching.query``) with the hard rules tested by the database;
* distance computed once per place (a few dozen), not per household;
* experience and continuity from aggregate queries over the placements with the
  needs or children in question only;
* reasons kept as a bit mask plus the row they came from, labelled only when shown
  (``dutydesk.matching.result``).

No Textual here: the finder, the command line and saved searches call ``match``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Integer, String, type_coerce
from sqlmodel import Session

from db.models import Child, Household, Place, Placement
from dutydesk import clock
from dutydesk import holds
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.query import candidate_select
from dutydesk.matching.result import MatchContext, MatchResult, date_ordinal, speaks
from dutydesk.matching.weights import Weights, load_weights
from dutydesk.places import haversine_km

PL = Placement.__table__
H = Household.__table__
C = Child.__table__


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
        # A connected person who came forward for this child (scenario 8) is known to them too.
        child_homes |= set(session.execute(sa.select(H.c.id).where(H.c.connected_child_id.in_(child_ids))).scalars())
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
        if lang and speaks(row[10], lang):
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
                vdays = vdays_of[vs] = ordinal - date_ordinal(vs)
            if vdays > 0:
                score += v_per * (vdays if vdays < v_cap else v_cap)
        score += kind_w.get(row[3], 0.0) + load_w * row[7]
        r_append((-round(score, 2), row[1], row))

    # Ties in score are broken by household reference (unique, so rows are never compared).
    ranked.sort()
    ctx = MatchContext(km_by_place, exp, child_homes, sibling_homes, alleged, ordinal, with_details,
                       held_by=holds.held_households(session, sorted(alleged)))
    return MatchResult(c, w, today, ranked, excluded, ctx)
