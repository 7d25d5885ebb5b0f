"""A letter for one carer household: the requests it was considered for, what kept it from each,
and what could widen its chances (scenario 17).

The letter names no child and no other household: a request is described by its
month, placement type and the children's ages; what decided it by the household's
own terms and facts, or by the kind of factor that put another household first.
Nothing typed by a worker goes in (a note may name a child); the household's own
name is the only name, and it is escaped like all text. Printing it is data
leaving the desk, so it is audited.
"""

from __future__ import annotations

import datetime as dt
import html as _html
from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from db.enums import HouseholdStatus, Specialism
from db.models import Child, Household, RequestChild
from db.models.base import members_of
from dutydesk import clock, labels
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import require
from dutydesk.carers.profile import find_household_id
from dutydesk.errors import InvalidInput
from dutydesk.reports import reasons as RW
from dutydesk.reports import vacancies_facts as VF
from dutydesk.reports.period import MAX_MONTHS, Period, make_period
from dutydesk.reports.scope import LETTER_ROLES
from dutydesk.requests.record_export import md

FORMATS = ("md", "html")
STATUS_WORDS = {"on_hold": "on hold", "suspended": "suspended", "in_assessment": "still in assessment",
                "resigned": "resigned"}


@dataclass(frozen=True)
class Item:
    month: str
    request: str  # "a short-term placement for one child aged 9"
    why: str


@dataclass(frozen=True)
class Letter:
    household_id: int
    reference: str
    name: str
    period: Period
    items: tuple[Item, ...]
    summary: tuple[str, ...]
    widen: tuple[str, ...]
    made_on: dt.date


def _ptype_words(value: str) -> str:
    from db.enums import PlacementType

    return labels.label(value, PlacementType)


def _needs(arg) -> str:
    if isinstance(arg, int):
        names = [labels.label(m) for m in Specialism if m in members_of(Specialism, arg)]
    elif isinstance(arg, (list, tuple)):
        names = [labels.specialism(str(a)) for a in arg]
    else:
        names = []
    return ", ".join(names) or "a specialism"


def _age(a: int) -> str:
    return "under 1" if a == 0 else str(a)


def _ages(ages: list[int], placement_type: str) -> str:
    ages = sorted(ages)
    if not ages:
        return ""
    if placement_type == "parent_and_child" and len(ages) == 2:
        return f"a parent aged {_age(ages[1])} and a child aged {_age(ages[0])}"
    if len(ages) == 1:
        return f"one child aged {_age(ages[0])}"
    return f"{len(ages)} brothers and sisters aged {_age(ages[0])} to {ages[-1]}"


def _a(words: str) -> str:
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def rule_for_you(code: str, arg, ages: list[int]) -> str:
    child = "the children" if len(ages) > 1 else "the child"
    if code == "status":
        return f"your household was {STATUS_WORDS.get(str(arg)) or labels.label(str(arg), HouseholdStatus)} at the time"
    if code == "expired":
        return "your temporary approval had ended"
    if code == "connected":
        return "your approval is as a connected person, for one family's child"
    if code == "unavailable":
        return "you had told us you were away or taking a break on those dates"
    if code == "vacancy":
        return "you had no free place on those dates"
    if code == "siblings" and isinstance(arg, (list, tuple)) and len(arg) == 2:
        free, wanted = arg
        return (f"the request was for {wanted} brothers and sisters together, and you had {free} "
                f"place{'s' if free != 1 else ''} free")
    if code == "age" and isinstance(arg, (list, tuple)) and len(arg) == 2:
        lo, hi = arg
        text = f"your approval is for children aged {lo} to {hi}"
        outside = sorted(a for a in ages if not lo <= a <= hi)
        if len(outside) == 1:
            text += (", and one of the children was " if len(ages) > 1 else ", and the child was ") + _age(outside[0])
        elif outside:
            text += ", and the children were " + ", ".join(_age(a) for a in outside)
        return text
    if code == "gender":
        who = {"female": "girls", "male": "boys"}.get(str(arg), str(arg))
        return f"your approval is for {who} only"
    if code == "type":
        return f"your approval does not cover {_ptype_words(str(arg))} placements" if arg else \
            "your approval does not cover that type of placement"
    if code == "needs":
        return f"{child} needed a carer approved for {_needs(arg)}"
    if code == "wheelchair":
        return f"{child} needed a home with wheelchair access"
    if code == "others":
        return "the request asked for a home with no other children"
    if code == "younger":
        return "the request asked for a home with no younger children"
    if code == "pets":
        return "the request asked for a home without pets"
    if code == "smoker":
        return "the request asked for a home where nobody smokes"
    if code == "distance":
        if isinstance(arg, (int, float)):
            return f"your home is about {arg:.0f} km from {child}'s school or home, further than the request allowed"
        return "we do not hold your home's location, so the distance could not be checked"
    return RW.rule_words(code)


