"""Children, and who lives where: occupancy, active placements and ended ones.

Occupancy comes first: each household that can hold children gets a number
of filled places, and each filled place gets a child who fits the household's
terms (age range, gender), numbered 1..occupied so the partial unique index on
active places holds. Households with a free place get the date it became free
(``vacant_since``), usually the end of an earlier placement.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
from dataclasses import dataclass

from db.enums import (
    Gender,
    GenderTerms,
    HouseholdKind,
    LegalStatus,
    PlacementEndReason,
    PlacementType,
    Specialism,
)
from dutydesk.demo import names
from dutydesk.working_days import add_working_days
from dutydesk.demo.rand import choice, randint, randrange  # noqa: F401
from dutydesk.demo.county import HH, County, Kid, PlaceInfo
from dutydesk.demo.households import pick

L = LegalStatus
LEGAL = [(L.CARE_ORDER, 45), (L.INTERIM_CARE_ORDER, 16), (L.SECTION_20, 22), (L.PLACEMENT_ORDER, 5),
         (L.POLICE_PROTECTION, 2), (L.EMERGENCY_PROTECTION_ORDER, 2), (L.REMAND, 1), (L.CHILD_IN_NEED, 3),
         (L.OTHER, 4)]
UASC_BACKGROUND = {
    "female": ["Mariam", "Semhar", "Hana"],
    "male": ["Ahmad", "Mohammad", "Rahim", "Karim", "Hassan", "Ali", "Jamal", "Dawit", "Yonas", "Abdi",
             "Zabihullah", "Samiullah", "Bilal", "Omid", "Reza"],
    "surnames": ["Ahmadi", "Rahimi", "Hashimi", "Karimi", "Haidari", "Safi", "Noori", "Tesfaye",
                 "Haile", "Abdullahi", "Mohammadi", "Stanekzai"],
    "languages": ["pashto", "dari", "pashto,dari", "arabic", "tigrinya", "kurdish", "farsi"],
    "religions": ["Muslim", "Muslim", "Christian"],
    "ethnicities": ["Asian Other - Afghan", "Black African - Eritrean", "Arab", "Other - Kurdish"],
}
DA_ITEMS = ["medical_consent", "school_trips", "overnight_stays", "haircuts", "social_media", "holidays"]


@dataclass(slots=True)
class Stay:
    """A placement being built (written by the history, which links its request)."""

    id: int
    kid: Kid
    hh: HH
    place_number: int
    ptype: PlacementType
    starts_on: dt.date
    ended_on: dt.date | None = None
    end_reason: PlacementEndReason | None = None
    end_note: str = ""
    emergency: bool = False
    request_id: int | None = None
    decision_id: int | None = None
    created_by_id: int = 1
    created_at: dt.datetime | None = None
    scripted: bool = False  # written by the scenarios themselves
    outside_terms: bool = False
    exemption_reason: str = ""


def case_reference(cid: int) -> str:
    return f"CR{1_000_000 + (cid * 7919) % 9_000_000:07d}"


def dob_for(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - dt.timedelta(days=age * 365 + randrange(rng, 0, 365) + age // 4)


def new_child(county: County, age: int, gender: Gender, home: PlaceInfo, *, bg: dict | None = None,
              last_name: str | None = None, uasc: bool = False, ref_day: dt.date | None = None,
              created_day: dt.date | None = None, write: bool = True, **over) -> Kid:
    rng = county.rng
    cid = county.next_id("children")
    if uasc:
        bg = UASC_BACKGROUND
    bg = bg or names.background(rng)
    girls, boys = bg.get("girls", bg["female"]), bg.get("boys", bg["male"])
    first = choice(rng, girls if gender == Gender.FEMALE else boys)
    day = ref_day or county.today
    needs: set[Specialism] = set()
    wheelchair = False
    if uasc:
        needs.add(Specialism.UASC)
    else:
        if rng.random() < 0.07:
            needs.add(Specialism.DISABILITY)
            wheelchair = rng.random() < 0.25
        if rng.random() < 0.05:
            needs.add(Specialism.COMPLEX_HEALTH)
        if rng.random() < 0.1:
            needs.add(Specialism.THERAPEUTIC)
        if age < 2:
            needs.add(Specialism.BABIES)
        if age >= 13 and rng.random() < 0.3:
            needs.add(Specialism.TEENAGERS)
    school = None
    if age >= 4:
        school = home if rng.random() < 0.7 else choice(county.rng, county.places_by_area.get(home.area, county.places))
    kid = Kid(
        id=cid, case_reference=case_reference(cid), first_name=first,
        last_name=last_name or choice(rng, bg["surnames"]),
        dob=dob_for(rng, day, age), gender=gender, home=home, school=school, needs=frozenset(needs),
        wheelchair=wheelchair,
        legal_status=L.SECTION_20 if uasc else pick(rng, LEGAL),
        placing_authority=names.HOME_AUTHORITY if rng.random() < 0.93 else choice(rng, names.OTHER_AUTHORITIES),
        social_worker=choice(rng, county.social_workers),
        languages=choice(rng, bg["languages"]), religion=choice(rng, bg["religions"]),
        ethnicity=choice(rng, bg["ethnicities"]),
    )
    if uasc:
        kid.placing_authority = names.HOME_AUTHORITY
    for key, value in over.items():
        setattr(kid, key, value)
    kid.created_at = county.past(county.at(min(created_day or day, county.today), 9, randrange(rng, 60)))
    county.kids.append(kid)
    if write:
        county.writer.add("children", kid.row())
    return kid


def gender_for(rng: random.Random, terms: GenderTerms, age: int) -> Gender:
    if terms == GenderTerms.FEMALE:
        return Gender.FEMALE
    if terms == GenderTerms.MALE:
        return Gender.MALE
    if age >= 13 and rng.random() < 0.015:
        return Gender.NON_BINARY
    return Gender.FEMALE if rng.random() < 0.48 else Gender.MALE


def placement_type_for(rng: random.Random, hh: HH) -> PlacementType:
    usual = [t for t in (PlacementType.LONG_TERM, PlacementType.SHORT_TERM, PlacementType.EMERGENCY,
                         PlacementType.REMAND) if t in hh.types]
    if not usual:
        return next(iter(sorted(hh.types))) if hh.types else PlacementType.SHORT_TERM
    return choice(rng, usual)


def plan_occupancy(county: County, budget: int) -> None:
    """Decide how many places each household has filled (before any row is written)."""
    rng = county.rng
    pool = [h for h in county.households if h.can_hold_children and not h.scenario]
    capacity = sum(h.places for h in pool)
    target = max(0, min(budget, int(0.72 * capacity)))
    mandatory: list[HH] = []
    optional: list[HH] = []
    for h in pool:
        must = 0
        if h.kind == HouseholdKind.CONNECTED_PERSON:
            must = h.places if rng.random() < 0.9 else max(0, h.places - 1)
        elif h.kind == HouseholdKind.IN_HOUSE and h.places >= 3:
            must = h.places - 2  # no in-house carer has three free places (scenario 2)
        mandatory.extend([h] * must)
        optional.extend([h] * (h.places - must))
    rng.shuffle(optional)
    chosen = mandatory[:target] + optional[: max(0, target - len(mandatory))]
    for h in chosen:
        h.occupied += 1
    for h in pool:
        if h.occupied < h.places:
            h.vacant_since = vacancy_day(county, h)


def vacancy_day(county: County, hh: HH) -> dt.date:
    rng = county.rng
    roll = rng.random()
    days = randrange(rng, 1, 15) if roll < 0.25 else randrange(rng, 15, 61) if roll < 0.65 else randrange(rng, 61, 241)
    day = county.today - dt.timedelta(days=days)
    if hh.approved_on and day < hh.approved_on:
        day = hh.approved_on
    return day


def stay(county: County, kid: Kid, hh: HH, number: int, ptype: PlacementType, starts_on: dt.date,
         **over) -> Stay:
    s = Stay(id=county.next_id("placements"), kid=kid, hh=hh, place_number=number, ptype=ptype,
             starts_on=starts_on, emergency=ptype == PlacementType.EMERGENCY, **over)
    county.stays.append(s)
    return s


def start_for(county: County, hh: HH, kid: Kid, ptype: PlacementType) -> dt.date:
    rng = county.rng
    today = county.today
    if hh.kind == HouseholdKind.CONNECTED_PERSON and hh.approved_on:
        day = hh.approved_on
    elif ptype == PlacementType.LONG_TERM:
        day = today - dt.timedelta(days=randrange(rng, 30, 6 * 365))
    else:
        day = today - dt.timedelta(days=min(900, int(rng.expovariate(1 / 170)) + 1))
    floor = max(kid.dob, hh.approved_on or kid.dob)
    return max(day, floor)


def generate(county: County, children_total: int) -> None:
    """Children in every filled place, children at home after a placement, and the ended stays."""
    rng = county.rng
    today = county.today
    already = len(county.kids)
    spare_budget = max(0, children_total - already - sum(h.occupied - h.reserved for h in county.households))
    by_area: dict = {}
    for h in county.households:
        if h.can_hold_children and not h.scenario:
            by_area.setdefault(h.place.area, []).append(h)

    # Children in the places filled now.
    placed_now: list[Kid] = []
    for hh in county.households:
        free = hh.occupied - hh.reserved
        if free <= 0:
            continue
        siblings = free >= 2 and rng.random() < 0.35
        bg = names.background(rng) if siblings else None
        surname = choice(rng, bg["surnames"]) if bg else None
        family = f"F{hh.id:05d}" if siblings else None
        for number in range(hh.reserved + 1, hh.occupied + 1):
            age = randint(rng, hh.age_min, hh.age_max)
            uasc = Specialism.UASC in hh.specialisms and age >= 14 and not siblings and rng.random() < 0.4
            gender = Gender.MALE if uasc and rng.random() < 0.9 else gender_for(rng, hh.gender_terms, age)
            kid = new_child(county, age, gender, hh.place, bg=bg, last_name=surname, uasc=uasc,
                            family_key=family, write=False)
            ptype = placement_type_for(rng, hh)
            start = start_for(county, hh, kid, ptype)
            # Known to the desk from a few days before the placement (or the start of its records).
            kid.created_at = county.past(county.at(start - dt.timedelta(days=randrange(rng, 1, 10)),  # babies: pre-birth referral
                                                   9, randrange(rng, 60)))
            placed_now.append(kid)  # written after the moves below, which may move created_at back
            stay(county, kid, hh, number, ptype, start)
    county.writer.flush()

    # Free places: when each became free, mostly the end of an earlier placement.
    # Keep some children back for the requests (children waiting for a home).
    reserve = min(spare_budget, max(40, int(0.35 * spare_budget)))
    spare_used = 0
    for hh in county.households:
        if hh.scenario or not hh.can_hold_children or hh.occupied >= hh.places:
            continue
        if hh.vacant_since and hh.approved_on and (hh.vacant_since - hh.approved_on).days > 20 and spare_used < spare_budget - reserve:
            length = randrange(rng, 7, 400)
            start = max(hh.approved_on, hh.vacant_since - dt.timedelta(days=length))
            age = randint(rng, hh.age_min, hh.age_max)
            kid = new_child(county, age, gender_for(rng, hh.gender_terms, age), hh.place,
                            ref_day=hh.vacant_since, created_day=start - dt.timedelta(days=2))
            spare_used += 1
            reason, note = ended_reason(rng)
            stay(county, kid, hh, randint(rng, 1, hh.places), placement_type_for(rng, hh), start,
                 ended_on=hh.vacant_since, end_reason=reason, end_note=note)

    # Moves: some children now placed came from another household in the last eighteen months.
    recent = [s for s in county.stays if s.ended_on is None and s.starts_on > county.start
              and not s.hh.scenario and s.hh.kind != HouseholdKind.CONNECTED_PERSON]
    for s in recent:
        if rng.random() > 0.3:
            continue
        pool = by_area.get(s.hh.place.area) or []
        for _ in range(5):
            other = choice(rng, pool) if pool else None
            if other is None or other is s.hh:
                continue
            age_then = s.kid.age_on(s.starts_on)
            if other.age_min <= age_then <= other.age_max and other.approved_on and other.approved_on < s.starts_on:
                start = max(other.approved_on, s.starts_on - dt.timedelta(days=randrange(rng, 14, 300)), s.kid.dob)
                if start >= s.starts_on:
                    break
                reason = PlacementEndReason.BREAKDOWN if rng.random() < 0.5 else PlacementEndReason.MOVE
                note = ("Carers gave notice after escalating behaviour; disruption meeting held."
                        if reason == PlacementEndReason.BREAKDOWN else "Planned move to a longer-term home.")
                stay(county, s.kid, other, randint(rng, 1, other.places), placement_type_for(rng, other),
                     start, ended_on=s.starts_on, end_reason=reason, end_note=note)
                s.kid.created_at = min(s.kid.created_at, county.at(start - dt.timedelta(days=3), 9))
                break
    for kid in placed_now:
        county.writer.add("children", kid.row())

    # Children at home now, or waiting: the rest of the budget (open and closed requests use them).
    while spare_used < spare_budget:
        home = choice(rng, county.places)
        size = 1
        if spare_budget - spare_used >= 3 and rng.random() < 0.12:
            size = choice(rng, (2, 2, 3, 3, 4))
        if size == 1:
            age = randint(rng, 0, 17)
            county.waiting.append([new_child(county, age, gender_for(rng, GenderTerms.ANY, age), home,
                                             created_day=county.start)])
        else:
            bg = names.background(rng)
            surname = choice(rng, bg["surnames"])
            family = f"G{county.ids.get('children', 0) + 1:06d}"
            ages = sorted({randint(rng, 0, 15) for _ in range(size)}, reverse=True)
            group = [new_child(county, a, gender_for(rng, GenderTerms.ANY, a), home, bg=bg,
                               last_name=surname, family_key=family, created_day=county.start) for a in ages]
            county.waiting.append(group)
            size = len(group)
        spare_used += size
    county.writer.flush()


def ended_reason(rng: random.Random) -> tuple[PlacementEndReason, str]:
    roll = rng.random()
    if roll < 0.5:
        return PlacementEndReason.PLANNED_END, choice(rng, [
            "Returned home to parents under a care plan.", "Moved to live with extended family.",
            "Planned end: child's care plan changed.", "Turned 18; moved to supported lodgings.",
        ])
    if roll < 0.75:
        return PlacementEndReason.MOVE, "Moved to a long-term match."
    if roll < 0.93:
        return PlacementEndReason.BREAKDOWN, choice(rng, [
            "Carers gave 28 days' notice after repeated missing episodes.",
            "Placement ended after an incident at home; disruption meeting held.",
            "Carers unable to manage aggression towards their own children.",
        ])
    return PlacementEndReason.OTHER, "Carer's family bereavement; placement ended by agreement."


@functools.lru_cache(maxsize=8)
def _checklist(done_all: bool, first_two: bool) -> str:
    items = {item: {"done": done_all or (i < 2 and first_two)} for i, item in enumerate(DA_ITEMS)}
    return json.dumps(items, sort_keys=True)


def delegated_authority(county: County, s: Stay) -> str:
    """The delegated-authority checklist: complete after a fortnight, started after two days."""
    age_days = (county.today - s.starts_on).days
    return _checklist(age_days > 14 or s.ended_on is not None, age_days > 2)


@functools.lru_cache(maxsize=4096)
def working_days_after(day: dt.date, n: int) -> dt.date:
    return add_working_days(day, n)


def placement_row(county: County, s: Stay) -> dict:
    created = s.created_at or county.past(county.at(s.starts_on, 14, randrange(county.rng, 60)))
    ended_at = None
    ended_by = None
    if s.ended_on is not None:
        ended_at = county.past(county.at(s.ended_on, 16, randrange(county.rng, 60)))
        ended_by = s.created_by_id
    return {
        "id": s.id, "reference": f"PL-{s.id:06d}", "child_id": s.kid.id, "household_id": s.hh.id,
        "request_id": s.request_id, "decision_id": s.decision_id, "placement_type": s.ptype,
        "place_number": s.place_number, "starts_on": s.starts_on,
        "planned_end_on": None if s.ptype == PlacementType.LONG_TERM else None,
        "ended_on": s.ended_on, "end_reason": s.end_reason, "end_note": s.end_note,
        "outside_terms": s.outside_terms, "exemption_reason": s.exemption_reason, "emergency": s.emergency,
        "plan_due_on": working_days_after(s.starts_on, 5), "delegated_authority": delegated_authority(county, s),
        "notifications_due": "[]", "created_by_id": s.created_by_id, "created_at": created,
        "ended_by_id": ended_by, "ended_at": ended_at,
    }
