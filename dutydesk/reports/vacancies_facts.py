"""What decided each request an in-house household with a free place was considered for.

A household was considered for a request when it is in the request's latest
saved search run in the period, or has a candidate record for it updated in the
period. What decided it, first that applies:

1. the carer's answer when rung: chosen or offered, declined, no answer;
2. the rules of the saved search that ruled the household out;
3. the duty worker ruling it out (a candidate marked ruled out, not ruled out by a rule);
4. its rank, and the factor on which the household ranked first did best against it;
5. otherwise shortlisted or rung, and another household chosen.

``household_counts`` gives, for every household with a free place, the counts by
what decided (the database aggregates the saved-search rows, so 17,000 empty
households over a dozen searches of 50,000 is one pass); ``pairs`` gives one
household's requests one by one (the drill-down and the carer's letter). A test
holds the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import String, type_coerce
from sqlmodel import Session

from db.enums import CandidateStatus as CS
from db.enums import HouseholdKind
from db.models import Candidate, Household, PlacementRequest, Search, SearchResult
from dutydesk.matching import capacity
from dutydesk.reports import reasons as RW
from dutydesk.reports.period import Period

H = Household.__table__
SR = SearchResult.__table__
C = Candidate.__table__
R = PlacementRequest.__table__

CHOSEN = (CS.CHOSEN.value, CS.ACCEPTED.value, CS.OFFERED.value)
HUMAN = CHOSEN + (CS.DECLINED_BY_CARER.value, CS.NO_ANSWER.value)
LOOSE = (CS.RULED_OUT.value, CS.SHORTLISTED.value, CS.CONTACTED.value)


def vacant_where(team_id: int | None, today: dt.date | None = None) -> list:
    """In-house households with a free place today, by matching's one rule (places held back as
    "not available" count against it, as they do when a child is matched)."""
    where = [type_coerce(H.c.kind, String) == HouseholdKind.IN_HOUSE.value, capacity.vacancy_sql(H, today)]
    if team_id is not None:
        where.append(H.c.team_id == team_id)
    return where


def latest_searches(period: Period) -> sa.Subquery:
    """Each request's latest saved search run in the period: (request id, search id)."""
    return (sa.select(Search.request_id.label("rid"), sa.func.max(Search.id).label("sid"))
            .where(Search.request_id.is_not(None), Search.run_at >= period.start_at, Search.run_at < period.end_at)
            .group_by(Search.request_id).subquery("ls"))


def _not_answered(period: Period):
    """SQL, over a LEFT JOIN of the (request, household) candidate: no carer's answer decided it in the
    period (one join on the unique candidate index, instead of a second one)."""
    answered = sa.and_(sa.func.coalesce(type_coerce(C.c.status, String), "").in_(HUMAN),
                       C.c.updated_at >= period.start_at, C.c.updated_at < period.end_at)
    return sa.not_(sa.func.coalesce(answered, False))


RULE_ORDER = {code: i for i, code in enumerate(RW.RULE_CODES)}


@dataclass(slots=True)  # one for each of 17,000 households with a free place
class Counts:
    """How one household's requests in the period were decided."""

    considered: int = 0
    chosen: int = 0
    declined: int = 0
    no_answer: int = 0
    worker: int = 0  # ruled out by the duty worker
    ranked: int = 0  # eligible, another ranked or chosen above
    loose: int = 0  # shortlisted or rung, another chosen
    ruled_out: int = 0  # by the saved search's rules
    best_rank: int | None = None
    rules: dict[str, int] = field(default_factory=dict)
    factors: dict[str, int] = field(default_factory=dict)  # the factor that put the first above it
    top: int = 0  # ranked first, yet not chosen

    def decisive(self) -> str:
        """The reason that decided most of its requests: 'rule:<code>', 'factor:<code>', or an outcome
        (ties go to the rules first, in the rules' own order)."""
        if not self.considered:
            return "none"
        best, best_key = None, "none"
        for code, n in self.rules.items():  # only the rules it met (17,000 households, 16 rules)
            i = RULE_ORDER[code]
            if n and (best is None or (-n, 0, i) < best):
                best, best_key = (-n, 0, i), f"rule:{code}"
        for j, (key, n) in enumerate((("declined", self.declined), ("no_answer", self.no_answer),
                                      ("worker", self.worker))):
            if n and (best is None or (-n, 1 + j, 0) < best):
                best, best_key = (-n, 1 + j, 0), key
        for code in sorted(self.factors):
            n = self.factors[code]
            if n and (best is None or (-n, 4, code) < best):
                best, best_key = (-n, 4, code), f"factor:{code}"
        for j, (key, n) in enumerate((("top", self.top), ("loose", self.loose), ("chosen", self.chosen))):
            if n and (best is None or (-n, 5 + j, 0) < best):
                best, best_key = (-n, 5 + j, 0), key
        return best_key


