"""Criteria as the finder's dialog types them: every criterion a request has, one text per field.

``fields_of`` writes criteria as the fields (days as DD/MM/YYYY, through ``dutydesk.days``);
``criteria_from_fields`` reads them back, each field checked with a message that names
the field and says what to type. Choices travel as their stored values ("short_term",
"no_pets,wheelchair"), but words a worker would type ("short term") are read too.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import Gender, PlacementType, Specialism
from dutydesk.child_limits import MAX_CHILDREN
from dutydesk.days import day_text, parse_day
from dutydesk.errors import InvalidInput
from dutydesk.labels import label
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.text import clean

# The household limits a request can set, as the call form names them (``screens.call_options``).
LIMITS = ("wheelchair", "no_younger_children", "no_other_children", "no_pets", "no_smokers")


def fields_of(c: MatchCriteria | None) -> dict[str, str]:
    """The criteria as the dialog's fields."""
    if c is None:
        return {}
    genders = set(c.genders)
    return {
        "type": c.placement_type.value if c.placement_type else "",
        "from_on": day_text(c.from_on),
        "until_on": day_text(c.until_on),
        "ages": ",".join(str(a) for a in c.ages),
        "children": str(c.children) if c.children > max(1, len(c.ages)) else "",
        "gender": next(iter(genders)).value if len(genders) == 1 else "",
        "needs": ",".join(sorted(n.value for n in c.needs)),
        "limits": ",".join(k for k in LIMITS if getattr(c, k)),
        "near": c.near_label,
        "within": f"{c.max_distance_km:g}" if c.max_distance_km else "",
        "language": c.language,
        "religion": c.religion,
        "culture": c.ethnicity,
    }


def _word(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_").replace("&", "and")


def _member(enum_cls: Any, text: str, field: str) -> Any:
    """A member from its stored value or its words ("short term", "parent & child")."""
    want = _word(text)
    for m in enum_cls:
        if want in (m.value, _word(label(m)), _word(label(m, short=True))):
            return m
    choices = ", ".join(label(m) for m in enum_cls)
    raise InvalidInput(f"{field}: {text!r} is not one of {choices}; choose one, or leave it empty.")


def _items(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def criteria_from_fields(session: Session, values: dict[str, str], base: MatchCriteria | None = None) -> MatchCriteria:
    """Criteria from the dialog's fields. A request's own children and family stay with the
    criteria (continuity); their genders stay while the ages are the request's."""
    from db.models import Place
    from dutydesk import clock

    def text(key: str) -> str:
        return clean(values.get(key, "")).strip()

    ptype = _member(PlacementType, text("type"), "Type") if text("type") else None
    start = parse_day(text("from_on"), what="From") or clock.today()
    until = parse_day(text("until_on"), what="Until")
    if until is not None and until < start:
        raise InvalidInput(f"Until {day_text(until)} is before From {day_text(start)}; "
                           "give an end on or after the start, or leave Until empty.")
    ages: list[int] = []
    for part in _items(text("ages").replace(" ", ",")):
        if not part.isdigit():
            raise InvalidInput(f"Ages: {part!r} is not a number; type ages like 13, or 9,7,4 for siblings.")
        ages.append(int(part))
    children = max(1, len(ages))
    if text("children"):
        if not text("children").isdigit() or not 1 <= int(text("children")) <= MAX_CHILDREN:
            raise InvalidInput(f"Children: type how many to place together, 1 to {MAX_CHILDREN}, "
                               "or leave it empty for one per age.")
        children = int(text("children"))
        if children < len(ages):
            raise InvalidInput(f"Children: {children} is fewer than the {len(ages)} ages given; "
                               "give one age per child, or leave Children empty.")
    genders: tuple[Gender, ...] = ()
    if text("gender"):
        genders = (_member(Gender, text("gender"), "Gender"),) * children
    elif base is not None and len(set(base.genders)) > 1 and ages == list(base.ages):
        genders = base.genders  # a brother and sister: "any" in one field, each child's own
    needs = frozenset(_member(Specialism, n, "Needs") for n in _items(text("needs")))
    limits = {_word(x) for x in _items(text("limits"))}
    unknown = sorted(limits - set(LIMITS))
    if unknown:
        raise InvalidInput(f"Household: {unknown[0]!r} is not a limit; choose from wheelchair access, "
                           "no younger children, no other children, no pets, no smokers.")
    near_id, near_label = None, ""
    if text("near"):
        row = session.execute(sa.select(Place.id, Place.name)
                              .where(sa.func.lower(Place.name) == text("near").lower())).first()
        if row is None:
            raise InvalidInput(f"Near: dutydesk does not know {text('near')!r}; type a town such as Margate.")
        near_id, near_label = row
    within = None
    if text("within"):
        try:
            within = float(text("within"))
        except ValueError:
            raise InvalidInput("Within km: type a number of kilometres, or leave it empty for any distance.") from None
        if near_id is None:
            raise InvalidInput("Within km needs a town to measure from: type one in Near, or leave Within empty.")
    keep: dict[str, Any] = {}
    if base is not None:
        keep = dict(request_id=base.request_id, request_reference=base.request_reference,
                    child_ids=base.child_ids, family_keys=base.family_keys)
        if ages == list(base.ages):
            # The same children: the age rule still names each of them, and siblings stay one family.
            keep.update(named=base.named, one_family=base.one_family)
    return MatchCriteria(
        from_on=start, until_on=until, placement_type=ptype, ages=tuple(ages), genders=genders,
        siblings=children, needs=needs, wheelchair="wheelchair" in limits, near_place_id=near_id,
        near_label=near_label, max_distance_km=within, no_younger_children="no_younger_children" in limits,
        no_other_children="no_other_children" in limits, no_pets="no_pets" in limits,
        no_smokers="no_smokers" in limits, language=text("language"), religion=text("religion"),
        ethnicity=text("culture"), **keep,
    )
