"""A match's result: households ranked (best first) and excluded, explained only when shown.

``MatchResult`` keeps the raw rows the query returned, each leading with its sort
key, and makes the view tuples (``Ranked``, ``Excluded``), the factor
contributions and the failed rules' details only when read: a match over 50,000
households is shown a page at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlmodel import Session

from dutydesk.matching import rules as R
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.factors import Contribution, Inputs, contributions, top_reasons
from dutydesk.matching.query import (
    D_AGEMAX,
    D_AGEMIN,
    D_EXPIRES,
    D_FREE,
    D_GENDER,
    D_LOAD,
    D_OTHERS,
    D_PLACE,
    D_PLACES,
    D_SPECS,
    D_ID,
    D_STATUS,
    D_UNAV,
    DETAILS_AT,
    I_ETH,
    I_FREE,
    I_ID,
    I_KIND,
    I_LANG,
    I_LOAD,
    I_NAME,
    I_PLACE,
    I_REF,
    I_REL,
    I_VACANT,
    I_WARN,
    W_ALLEGATION,
    W_APPROVAL_ENDS,
    W_DBS,
    W_REVIEW,
    W_USUAL_LIMIT,
    household_details,
)
from dutydesk.matching.weights import Weights


class Ranked(NamedTuple):
    household_id: int
    reference: str
    name: str
    kind: str
    score: float
    inputs: Inputs
    free: int
    warnings: int  # bits: W_USUAL_LIMIT, W_DBS, W_REVIEW, W_APPROVAL_ENDS, W_ALLEGATION


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
class MatchContext:
    """What the factors need besides the row, kept to rebuild a household's inputs when shown."""

    km_by_place: dict[int, float]
    experience: dict[int, int]
    child_homes: set[int]
    sibling_homes: set[int]
    alleged: set[int]
    today_ordinal: int
    with_details: bool = False
    held_by: dict[int, str] = field(default_factory=dict)  # household id -> the open allegation holding it


class MatchResult:
    """Ranked households (best first; ties by reference) and excluded households (by reference)."""

    def __init__(self, criteria: MatchCriteria, weights: Weights, today: dt.date,
                 ranked_raw: list[tuple[float, str, Any]], excluded_raw: list[tuple[str, int, Any]],
                 ctx: MatchContext) -> None:
        self.criteria = criteria
        self.weights = weights
        self.weights_note = ""  # set by whoever loaded the weights: custom ones in force, and where from
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
        vdays = max(0, ctx.today_ordinal - date_ordinal(vs)) if vs is not None else None
        return Inputs(
            km=km,
            experience=ctx.experience.get(hid, 0),
            language=speaks(row[I_LANG], c.language) if c.language else None,
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

    def warning_words(self, r: Ranked) -> list[str]:
        """A ranked household's warnings, first what a proposal would need an exemption for."""
        return warning_labels(r.warnings, total=r.inputs.load + self.criteria.children)

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
        getters = _arg_getters(self.criteria, self.ctx.km_by_place, self.ctx.held_by)
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
        getters = _arg_getters(crit, km, self.ctx.held_by)
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


def date_ordinal(value: Any) -> int:
    """A date column read raw: a string on SQLite, a date on PostgreSQL."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).toordinal()
    return value.toordinal()


def speaks(languages: str | None, lang: str) -> bool:
    langs = languages or ""
    return lang in langs.lower() and lang in [x.strip() for x in langs.lower().split(",")]


def warning_labels(bits: int, expires: dt.date | None = None, total: int | None = None) -> list[str]:
    out = []
    if bits & W_USUAL_LIMIT:
        out.append(R.needs_exemption_text([R.usual_limit_text(total)]) if total is not None
                   else f"Needs an exemption: over the usual limit of {R.USUAL_LIMIT} and not all siblings")
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


def as_date(value: Any) -> dt.date | None:
    """A date column read raw: a string on SQLite, a date on PostgreSQL."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _unav_arg(d: Any) -> Any:
    return d[D_UNAV] or None  # "n|kind|first|last", as the saved search stores it (rules._unavailable)


def _younger_arg(d: Any) -> Any:
    return d[D_OTHERS] or None


def _arg_getters(c: MatchCriteria, km_by_place: dict[int, float] | None,
                 held_by: dict[int, str] | None = None) -> dict[str, Callable[[Any], Any]]:
    """For each rule, how to read its detail (for the label) from a details row."""
    ptype = c.placement_type.value if c.placement_type else None
    need = c.need_mask
    wanted = c.places_needed
    km = km_by_place or {}
    aged = c.age_children()
    pc = (ptype,) if c.parent_and_child else ()

    def age(d: Any) -> Any:
        lo, hi = d[D_AGEMIN], d[D_AGEMAX]
        return (lo, hi, tuple((n, a) for n, a in aged if not lo <= a <= hi))

    def gender(d: Any) -> Any:
        if not c.named:
            return d[D_GENDER]
        return (d[D_GENDER], tuple((n, g) for n, _a, g in c.named if g != d[D_GENDER]))

    def distance(d: Any) -> Any:
        pid = d[D_PLACE]
        value = km.get(pid) if pid is not None else None
        return round(value, 1) if value is not None else None

    def expired(d: Any) -> Any:
        exp = as_date(d[D_EXPIRES])
        return exp.isoformat() if exp else None

    held = held_by or {}

    def status(d: Any) -> Any:
        ref = held.get(d[D_ID])
        return (d[D_STATUS], ref) if ref else d[D_STATUS]

    return {
        "status": status,
        "expired": expired,
        "connected": lambda d: None,
        "unavailable": _unav_arg,
        "vacancy": lambda d: (d[D_PLACES], d[D_LOAD]),
        "siblings": lambda d: (d[D_FREE], wanted, *pc),
        "age": age,
        "gender": gender,
        "type": lambda d: ptype,
        "needs": lambda d: need & ~(d[D_SPECS] or 0),
        "wheelchair": lambda d: None,
        "others": lambda d: None,
        "younger": _younger_arg,
        "pets": lambda d: None,
        "smoker": lambda d: None,
        "distance": distance,
    }
