"""Saved searches: a match run, kept on file exactly as the worker saw it.

``save_result`` stores the criteria, the weights in force, who ran it and when,
and one ``search_results`` row for every household: its rank, score and every
contribution (with labels), or the hard rules that excluded it (as codes with
their details, labelled when read). Rows go in with one bulk insert. The index
on ``search_results(household_id, search_id)`` gives the household profile its
"why not me?" history. This module owns the stored format and reads it back
(``parse_reasons``, ``reason_lines``, ``stored_page``); running a search for a
request, a step of the duty process, is ``dutydesk.requests.searches``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db.models import Household, PlacementRequest, Search, SearchResult, User
from dutydesk import clock
from dutydesk.matching import rules as R
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.factors import as_json
from dutydesk.matching.query import excluded_reasons_select
from dutydesk.matching.result import MatchResult

SR = SearchResult.__table__


@dataclass(frozen=True)
class SavedSearch:
    search_id: int
    request_id: int | None
    request_reference: str
    run_at: dt.datetime
    run_by: str
    ranked_count: int
    excluded_count: int
    criteria: MatchCriteria
    moved_to_searching: bool = False


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def result_rows(session: Session, result: MatchResult, search_id: int, *, excluded: bool = True) -> list[dict[str, Any]]:
    """One row per household: ranked with its contributions, or (``excluded``) excluded with its rules."""
    rows: list[dict[str, Any]] = []
    append = rows.append
    for rank, r in enumerate(result.ranked, start=1):
        warn = result.warning_words(r)
        reasons: dict[str, Any] = {"f": as_json(result.contributions(r))}
        if warn:
            reasons["w"] = warn
        append({"search_id": search_id, "household_id": r.household_id, "rank": rank, "score": r.score,
                "reasons": _dumps(reasons)})
    if not excluded:
        return rows
    explained = result.explain_all(session)
    cache: dict[Any, str] = {}
    for hid, rules in explained.items():
        text = cache.get(rules)
        if text is None:
            text = cache[rules] = _dumps({"x": [[code, arg] if arg is not None else [code] for code, arg in rules]})
        append({"search_id": search_id, "household_id": hid, "rank": None, "score": None, "reasons": text})
    return rows


def _bulk_insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert the result rows with the driver's executemany (50,000 rows per search on a big county)."""
    conn = session.connection()
    dialect = conn.dialect
    cols = ("search_id", "household_id", "rank", "score", "reasons")
    if dialect.paramstyle == "qmark":
        marks = ", ".join("?" for _ in cols)
    elif dialect.paramstyle in ("format", "pyformat"):
        marks = ", ".join("%s" for _ in cols)
    else:  # pragma: no cover - other drivers: SQLAlchemy's own executemany
        session.execute(sa.insert(SR), rows)
        return
    sql = f"INSERT INTO {SR.name} ({', '.join(cols)}) VALUES ({marks})"
    data = [(r["search_id"], r["household_id"], r["rank"], r["score"], r["reasons"]) for r in rows]
    cur = conn.connection.driver_connection.cursor()
    try:
        for i in range(0, len(data), 10000):
            cur.executemany(sql, data[i:i + 10000])
    finally:
        cur.close()


def save_result(session: Session, result: MatchResult, *, run_by_id: int, request_id: int | None = None,
                at: dt.datetime | None = None) -> Search:
    """Store a match run and every household's outcome in the caller's transaction."""
    search = Search(
        request_id=request_id,
        run_by_id=run_by_id,
        run_at=at or clock.now(),
        criteria=_dumps(result.criteria.to_json()),
        weights=_dumps(result.weights.to_dict()),
        ranked_count=len(result.ranked),
        excluded_count=len(result._excluded_raw),
    )
    session.add(search)
    session.flush()
    _bulk_insert(session, result_rows(session, result, search.id, excluded=False))
    # The exclusions: built and inserted by the database in one statement. Households
    # ranked above are skipped, in case the records changed since the match ran.
    sel = excluded_reasons_select(result.criteria, result.today, result.km_by_place,
                                  result.ctx.child_homes | result.ctx.sibling_homes, search.id)
    if result.ranked:
        sel = sel.where(sel.selected_columns[1].not_in(
            sa.select(SR.c.household_id).where(SR.c.search_id == search.id).scalar_subquery()))
    session.execute(sa.insert(SR).from_select(["search_id", "household_id", "rank", "score", "reasons"], sel))
    n = session.execute(sa.select(sa.func.count()).select_from(SR)
                        .where(SR.c.search_id == search.id, SR.c.rank.is_(None))).scalar()
    if n != search.excluded_count:
        search.excluded_count = n
        session.add(search)
        session.flush()
    return search


def latest_search_id(session: Session, request_id: int) -> int | None:
    return session.execute(
        sa.select(Search.id).where(Search.request_id == request_id)
        .order_by(Search.run_at.desc(), Search.id.desc()).limit(1)
    ).scalar()


