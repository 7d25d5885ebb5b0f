"""Foster carer households: kinds, terms of approval, facts, dates and status.

About 75% in-house, 10% connected persons (temporary approval with an expiry
date, some extended) and 15% with independent fostering agencies. Towns are
weighted roughly by population so Maidstone has more carers than Wye.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from typing import Any

from db.enums import Area, GenderTerms, HouseholdKind, HouseholdStatus, PlacementType, Specialism
from dutydesk.demo import names
from dutydesk.demo.rand import choice, randint, randrange  # noqa: F401
from dutydesk.demo.county import HH, County, PlaceInfo
from dutydesk.demo.people import AREA_TEAM

P = PlacementType
S = Specialism

# Rough populations in thousands; towns not listed weigh 5.
TOWN_WEIGHTS = {
    "Margate": 60, "Cliftonville": 15, "Ramsgate": 42, "Broadstairs": 25, "Westgate-on-Sea": 7,
    "Birchington": 10, "Canterbury": 55, "Whitstable": 32, "Herne Bay": 38, "Dover": 31, "Deal": 30,
    "Sandwich": 5, "Folkestone": 46, "Hythe": 15, "Hawkinge": 10, "New Romney": 7, "Lydd": 6,
    "Ashford": 75, "Tenterden": 8, "Wye": 3, "Charing": 3, "Sittingbourne": 62, "Faversham": 20,
    "Sheerness": 12, "Minster-on-Sea": 21, "Queenborough": 3, "Dartford": 57, "Swanscombe": 16,
    "Longfield": 6, "Gravesend": 55, "Northfleet": 30, "Maidstone": 110, "Headcorn": 4, "Marden": 4,
    "Staplehurst": 6, "Lenham": 4, "Tonbridge": 41, "West Malling": 3, "Snodland": 11, "Aylesford": 10,
    "Tunbridge Wells": 58, "Paddock Wood": 9, "Cranbrook": 6, "Sevenoaks": 29, "Swanley": 16,
    "Edenbridge": 8, "Westerham": 5, "Otford": 3,
}

AGE_RANGES = [((0, 4), 3), ((0, 10), 5), ((0, 17), 10), ((3, 17), 4), ((5, 17), 6), ((8, 17), 5),
              ((11, 17), 6), ((13, 17), 3), ((0, 2), 2), ((16, 17), 1), ((5, 12), 3)]
PLACES = [(1, 36), (2, 40), (3, 20), (4, 3), (5, 1)]
STATUSES = [(HouseholdStatus.APPROVED, 88.5), (HouseholdStatus.ON_HOLD, 2.5), (HouseholdStatus.SUSPENDED, 1.5),
            (HouseholdStatus.IN_ASSESSMENT, 4), (HouseholdStatus.RESIGNED, 3.5)]
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


_CUM: dict[int, tuple[list[Any], list[float], float]] = {}


def pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    """One value from ``[(value, weight), ...]`` (cumulative weights cached per list)."""
    got = _CUM.get(id(weighted))
    if got is None or got[0] is not weighted:
        cum: list[float] = []
        total = 0.0
        for _, w in weighted:
            total += w
            cum.append(total)
        got = _CUM[id(weighted)] = (weighted, cum, total)
    values, cum, total = got
    return values[min(len(values) - 1, bisect.bisect_right(cum, rng.random() * total))][0]


def place_picker(county: County):
    towns = county.places
    weights = [p.weight for p in towns]
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)

    def choose() -> PlaceInfo:
        return towns[min(len(towns) - 1, bisect.bisect_right(cum, county.rng.random() * total))]

    return choose


def postcode(rng: random.Random, place: PlaceInfo) -> str:
    return f"{place.postcode_district} {randrange(rng, 1, 10)}{choice(rng, _LETTERS)}{choice(rng, _LETTERS)}"


def anniversary_after(day: dt.date, after: dt.date, years: int = 1) -> dt.date:
    """The first ``years``-yearly anniversary of ``day`` on or after ``after``."""
    year = day.year + years
    if year < after.year - years:  # jump close, then step
        year += ((after.year - years - year) // years) * years
    while True:
        try:
            cand = day.replace(year=year)
        except ValueError:  # 29 February
            cand = dt.date(year, 2, 28)
        if cand >= after:
            return cand
        year += years


def new_household(county: County, kind: HouseholdKind, place: PlaceInfo, **over: Any) -> HH:
    """One household with realistic terms and facts; ``over`` fixes any field."""
    rng = county.rng
    today = county.today
    hid = county.next_id("households")
    name, bg = names.household(rng)
    status = over.pop("status", None) or pick(rng, STATUSES)
    if kind == HouseholdKind.CONNECTED_PERSON and status == HouseholdStatus.IN_ASSESSMENT:
        status = HouseholdStatus.APPROVED  # temporary approval comes before the full assessment
    hh = HH(
        id=hid, reference=f"HH-{hid:05d}", name=name, kind=kind, status=status, place=place,
        team_id=county.teams[AREA_TEAM[place.area]] if place.area else county.teams["EAST"],
        postcode=postcode(rng, place), phone=names.phone(rng),
    )
    # Terms of approval
    if kind == HouseholdKind.CONNECTED_PERSON:
        lo = randrange(rng, 0, 16)
        hh.age_min, hh.age_max = lo, min(17, lo + randrange(rng, 1, 6))
        hh.places = pick(rng, [(1, 70), (2, 25), (3, 5)])
        hh.types = frozenset({P.SHORT_TERM} | ({P.LONG_TERM} if rng.random() < 0.4 else set()))
        hh.ssw = choice(rng, county.ssws)
    else:
        hh.age_min, hh.age_max = pick(rng, AGE_RANGES)
        hh.places = pick(rng, PLACES)
        types = set()
        if rng.random() < 0.35:
            types.add(P.EMERGENCY)
        if rng.random() < 0.8:
            types.add(P.SHORT_TERM)
        if rng.random() < 0.55:
            types.add(P.LONG_TERM)
        if rng.random() < 0.12:
            types.add(P.SHORT_BREAKS)
        if rng.random() < 0.03 and hh.age_min == 0:
            types.add(P.PARENT_AND_CHILD)
        if rng.random() < 0.04 and hh.age_max == 17 and hh.age_min >= 8:
            types.add(P.REMAND)
        hh.types = frozenset(types or {P.SHORT_TERM})
        specs = set()
        ifa = kind == HouseholdKind.IFA
        if rng.random() < (0.12 if ifa else 0.08):
            specs.add(S.DISABILITY)
        if rng.random() < 0.05:
            specs.add(S.COMPLEX_HEALTH)
        if hh.places >= 2 and rng.random() < 0.35:
            specs.add(S.SIBLING_GROUPS)
        if hh.age_max >= 13 and rng.random() < (0.5 if ifa else 0.35):
            specs.add(S.TEENAGERS)
        if hh.age_max >= 14 and rng.random() < (0.1 if ifa else 0.05):
            specs.add(S.UASC)
        if rng.random() < (0.2 if ifa else 0.07):
            specs.add(S.THERAPEUTIC)
        if hh.age_min == 0 and rng.random() < 0.3:
            specs.add(S.BABIES)
        hh.specialisms = frozenset(specs)
        if ifa:
            hh.agency = choice(rng, names.AGENCIES)
            hh.ssw = f"{names.person(rng)} ({hh.agency})"
        else:
            hh.ssw = choice(rng, county.ssws)
    roll = rng.random()
    hh.gender_terms = GenderTerms.ANY if roll < 0.88 else (GenderTerms.FEMALE if roll < 0.94 else GenderTerms.MALE)

    # Household facts
    if rng.random() < 0.45:
        own = sorted(randrange(rng, 0, 18) for _ in range(choice(rng, (1, 1, 2, 2, 3))))
        hh.other_children_ages = ",".join(str(a) for a in own)
    own_count = len(hh.other_children_ages.split(",")) if hh.other_children_ages else 0
    hh.bedrooms = min(7, 1 + hh.places + max(0, own_count - 1) + (1 if rng.random() < 0.3 else 0))
    hh.pets = rng.random() < 0.4
    hh.smoker = hh.age_min >= 5 and rng.random() < 0.06
    langs = choice(rng, bg["languages"])
    if rng.random() < 0.03:
        langs += "," + choice(rng, ("french", "spanish", "portuguese", "turkish", "bsl"))
    hh.languages = langs
    hh.religion = choice(rng, bg["religions"])
    hh.ethnicity = choice(rng, bg["ethnicities"]) if rng.random() > 0.08 else choice(rng, names.MIXED_ETHNICITIES)
    hh.wheelchair = rng.random() < 0.04

    # Dates
    if kind == HouseholdKind.CONNECTED_PERSON:
        hh.approved_on = today - dt.timedelta(days=randrange(rng, 1, 150))
        hh.approval_extended = (today - hh.approved_on).days > 100 or rng.random() < 0.1
        weeks = 24 if hh.approval_extended else 16
        hh.approval_expires_on = hh.approved_on + dt.timedelta(weeks=weeks)
        if hh.approval_expires_on < today:  # extended once already; a full assessment is due
            hh.approval_expires_on = today + dt.timedelta(days=randrange(rng, 3, 40))
        hh.annual_review_due = hh.approval_expires_on
    elif status != HouseholdStatus.IN_ASSESSMENT:
        hh.approved_on = today - dt.timedelta(days=randrange(rng, 60, 15 * 365))
        due = anniversary_after(hh.approved_on, today - dt.timedelta(days=45))
        if due < today and rng.random() < 0.6:  # most reviews happen on time
            due = anniversary_after(hh.approved_on, today)
        hh.annual_review_due = due
    if status != HouseholdStatus.RESIGNED:
        base = hh.approved_on or (today - dt.timedelta(days=randrange(rng, 10, 200)))
        dbs = anniversary_after(base, today - dt.timedelta(days=20), years=3)
        if rng.random() < 0.03:
            dbs = today - dt.timedelta(days=randrange(rng, 1, 60))  # lapsed
        hh.dbs_expires_on = dbs
    else:
        hh.dbs_expires_on = None
    created_day = hh.approved_on or (today - dt.timedelta(days=randrange(rng, 10, 200)))
    hh.created_at = county.past(county.at(created_day, 10, randrange(rng, 60)))
    if status != HouseholdStatus.APPROVED:
        hh.status_changed_at = county.past(county.at(today - dt.timedelta(days=randrange(rng, 1, 120)), 11))
    if status == HouseholdStatus.RESIGNED:
        # Of those who left, about one in three was de-registered by the agency after panel; the rest
        # gave notice. Chosen by id, not by the generator, so every other household stays as it was.
        hh.left_on = hh.status_changed_at.date()
        if hid % 3 == 0:
            hh.status = HouseholdStatus.DEREGISTERED
            hh.left_reason = "Panel recommended de-registration after the annual review; agency decision maker agreed"
        else:
            hh.left_reason = "Carers gave notice: " + ("retiring" if hid % 3 == 1 else "moving out of the county")
    for key, value in over.items():
        setattr(hh, key, value)
    county.households.append(hh)
    return hh


def generate(county: County, count: int) -> None:
    """``count`` more households with the demo's mix of kinds."""
    choose = place_picker(county)
    rng = county.rng
    for _ in range(count):
        place = choose()
        roll = rng.random()
        # The South has recruited fewer carers of its own and leans on agencies (the
        # consistency report shows its team placing with IFAs more than the others).
        in_house, connected = (0.45, 0.53) if place.area == Area.SOUTH else (0.77, 0.87)
        kind = (HouseholdKind.IN_HOUSE if roll < in_house
                else HouseholdKind.CONNECTED_PERSON if roll < connected else HouseholdKind.IFA)
        new_household(county, kind, place)