def in_vacant(col, vacant):
    """``col IN (vacant)`` tested row by row. ``+ 0`` keeps SQLite from probing the result index once
    per vacant household for each search (17,000 households x 8,000 searches took minutes); each
    search's rows are read once instead."""
    return (col + 0).in_(vacant)


def household_counts(session: Session, period: Period, team_id: int | None,
                     today: dt.date | None = None) -> dict[int, Counts]:
    """For every in-house household with a free place, how its requests in the period were decided."""
    out: dict[int, Counts] = defaultdict(Counts)
    ls = latest_searches(period)
    vacant = sa.select(H.c.id).where(*vacant_where(team_id, today)).scalar_subquery()
    cstatus = type_coerce(C.c.status, String)
    # 1. Answers from the carers.
    for hid, status, n in session.connection().execute(
        sa.select(C.c.household_id, cstatus, sa.func.count())
        .where(C.c.household_id.in_(vacant), cstatus.in_(HUMAN), C.c.updated_at >= period.start_at,
               C.c.updated_at < period.end_at)
        .group_by(C.c.household_id, cstatus)
    ):
        c = out[hid]
        c.considered += n
        if status in CHOSEN:
            c.chosen += n
        elif status == CS.DECLINED_BY_CARER.value:
            c.declined += n
        else:
            c.no_answer += n
    # 2-4. The saved searches, for the requests no carer's answer decided.
    worker_out = sa.and_(SR.c.rank.is_not(None), sa.func.coalesce(cstatus, "") == CS.RULED_OUT.value)
    cols = [SR.c.household_id, sa.func.count(),
            sa.func.sum(sa.case((SR.c.rank.is_(None), 1), else_=0)),
            sa.func.sum(sa.case((worker_out, 1), else_=0)),
            sa.func.min(sa.case((worker_out, None), else_=SR.c.rank))] + RW.rule_sums(SR.c.rank, SR.c.reasons)
    searched = (
        sa.select(*cols).select_from(SR)
        .join(ls, ls.c.sid == SR.c.search_id)
        .outerjoin(C, sa.and_(C.c.request_id == ls.c.rid, C.c.household_id == SR.c.household_id))
        .where(in_vacant(SR.c.household_id, vacant), _not_answered(period))
        .group_by(SR.c.household_id)
    )
    codes = RW.RULE_CODES
    for row in session.connection().execute(searched).all():  # fetchall: one call, not one a row
        c = out[row[0]]
        n, excluded, worker = int(row[1]), int(row[2] or 0), int(row[3] or 0)
        c.considered += n
        c.ruled_out += excluded
        c.worker += worker
        c.ranked += n - excluded - worker
        c.best_rank = row[4]
        if excluded:
            rules = c.rules
            for code, k in zip(codes, row[5:]):
                if k:
                    rules[code] = rules.get(code, 0) + int(k)
    # 4. For the ranked: the factor that put the household ranked first above them.
    _factor_gaps(session, out, ls, vacant, period)
    # 3 and 5. Candidates without a saved-search row: ruled out by the worker, or another chosen.
    in_search = (sa.select(SR.c.household_id).join(ls, ls.c.sid == SR.c.search_id)
                 .where(ls.c.rid == C.c.request_id, SR.c.household_id == C.c.household_id).exists())
    for hid, status, n in session.connection().execute(
        sa.select(C.c.household_id, cstatus, sa.func.count())
        .where(C.c.household_id.in_(vacant), cstatus.in_(LOOSE), C.c.updated_at >= period.start_at,
               C.c.updated_at < period.end_at, ~in_search)
        .group_by(C.c.household_id, cstatus)
    ):
        c = out[hid]
        c.considered += n
        if status == CS.RULED_OUT.value:
            c.worker += n
        else:
            c.loose += n
    return dict(out)


def _factor_gaps(session: Session, out: dict[int, Counts], ls, vacant, period: Period) -> None:
    cstatus = type_coerce(C.c.status, String)
    rows = session.connection().execute(
        sa.select(SR.c.household_id, SR.c.search_id, SR.c.rank, SR.c.reasons)
        .join(ls, ls.c.sid == SR.c.search_id)
        .outerjoin(C, sa.and_(C.c.request_id == ls.c.rid, C.c.household_id == SR.c.household_id))
        .where(in_vacant(SR.c.household_id, vacant), _not_answered(period), SR.c.rank.is_not(None),
               sa.func.coalesce(cstatus, "") != CS.RULED_OUT.value)
    ).all()
    if not rows:
        return
    firsts = first_factors(session, {r[1] for r in rows})
    for hid, sid, rank, reasons in rows:
        if rank == 1:
            out[hid].top += 1
            continue
        gap = RW.biggest_gap(RW.factors_in(reasons), firsts.get(sid, {})) or "score"
        factors = out[hid].factors
        factors[gap] = factors.get(gap, 0) + 1


