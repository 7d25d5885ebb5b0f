"""What a match looks for: built from a placement request and its children, or typed
for a general look-up (the finder, ``dutydesk households search``)."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import Gender, PlacementType, Specialism
from db.models import Child, PlacementRequest, RequestChild
from db.models.base import mask_of
from dutydesk.child_limits import MAX_AGE, MAX_CHILDREN, MAX_DISTANCE_KM, MAX_PARENT_AGE
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.labels import label
from dutydesk.labels import language as language_word
from dutydesk.labels import named
from dutydesk.text import clean


@dataclass(frozen=True)
class MatchCriteria:
    """Everything the hard rules and soft factors look at.

    ``ages`` and ``genders`` are per child (a sibling group has several);
    ``siblings`` is how many children must be placed together (at least the
    number of ages given). Unknown ages are left out (the age rule then checks
    the ages that are known).
    """

    from_on: dt.date
    until_on: dt.date | None = None
    placement_type: PlacementType | None = None
    ages: tuple[int, ...] = ()
    genders: tuple[Gender, ...] = ()
    siblings: int = 1
    needs: frozenset[Specialism] = frozenset()
    wheelchair: bool = False
    near_place_id: int | None = None
    near_label: str = ""
    max_distance_km: float | None = None
    no_younger_children: bool = False
    no_other_children: bool = False
    no_pets: bool = False
    no_smokers: bool = False
    language: str = ""
    religion: str = ""
    ethnicity: str = ""
    # Set when the criteria come from a request.
    request_id: int | None = None
    request_reference: str = ""
    child_ids: tuple[int, ...] = ()
    family_keys: tuple[str, ...] = field(default=())
    # (first name, age or None, gender value) per child of the request, so a rule names the child it fails.
    named: tuple[tuple[str, int | None, str], ...] = ()
    one_family: bool = False  # every child of the request has the one family key (all siblings)

    def __post_init__(self) -> None:
        if self.until_on is not None and self.until_on < self.from_on:
            raise InvalidInput("The end date is before the start date; give an end on or after the start.")
        if self.placement_type is not None:
            object.__setattr__(self, "placement_type", PlacementType(self.placement_type))
        top = MAX_PARENT_AGE if self.placement_type is PlacementType.PARENT_AND_CHILD else MAX_AGE
        for age in self.ages:
            if not 0 <= age <= top:
                raise InvalidInput(f"Age {age} is not a child's age; give ages from 0 to {MAX_AGE}"
                                   f" (a young parent on a parent-and-child request: up to {MAX_PARENT_AGE}).")
        object.__setattr__(self, "named", tuple((str(n), a, str(getattr(g, "value", g))) for n, a, g in self.named))
        # Siblings is checked as given: -3 or 0 once became one child, silently.
        if not 1 <= self.siblings <= MAX_CHILDREN or not 1 <= self.children <= MAX_CHILDREN:
            raise InvalidInput(f"Siblings: give how many children to place together, a whole number from 1 to "
                               f"{MAX_CHILDREN} (you gave {self.siblings if self.siblings < 1 else self.children}).")
        km = self.max_distance_km
        if km is not None and not (math.isfinite(km) and 0 < km <= MAX_DISTANCE_KM):
            raise InvalidInput(f"Within: give a distance in kilometres, more than 0 and at most {MAX_DISTANCE_KM} "
                               f"(you gave {km:g}).")
        if km is not None and self.near_place_id is None:
            raise InvalidInput("A maximum distance needs a place to measure from (--near).")
        object.__setattr__(self, "language", clean(self.language).lower())
        object.__setattr__(self, "religion", clean(self.religion).lower())
        object.__setattr__(self, "ethnicity", clean(self.ethnicity).lower())
        object.__setattr__(self, "needs", frozenset(Specialism(n) for n in self.needs))
        object.__setattr__(self, "genders", tuple(Gender(g) for g in self.genders))

    @property
    def children(self) -> int:
        return max(self.siblings, len(self.ages), 1)

    @property
    def who(self) -> str:
        """Who is to be placed, in a sentence's words: "the child" or "the children"."""
        return "the children" if self.children > 1 else "the child"

    @property
    def places_needed(self) -> int:
        """Places the group takes: one placement, a place for each child (a parent and baby take two)."""
        return self.children

    @property
    def parent_and_child(self) -> bool:
        return self.placement_type is PlacementType.PARENT_AND_CHILD

    def within_terms(self, age: int | None) -> bool:
        """Whether the age rule asks about this age: not a young adult parent's (over 17, on parent and
        child), whom the household's parent-and-child approval covers rather than its age range."""
        return age is not None and not (self.parent_and_child and age > MAX_AGE)

    @property
    def term_ages(self) -> tuple[int, ...]:
        """The ages the age rule checks against a household's approved range."""
        return tuple(a for a in self.ages if self.within_terms(a))

    def age_children(self) -> list[tuple[str, int]]:
        """(first name, age) of each child the age rule checks; a typed look-up has ages, no names."""
        if self.named:
            return [(n, a) for n, a, _g in self.named if a is not None and self.within_terms(a)]
        return [("", a) for a in self.term_ages]

    @property
    def sibling_key(self) -> str | None:
        """The family every child of the request belongs to, if one (placed siblings then count as theirs);
        a child with no family key is not known to be a sibling."""
        return self.family_keys[0] if self.one_family and len(self.family_keys) == 1 else None

    @cached_property
    def need_mask(self) -> int:
        return mask_of(Specialism, self.needs)

    def with_changes(self, **changes: Any) -> "MatchCriteria":
        return replace(self, **changes)

    # -- saving with a search --------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "from_on": self.from_on.isoformat(),
            "until_on": self.until_on.isoformat() if self.until_on else None,
            "placement_type": self.placement_type.value if self.placement_type else None,
            "ages": list(self.ages),
            "genders": [g.value for g in self.genders],
            "siblings": self.siblings,
            "needs": sorted(n.value for n in self.needs),
            "wheelchair": self.wheelchair,
            "near_place_id": self.near_place_id,
            "near_label": self.near_label,
            "max_distance_km": self.max_distance_km,
            "no_younger_children": self.no_younger_children,
            "no_other_children": self.no_other_children,
            "no_pets": self.no_pets,
            "no_smokers": self.no_smokers,
            "language": self.language,
            "religion": self.religion,
            "ethnicity": self.ethnicity,
            "request_id": self.request_id,
            "request_reference": self.request_reference,
            "child_ids": list(self.child_ids),
            "family_keys": list(self.family_keys),
            "named": [list(n) for n in self.named],
            "one_family": self.one_family,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> "MatchCriteria":
        if isinstance(data, str):
            data = json.loads(data)
        d = dict(data)
        d["from_on"] = dt.date.fromisoformat(d["from_on"])
        d["until_on"] = dt.date.fromisoformat(d["until_on"]) if d.get("until_on") else None
        d["placement_type"] = PlacementType(d["placement_type"]) if d.get("placement_type") else None
        d["ages"] = tuple(d.get("ages", ()))
        d["genders"] = tuple(Gender(g) for g in d.get("genders", ()))
        d["needs"] = frozenset(Specialism(n) for n in d.get("needs", ()))
        d["child_ids"] = tuple(d.get("child_ids", ()))
        d["family_keys"] = tuple(d.get("family_keys", ()))
        d["named"] = tuple(tuple(n) for n in d.get("named", ()) if isinstance(n, list) and len(n) == 3)
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def summary(self) -> str:
        """One line in the desk's words, for headers and saved-search lists."""
        parts: list[str] = []
        n = self.children
        if self.ages:
            ages = ", ".join(str(a) for a in self.ages)
            parts.append(f"{n} children aged {ages}" if n > 1 else f"age {ages}")
        elif n > 1:
            parts.append(f"{n} children")
        if self.genders and len(set(self.genders)) == 1:
            parts.append(label(self.genders[0]))
        if self.placement_type:
            parts.append(label(self.placement_type))
        if self.needs:
            parts.append("needs " + ", ".join(sorted(label(n) for n in self.needs)))
        if self.wheelchair:
            parts.append("wheelchair access")
        when = f"from {self.from_on:%d %b %Y}"
        if self.until_on:
            when += f" to {self.until_on:%d %b %Y}"
        parts.append(when)
        if self.near_label:
            near = f"near {self.near_label}"
            if self.max_distance_km:
                near += f" (within {self.max_distance_km:g} km)"
            parts.append(near)
        limits = [name for flag, name in (
            (self.no_younger_children, "no younger children"), (self.no_other_children, "no other children"),
            (self.no_pets, "no pets"), (self.no_smokers, "no smokers")) if flag]
        parts.extend(limits)
        if self.language:
            parts.append(f"speaks {language_word(self.language)}")
        if self.religion:
            parts.append(named(self.religion))
        if self.ethnicity:
            parts.append(f"culture {named(self.ethnicity)}")
        return "; ".join(parts)


