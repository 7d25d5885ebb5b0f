"""The demo history's building blocks: a request written with its steps, the carers considered,
a decision, the calls and callbacks around them (``history`` tells the stories with them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.enums import (
    CallbackStatus,
    CallCategory,
    CallDirection,
    CallerType,
    CandidateStatus,
    HouseholdStatus,
    PlacementType,
    RequestState,
    Specialism,
    UnmetResolution,
    Urgency,
)
from dutydesk.demo import names, search_log
from dutydesk.demo.rand import choice, randint, randrange  # noqa: F401
from dutydesk.demo.county import HH, County, Kid, UserInfo
from dutydesk.demo.people import AREA_TEAM
from dutydesk.labels import label

RS = RequestState
CS = CandidateStatus
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass
class Req:
    """A request being built; ``steps`` is its path through the duty process."""

    id: int
    reference: str
    kids: list[Kid]
    team: str
    worker: UserInfo
    ptype: PlacementType
    urgency: Urgency
    needed_from: dt.date
    steps: list[tuple[RequestState, dt.datetime, int]] = field(default_factory=list)  # state, at, by


def in_hours(county: County, when: dt.datetime) -> bool:
    local = county.local(when)
    return local.weekday() < 5 and 9 <= local.hour < 17


def working_time_before(county: County, when: dt.datetime) -> dt.datetime:
    """A time in office hours (weekdays 09:00-17:00) at or before ``when``."""
    local = county.local(when)
    day = local.date()
    if local.weekday() < 5 and 9 <= local.hour < 17:
        return when
    if local.hour < 9 or local.weekday() >= 5:
        day -= DAY
    while day.weekday() >= 5:
        day -= DAY
    return county.at(day, randrange(county.rng, 9, 16), randrange(county.rng, 60))


def team_for(county: County, kid: Kid, when: dt.datetime) -> str:
    if not in_hours(county, when):
        return "OOH"
    return AREA_TEAM.get(kid.home.area, "EAST")


def area_pool(county: County, area) -> list[HH]:
    pools = county.pools
    if area not in pools:
        pools[area] = [h for h in county.households
                       if h.place.area == area and h.status == HouseholdStatus.APPROVED]
    return pools[area] or pools.setdefault("_all", [h for h in county.households
                                                     if h.status == HouseholdStatus.APPROVED])


# ---------------------------------------------------------------- requests

def requirements(kids: list[Kid], ptype: PlacementType) -> dict:
    needs: set[Specialism] = set()
    for k in kids:
        needs |= set(k.needs) - {Specialism.TEENAGERS}
    if len(kids) > 1 and ptype != PlacementType.PARENT_AND_CHILD:
        # A young parent and her baby are not a sibling group: asking for that specialism
        # ruled out every parent-and-child household (scenario 7 found nobody).
        needs.add(Specialism.SIBLING_GROUPS)
    lang = ""
    for k in kids:
        other = [x for x in k.languages.split(",") if x and x != "english"]
        if other and "english" not in k.languages:
            lang = other[0]
    first = kids[0]
    return {
        "needs": frozenset(needs),
        "needs_wheelchair_access": any(k.wheelchair for k in kids),
        "near_place_id": (first.school or first.home).id,
        "language": lang,
    }


def write_request(county: County, r: Req, *, needed_until: dt.date | None = None, notes: str = "",
                  unmet: frozenset = frozenset(), resolution: UnmetResolution | None = None,
                  closed_reason: str = "", max_km: float | None = None, extras: bool = True,
                  fit: HH | None = None, **over) -> None:
    """The request, its children and transitions, and (once it got to searching) its saved search.

    ``fit``: the household the request ends with; the worker asked for nothing it lacks (a
    placement outside the search's rules would need an exemption the history does not tell of).
    """
    w = county.writer
    rng = county.rng
    req = requirements(r.kids, r.ptype)
    req.update(over)
    first_at = r.steps[0][1]
    last_state, last_at, _ = r.steps[-1]
    row = {
        "id": r.id, "reference": r.reference, "team_id": county.teams[r.team], "created_by_id": r.worker.id,
        "worker_id": r.worker.id, "state": last_state, "placement_type": r.ptype, "urgency": r.urgency,
        "needed_from": r.needed_from, "needed_until": needed_until,
        "needs": req["needs"], "needs_wheelchair_access": req["needs_wheelchair_access"],
        "near_place_id": req["near_place_id"],
        "max_distance_km": max_km if max_km is not None else choice(rng, (None, 15.0, 20.0, 30.0)),
        "no_younger_children": req.get("no_younger_children", False),
        "no_other_children": req.get("no_other_children", False),
        "no_pets": req.get("no_pets", any(Specialism.COMPLEX_HEALTH in k.needs for k in r.kids)),
        "no_smokers": req.get("no_smokers", True), "language": req["language"],
        "religion": req.get("religion", ""), "notes": notes,
        "unmet_needs": unmet, "unmet_resolution": resolution, "closed_reason": closed_reason,
        "created_at": first_at, "state_changed_at": last_at, "version": len(r.steps),
    }
    if fit is not None:
        row["needs"] = frozenset(n for n in row["needs"] if n in fit.specialisms)
        row["needs_wheelchair_access"] = row["needs_wheelchair_access"] and fit.wheelchair
        row["no_smokers"] = row["no_smokers"] and not fit.smoker
        row["no_pets"] = row["no_pets"] and not fit.pets
        km = search_log.distance(county, row, fit)
        if row["max_distance_km"] is not None and km is not None and km > row["max_distance_km"]:
            row["max_distance_km"] = None
    w.add("placement_requests", row)
    for kid in r.kids:
        w.add("request_children", {"request_id": r.id, "child_id": kid.id})
    prev = None
    for state, at, by in r.steps:
        w.add("request_transitions", {
            "id": county.next_id("request_transitions"), "request_id": r.id, "from_state": prev,
            "to_state": state, "at": at, "by_user_id": by, "note": TRANSITION_NOTES.get(state, ""),
        })
        prev = state
    searched = next(((at, by) for state, at, by in r.steps if state == RS.SEARCHING), None)
    if searched is not None:
        search_log.start(county, r, row, searched[0], searched[1])
        if extras:  # households the worker did not ring: ranked, or excluded by the rules they fail
            for h in others(county, r.kids[0].home.area, set(), randrange(rng, 2, 5)):
                search_log.add(county, r.id, h, excluded=search_log.failed_rules(county, r, row, h))


TRANSITION_NOTES = {
    RS.LOGGED: "Request logged from the referral call.",
    RS.SEARCHING: "Search run.",
    RS.CONTACTING: "Ringing shortlisted carers.",
    RS.PROPOSED: "Match proposed for sign-off.",
    RS.SIGNED_OFF: "Signed off.",
    RS.PLACED: "Child placed.",
}


def new_request(county: County, kids: list[Kid], team: str, worker: UserInfo, ptype: PlacementType,
                urgency: Urgency, needed_from: dt.date) -> Req:
    rid = county.next_id("placement_requests")
    return Req(rid, f"PR-{rid:06d}", kids, team, worker, ptype, urgency, needed_from)


def backwards(county: County, end: dt.datetime, gaps: list[tuple[float, float]]) -> list[dt.datetime]:
    """Times ending at ``end``, each earlier one a random gap (minutes) before the next."""
    rng = county.rng
    times = [end]
    for lo, hi in reversed(gaps):
        times.append(times[-1] - dt.timedelta(minutes=rng.uniform(lo, hi)))
    return list(reversed(times))


def forwards(county: County, start: dt.datetime, end: dt.datetime, n: int) -> list[dt.datetime]:
    """``n`` ordered times from ``start`` spread before ``end``."""
    rng = county.rng
    span = max(60.0, (end - start).total_seconds())
    offsets = sorted(rng.uniform(0, span) for _ in range(n - 1))
    times = [start] + [start + dt.timedelta(seconds=o) for o in offsets]
    return [t.replace(microsecond=0) for t in times]


# The West team's proposals wait longest for a manager: this share of them is signed off
# a day or more late (the consistency report's "signed off in 1 day" shows it).
SLOW_SIGNOFF_TEAM = "WEST"
SLOW_SIGNOFF_SHARE = 0.4
SLOW_SIGNOFF_GAP = (2 * 1440, 6 * 1440)


def gaps_for(county: County, team: str, urgency: Urgency) -> list[tuple[float, float]]:
    """Minutes between the steps (logged, searching, contacting, proposed, signed off, placed)."""
    gaps = list(GAPS[urgency])
    if team == SLOW_SIGNOFF_TEAM and county.rng.random() < SLOW_SIGNOFF_SHARE:
        gaps[3] = SLOW_SIGNOFF_GAP
    return gaps


GAPS = {
    Urgency.EMERGENCY: [(4, 20), (5, 30), (25, 150), (10, 60), (10, 90)],
    Urgency.URGENT: [(20, 240), (60, 900), (600, 2880), (120, 1440), (60, 4320)],
    Urgency.PLANNED: [(60, 2880), (600, 5760), (1440, 7200), (240, 2880), (1440, 14400)],
}


def others(county: County, area, exclude: set[int], k: int) -> list[HH]:
    pool = area_pool(county, area)
    rng = county.rng
    out: list[HH] = []
    seen = set(exclude)
    for _ in range(k * 3):
        if len(out) >= k or not pool:
            break
        h = choice(rng, pool)
        if h.id not in seen:
            seen.add(h.id)
            out.append(h)
    return out


# ---------------------------------------------------------------- calls

REQUEST_CALLERS = {
    Urgency.EMERGENCY: [(CallerType.POLICE, 30), (CallerType.CHILDS_SOCIAL_WORKER, 40), (CallerType.HOSPITAL, 10),
                        (CallerType.OUT_OF_HOURS, 10), (CallerType.OTHER_AUTHORITY, 5), (CallerType.PARENT, 5)],
    Urgency.URGENT: [(CallerType.CHILDS_SOCIAL_WORKER, 85), (CallerType.OTHER_AUTHORITY, 10), (CallerType.HOSPITAL, 5)],
    Urgency.PLANNED: [(CallerType.CHILDS_SOCIAL_WORKER, 95), (CallerType.OTHER_AUTHORITY, 5)],
}


def call(county: County, *, at: dt.datetime, taker: UserInfo, team: str, caller_type: CallerType,
         category: CallCategory, summary: str, caller_name: str = "", child: Kid | None = None,
         hh: HH | None = None, request_id: int | None = None, placement_id: int | None = None,
         direction: CallDirection = CallDirection.INCOMING, notes: str = "") -> int:
    cid = county.next_id("calls")
    county.writer.add("calls", {
        "id": cid, "received_at": at, "direction": direction, "taken_by_id": taker.id,
        "team_id": county.teams[team], "caller_type": caller_type, "caller_name": caller_name,
        "caller_phone": names.phone(county.rng), "category": category,
        "child_id": child.id if child else None, "household_id": hh.id if hh else None,
        "request_id": request_id, "placement_id": placement_id, "summary": summary[:500], "notes": notes,
        "created_at": at,
    })
    return cid


def callback(county: County, *, due: dt.datetime, team: str, summary: str, created_by: UserInfo,
             assigned: UserInfo | None = None, call_id: int | None = None, request_id: int | None = None,
             hh: HH | None = None, status: CallbackStatus | None = None, created_at: dt.datetime) -> int:
    rng = county.rng
    if status is None:
        status = CallbackStatus.OPEN if due > county.now - 2 * HOUR else CallbackStatus.DONE
    done_at = None
    done_by = None
    if status == CallbackStatus.DONE:
        done_at = county.past(due - dt.timedelta(minutes=randrange(rng, -30, 90)))
        done_at = max(done_at, created_at + MIN)
        done_by = (assigned or created_by).id
    cbid = county.next_id("callbacks")
    county.writer.add("callbacks", {
        "id": cbid, "due_at": due, "team_id": county.teams[team], "assigned_to_id": assigned.id if assigned else None,
        "call_id": call_id, "request_id": request_id, "household_id": hh.id if hh else None, "summary": summary,
        "status": status, "snooze_reason": "", "snooze_count": 0, "done_at": done_at, "done_by_id": done_by,
        "created_by_id": created_by.id, "created_at": created_at,
    })
    return cbid


def describe(kids: list[Kid], day: dt.date) -> str:
    if len(kids) == 1:
        k = kids[0]
        return f"{k.first_name} {k.last_name} ({k.age_on(day)})"
    ages = ", ".join(str(k.age_on(day)) for k in kids)
    return f"{kids[0].last_name} siblings ({len(kids)}: ages {ages})"


def request_call(county: County, r: Req, at: dt.datetime) -> int:
    rng = county.rng
    from dutydesk.demo.households import pick

    ctype = pick(rng, REQUEST_CALLERS[r.urgency])
    who = {CallerType.POLICE: "PC " + names.person(rng), CallerType.HOSPITAL: "Ward sister " + names.person(rng),
           CallerType.CHILDS_SOCIAL_WORKER: r.kids[0].social_worker}.get(ctype, names.person(rng))
    need = {Urgency.EMERGENCY: "needs a bed tonight", Urgency.URGENT: "needs a placement this week",
            Urgency.PLANNED: f"needs a planned {label(r.ptype)} placement"}[r.urgency]
    return call(county, at=at, taker=r.worker, team=r.team, caller_type=ctype,
                category=CallCategory.PLACEMENT_REQUEST, summary=f"{describe(r.kids, r.needed_from)} {need}.",
                caller_name=who, child=r.kids[0], request_id=r.id)


def next_working_day(county: County, when: dt.datetime) -> dt.datetime:
    """The same time one working day later (weekends and English bank holidays skipped)."""
    try:
        import holidays

        hols = holidays.country_holidays("GB", subdiv="ENG", years=range(when.year, when.year + 2))
    except Exception:  # noqa: BLE001 - weekends alone are still right most of the year
        hols = {}
    local = county.local(when)
    day = local.date()
    while True:
        day += DAY
        if day.weekday() < 5 and day not in hols:
            break
    return county.at(day, local.hour, local.minute)
