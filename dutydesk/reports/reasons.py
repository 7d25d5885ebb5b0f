"""Reading saved-search reasons in bulk, and saying them in words a carer or a recruiter reads.

A saved search keeps, for each household it ruled out, ``{"x": [["code", detail], ...]}``
(``matching.saved``). Counting the rules over tens of thousands of rows is done by
the database with one ``LIKE`` per rule on the stored text: ``["age"`` can only be
the age rule, since every code is quoted whole. A row with a single rule has no
``],[`` in it: that rule alone stood between the household and the child.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from dutydesk.matching.rules import RULES

RULE_CODES: tuple[str, ...] = tuple(r.code for r in RULES)

# Rules that are terms of approval a household can ask panel to vary.
TERMS = frozenset({"age", "gender", "type", "needs", "siblings"})

RULE_WORDS: dict[str, str] = {
    "status": "not approved at the time (on hold, suspended or in assessment)",
    "expired": "temporary approval had ended",
    "connected": "a connected-person household, approved for one family's child",
    "unavailable": "declared unavailable (a holiday or a break)",
    "vacancy": "no free place on the dates",
    "siblings": "the brothers and sisters were more than the free places",
    "age": "the child's age was outside the approved age range",
    "gender": "the child's gender was outside the terms of approval",
    "type": "not approved for that type of placement",
    "needs": "not approved for a specialism the child needed",
    "wheelchair": "no wheelchair access",
    "others": "other children live in the home (the request asked for none)",
    "younger": "a younger child lives in the home (the request asked for none)",
    "pets": "pets in the home (the request asked for none)",
    "smoker": "a smoker in the home (the request asked for none)",
    "distance": "too far from the child's school or home",
}

FACTOR_WORDS: dict[str, str] = {
    "distance": "nearer to the child's school or home",
    "experience": "more experience of the child's needs",
    "language": "spoke the child's language",
    "religion": "shared the child's religion",
    "culture": "shared the child's culture",
    "continuity_child": "already knew the child",
    "continuity_sibling": "already cared for a brother or sister",
    "vacancy": "had had a place empty for longer",
    "kind": "in-house carers come before agencies",
    "load": "had fewer children already placed",
}

CANDIDATE_WORDS: dict[str, str] = {
    "declined_by_carer": "the carer declined when rung",
    "no_answer": "no answer when the carer was rung",
    "ruled_out": "ruled out by the duty worker",
    "contacted": "rung; another household was chosen",
    "shortlisted": "shortlisted; another household was chosen",
    "offered": "offered",
    "accepted": "accepted",
    "chosen": "chosen",
}


def rule_words(code: str) -> str:
    return RULE_WORDS.get(code, code)  # a code no longer among the rules reads as stored


def factor_words(code: str) -> str:
    return FACTOR_WORDS.get(code, code)


def has_rule(reasons: Any, code: str) -> Any:
    """SQL: the stored reasons name rule ``code`` (for an excluded row)."""
    return reasons.like(f'%["{code}"%')


def single_rule(reasons: Any) -> Any:
    """SQL: the stored reasons name one rule only (with or without a space after commas)."""
    return sa.and_(sa.not_(reasons.like("%],[%")), sa.not_(reasons.like("%], [%")))


def rule_sums(rank: Any, reasons: Any, *, single: bool = False, prefix: str = "r_") -> list[Any]:
    """One ``SUM`` column per rule: excluded rows naming it (alone, with ``single``)."""
    cols = []
    for code in RULE_CODES:
        cond = sa.and_(rank.is_(None), has_rule(reasons, code))
        if single:
            cond = sa.and_(cond, single_rule(reasons))
        cols.append(sa.func.sum(sa.case((cond, 1), else_=0)).label(f"{prefix}{code}"))
    return cols


def codes_in(reasons_text: str | None) -> list[str]:
    """The rule codes of one stored exclusion, in the order they were listed."""
    try:
        data = json.loads(reasons_text or "{}")
    except (TypeError, ValueError):
        return []
    return [str(x[0]) for x in data.get("x", []) if x]


def factors_in(reasons_text: str | None) -> dict[str, float]:
    """A ranked household's factor points by code."""
    try:
        data = json.loads(reasons_text or "{}")
    except (TypeError, ValueError):
        return {}
    out: dict[str, float] = {}
    for f in data.get("f", []):
        if f and len(f) >= 2 and isinstance(f[1], int | float):
            out[str(f[0])] = float(f[1])
    return out


def biggest_gap(mine: dict[str, float], theirs: dict[str, float]) -> str | None:
    """The factor on which the household ranked above did best against this one (None if none)."""
    # One pass, not a sort: the vacancies report asks this for thousands of ranked rows.
    best, best_code = 0.0, None
    for c in mine.keys() | theirs.keys():
        g = theirs.get(c, 0.0) - mine.get(c, 0.0)
        if g > best or (g == best and best_code is not None and c < best_code):
            best, best_code = g, c
    return best_code


def top(counts: dict[str, int], among: Iterable[str] | None = None) -> str | None:
    """The code counted most (ties by the rules' own order); None when nothing was counted."""
    keys = list(among) if among is not None else list(counts)
    order = {c: i for i, c in enumerate(RULE_CODES)}
    best = sorted((k for k in keys if counts.get(k)), key=lambda k: (-counts[k], order.get(k, 99), k))
    return best[0] if best else None