def why(p: VF.Pair, ages: list[int]) -> str:
    if p.decided == "rules":
        text = "; ".join(rule_for_you(code, arg, ages) for code, arg in p.rules)
    elif p.decided == "chosen":
        text = "your household was chosen"
    elif p.decided == "declined":
        text = "you declined when we rang"
    elif p.decided == "no_answer":
        text = "we rang but could not reach you"
    elif p.decided == "worker":
        text = "the duty worker ruled your household out after weighing the child's needs"
    elif p.decided == "top":
        text = f"your household came first of {p.ranked_count} on the list, but the placement was arranged elsewhere"
    elif p.decided == "ranked":
        ahead = (RW.factor_words(p.factor) if p.factor and p.factor != "score" else "scored higher overall")
        text = (f"your household could take the child and came {p.rank} of {p.ranked_count}; "
                f"the household placed first {ahead}")
    else:
        text = "you were shortlisted, and another household was chosen"
    return text[:1].upper() + text[1:] + "."


def _widen(ps: list[VF.Pair], ages: dict[int, list[int]], h) -> list[str]:
    by_term: dict[str, list[VF.Pair]] = defaultdict(list)
    for p in ps:
        if p.decided == "rules":
            for code in {c for c, _a in p.rules}:
                if code in RW.TERMS:
                    by_term[code].append(p)
    out: list[tuple[int, str]] = []
    for code, group in by_term.items():
        n = len(group)
        times = f"{n} request{'s' if n != 1 else ''}"
        if code == "age":
            outside = sorted(a for p in group for a in ages.get(p.request_id, []) if not h.age_min <= a <= h.age_max)
            span = f" for children aged {outside[0]} to {outside[-1]}" if outside else ""
            out.append((n, f"Your age range ({h.age_min} to {h.age_max}) ruled out {times}{span}."))
        elif code == "type":
            kinds = Counter(_ptype_words(p.placement_type) for p in group)
            listed = ", ".join(f"{k} ({v})" for k, v in kinds.most_common())
            out.append((n, f"The type of placement ruled out {times}: {listed}."))
        elif code == "needs":
            needs = Counter(_needs(arg) for p in group for c, arg in p.rules if c == "needs")
            listed = ", ".join(f"{k} ({v})" for k, v in needs.most_common())
            out.append((n, f"Approval for a specialism would have counted in {times}: {listed}."))
        elif code == "siblings":
            out.append((n, f"{times[:1].upper() + times[1:]} {'was' if n == 1 else 'were'} for brothers and sisters "
                           "together, more than your free places."))
        elif code == "gender":
            out.append((n, f"The gender in your terms of approval ruled out {times}."))
    out.sort(key=lambda x: -x[0])
    lines = [text for _n, text in out[:3]]
    if lines:
        lines[0] += " This ruled your household out most often."
        lines.append("Terms of approval change only at fostering panel; your supervising social worker can talk "
                     "this through with you.")
    return lines


