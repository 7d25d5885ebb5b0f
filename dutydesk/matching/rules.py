"""The hard rules: each one that a household fails excludes it, and every failed
rule is named. Rules are bits in one integer per household (computed in SQL where
the database can, in Python where it cannot), decoded and labelled only when shown.

The order here is the order they are listed in. Each rule's words come from one
function here (``status_text``, ``expired_text``, ``age_text``, ``gender_text``,
``type_text``, ``siblings_text``, ``usual_limit_text``): the duty process refuses a
proposal in the same words (``dutydesk.requests.decisions``, ``dutydesk.requests.terms``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from db.enums import Gender, GenderTerms, HouseholdStatus, PlacementType, Specialism, UnavailableKind
from db.models.base import members_of
from dutydesk.child_limits import USUAL_LIMIT
from dutydesk.labels import label, labels


def status_words(status: HouseholdStatus | str) -> str:
    """A household's status after "household is": "on hold", "still in assessment"."""
    words = label(status, HouseholdStatus)
    return f"still {words}" if status == HouseholdStatus.IN_ASSESSMENT else words


def status_text(status: HouseholdStatus | str, allegation: str | None = None) -> str:
    """The status rule's words, for the ruled-out view and the proposal's refusal alike."""
    if allegation:
        return f"Household is on hold: open allegation {allegation}; it takes no new placements"
    words = status_words(status) if status in set(HouseholdStatus) else "not approved"
    return f"Household is {words}; it takes no new placements"


def _status(arg: Any) -> str:
    if isinstance(arg, (list, tuple)) and len(arg) == 2 and arg[1]:  # (status, the allegation holding it)
        return status_text(arg[0], str(arg[1]))
    return status_text(arg)


def expired_text(ended: dt.date | str | None) -> str:
    """The temporary-approval rule's words: "... ended on 16 Mar 2027"."""
    if isinstance(ended, str):
        try:
            ended = dt.date.fromisoformat(ended[:10])
        except ValueError:
            return f"Temporary approval as a connected person ended on {ended}"
    if ended is None:
        return "Temporary approval has ended"
    return f"Temporary approval as a connected person ended on {ended:%d %b %Y}"


def _expired(arg: Any) -> str:
    return expired_text(arg or None)


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


def siblings_text(free: int, wanted: int, parent_and_child: bool = False) -> str:
    places = f"{free} free place{'s' if free != 1 else ''}"
    if parent_and_child:
        return f"A parent and baby need {wanted} places; the household has {places}"
    return f"Sibling group of {wanted} is larger than the {places}"


def _siblings(arg: Any) -> str:
    if arg:
        return siblings_text(int(arg[0]), int(arg[1]), len(arg) > 2 and arg[2] == PlacementType.PARENT_AND_CHILD.value)
    return "Sibling group is larger than the free places"


def _who(failing: Any) -> list[tuple[str, Any]]:
    return [(str(x[0]), x[1]) for x in failing or () if isinstance(x, (list, tuple)) and len(x) == 2]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def age_text(lo: int, hi: int, failing: Any = ()) -> str:
    """The age rule's words, naming each child outside the range: "Sam (13) is outside the approved ages 0-4".

    ``failing`` is (name, age) for each child outside; a typed look-up has no names ("A child of 13")."""
    who = _who(failing)
    if not who:
        return f"Child's age is outside the approved range {lo}-{hi}"
    text = _and([f"{name} ({age})" if name else f"a child of {age}" for name, age in who])
    return f"{text[0].upper()}{text[1:]} {'is' if len(who) == 1 else 'are'} outside the approved ages {lo}-{hi}"


def _age(arg: Any) -> str:
    if arg:
        return age_text(arg[0], arg[1], arg[2] if len(arg) > 2 else ())
    return "Child's age is outside the approved range"


def gender_text(terms: str, failing: Any = ()) -> str:
    """The gender rule's words: "Approved for female children only: Sam is male"."""
    words = label(terms, GenderTerms) if terms in set(GenderTerms) else str(terms)
    text = f"Approved for {words} children only"
    who = _who(failing)
    if who:
        text += ": " + ", ".join(f"{name} is {label(g, Gender) if g in set(Gender) else g}" for name, g in who)
    return text


def _gender(arg: Any) -> str:
    if isinstance(arg, (list, tuple)) and arg:
        return gender_text(str(arg[0]), arg[1] if len(arg) > 1 else ())
    return gender_text(arg) if arg else "Not approved for the child's gender"


def type_text(placement_type: PlacementType | str) -> str:
    return f"Not approved for {label(placement_type, PlacementType)} placements"


def _type(arg: Any) -> str:
    if arg in set(PlacementType):
        return type_text(arg)
    return "Not approved for this placement type"


def usual_limit_text(total: int) -> str:
    """Over the usual limit: a ranked household that a proposal needs an exemption for."""
    return f"{total} children is over the usual limit of {USUAL_LIMIT} and they are not all siblings"


def needs_exemption_text(breaches: list[str]) -> str:
    return "Needs an exemption: " + "; ".join(breaches)


# The rules an exemption can cover (placing outside the terms of approval, signed off by a manager):
# matching excludes on them, a proposal with an exemption reason may still go ahead.
EXEMPTABLE = ("age", "gender", "type")


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
