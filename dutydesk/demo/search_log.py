"""The saved search every demo request's worker ran before ringing a carer.

The duty process needs a saved search before a contact, a proposal or closing a
request as unmet (``requests.lookup.need_search``), so every request in the
history that got past ``logged`` has one, dated at its move to ``searching`` and
run by the worker who moved it. Running the matching engine over every household
for thousands of historic requests would take hours on a big county, so the
history keeps what the worker looked at: each household considered, ranked with
its factors (the engine's own ``factors.contributions``) or excluded by the hard
rules it really fails on its terms of approval (checked here as the engine's
rules would; past vacancies are not replayed, so "no free place" is the only
rule taken on trust). Candidates copy their score and reasons from the search,
as ``requests.shortlist`` does. The searches the scenarios need are re-run by the
engine at the end of the build (``demo.searches``), in place of these.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from db.enums import GenderTerms, PlacementType
from db.models import metadata
from dutydesk.demo.county import HH, County, Kid
from dutydesk.matching.factors import Inputs, as_json, contributions
from dutydesk.matching.rules import rule_label
from dutydesk.matching.weights import Weights
from dutydesk.places import haversine_km

WEIGHTS = Weights()
_WEIGHTS_JSON = json.dumps(WEIGHTS.to_dict(), separators=(",", ":"))


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass
class Logged:
    """One request's saved search being built: household id -> (score or None if excluded, reasons)."""

    id: int
    request_id: int
    run_at: dt.datetime
    rows: dict[int, tuple[float | None, str]] = field(default_factory=dict)


def criteria_json(county: County, r, row: dict[str, Any]) -> str:
    """The request's requirements as ``MatchCriteria.to_json`` writes them."""
    kids: list[Kid] = r.kids
    near = row.get("near_place_id")
    near_label = next((p.name for p in county.places if p.id == near), "") if near else ""
    return _dumps({
        "from_on": r.needed_from.isoformat(), "until_on": row["needed_until"].isoformat() if row["needed_until"] else None,
        "placement_type": r.ptype.value, "ages": [k.age_on(r.needed_from) for k in kids],
        "genders": [k.gender.value for k in kids], "siblings": len(kids),
        "needs": sorted(n.value for n in row["needs"]), "wheelchair": row["needs_wheelchair_access"],
        "near_place_id": near, "near_label": near_label, "max_distance_km": row["max_distance_km"],
        "no_younger_children": row["no_younger_children"], "no_other_children": row["no_other_children"],
        "no_pets": row["no_pets"], "no_smokers": row["no_smokers"], "language": row["language"],
        "religion": row["religion"], "ethnicity": "", "request_id": r.id, "request_reference": r.reference,
        "child_ids": [k.id for k in kids], "family_keys": sorted({k.family_key for k in kids if k.family_key}),
    })


def start(county: County, r, row: dict[str, Any], at: dt.datetime, by_id: int) -> Logged:
    """The search row, written now (candidates point at it); its results are written by ``flush``."""
    sid = county.next_id("searches")
    log = Logged(sid, r.id, at)
    county.searches[r.id] = log
    county.search_reqs[r.id] = (r, row)
    county.writer.add("searches", {
        "id": sid, "request_id": r.id, "run_by_id": by_id, "run_at": at, "criteria": criteria_json(county, r, row),
        "weights": _WEIGHTS_JSON, "ranked_count": 0, "excluded_count": 0,
    })
    return log


def _place(county: County, place_id: int | None):
    if place_id is None:
        return None
    by_id = county.__dict__.setdefault("_place_by_id", {p.id: p for p in county.places})
    return by_id.get(place_id)


