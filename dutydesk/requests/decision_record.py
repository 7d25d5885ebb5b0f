"""The decision record for the child's file: everything an inspector asks to see, in one document.

``build_record`` gathers the request, each saved search (households ranked and
ruled out and why), the contacts and their outcomes, the decisions with their
rationale, sign-off and addenda, the placements, and the timeline of every
transition. ``dutydesk.requests.record_export`` writes it out as Markdown or HTML.

A search that ruled out 50,000 households is summarised: the count per rule,
then the households that came nearest (ruled out by a single rule) and any
ruled-out household that was contacted; the full ranked list is always given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import Candidate, Household, Search, SearchResult
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.labels import label
from dutydesk.matching import rules as R
from dutydesk.matching.saved import reason_lines
from dutydesk.requests.lookup import find_request
from dutydesk.requests.views import RequestDetail, load_detail

RANKED_LIMIT = 200
EXCLUDED_LIST_LIMIT = 50
FULL_EXCLUSION_LIST_UPTO = 200  # list every ruled-out household when there are this few


@dataclass(frozen=True)
class RankedLine:
    rank: int
    household_reference: str
    household_name: str
    score: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ExcludedLine:
    household_reference: str
    household_name: str
    reasons: tuple[str, ...]
    contacted: bool = False


@dataclass(frozen=True)
class SearchRecord:
    id: int
    run_at: dt.datetime
    run_by: str
    criteria: dict[str, Any] | str
    ranked_total: int
    excluded_total: int
    ranked: tuple[RankedLine, ...]
    exclusion_counts: tuple[tuple[str, int], ...]  # rule title, households
    excluded: tuple[ExcludedLine, ...]
    excluded_listed_all: bool


@dataclass(frozen=True)
class TimelineLine:
    at: dt.datetime
    who: str
    what: str


@dataclass(frozen=True)
class DecisionRecord:
    detail: RequestDetail
    searches: tuple[SearchRecord, ...]
    timeline: tuple[TimelineLine, ...]
    made_at: dt.datetime
    made_by: str
    extra: dict[str, Any] = field(default_factory=dict)


def summarise_search(
    s: Session,
    search: Search,
    *,
    run_by: str = "",
    contacted_ids: frozenset[int] = frozenset(),
    ranked_limit: int = RANKED_LIMIT,
    excluded_limit: int = EXCLUDED_LIST_LIMIT,
) -> SearchRecord:
    """One saved search as evidence: the ranked list, counts per exclusion rule, and the nearest misses."""
    ranked_rows = s.exec(
        select(SearchResult, Household).join(Household, Household.id == SearchResult.household_id)
        .where(SearchResult.search_id == search.id, SearchResult.rank.is_not(None))
        .order_by(SearchResult.rank).limit(ranked_limit)
    ).all()
    ranked = tuple(
        RankedLine(
            r.rank, h.reference, h.name, r.score,
            tuple(f"{w} ({p:+.1f})" if p is not None else w for _c, w, p in reason_lines(r.reasons)),
        )
        for r, h in ranked_rows
    )
    excluded_q = (SearchResult.search_id == search.id) & SearchResult.rank.is_(None)
    excluded_total = s.exec(select(sa.func.count()).select_from(SearchResult).where(excluded_q)).one()
    ranked_total = s.exec(
        select(sa.func.count()).select_from(SearchResult)
        .where(SearchResult.search_id == search.id, SearchResult.rank.is_not(None))
    ).one()
    # Count per rule from the distinct reason texts (far fewer than the rows).
    counts: Counter[str] = Counter()
    for text, n in s.exec(
        select(SearchResult.reasons, sa.func.count()).where(excluded_q).group_by(SearchResult.reasons)
    ).all():
        for code in {c for c, _w, _p in reason_lines(text)}:
            counts[R.rule_title(code)] += n
    listed_all = excluded_total <= FULL_EXCLUSION_LIST_UPTO
    lines: list[ExcludedLine] = []
    seen: set[int] = set()
    base = (
        select(SearchResult, Household).join(Household, Household.id == SearchResult.household_id).where(excluded_q)
    )
    if contacted_ids:
        for r, h in s.exec(base.where(SearchResult.household_id.in_(list(contacted_ids))).order_by(Household.reference)).all():
            seen.add(h.id)
            lines.append(ExcludedLine(h.reference, h.name, tuple(w for _c, w, _p in reason_lines(r.reasons)), True))
    if listed_all:
        rows = s.exec(base.order_by(Household.reference)).all()
    else:
        # The nearest misses: ruled out by one rule only (no comma in a one-rule JSON list is not reliable,
        # so read a bounded page and keep those with a single reason).
        rows = s.exec(base.order_by(sa.func.length(SearchResult.reasons), Household.reference).limit(excluded_limit * 4)).all()
    for r, h in rows:
        if h.id in seen:
            continue
        reasons = tuple(w for _c, w, _p in reason_lines(r.reasons))
        if not listed_all and (len(reasons) != 1 or len(lines) >= excluded_limit + len(contacted_ids)):
            continue
        lines.append(ExcludedLine(h.reference, h.name, reasons, False))
    try:
        criteria: dict[str, Any] | str = json.loads(search.criteria)
    except (TypeError, ValueError):
        criteria = search.criteria
    return SearchRecord(
        id=search.id, run_at=search.run_at, run_by=run_by, criteria=criteria, ranked_total=ranked_total,
        excluded_total=excluded_total, ranked=ranked,
        exclusion_counts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        excluded=tuple(lines), excluded_listed_all=listed_all,
    )


def build_record(desk: Desk, request_id: int | str) -> DecisionRecord:
    with desk.db.read() as s:
        req = find_request(s, request_id)
        detail = load_detail(s, req, contacts_limit=1000)
        contacted = frozenset(
            s.exec(select(Candidate.household_id).where(Candidate.request_id == req.id)).all()
        )
        searches = tuple(
            summarise_search(s, x, run_by=line.run_by, contacted_ids=contacted)
            for x, line in zip(
                s.exec(select(Search).where(Search.request_id == req.id).order_by(Search.id)).all(),
                detail.searches, strict=True,
            )
        )
    return DecisionRecord(detail=detail, searches=searches, timeline=timeline(detail), made_at=clock.now(),
                          made_by=desk.actor.full_name)


def timeline(d: RequestDetail) -> tuple[TimelineLine, ...]:
    items: list[TimelineLine] = []
    for t in d.transitions:
        frm = label(t.from_state) if t.from_state else "new"
        items.append(TimelineLine(t.at, t.by, f"{frm} -> {label(t.to_state)}" + (f": {t.note}" if t.note else "")))
    for c in d.candidates:
        corrected = {k.supersedes_id for k in c.contacts if k.supersedes_id}
        for k in c.contacts:
            items.append(TimelineLine(k.at, k.by, f"contact {c.household_name}: {label(k.outcome)}"
                                      + (f" ({k.note})" if k.note else "")
                                      + (" [superseded by a correction]" if k.id in corrected else "")))
    for dv in d.decisions:
        items.append(TimelineLine(dv.proposed_at, dv.proposed_by, f"decision {dv.id} proposed: {dv.kind.value}"))
        if dv.signed_off_at:
            items.append(TimelineLine(dv.signed_off_at, dv.signed_off_by, f"decision {dv.id} signed off"
                                      + (" retrospectively" if dv.retrospective else "")))
        if dv.returned_at:
            items.append(TimelineLine(dv.returned_at, dv.returned_by, f"decision {dv.id} returned: {dv.returned_comment}"))
        for who, at, text in dv.addenda:
            items.append(TimelineLine(at, who, f"addendum to decision {dv.id}: {text}"))
    return tuple(sorted(items, key=lambda x: x.at))