def searches_for_request(session: Session, request_id: int) -> list[SavedSearch]:
    rows = session.execute(
        sa.select(Search, User.full_name, PlacementRequest.reference)
        .join(User, User.id == Search.run_by_id)
        .join(PlacementRequest, PlacementRequest.id == Search.request_id)
        .where(Search.request_id == request_id).order_by(Search.run_at.desc(), Search.id.desc())
    ).all()
    return [SavedSearch(s.id, s.request_id, ref, s.run_at, who, s.ranked_count, s.excluded_count,
                        MatchCriteria.from_json(s.criteria)) for s, who, ref in rows]


# ---------------------------------------------------------------------------
# Reading stored reasons
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredOutcome:
    """One household's outcome in a saved search, in the desk's words."""

    search_id: int
    household_id: int
    rank: int | None
    score: float | None
    factors: list[tuple[str, float, str]]  # (code, points, label)
    rules: list[tuple[str, str]]  # (code, label)
    warnings: list[str]

    @property
    def excluded(self) -> bool:
        return self.rank is None


def parse_reasons(search_id: int, household_id: int, rank: int | None, score: float | None,
                  reasons: str) -> StoredOutcome:
    data = json.loads(reasons or "{}")
    factors = [(f[0], float(f[1]), f[2]) for f in data.get("f", [])]
    rules = []
    for item in data.get("x", []):
        code = item[0]
        arg = item[1] if len(item) > 1 else None
        if isinstance(arg, list):
            arg = tuple(arg)
        rules.append((code, R.rule_label(code, arg)))
    return StoredOutcome(search_id, household_id, rank, score, factors, rules, list(data.get("w", [])))


def stored_outcome(session: Session, search_id: int, household_id: int) -> StoredOutcome | None:
    row = session.execute(
        sa.select(SR.c.rank, SR.c.score, SR.c.reasons)
        .where(SR.c.search_id == search_id, SR.c.household_id == household_id)
    ).first()
    if row is None:
        return None
    return parse_reasons(search_id, household_id, row[0], row[1], row[2])


def stored_page(session: Session, search_id: int, *, excluded: bool = False, offset: int = 0,
                limit: int = 50) -> list[tuple[str, str, StoredOutcome]]:
    """A page of a saved search as it was: (reference, name, outcome)."""
    stmt = (
        sa.select(Household.reference, Household.name, SR.c.household_id, SR.c.rank, SR.c.score, SR.c.reasons)
        .join(Household, Household.id == SR.c.household_id)
        .where(SR.c.search_id == search_id)
    )
    if excluded:
        stmt = stmt.where(SR.c.rank.is_(None)).order_by(Household.reference)
    else:
        stmt = stmt.where(SR.c.rank.is_not(None)).order_by(SR.c.rank)
    rows = session.execute(stmt.offset(offset).limit(limit)).all()
    return [(ref, name, parse_reasons(search_id, hid, rank, score, reasons))
            for ref, name, hid, rank, score, reasons in rows]


def _rule_label(code: str, arg: Any = None) -> str:
    try:
        return R.rule_label(code, arg)
    except Exception:  # noqa: BLE001 - a label is a nicety; the code itself is evidence enough
        return code if arg in (None, "") else f"{code} ({arg})"


def reason_lines(text: str | None) -> list[tuple[str, str, float | None]]:
    """(code, words, points) from a saved search's reasons, whatever shape matching stored them in."""
    if not text:
        return []
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return [("note", str(text), None)]
    out: list[tuple[str, str, float | None]] = []
    if isinstance(data, dict) and any(k in data for k in ("f", "x", "w")):
        # The matching service's shape: {"f": [[code, points, label]], "x": [[code, arg?]], "w": [warning]}.
        for f in data.get("f", []):
            if f and len(f) >= 2 and isinstance(f[1], int | float) and f[1] != 0:
                out.append((str(f[0]), str(f[2]) if len(f) > 2 else str(f[0]), float(f[1])))
        for x in data.get("x", []):
            if x:
                arg = x[1] if len(x) > 1 else None
                out.append((str(x[0]), _rule_label(str(x[0]), tuple(arg) if isinstance(arg, list) else arg), None))
        for w in data.get("w", []):
            out.append(("warning", f"warning: {w}", None))
        return out
    if isinstance(data, dict):
        data = data.get("rules") or data.get("factors") or data.get("reasons") or [data]
    if not isinstance(data, list):
        data = [data]
    for item in data:
        if isinstance(item, str):
            out.append((item, _rule_label(item), None))
        elif isinstance(item, list | tuple) and item:
            code = str(item[0])
            points = item[1] if len(item) >= 3 and isinstance(item[1], int | float) else None
            if len(item) >= 3 and isinstance(item[-1], str):
                words = item[-1]
            else:
                arg = item[1] if len(item) > 1 else None
                words = _rule_label(code, tuple(arg) if isinstance(arg, list) else arg)
            out.append((code, words, float(points) if points is not None else None))
        elif isinstance(item, dict):
            code = str(item.get("code") or item.get("rule") or item.get("factor") or "?")
            words = item.get("label") or item.get("text") or _rule_label(code, item.get("arg"))
            pts = item.get("points")
            out.append((code, str(words), float(pts) if isinstance(pts, int | float) else None))
    return out
