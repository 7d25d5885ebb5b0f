"""Eighteen months of the duty desk at work.

Placement requests move through the duty process with a timestamped
transition for every step, the households considered for each (and what
happened when the carers were rung), decisions with a manager's sign-off
(never the proposer's), the placements they led to, the calls around them,
callbacks, unavailable periods, closed allegations and handover notes.
Open requests sit at every stage of the process.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from db.enums import (
    AllegationEventKind,
    AllegationOutcome,
    AllegationStatus,
    CallbackStatus,
    CallCategory,
    CallDirection,
    CallerType,
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    HouseholdKind,
    HouseholdStatus,
    PlacementEndReason,
    PlacementType,
    RequestState,
    Role,
    Specialism,
    UnavailableKind,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from dutydesk.demo import names
from dutydesk.demo.children import Stay, placement_row
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
                  closed_reason: str = "", max_km: float | None = None, **over) -> None:
    w = county.writer
    rng = county.rng
    req = requirements(r.kids, r.ptype)
    req.update(over)
    first_at = r.steps[0][1]
    last_state, last_at, _ = r.steps[-1]
    w.add("placement_requests", {
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
    })
    for kid in r.kids:
        w.add("request_children", {"request_id": r.id, "child_id": kid.id})
    prev = None
    for state, at, by in r.steps:
        w.add("request_transitions", {
            "id": county.next_id("request_transitions"), "request_id": r.id, "from_state": prev,
            "to_state": state, "at": at, "by_user_id": by, "note": TRANSITION_NOTES.get(state, ""),
        })
        prev = state


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


GAPS = {
    Urgency.EMERGENCY: [(4, 20), (5, 30), (25, 150), (10, 60), (10, 90)],
    Urgency.URGENT: [(20, 240), (60, 900), (600, 2880), (120, 1440), (60, 4320)],
    Urgency.PLANNED: [(60, 2880), (600, 5760), (1440, 7200), (240, 2880), (1440, 14400)],
}


# ---------------------------------------------------------------- candidates and decisions

RULED_OUT = [
    "Age range {lo}-{hi} does not include a {age}-year-old.",
    "No vacancy on the dates needed.",
    "Not approved for {ptype}.",
    "Over {km} km from the child's school.",
    "Younger children in the home; request says none.",
    "Household on hold for new placements.",
    "Sibling group larger than the vacancy.",
]
DECLINED = [
    "Carer declined: does not feel able to meet the child's needs.",
    "Carer declined: own family commitments this month.",
    "Carer declined: would unsettle the child already placed.",
    "Carer declined: away this weekend.",
]


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


def candidates(county: County, r: Req, chosen: HH | None, start: dt.datetime, end: dt.datetime,
               k: int, chosen_status: CandidateStatus = CS.CHOSEN, final: bool = True,
               ruled_out_only: bool = False) -> None:
    """The households considered for ``r`` between ``start`` and ``end`` and what happened."""
    rng = county.rng
    w = county.writer
    kid = r.kids[0]
    age = kid.age_on(r.needed_from)
    picks = others(county, kid.home.area, {chosen.id} if chosen else set(), k)
    entries: list[tuple[HH, CandidateStatus, str]] = []
    for h in picks:
        roll = rng.random()
        if ruled_out_only or roll < 0.4:
            reason = choice(rng, RULED_OUT).format(lo=h.age_min, hi=h.age_max, age=age,
                                                  ptype=label(r.ptype), km=choice(rng, (15, 20, 30)))
            entries.append((h, CS.RULED_OUT, reason))
        elif roll < 0.7:
            entries.append((h, CS.DECLINED_BY_CARER if final else choice(rng, (CS.DECLINED_BY_CARER, CS.CONTACTED)),
                            choice(rng, DECLINED)))
        elif roll < 0.9:
            entries.append((h, CS.NO_ANSWER, "No answer after two tries; message left."))
        else:
            entries.append((h, CS.SHORTLISTED if not final else CS.RULED_OUT,
                            "" if not final else "Better match found elsewhere."))
    if chosen is not None:
        entries.append((chosen, chosen_status, "Carer accepted; best match on distance and experience."))
    times = forwards(county, start, end, len(entries) + 1)[1:]
    for (h, status, reason), at in zip(entries, times):
        county.cand_pairs.add((r.id, h.id))
        cid = county.next_id("candidates")
        w.add("candidates", {
            "id": cid, "request_id": r.id, "household_id": h.id, "search_id": None, "score": None,
            "reasons": "[]", "status": status, "status_reason": reason, "updated_at": at,
            "updated_by_id": r.worker.id,
        })
        tries = 2 if status == CS.NO_ANSWER else 1 if status in (
            CS.DECLINED_BY_CARER, CS.CONTACTED, CS.OFFERED, CS.ACCEPTED, CS.CHOSEN) else 0
        for i in range(tries):
            outcome = {CS.CHOSEN: CS.ACCEPTED, CS.OFFERED: CS.CONTACTED}.get(status, status)
            w.add("candidate_contacts", {
                "id": county.next_id("candidate_contacts"), "candidate_id": cid,
                "at": at - dt.timedelta(minutes=(tries - i) * randrange(rng, 5, 40)), "by_user_id": r.worker.id,
                "outcome": outcome, "note": reason if i == tries - 1 else "No answer.",
            })


RATIONALES = {
    DecisionKind.PLACE: [
        "Closest approved household with a vacancy; carers experienced with {age}-year-olds and able to keep "
        "the school run.",
        "Carers know the child from respite; continuity outweighs the longer journey to school.",
        "Only emergency-approved household within reach tonight; matching to be reviewed at 72 hours.",
        "In-house carers with the right experience and a bedroom free; child's social worker agrees.",
    ],
    DecisionKind.COMMISSION_IFA: ["No in-house household can meet the need; commission an IFA placement."],
    DecisionKind.SPLIT_SIBLINGS: ["No household can take the whole sibling group; place in two households "
                                  "nearby with weekly contact, to be reviewed at the LAC review."],
    DecisionKind.ESCALATE: ["No placement identified; escalated to the head of service for a residential option."],
}


def decision(county: County, r: Req, kind: DecisionKind, hh: HH | None, proposed_at: dt.datetime,
             status: DecisionStatus, signed_at: dt.datetime | None = None, *, retrospective: bool = False,
             returned_at: dt.datetime | None = None, comment: str = "") -> int:
    rng = county.rng
    did = county.next_id("decisions")
    signer = county.manager(not_id=r.worker.id)
    row = {
        "id": did, "request_id": r.id, "kind": kind, "household_id": hh.id if hh else None,
        "rationale": choice(rng, RATIONALES[kind]).format(age=r.kids[0].age_on(r.needed_from)),
        "status": status, "proposed_by_id": r.worker.id, "proposed_at": proposed_at,
        "outside_terms": False, "exemption_reason": "", "retrospective": retrospective,
        "signed_off_by_id": None, "signed_off_at": None, "signoff_comment": "",
        "returned_by_id": None, "returned_at": None, "returned_comment": "",
    }
    if status == DecisionStatus.SIGNED_OFF:
        row.update(signed_off_by_id=signer.id, signed_off_at=signed_at,
                   signoff_comment=comment or choice(rng, ("Agreed.", "Agreed; review at 72 hours.",
                                                          "Agreed. Please complete delegated authority today.")))
    elif status == DecisionStatus.RETURNED:
        row.update(returned_by_id=signer.id, returned_at=returned_at,
                   returned_comment="Please check the carers' own children's ages against the request first.")
    county.writer.add("decisions", row)
    return did


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


# ---------------------------------------------------------------- the history proper

def placed_request(county: County, s: Stay) -> None:
    """A request that ended in ``s``: the full path, candidates, decision, call; then the placement row."""
    rng = county.rng
    ptype = s.ptype
    urgency = (Urgency.EMERGENCY if ptype == PlacementType.EMERGENCY or s.emergency
               else Urgency.URGENT if ptype in (PlacementType.SHORT_TERM, PlacementType.REMAND) and rng.random() < 0.6
               else Urgency.PLANNED)
    if urgency == Urgency.EMERGENCY and rng.random() < 0.45:
        hour = choice(rng, (18, 19, 20, 21, 22, 23, 0, 1, 2))
    else:
        hour = randrange(rng, 10, 17)
    placed_at = county.past(county.at(s.starts_on, hour, randrange(rng, 60)), 5)
    if county.local(placed_at).date() != s.starts_on:  # started today, before this hour: earlier today
        midnight = county.at(s.starts_on, 0, 0)
        placed_at = (midnight + (county.now - midnight) / 2).replace(microsecond=0)
    ooh = not in_hours(county, placed_at) and urgency == Urgency.EMERGENCY
    team = "OOH" if ooh else AREA_TEAM.get(s.kid.home.area, "EAST")
    worker = county.worker(team)
    r = new_request(county, [s.kid], team, worker, ptype, urgency, s.starts_on)
    retro = ooh
    returned = not retro and rng.random() < 0.05
    if retro:
        t = backwards(county, placed_at, GAPS[urgency][:3] + [(10, 60)])
        states = [RS.LOGGED, RS.SEARCHING, RS.CONTACTING, RS.PROPOSED, RS.PLACED]
    else:
        t = backwards(county, placed_at, GAPS[urgency])
        states = [RS.LOGGED, RS.SEARCHING, RS.CONTACTING, RS.PROPOSED, RS.SIGNED_OFF, RS.PLACED]
    t = [x.replace(microsecond=0) for x in t]
    signer = county.manager(not_id=worker.id)
    r.steps = [(st, at, signer.id if st == RS.SIGNED_OFF else worker.id) for st, at in zip(states, t)]
    if returned:
        # A manager sent the first proposal back; the worker rang round again and proposed afresh.
        p, so = t[3], t[4]
        mid = forwards(county, p, so, 3)
        r.steps[3:5] = [(RS.PROPOSED, p, worker.id), (RS.CONTACTING, mid[1], signer.id),
                        (RS.PROPOSED, mid[2], worker.id), (RS.SIGNED_OFF, so, signer.id)]
    write_request(county, r)
    call_at = t[0] - dt.timedelta(minutes=randrange(rng, 3, 25))
    request_call(county, r, call_at)
    candidates(county, r, s.hh, t[1], t[3] if not returned else r.steps[4][1], randrange(rng, 1, 5))
    if returned:
        decision(county, r, DecisionKind.PLACE, s.hh, t[3], DecisionStatus.RETURNED, returned_at=r.steps[4][1])
        did = decision(county, r, DecisionKind.PLACE, s.hh, r.steps[5][1], DecisionStatus.SIGNED_OFF, r.steps[6][1])
    elif retro:
        # Signed off by a manager the next working morning.
        placed_local = county.local(placed_at)
        sign_day = placed_local.date() + (DAY if placed_local.hour >= 9 else dt.timedelta())
        while sign_day.weekday() >= 5:
            sign_day += DAY
        morning = county.at(sign_day, 9, 40) + dt.timedelta(minutes=randrange(rng, 0, 90))
        if morning < county.now:
            did = decision(county, r, DecisionKind.PLACE, s.hh, t[3], DecisionStatus.SIGNED_OFF, morning,
                           retrospective=True, comment="Agreed retrospectively; emergency placement out of hours.")
        else:
            did = decision(county, r, DecisionKind.PLACE, s.hh, t[3], DecisionStatus.PROPOSED, retrospective=True)
    else:
        did = decision(county, r, DecisionKind.PLACE, s.hh, t[3], DecisionStatus.SIGNED_OFF, t[4])
    s.request_id, s.decision_id = r.id, did
    county.placed_log.append((r.id, s.kid.home.area, s.hh.id, t[1], t[3], worker.id))
    s.created_by_id, s.created_at = worker.id, placed_at
    county.writer.add("placements", placement_row(county, s))


def closed_request(county: County, kids: list[Kid], state: RequestState, end: dt.datetime) -> None:
    """A request that closed unmet or was withdrawn, ending at ``end``."""
    rng = county.rng
    kid = kids[0]
    day = county.local(end).date()
    team = AREA_TEAM.get(kid.home.area, "EAST") if rng.random() < 0.8 else "OOH"
    worker = county.worker(team)
    age = kid.age_on(day)
    if len(kids) > 1:
        ptype = PlacementType.SHORT_TERM
    elif age >= 16 and rng.random() < 0.15:
        ptype = PlacementType.REMAND
    else:
        ptype = choice(rng, (PlacementType.SHORT_TERM, PlacementType.SHORT_TERM, PlacementType.EMERGENCY,
                            PlacementType.LONG_TERM))
    urgency = Urgency.EMERGENCY if ptype == PlacementType.EMERGENCY else choice(rng, (Urgency.URGENT, Urgency.PLANNED))
    r = new_request(county, kids, team, worker, ptype, urgency, day)
    signer = county.manager(not_id=worker.id)
    if state == RS.CLOSED_UNMET:
        full = rng.random() < 0.6
        states = ([RS.LOGGED, RS.SEARCHING, RS.CONTACTING, RS.PROPOSED, RS.SIGNED_OFF, RS.CLOSED_UNMET] if full
                  else [RS.LOGGED, RS.SEARCHING, RS.CLOSED_UNMET])
    else:
        cut = randrange(rng, 1, 5)
        states = [RS.LOGGED, RS.SEARCHING, RS.CONTACTING, RS.PROPOSED][:cut] + [RS.WITHDRAWN]
    t = backwards(county, end, GAPS[urgency][: len(states) - 1])
    t = [x.replace(microsecond=0) for x in t]
    r.steps = [(st, at, signer.id if st == RS.SIGNED_OFF else worker.id) for st, at in zip(states, t)]
    unmet: set[UnmetNeed] = set()
    if state == RS.CLOSED_UNMET:
        if len(kids) > 1:
            unmet.add(UnmetNeed.SIBLING_GROUP)
        if any(Specialism.DISABILITY in k.needs for k in kids):
            unmet.add(UnmetNeed.DISABILITY)
        if any(Specialism.UASC in k.needs for k in kids):
            unmet.add(UnmetNeed.UASC)
        if age >= 13 and len(kids) == 1:
            unmet.add(UnmetNeed.AGE_BAND)
        if not unmet:
            unmet.add(UnmetNeed.OTHER)
        resolution = choice(rng, (UnmetResolution.IFA_COMMISSIONED, UnmetResolution.IFA_COMMISSIONED,
                                 UnmetResolution.IFA_COMMISSIONED, UnmetResolution.ESCALATED, UnmetResolution.OTHER))
        reason = {UnmetResolution.IFA_COMMISSIONED: "No in-house household could meet the need; IFA placement commissioned.",
                  UnmetResolution.ESCALATED: "Escalated to the head of service; residential placement agreed.",
                  UnmetResolution.OTHER: "Child stayed with a family friend under a safety plan."}[resolution]
        write_request(county, r, unmet=frozenset(unmet), resolution=resolution, closed_reason=reason)
    else:
        reason = choice(rng, ("Child returned home with a safety plan.",
                             "A grandparent came forward; connected person assessment started.",
                             "Court did not grant the interim care order.",
                             "Placing authority found a placement in its own area."))
        write_request(county, r, closed_reason=reason)
    request_call(county, r, t[0] - dt.timedelta(minutes=randrange(rng, 3, 25)))
    if len(states) > 2:
        candidates(county, r, None, t[1], t[min(3, len(t) - 1)], randrange(rng, 2, 6),
                   ruled_out_only=state == RS.CLOSED_UNMET)
    elif state == RS.CLOSED_UNMET:
        candidates(county, r, None, t[1], t[-1], randrange(rng, 3, 7), ruled_out_only=True)
    if state == RS.CLOSED_UNMET and RS.PROPOSED in states:
        kind = (DecisionKind.SPLIT_SIBLINGS if len(kids) > 1 and rng.random() < 0.4
                else DecisionKind.ESCALATE if resolution == UnmetResolution.ESCALATED else DecisionKind.COMMISSION_IFA)
        decision(county, r, kind, None, t[3], DecisionStatus.SIGNED_OFF, t[4])


def vacant_household(county: County, kid: Kid, ptype: PlacementType) -> HH | None:
    rng = county.rng
    pool = area_pool(county, kid.home.area)
    age = kid.age_on(county.today)
    for i in range(60):
        h = choice(rng, pool)
        if (h.occupied < h.places and h.age_min <= age <= h.age_max and not h.scenario
                and (ptype in h.types or i > 40)):
            return h
    return None


def open_request(county: County, kids: list[Kid], state: RequestState) -> None:
    rng = county.rng
    kid = kids[0]
    now = county.now
    path = [RS.LOGGED, RS.SEARCHING, RS.CONTACTING, RS.PROPOSED, RS.SIGNED_OFF]
    states = path[: path.index(state) + 1]
    urgency = choice(rng, (Urgency.URGENT, Urgency.URGENT, Urgency.PLANNED, Urgency.EMERGENCY))
    if state == RS.SIGNED_OFF:
        urgency = Urgency.PLANNED
    ptype = (PlacementType.EMERGENCY if urgency == Urgency.EMERGENCY
             else choice(rng, (PlacementType.SHORT_TERM, PlacementType.SHORT_TERM, PlacementType.LONG_TERM)))
    if len(kids) > 1:
        ptype = PlacementType.SHORT_TERM
    span_h = {Urgency.EMERGENCY: 10, Urgency.URGENT: 72, Urgency.PLANNED: 240}[urgency]
    start = (now - dt.timedelta(hours=rng.uniform(1, span_h))).replace(microsecond=0)
    if urgency != Urgency.EMERGENCY:
        start = working_time_before(county, start)
    team = team_for(county, kid, start)
    worker = county.worker(team)
    needed = county.today + dt.timedelta(days={Urgency.EMERGENCY: 0, Urgency.URGENT: randrange(rng, 1, 5),
                                              Urgency.PLANNED: randrange(rng, 7, 35)}[urgency])
    r = new_request(county, kids, team, worker, ptype, urgency, needed)
    t = forwards(county, start, now - 10 * MIN, len(states))
    signer = county.manager(not_id=worker.id)
    r.steps = [(st, at, signer.id if st == RS.SIGNED_OFF else worker.id) for st, at in zip(states, t)]
    write_request(county, r)
    cid = request_call(county, r, t[0] - dt.timedelta(minutes=randrange(rng, 3, 25)))
    chosen = vacant_household(county, kid, ptype) if state in (RS.PROPOSED, RS.SIGNED_OFF) else None
    if state == RS.CONTACTING:
        candidates(county, r, None, t[1], t[2] + 5 * MIN, randrange(rng, 2, 5), final=False)
    elif state in (RS.PROPOSED, RS.SIGNED_OFF):
        candidates(county, r, chosen, t[1], t[3], randrange(rng, 1, 4),
                   chosen_status=CS.ACCEPTED if state == RS.PROPOSED else CS.CHOSEN)
    if state == RS.PROPOSED:
        decision(county, r, DecisionKind.PLACE if chosen else DecisionKind.COMMISSION_IFA, chosen, t[3],
                 DecisionStatus.PROPOSED)
    elif state == RS.SIGNED_OFF:
        decision(county, r, DecisionKind.PLACE if chosen else DecisionKind.COMMISSION_IFA, chosen, t[3],
                 DecisionStatus.SIGNED_OFF, t[4])
    # The worker promised to ring back.
    due = t[-1] + dt.timedelta(hours=choice(rng, (1, 2, 3, 4, 20)))
    callback(county, due=due, team=team, summary=f"Ring {kid.social_worker} back about {r.reference}.",
             created_by=worker, assigned=worker, call_id=cid, request_id=r.id, created_at=t[-1])


def generate(county: County, request_cap: int) -> dict[str, int]:
    rng = county.rng
    w = county.writer
    stays = [s for s in county.stays if not s.scripted]
    in_window = [s for s in stays if s.starts_on > county.start]
    if len(in_window) > request_cap:
        keep = set(id(s) for s in rng.sample(in_window, request_cap))
    else:
        keep = set(id(s) for s in in_window)
    w.stage("Placement requests and decisions")
    placed = 0
    for s in stays:
        if id(s) in keep:
            placed_request(county, s)
            placed += 1
        else:
            s.created_by_id = county.worker(AREA_TEAM.get(s.hh.place.area, "EAST")).id
            w.add("placements", placement_row(county, s))

    # Unmet and withdrawn requests over the eighteen months.
    unmet_n = max(6, int(placed * 0.17))
    withdrawn_n = max(4, int(placed * 0.1))
    groups = county.waiting
    big = [g for g in groups if len(g) > 1]
    for i in range(unmet_n + withdrawn_n):
        state = RS.CLOSED_UNMET if i < unmet_n else RS.WITHDRAWN
        kids = choice(rng, big) if (state == RS.CLOSED_UNMET and big and rng.random() < 0.3) else choice(rng, groups)
        end = county.at(county.start + dt.timedelta(days=randrange(rng, 2, (county.today - county.start).days - 2)),
                        randrange(rng, 9, 20), randrange(rng, 60))
        closed_request(county, kids, state, county.past(end))

    # Open requests at every stage of the duty process.
    w.stage("Open requests")
    per_stage = max(3, min(200, round(0.01 * len(county.kids))))
    waiting = list(groups)
    rng.shuffle(waiting)
    open_n = 0
    for state in (RS.LOGGED, RS.SEARCHING, RS.CONTACTING, RS.PROPOSED, RS.SIGNED_OFF):
        for _ in range(per_stage):
            kids = waiting.pop() if waiting else choice(rng, groups)
            open_request(county, kids, state)
            open_n += 1

    w.stage("Calls, callbacks and allegations")
    calls_n = background_calls(county, int(0.9 * (placed + unmet_n + withdrawn_n + open_n)))
    unavailable(county)
    closed_allegations(county, max(4, min(400, len(county.households) // 60)))
    handovers(county)
    return {"placed_requests": placed, "unmet": unmet_n, "withdrawn": withdrawn_n, "open": open_n,
            "background_calls": calls_n}


SUPPORT = [
    "Carer asking for help with contact arrangements for {child}.",
    "Carer reports {child} missing from home since 21:00; police informed.",
    "Carer needs advice about {child}'s medication; GP closed.",
    "Carer asking for respite next month.",
    "Carer reports school exclusion for {child}; asks for support plan.",
]
AVAILABILITY = [
    "Carer confirms a bedroom free from Monday.",
    "Carer away for two weeks from the 14th; no new placements.",
    "Carer ready to take a teenager again after a break.",
    "Agency confirms carer has a vacancy for a short-term placement.",
]
INFO = {
    CallerType.OTHER_AUTHORITY: "Neighbouring authority notifying a placement in the county.",
    CallerType.HOSPITAL: "Hospital discharge planning for a newborn; no placement needed yet.",
    CallerType.OTHER: "School asking whether the desk holds a record for a child; referred to the allocated worker.",
    CallerType.POLICE: "Police asking for the out-of-hours number for a carer.",
    CallerType.IFA: "Agency updating a carer's terms of approval after panel.",
    CallerType.OUT_OF_HOURS: "Out-of-hours passing on overnight contact from a carer; no action needed.",
}
COMPLAINT = [
    "Parent complaining about contact arrangements.",
    "Carer unhappy that the placement plan is late.",
    "Neighbour complaining about noise at a foster home; passed to the supervising social worker.",
]


def background_calls(county: County, n: int) -> int:
    rng = county.rng
    active = [s for s in county.stays if s.ended_on is None]
    hhs = [h for h in county.households if h.status != HouseholdStatus.IN_ASSESSMENT]
    span = (county.today - county.start).days
    for _ in range(n):
        day = county.start + dt.timedelta(days=randrange(rng, 1, span + 1))
        at = county.at(day, randrange(rng, 0, 24), randrange(rng, 60))
        if rng.random() < 0.7:
            at = working_time_before(county, at)
        at = county.past(at, 3).replace(microsecond=0)
        roll = rng.random()
        kid = None
        hh = None
        pid = None
        if roll < 0.25 and active:
            s = choice(rng, active)
            hh, kid = s.hh, s.kid
            ctype = CallerType.CARER if hh.kind != HouseholdKind.IFA else CallerType.IFA
            cat = CallCategory.CARER_SUPPORT
            summary = choice(rng, SUPPORT).format(child=kid.first_name)
            if county.local(at).date() < s.starts_on:
                at = county.past(county.at(s.starts_on, 15))
        elif roll < 0.45:
            hh = choice(rng, hhs)
            ctype = CallerType.IFA if hh.kind == HouseholdKind.IFA else CallerType.CARER
            cat = CallCategory.CARER_AVAILABILITY
            summary = choice(rng, AVAILABILITY)
        elif roll < 0.65 and active:
            s = choice(rng, active)
            hh, kid, pid = s.hh, s.kid, s.id
            ctype = choice(rng, (CallerType.CHILDS_SOCIAL_WORKER, CallerType.CARER, CallerType.OUT_OF_HOURS))
            cat = CallCategory.PLACEMENT_UPDATE
            summary = f"Update on {kid.first_name}'s placement: settling; plan review booked."
            if county.local(at).date() < s.starts_on:
                at = county.past(county.at(s.starts_on, 15))
        elif roll < 0.9:
            ctype = choice(rng, (CallerType.OTHER_AUTHORITY, CallerType.HOSPITAL, CallerType.POLICE,
                                CallerType.OTHER, CallerType.IFA, CallerType.OUT_OF_HOURS))
            cat = CallCategory.INFORMATION
            summary = INFO[ctype]
        else:
            ctype = choice(rng, (CallerType.PARENT, CallerType.CARER, CallerType.OTHER))
            cat = CallCategory.COMPLAINT
            summary = choice(rng, COMPLAINT)
        team = "OOH" if not in_hours(county, at) else (AREA_TEAM.get(hh.place.area, "EAST") if hh else
                                                        choice(rng, ("NORTH", "EAST", "SOUTH", "WEST")))
        taker = county.worker(team)
        cid = call(county, at=at, taker=taker, team=team, caller_type=ctype, category=cat, summary=summary,
                   caller_name=names.person(rng), child=kid, hh=hh, placement_id=pid)
        if rng.random() < 0.2:
            due = at + dt.timedelta(hours=choice(rng, (1, 2, 4, 24, 48)))
            status = None
            if due < county.now - 2 * HOUR:
                status = CallbackStatus.OPEN if rng.random() < 0.01 else (
                    CallbackStatus.CANCELLED if rng.random() < 0.05 else CallbackStatus.DONE)
            callback(county, due=due, team=team, summary="Call back: " + summary, created_by=taker,
                     assigned=taker if rng.random() < 0.7 else None, call_id=cid, hh=hh, status=status,
                     created_at=at)
    # Breakdown calls: the carer rang before each broken-down placement ended.
    for s in county.stays:
        if s.end_reason == PlacementEndReason.BREAKDOWN and s.ended_on and not s.scripted:
            at = county.at(s.ended_on - dt.timedelta(days=randrange(rng, 1, 28)), randrange(rng, 9, 17))
            at = max(at, county.at(s.starts_on, 17))
            team = AREA_TEAM.get(s.hh.place.area, "EAST")
            call(county, at=county.past(at), taker=county.worker(team), team=team,
                 caller_type=CallerType.CARER if s.hh.kind != HouseholdKind.IFA else CallerType.IFA,
                 category=CallCategory.PLACEMENT_UPDATE,
                 summary=f"Carers giving notice on {s.kid.first_name}'s placement: {s.end_note}",
                 caller_name=s.hh.name.split(",")[0], child=s.kid, hh=s.hh, placement_id=s.id)
            n += 1
    return n


def unavailable(county: County) -> None:
    rng = county.rng
    today = county.today
    creator = county.worker("EAST")
    for h in county.households:
        if h.status != HouseholdStatus.APPROVED or h.scenario or rng.random() > 0.08:
            continue
        kind = choice(rng, (UnavailableKind.HOLIDAY, UnavailableKind.HOLIDAY, UnavailableKind.BREAK,
                           UnavailableKind.OTHER))
        start = today + dt.timedelta(days=randrange(rng, -120, 60))
        end = start + dt.timedelta(days=randrange(rng, 3, 21))
        reason = {UnavailableKind.HOLIDAY: "Family holiday abroad.", UnavailableKind.BREAK: "Break after a long placement.",
                  UnavailableKind.OTHER: "Carer's operation and recovery."}[kind]
        created = county.past(county.at(min(start, today) - dt.timedelta(days=randrange(rng, 5, 30)), 11))
        county.writer.add("unavailable_periods", {
            "id": county.next_id("unavailable_periods"), "household_id": h.id, "kind": kind, "starts_on": start,
            "ends_on": end, "reason": reason, "created_by_id": creator.id, "created_at": created,
        })


ALLEGATION_SUMMARIES = [
    "Child said the carer grabbed their arm hard during an argument.",
    "Child told the school nurse they were locked in their room.",
    "Birth parent alleges the carer shouted and swore at the child.",
    "Child said the carer's adult son pushed them.",
]


def closed_allegations(county: County, n: int) -> None:
    rng = county.rng
    w = county.writer
    active = [s for s in county.stays if not s.hh.scenario and s.hh.status == HouseholdStatus.APPROVED]
    if not active:
        return
    for _ in range(n):
        s = choice(rng, active)
        lo = max(county.start, s.starts_on) + DAY
        hi = min(county.today - dt.timedelta(days=25), s.ended_on or county.today)
        if hi <= lo:
            continue
        day = lo + dt.timedelta(days=randrange(rng, 0, (hi - lo).days))
        raised = county.at(day, randrange(rng, 9, 17), randrange(rng, 60))
        team = AREA_TEAM.get(s.hh.place.area, "EAST")
        worker = county.worker(team)
        summary = choice(rng, ALLEGATION_SUMMARIES)
        cid = call(county, at=raised - dt.timedelta(minutes=randrange(rng, 5, 40)), taker=worker, team=team,
                   caller_type=choice(rng, (CallerType.CHILDS_SOCIAL_WORKER, CallerType.OTHER, CallerType.PARENT)),
                   category=CallCategory.ALLEGATION, summary=summary, caller_name=names.person(rng),
                   child=s.kid, hh=s.hh)
        referred = raised + dt.timedelta(hours=rng.uniform(1, 20))
        meeting = raised + dt.timedelta(days=rng.uniform(2, 9))
        closed = min(county.past(raised + dt.timedelta(days=rng.uniform(20, 120))), county.now - DAY)
        outcome = choice(rng, (AllegationOutcome.UNSUBSTANTIATED, AllegationOutcome.UNSUBSTANTIATED,
                              AllegationOutcome.UNFOUNDED, AllegationOutcome.SUBSTANTIATED,
                              AllegationOutcome.FALSE, AllegationOutcome.MALICIOUS))
        aid = county.next_id("allegations")
        w.add("allegations", {
            "id": aid, "reference": f"AL-{aid:05d}", "household_id": s.hh.id, "child_id": s.kid.id,
            "call_id": cid, "raised_at": raised, "raised_by_id": worker.id, "summary": summary,
            "status": AllegationStatus.CLOSED, "lado_referral_due_at": next_working_day(county, raised),
            "lado_referred_at": referred, "strategy_meeting_at": meeting, "outcome": outcome,
            "closed_at": closed, "household_status_before": HouseholdStatus.APPROVED,
        })
        mgr = county.manager()
        for at, kind, text, by in [
            (raised, AllegationEventKind.RAISED, summary, worker),
            (referred, AllegationEventKind.LADO_REFERRAL, "Referred to the LADO.", worker),
            (meeting, AllegationEventKind.STRATEGY_MEETING, "Strategy meeting held; section 47 not needed.", mgr),
            (closed, AllegationEventKind.OUTCOME, f"Outcome: {outcome.value}. Household back to approved.", mgr),
        ]:
            w.add("allegation_events", {"id": county.next_id("allegation_events"), "allegation_id": aid,
                                        "at": at, "by_user_id": by.id, "kind": kind, "text": text})


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


HANDOVER_LINES = [
    "{n} open requests carried over; see the queue.",
    "Callback due to {sw} about respite.",
    "Placement made at {town}; delegated authority to complete.",
    "No concerns raised this shift.",
    "Carer at {town} asked for support visit tomorrow.",
    "Police protection ended; child home with a safety plan.",
]


def handovers(county: County) -> None:
    """Day teams hand over to out of hours at 17:00 on weekdays; out of hours hands back at 08:30."""
    rng = county.rng
    w = county.writer
    day = county.start
    while day <= county.today:
        slots = []
        if day.weekday() < 5:
            for team in ("NORTH", "EAST", "SOUTH", "WEST"):
                slots.append((team, "OOH", county.at(day, 17, randrange(rng, 0, 10))))
        slots.append(("OOH", None, county.at(day, 8, 30 + randrange(rng, 0, 10))))
        for team, to, at in slots:
            if at > county.now - 2 * HOUR or (team, day) in county.skip_handover:
                continue
            lines = rng.sample(HANDOVER_LINES, 2)
            body = "\n".join(line.format(n=randrange(rng, 0, 4), sw=choice(rng, county.social_workers),
                                         town=choice(rng, county.places).name) for line in lines)
            w.add("handover_notes", {
                "id": county.next_id("handover_notes"), "team_id": county.teams[team],
                "to_team_id": county.teams[to] if to else None, "written_by_id": county.worker(team).id,
                "written_at": at, "body": body,
            })
        day += DAY
