"""The soft factors: signed contributions to a household's score.

The engine computes each household's raw inputs once (distance, experience
count, matches, days vacant, kind, load) and the score from them; the
contributions with their labels are made from the same inputs only when shown,
by ``contributions`` below (a test holds the two to the same sums).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from db.enums import HouseholdKind
from dutydesk import labels
from dutydesk.matching.weights import Weights


class Inputs(NamedTuple):
    """One eligible household's raw factor inputs."""

    km: float | None  # None: no place to measure from, or the household's place unknown
    experience: int  # past/current placements of children with a needed specialism
    language: bool | None  # None: no language asked for
    religion: bool | None
    culture: bool | None
    continuity_child: bool
    continuity_sibling: bool
    vacant_days: int | None  # None: no place standing empty
    kind: str
    load: int  # children living there during the dates


class Contribution(NamedTuple):
    code: str
    points: float
    label: str


def distance_points(km: float, w: Weights) -> float:
    """Full points at 0 km, 0 at the reach, falling further to the floor beyond it (never rising)."""
    if w.distance_reach_km <= 0:
        return 0.0
    return max(w.distance_floor, w.distance_points * (1.0 - km / w.distance_reach_km))


def vacancy_points(days: int, w: Weights) -> float:
    return w.vacancy_per_day * min(max(days, 0), w.vacancy_cap_days)


def experience_points(count: int, w: Weights) -> float:
    return w.experience_per_placement * min(count, w.experience_cap)


def kind_points(kind: str, w: Weights) -> float:
    return {"in_house": w.kind_in_house, "connected_person": w.kind_connected_person, "ifa": w.kind_ifa}.get(kind, 0.0)


def score_of(i: Inputs, w: Weights) -> float:
    """The same sum the engine's fast path computes."""
    return round(sum(c.points for c in contributions(i, w, "", "", "")), 2)


def contributions(i: Inputs, w: Weights, near_label: str = "", language: str = "", religion: str = "") -> list[Contribution]:
    """Every factor that applies, in display order, with its signed points and a label."""
    out: list[Contribution] = []
    if i.km is not None:
        where = f" from {near_label}" if near_label else ""
        out.append(Contribution("distance", distance_points(i.km, w), f"{i.km:.1f} km{where}"))
    if i.experience:
        n = min(i.experience, w.experience_cap)
        more = "+" if i.experience > w.experience_cap else ""
        out.append(Contribution("experience", experience_points(i.experience, w),
                                f"Cared for {n}{more} child{'ren' if i.experience != 1 else ''} with these needs"))
    if i.language is not None:
        lang = labels.language(language) if language else "the language asked for"
        out.append(Contribution("language", w.language_match if i.language else 0.0,
                                f"Speaks {lang}" if i.language else f"Does not speak {lang}"))
    if i.religion is not None:
        rel = labels.named(religion) if religion else "the child's religion"
        out.append(Contribution("religion", w.religion_match if i.religion else 0.0,
                                f"Shares the child's religion ({rel})" if i.religion else f"Religion differs (the child: {rel})"))
    if i.culture is not None:
        out.append(Contribution("culture", w.culture_match if i.culture else 0.0,
                                "Shares the child's ethnicity" if i.culture else "Ethnicity differs"))
    if i.continuity_child:
        # A connected person came forward for this child (scenario 8): known to them, not necessarily lived there.
        known = "Known to the child: came forward for them" if i.kind == "connected_person" \
            else "The child has lived here before"
        out.append(Contribution("continuity_child", w.continuity_child, known))
    if i.continuity_sibling:
        out.append(Contribution("continuity_sibling", w.continuity_sibling, "A brother or sister lives or lived here"))
    if i.vacant_days is not None:
        out.append(Contribution("vacancy", vacancy_points(i.vacant_days, w),
                                f"Place empty for {i.vacant_days} day{'s' if i.vacant_days != 1 else ''}"))
    out.append(Contribution("kind", kind_points(i.kind, w), labels.label(i.kind, HouseholdKind)))
    out.append(Contribution("load", (w.load_per_child * i.load) or 0.0,
                            f"{i.load} child{'ren' if i.load != 1 else ''} already placed" if i.load else "No children placed now"))
    return out


FACTOR_TITLES: dict[str, str] = {
    "distance": "distance",
    "experience": "experience",
    "language": "language",
    "religion": "religion",
    "culture": "culture",
    "continuity_child": "knows the child",
    "continuity_sibling": "knows a sibling",
    "vacancy": "days empty",
    "kind": "in-house first",
    "load": "current load",
}


def top_reasons(contribs: list[Contribution], n: int = 2) -> list[Contribution]:
    """The contributions that did most for (or against) the household, biggest first."""
    nonzero = [c for c in contribs if c.points]
    return sorted(nonzero, key=lambda c: (-abs(c.points), c.code))[:n]


def as_json(contribs: list[Contribution]) -> list[list[Any]]:
    return [[c.code, round(c.points, 2), c.label] for c in contribs]