def first_factors(session: Session, search_ids) -> dict[int, dict[str, float]]:
    ids = sorted(search_ids)
    out: dict[int, dict[str, float]] = {}
    for i in range(0, len(ids), 500):
        for sid, reasons in session.connection().execute(
            sa.select(SR.c.search_id, SR.c.reasons).where(SR.c.search_id.in_(ids[i:i + 500]), SR.c.rank == 1)
        ):
            out[sid] = RW.factors_in(reasons)
    return out


# --------------------------------------------------------------------------- one household, request by request


@dataclass(frozen=True)
class Pair:
    request_id: int
    reference: str
    team_id: int
    at: dt.datetime  # the search, or the carer's answer
    placement_type: str
    needed_from: dt.date
    decided: str  # chosen, declined, no_answer, rules, worker, ranked, top, loose
    rules: tuple[tuple[str, object], ...] = ()  # (code, detail) as stored
    rank: int | None = None
    ranked_count: int = 0
    factor: str | None = None  # for 'ranked': where the first did best against it


def pairs(session: Session, household_id: int, period: Period) -> list[Pair]:
    """Every request the household was considered for in the period, with what decided it (newest first)."""
    ls = latest_searches(period)
    cands = {rid: (status, at) for rid, status, at in session.execute(
        sa.select(C.c.request_id, type_coerce(C.c.status, String), C.c.updated_at)
        .where(C.c.household_id == household_id))}
    found: dict[int, dict] = {}
    for rid, sid, run_at, rank, reasons, ranked_count in session.execute(
        sa.select(ls.c.rid, ls.c.sid, Search.run_at, SR.c.rank, SR.c.reasons, Search.ranked_count)
        .join(SR, SR.c.search_id == ls.c.sid).join(Search, Search.id == ls.c.sid)
        .where(SR.c.household_id == household_id)
    ):
        found[rid] = {"sid": sid, "at": run_at, "rank": rank, "reasons": reasons, "ranked_count": ranked_count}
    for rid, (status, at) in cands.items():
        if period.holds(at) and (status in HUMAN or (status in LOOSE and rid not in found)):
            found.setdefault(rid, {"at": at})
    if not found:
        return []
    info = {rid: (ref, team, ptype, needed) for rid, ref, team, ptype, needed in session.execute(
        sa.select(R.c.id, R.c.reference, R.c.team_id, type_coerce(R.c.placement_type, String), R.c.needed_from)
        .where(R.c.id.in_(sorted(found))))}
    firsts = first_factors(session, {f["sid"] for f in found.values() if f.get("sid")})
    out = []
    for rid, f in found.items():
        status, at = cands.get(rid, (None, None))
        human = status in HUMAN and period.holds(at)
        ref, team, ptype, needed = info[rid]
        base = dict(request_id=rid, reference=ref, team_id=team, at=at if human else f["at"], placement_type=ptype,
                    needed_from=needed, rank=f.get("rank"), ranked_count=f.get("ranked_count") or 0)
        if human:
            decided = "chosen" if status in CHOSEN else "declined" if status == CS.DECLINED_BY_CARER.value else "no_answer"
            out.append(Pair(decided=decided, **base))
        elif "sid" in f and f["rank"] is None:
            out.append(Pair(decided="rules", rules=tuple(stored_rules(f["reasons"])), **base))
        elif status == CS.RULED_OUT.value:
            out.append(Pair(decided="worker", **base))
        elif "sid" in f:
            if f["rank"] == 1:
                out.append(Pair(decided="top", **base))
            else:
                gap = RW.biggest_gap(RW.factors_in(f["reasons"]), firsts.get(f["sid"], {}))
                out.append(Pair(decided="ranked", factor=gap or "score", **base))
        else:
            out.append(Pair(decided="loose", **base))
    return sorted(out, key=lambda p: (p.at, p.request_id), reverse=True)


def stored_rules(text: str | None) -> list[tuple[str, object]]:
    import json

    try:
        data = json.loads(text or "{}")
    except (TypeError, ValueError):
        return []
    return [(str(x[0]), x[1] if len(x) > 1 else None) for x in data.get("x", []) if x]


def counts_of(ps: list[Pair]) -> Counts:
    """The same counts ``household_counts`` makes, from one household's pairs."""
    c = Counts()
    for p in ps:
        c.considered += 1
        if p.decided == "chosen":
            c.chosen += 1
        elif p.decided == "declined":
            c.declined += 1
        elif p.decided == "no_answer":
            c.no_answer += 1
        elif p.decided == "rules":
            c.ruled_out += 1
            for code, _arg in p.rules:
                c.rules[code] = c.rules.get(code, 0) + 1
        elif p.decided == "worker":
            c.worker += 1
        elif p.decided == "top":
            c.top += 1
            c.ranked += 1
        elif p.decided == "ranked":
            c.ranked += 1
            key = p.factor or "score"
            c.factors[key] = c.factors.get(key, 0) + 1
        else:
            c.loose += 1
        if p.rank is not None and p.decided in ("top", "ranked"):
            c.best_rank = p.rank if c.best_rank is None else min(c.best_rank, p.rank)
    return c