def build(desk: Desk, household: str | int, date_from=None, date_to=None) -> Letter:
    require(desk.actor, LETTER_ROLES, "print a letter for a carer")
    with desk.db.read() as s:
        hid = find_household_id(s, household)
        h = s.get(Household, hid)
        if date_from is None and h.vacant_since is not None:
            today = clock.today()
            months = (today.year - h.vacant_since.year) * 12 + today.month - h.vacant_since.month + 1
            date_from = h.vacant_since if months <= MAX_MONTHS else None
        period = make_period(date_from, date_to)
        ps = VF.pairs(s, hid, period)
        ages: dict[int, list[int]] = defaultdict(list)
        if ps:
            for rid, born in s.execute(
                sa.select(RequestChild.request_id, Child.date_of_birth).join(Child, Child.id == RequestChild.child_id)
                .where(RequestChild.request_id.in_([p.request_id for p in ps])).order_by(Child.id)
            ):
                needed = next(p.needed_from for p in ps if p.request_id == rid)
                if born is not None:
                    ages[rid].append(needed.year - born.year - ((needed.month, needed.day) < (born.month, born.day)))
    items = []
    for p in ps:
        kids = _ages(ages.get(p.request_id, []), p.placement_type)
        what = _a(f"{_ptype_words(p.placement_type)} placement") + (f" for {kids}" if kids else "")
        items.append(Item(clock.fmt_local(p.at, "%B %Y"), what, why(p, ages.get(p.request_id, []))))
    decided = Counter(p.decided for p in ps)
    summary = []
    if decided["rules"]:
        summary.append(f"Ruled out by the terms or circumstances of the search: {decided['rules']}.")
    if decided["ranked"] + decided["top"]:
        summary.append(f"Could take the child, and another household was placed first: "
                       f"{decided['ranked'] + decided['top']}.")
    for key, words in (("declined", "You declined"), ("no_answer", "We could not reach you"),
                       ("worker", "Ruled out by the duty worker"), ("loose", "Shortlisted, another chosen"),
                       ("chosen", "Chosen")):
        if decided[key]:
            summary.append(f"{words}: {decided[key]}.")
    return Letter(hid, h.reference, h.name, period, tuple(items), tuple(summary), tuple(_widen(ps, ages, h)),
                  clock.today())


def _opening(letter: Letter) -> str:
    n = len(letter.items)
    if not n:
        return (f"From {letter.period.label}, your household was not considered for any placement request "
                "on the desk's records.")
    return (f"From {letter.period.label}, your household was considered for {n} placement "
            f"request{'s' if n != 1 else ''}. This letter says what kept it from each.")


CLOSING = ("This letter names no child and no other household. If you would like to talk about it, "
           "please ring the fostering duty desk or your supervising social worker.")


def render_markdown(letter: Letter) -> str:
    out = ["# Placement requests your household was considered for", "",
           f"To: {md(letter.name)} ({md(letter.reference)})  ", f"Date: {letter.made_on:%d %B %Y}  ",
           "From: the fostering duty desk", "", md(_opening(letter)), ""]
    if letter.items:
        out += ["## Each request", ""]
        out += [f"- {md(i.month)}, {md(i.request)}: {md(i.why)}" for i in letter.items] + [""]
        out += ["## In all", ""] + [f"- {md(x)}" for x in letter.summary] + [""]
    if letter.widen:
        out += ["## What could widen your chances", ""] + [md(x) + "  " for x in letter.widen] + [""]
    out += [md(CLOSING), ""]
    return "\n".join(out)


def render_html(letter: Letter) -> str:
    e = _html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>Placement requests your household was considered for</title>",
           "<style>body{font-family:sans-serif;max-width:45em;margin:1em auto;line-height:1.4}</style></head><body>",
           "<h1>Placement requests your household was considered for</h1>",
           f"<p>To: {e(letter.name)} ({e(letter.reference)})<br>Date: {letter.made_on:%d %B %Y}<br>"
           "From: the fostering duty desk</p>", f"<p>{e(_opening(letter))}</p>"]
    if letter.items:
        out.append("<h2>Each request</h2><ul>" + "".join(
            f"<li>{e(i.month)}, {e(i.request)}: {e(i.why)}</li>" for i in letter.items) + "</ul>")
        out.append("<h2>In all</h2><ul>" + "".join(f"<li>{e(x)}</li>" for x in letter.summary) + "</ul>")
    if letter.widen:
        out.append("<h2>What could widen your chances</h2>" + "".join(f"<p>{e(x)}</p>" for x in letter.widen))
    out += [f"<p>{e(CLOSING)}</p>", "</body></html>"]
    return "\n".join(out) + "\n"


def export(desk: Desk, household: str | int, fmt: str = "md", date_from=None, date_to=None) -> str:
    """The letter as text, with a line in the audit trail (it leaves the desk)."""
    fmt = (fmt or "md").lower()
    if fmt not in FORMATS:
        raise InvalidInput("Choose the format md or html for a letter.")
    letter = build(desk, household, date_from, date_to)
    text = render_markdown(letter) if fmt == "md" else render_html(letter)
    with desk.db.write() as s:
        audit.record(s, desk.actor, "household.letter", "households", letter.household_id,
                     {"reference": letter.reference, "format": fmt, "from": letter.period.start.isoformat(),
                      "to": letter.period.end.isoformat(), "requests": len(letter.items)})
    return text