def _age_on(dob: dt.date | None, day: dt.date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _first_language(languages: str) -> str:
    for lang in (x.strip().lower() for x in (languages or "").split(",")):
        if lang and lang != "english":
            return lang
    return ""


def criteria_for_request(session: Session, request_id: int) -> MatchCriteria:
    """The criteria a request implies: its own requirements plus its children's ages, genders and needs."""
    req = session.get(PlacementRequest, request_id)
    if req is None:
        raise NotFound(f"There is no placement request with id {request_id}.")
    children = list(
        session.execute(
            sa.select(Child).join(RequestChild, RequestChild.child_id == Child.id)
            .where(RequestChild.request_id == request_id).order_by(Child.id)
        ).scalars()
    )
    ages: list[int] = []
    named: list[tuple[str, int | None, str]] = []
    top = MAX_PARENT_AGE if req.placement_type == PlacementType.PARENT_AND_CHILD else MAX_AGE
    for c in children:
        age = _age_on(c.date_of_birth, req.needed_from)
        if age is not None:
            age = max(0, min(age, top))
            ages.append(age)
        named.append((c.first_name, age, c.gender.value))
    needs = set(req.needs)
    for c in children:
        needs |= set(c.needs)
    near = req.near_place_id
    if near is None:
        for c in children:
            near = c.school_place_id or c.home_place_id
            if near:
                break
    near_label = ""
    if near is not None:
        from db.models import Place

        place = session.get(Place, near)
        near_label = place.name if place else ""
    language = req.language or next((_first_language(c.languages) for c in children if _first_language(c.languages)), "")
    religion = req.religion or next((c.religion for c in children if c.religion), "")
    ethnicity = next((c.ethnicity for c in children if c.ethnicity), "")
    return MatchCriteria(
        from_on=req.needed_from,
        until_on=req.needed_until,
        placement_type=req.placement_type,
        ages=tuple(ages),
        genders=tuple(c.gender for c in children),
        siblings=max(1, len(children)),
        needs=frozenset(needs),
        wheelchair=req.needs_wheelchair_access or any(c.needs_wheelchair_access for c in children),
        near_place_id=near,
        near_label=near_label,
        max_distance_km=req.max_distance_km if near is not None else None,
        no_younger_children=req.no_younger_children,
        no_other_children=req.no_other_children,
        no_pets=req.no_pets,
        no_smokers=req.no_smokers,
        language=language,
        religion=religion,
        ethnicity=ethnicity,
        request_id=req.id,
        request_reference=req.reference,
        child_ids=tuple(c.id for c in children),
        family_keys=tuple(sorted({c.family_key for c in children if c.family_key})),
        named=tuple(named),
        one_family=bool(children) and len({c.family_key for c in children}) == 1 and children[0].family_key is not None,
    )
