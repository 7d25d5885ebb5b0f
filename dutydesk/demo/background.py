"""The desk's background in the demo: calls that are not placement requests, carers' declared
breaks, closed allegations and the handover notes between shifts."""

from __future__ import annotations

import datetime as dt

from db.enums import (
    AllegationCategory,
    AllegationEventKind,
    AllegationOutcome,
    AllegationStatus,
    CallbackStatus,
    CallCategory,
    CallerType,
    HouseholdKind,
    HouseholdStatus,
    PlacementEndReason,
    UnavailableKind,
)
from dutydesk.demo import names
from dutydesk.demo.rand import choice, randint, randrange  # noqa: F401
from dutydesk.demo.county import County
from dutydesk.demo.people import AREA_TEAM
from dutydesk.references import Kind, format_reference

from dutydesk.demo.steps import (
    DAY,
    HOUR,
    call,
    callback,
    in_hours,
    next_working_day,
    working_time_before,
)


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
            "id": aid, "reference": format_reference(Kind.ALLEGATION, raised.year, aid), "household_id": s.hh.id, "child_id": s.kid.id,
            "call_id": cid, "raised_at": raised, "raised_by_id": worker.id, "summary": summary,
            "status": AllegationStatus.CLOSED, "lado_referral_due_at": next_working_day(county, raised),
            "lado_referred_at": referred, "strategy_meeting_at": meeting, "outcome": outcome,
            "closed_at": closed, "household_status_before": HouseholdStatus.APPROVED,
            # Closed before issue 13's columns; the category and the lifted hold say what they were.
            "category": AllegationCategory.HARM, "on_hold": False, "outcome_on": closed.date(),
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