def failed_rules(county: County, r, row: dict[str, Any], h: HH) -> list[tuple[str, Any]]:
    """The hard rules household ``h`` fails for request ``r`` on its terms of approval and facts."""
    kids: list[Kid] = r.kids
    out: list[tuple[str, Any]] = []
    wanted = 1 if r.ptype == PlacementType.PARENT_AND_CHILD else len(kids)
    if wanted > h.places:
        out.append(("siblings", [h.places, wanted]))
    ages = [k.age_on(r.needed_from) for k in kids]
    if r.ptype != PlacementType.PARENT_AND_CHILD and any(not h.age_min <= a <= h.age_max for a in ages):
        out.append(("age", [h.age_min, h.age_max]))
    if h.gender_terms != GenderTerms.ANY and any(k.gender.value != h.gender_terms.value for k in kids):
        out.append(("gender", h.gender_terms.value))
    if r.ptype not in h.types:
        out.append(("type", r.ptype.value))
    needs = set(row["needs"]).union(*(k.needs for k in kids))  # as criteria_for_request reads them
    missing = sorted(n.value for n in needs if n not in h.specialisms)
    if missing:
        out.append(("needs", missing))
    if row["needs_wheelchair_access"] and not h.wheelchair:
        out.append(("wheelchair", None))
    if row["no_other_children"] and h.other_children_ages:
        out.append(("others", None))
    if row["no_younger_children"] and h.other_children_ages:
        youngest = min(ages)
        if any(int(a) < youngest for a in h.other_children_ages.split(",") if a.strip().isdigit()):
            out.append(("younger", h.other_children_ages))
    if row["no_pets"] and h.pets:
        out.append(("pets", None))
    if row["no_smokers"] and h.smoker:
        out.append(("smoker", None))
    km = distance(county, row, h)
    if row["max_distance_km"] is not None and km is not None and km > row["max_distance_km"]:
        out.append(("distance", round(km, 1)))
    return out


def distance(county: County, row: dict[str, Any], h: HH) -> float | None:
    near = _place(county, row.get("near_place_id"))
    if near is None:
        return None
    return haversine_km(near.lat, near.lon, h.place.lat, h.place.lon)


def ranked(county: County, r, row: dict[str, Any], h: HH) -> tuple[float, str, str]:
    """(score, the search row's reasons, the candidate's reasons) for an eligible household."""
    km = distance(county, row, h)
    near = _place(county, row.get("near_place_id"))
    vacant = (r.needed_from - h.vacant_since).days if h.vacant_since and h.vacant_since <= r.needed_from else None
    lang = row["language"]
    inputs = Inputs(km=km, experience=0, language=(lang in h.languages.split(",")) if lang else None,
                    religion=None, culture=None, continuity_child=False, continuity_sibling=False,
                    vacant_days=vacant, kind=h.kind.value, load=min(h.occupied, h.places - 1))
    parts = contributions(inputs, WEIGHTS, near.name if near else "", lang, "")
    score = round(sum(c.points for c in parts), 2)
    factors = as_json(parts)
    return score, _dumps({"f": factors}), json.dumps([[c, p, words] for c, p, words in factors], ensure_ascii=False)


def add(county: County, request_id: int, h: HH, *, excluded: list[tuple[str, Any]] | None = None,
        ) -> tuple[int | None, float | None, str]:
    """Put household ``h`` in the request's saved search; (search id, score, candidate reasons)."""
    log = county.searches.get(request_id)
    if log is None:
        return None, None, "[]"
    r, row = county.search_reqs[request_id]
    if excluded:
        log.rows[h.id] = (None, _dumps({"x": [[code, arg] if arg is not None else [code] for code, arg in excluded]}))
        return log.id, None, "[]"
    got = log.rows.get(h.id)
    score, sr_reasons, cand_reasons = ranked(county, r, row, h)
    if got is None or got[0] is not None:
        log.rows[h.id] = (score, sr_reasons)
    return log.id, score, cand_reasons


def rule_words(rules: list[tuple[str, Any]]) -> str:
    return "; ".join(rule_label(code, tuple(arg) if isinstance(arg, list) else arg) for code, arg in rules) + "."


def flush(county: County) -> None:
    """Write every saved search's result rows (ranked by score, then the excluded) and its counts."""
    w = county.writer
    counts = []
    for log in county.searches.values():
        ranked_rows = sorted(((s, hid, why) for hid, (s, why) in log.rows.items() if s is not None),
                             key=lambda x: (-x[0], x[1]))
        for rank, (score, hid, why) in enumerate(ranked_rows, start=1):
            w.add("search_results", {"search_id": log.id, "household_id": hid, "rank": rank, "score": score,
                                     "reasons": why})
        excluded = sorted(hid for hid, (s, _w) in log.rows.items() if s is None)
        for hid in excluded:
            w.add("search_results", {"search_id": log.id, "household_id": hid, "rank": None, "score": None,
                                     "reasons": log.rows[hid][1]})
        counts.append({"sid": log.id, "r": len(ranked_rows), "x": len(excluded)})
    w.flush()
    if counts:
        t = metadata.tables["searches"]
        w.conn.execute(sa.update(t).where(t.c.id == sa.bindparam("sid"))
                       .values(ranked_count=sa.bindparam("r"), excluded_count=sa.bindparam("x")), counts)


__all__ = ["Logged", "add", "criteria_json", "distance", "failed_rules", "flush", "rule_words", "start"]
