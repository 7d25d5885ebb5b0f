"""The hard rules: each one that a household fails excludes it, and every failed
rule is named. Rules are bits in one integer per household (computed in SQL where
the database can, in Python where it cannot), decoded and labelled only when shown.

The order here is the order they are listed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from db.enums import HouseholdStatus, PlacementType, Specialism, UnavailableKind
from db.models.base import members_of
from dutydesk.labels import label, labels


def status_words(status: HouseholdStatus | str) -> str:
    """A household's status after "household is": "on hold", "still in assessment"."""
    words = label(status, HouseholdStatus)
    return f"still {words}" if status == HouseholdStatus.IN_ASSESSMENT else words


def _status(arg: Any) -> str:
    if isinstance(arg, (list, tuple)) and len(arg) == 2 and arg[1]:  # (status, the allegation holding it)
        return f"Household is on hold: open allegation {arg[1]}; it takes no new placements"
    words = status_words(arg) if arg in set(HouseholdStatus) else "not approved"
    return f"Household is {words}; it takes no new placements"


def _expired(arg: Any) -> str:
    return f"Temporary approval as a connected person ended on {arg}" if arg else "Temporary approval has ended"


def _unavailable(arg: Any) -> str:
    """Names the break: "holiday 27 Nov to 10 Dec 2026"; an older saved search's "1 declared period" as it was."""
    parts = str(arg).split("|") if arg else []
    if len(parts) != 4:
        return f"Declared unavailable during the dates ({arg})" if arg else "Declared unavailable during the dates"
    n, kind, first, last = parts
    try:
        a, b = dt.date.fromisoformat(first[:10]), dt.date.fromisoformat(last[:10])
    except ValueError:
        return "Declared unavailable during the dates"
    what = label(kind, UnavailableKind) if kind in set(UnavailableKind) else "unavailable"
    span = f"{a:%a %d %b} to {b:%a %d %b %Y}"
    if n == "1":
        return f"Declared unavailable during the dates: {what} {span}"
    return f"Declared unavailable during the dates: {n} periods ({what} and others), {span}"


def _vacancy(arg: Any) -> str:
    if arg:
        places, load = arg
        return f"No free place for the dates ({load} of {places} places taken)"
    return "No free place for the dates"


def _siblings(arg: Any) -> str:
    if arg:
        free, wanted = arg
        return f"Sibling group of {wanted} is larger than the {free} free place{'s' if free != 1 else ''}"
    return "Sibling group is larger than the free places"


def _age(arg: Any) -> str:
    if arg:
        lo, hi = arg
        return f"Child's age is outside the approved range {lo}-{hi}"
    return "Child's age is outside the approved range"


def _gender(arg: Any) -> str:
    return f"Approved for {arg} children only" if arg else "Not approved for the child's gender"


def _type(arg: Any) -> str:
    if arg in set(PlacementType):
        return f"Not approved for {label(arg, PlacementType)} placements"
    return "Not approved for this placement type"


def _needs(arg: Any) -> str:
    if isinstance(arg, int) and arg:
        return f"Not approved for needed specialism: {labels(members_of(Specialism, arg))}"
    if isinstance(arg, (list, tuple)) and arg and all(a in set(Specialism) for a in arg):
        return f"Not approved for needed specialism: {labels(arg, Specialism)}"
    return "A needed specialism is missing"


def _younger(arg: Any) -> str:
    if arg is None or arg == "":
        return "A younger child lives there"
    return f"A younger child lives there (own children aged {str(arg).replace(',', ', ')})"


def _distance(arg: Any) -> str:
    if arg is None:
        return "Household's location is not recorded, so the distance limit cannot be met"
    return f"{arg:.0f} km away, beyond the distance limit"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    bit: int
    title: str  # a short name for lists and columns
    label: Callable[[Any], str]


_RULES = [
    ("status", "not approved", _status),
    ("expired", "approval ended", _expired),
    ("connected", "connected person", lambda _a: "Connected-person household: approved only for its own family's child"),
    ("unavailable", "unavailable", _unavailable),
    ("vacancy", "no vacancy", _vacancy),
    ("siblings", "siblings", _siblings),
    ("age", "age", _age),
    ("gender", "gender", _gender),
    ("type", "placement type", _type),
    ("needs", "specialism", _needs),
    ("wheelchair", "wheelchair", lambda _a: "No wheelchair access"),
    ("others", "other children", lambda _a: "Other children live there (the request asks for none)"),
    ("younger", "younger child", _younger),
    ("pets", "pets", lambda _a: "Pets in the home (the request asks for none)"),
    ("smoker", "smoker", lambda _a: "A smoker in the home (the request asks for none)"),
    ("distance", "too far", _distance),
]

RULES: tuple[Rule, ...] = tuple(Rule(code, 1 << i, title, words) for i, (code, title, words) in enumerate(_RULES))
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
BIT: dict[str, int] = {r.code: r.bit for r in RULES}


def codes_of(mask: int) -> list[str]:
    codes = _CODES.get(mask)
    if codes is None:
        codes = _CODES[mask] = tuple(r.code for r in RULES if mask & r.bit)
    return list(codes)


# mask -> its rule codes: a match has only a few hundred distinct masks among 50,000 exclusions.
_CODES: dict[int, tuple[str, ...]] = {}


def rule_label(code: str, arg: Any = None) -> str:
    """A failed rule in words. A code no rule has (a search saved by another version) is shown as stored."""
    rule = BY_CODE.get(code)
    if rule is None:
        return code if arg in (None, "") else f"{code} ({arg})"
    return rule.label(arg)


def rule_title(code: str) -> str:
    rule = BY_CODE.get(code)
    return rule.title if rule else code
