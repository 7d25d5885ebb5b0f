"""Eighteen months of the duty desk at work.

Placement requests move through the duty process with a timestamped
transition for every step, the households considered for each (and what
happened when the carers were rung), decisions with a manager's sign-off
(never the proposer's), the placements they led to, and the calls around them
(written with ``dutydesk.demo.steps``). Open requests sit at every stage of the
process. The rest of the desk's life (other calls, breaks, allegations,
handovers) is ``dutydesk.demo.background``.
"""

from __future__ import annotations

import datetime as dt

from db.enums import (
    DecisionKind,
    DecisionStatus,
    PlacementType,
    RequestState,
    Specialism,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from dutydesk.demo.children import Stay, placement_row
from dutydesk.demo.rand import choice, randint, randrange  # noqa: F401
from dutydesk.demo.county import HH, County, Kid
from dutydesk.demo.people import AREA_TEAM

from dutydesk.demo.steps import (
    CS,
    DAY,
    GAPS,
    MIN,
    RS,
    area_pool,
    backwards,
    callback,
    forwards,
    gaps_for,
    in_hours,
    new_request,
    request_call,
    team_for,
    working_time_before,
    write_request,
)
from dutydesk.demo import search_log
from dutydesk.demo.considered import candidates, decision
from dutydesk.demo.background import background_calls, closed_allegations, handovers, unavailable


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
        t = backwards(county, placed_at, gaps_for(county, team, urgency))
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
    write_request(county, r, fit=s.hh)
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
    t = backwards(county, end, gaps_for(county, team, urgency)[: len(states) - 1])
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
                and (ptype in h.types and kid.needs <= h.specialisms or i > 40)):
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
    chosen = vacant_household(county, kid, ptype) if state in (RS.PROPOSED, RS.SIGNED_OFF) else None
    write_request(county, r, fit=chosen)
    if chosen is not None and search_log.failed_rules(county, r, county.search_reqs[r.id][1], chosen):
        chosen = None  # no household the search ranked: the worker proposes an agency placement
    cid = request_call(county, r, t[0] - dt.timedelta(minutes=randrange(rng, 3, 25)))
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
