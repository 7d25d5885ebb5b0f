"""Placing children with a household, and ending placements.

Placing is atomic (PITFALLS.md, "Double booking"): in one short write
transaction the household's occupied places are raised by a conditional

    UPDATE households SET occupied_places = occupied_places + :n
     WHERE id = :id AND occupied_places + :n + (places declared not available) <= places
       AND status = 'approved' (and no ended temporary approval)

checked by its row count, and the placement rows are inserted with the lowest
free place numbers. Two workers can never fill the same last place: on SQLite
the write lock (BEGIN IMMEDIATE) serialises the transactions; on PostgreSQL
the second UPDATE waits for the first's row lock and then re-checks its WHERE
against the committed row, so it matches nothing. The partial unique index
``uq_placements_active_place`` (household, place number, while active) is the
backstop that makes any bug fail loudly instead of overfilling.

The worker who loses is told at once and the request goes back to contacting
carers, so they can choose another household from the saved search.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.enums import (
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    HouseholdStatus,
    PlacementEndReason,
    RequestState,
    Urgency,
)
from db.models import Candidate, Child, Decision, Household, Placement, PlacementRequest, Team
from dutydesk import clock, integrity, references, working_days
from dutydesk.access import audit
from dutydesk.requests import transitions
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.labels import label
from dutydesk.matching import capacity
from dutydesk.requests.checklists import delegated_authority_checklist, notifications_for
from dutydesk.requests.lookup import current_decision, find_open_request, request_child_ids, writing
from dutydesk.text import field_text

S = RequestState
PLAN_DUE_WORKING_DAYS = 5
END_NOTE_MAX = 2000

_hh = Household.__table__
_pl = Placement.__table__



@dataclass(frozen=True)
class PlacementView:
    id: int
    reference: str
    child_id: int
    child_name: str
    household_id: int
    household_name: str
    request_id: int | None
    place_number: int
    starts_on: dt.date
    ended_on: dt.date | None
    end_reason: PlacementEndReason | None
    outside_terms: bool
    exemption_reason: str
    emergency: bool
    plan_due_on: dt.date | None
    delegated_authority: dict
    notifications_due: list


@dataclass(frozen=True)
class PlaceResult:
    request_id: int
    reference: str
    household_id: int
    household_name: str
    decision_id: int
    retrospective: bool
    outside_terms: bool
    placements: tuple[PlacementView, ...]
    message: str


def _view(p: Placement, child: Child | None, household: Household | None) -> PlacementView:
    return PlacementView(
        id=p.id, reference=p.reference, child_id=p.child_id, child_name=child.display_name if child else "",
        household_id=p.household_id, household_name=household.name if household else "", request_id=p.request_id,
        place_number=p.place_number, starts_on=p.starts_on, ended_on=p.ended_on, end_reason=p.end_reason,
        outside_terms=p.outside_terms, exemption_reason=p.exemption_reason, emergency=p.emergency,
        plan_due_on=p.plan_due_on, delegated_authority=json.loads(p.delegated_authority or "{}"),
        notifications_due=json.loads(p.notifications_due or "[]"),
    )


def out_of_hours_for(actor: Actor, session: Session, at: dt.datetime) -> bool:
    """The out-of-hours team, or anyone working outside office hours."""
    if working_days.is_out_of_hours(at):
        return True
    if actor.team_id is not None:
        team = session.get(Team, actor.team_id)
        if team is not None and team.out_of_hours:
            return True
    return False


def _lowest_free_numbers(session: Session, household_id: int, n: int) -> list[int]:
    taken = set(
        session.exec(
            select(Placement.place_number).where(Placement.household_id == household_id, Placement.ended_on.is_(None))
        ).all()
    )
    out: list[int] = []
    k = 1
    while len(out) < n:
        if k not in taken:
            out.append(k)
        k += 1
    return out


def _placement_reference(session: Session, year: int) -> str:
    return references.next_reference(session, references.Kind.PLACEMENT, year)


def place(
    desk: Desk,
    request_id: int | str,
    *,
    starts_on: dt.date | None = None,
    delegated_authority: dict[str, bool] | None = None,
    planned_end_on: dt.date | None = None,
) -> PlaceResult:
    """Place the request's children with the household of its decision, atomically.

    Normally the decision is signed off first. Out of hours, an emergency
    request may be placed on a proposal; the decision is then flagged
    ``retrospective`` and stays in the oversight queue until a manager signs it.
    Raises :class:`Conflict` (after returning the request to contacting) when
    the household has no free place any more.
    """
    actor = desk.actor
    require(actor, Permission.LOG, "place a child")
    checklist = json.dumps(delegated_authority_checklist(delegated_authority), sort_keys=True)
    lost: str | None = None
    with writing(desk) as s:
        req = find_open_request(s, request_id)
        decision = current_decision(s, req.id)
        if decision is None or req.state not in (S.PROPOSED, S.SIGNED_OFF):
            raise Conflict(
                f"{req.reference} has no proposed placement yet: propose a household with your rationale first."
            )
        if decision.kind != DecisionKind.PLACE or decision.household_id is None:
            raise Conflict(
                f"The decision for {req.reference} is '{label(decision.kind)}', not a placement; "
                "close the request as unmet or propose a household."
            )
        when = clock.now()
        day = starts_on or clock.today()
        if starts_on is not None and starts_on < clock.today() - dt.timedelta(days=7):
            raise InvalidInput("The start date is more than a week ago; type the day the child moved in.")
        retrospective = False
        if decision.status != DecisionStatus.SIGNED_OFF:
            if req.urgency != Urgency.EMERGENCY or not out_of_hours_for(actor, s, when):
                raise Conflict(
                    f"The decision for {req.reference} is not signed off yet; a manager must sign it off before "
                    "placing (only an emergency out of hours may be placed first)."
                )
            retrospective = True
        child_ids = request_child_ids(s, req.id)
        if not child_ids:
            raise Conflict(f"{req.reference} names no child; add the child to the request first.")
        for cid in child_ids:
            active = s.exec(
                select(Placement, Household).join(Household, Household.id == Placement.household_id)
                .where(Placement.child_id == cid, Placement.ended_on.is_(None))
            ).first()
            if active is not None:
                child = s.get(Child, cid)
                raise Conflict(
                    f"{child.display_name} is still placed with {active[1].name} ({active[0].reference}); "
                    "end that placement first, with its reason."
                )
        n = len(child_ids)
        # The one conditional write that decides who gets the place.
        result = s.execute(
            sa.update(_hh)
            .where(
                _hh.c.id == decision.household_id,
                _hh.c.occupied_places + n + capacity.held_back_sql(_hh, day) <= _hh.c.places,
                _hh.c.status == HouseholdStatus.APPROVED.value,
                sa.or_(_hh.c.approval_expires_on.is_(None), _hh.c.kind != "connected_person", _hh.c.approval_expires_on >= day),
            )
            .values(
                occupied_places=_hh.c.occupied_places + n,
                vacant_since=sa.case((_hh.c.occupied_places + n >= _hh.c.places, None), else_=_hh.c.vacant_since),
            )
        )
        household = s.get(Household, decision.household_id)
        if result.rowcount != 1:
            s.refresh(household)
            if household.status != HouseholdStatus.APPROVED:
                why = f"is {label(household.status)} now"
            elif household.approval_expires_on is not None and household.approval_expires_on < day:
                why = f"has no approval now (temporary approval ended on {household.approval_expires_on:%d %b %Y})"
            else:
                why = capacity.held_back_text(household, day) or "has no free place any more"
            lost = f"{household.name} {why}; {req.reference} is back to contacting carers: return to the search."
            _return_after_lost_place(s, actor, req, decision, household, lost, when)
        else:
            s.refresh(household)  # pick up the new occupied count
            name = household.name  # a failed flush ends the transaction: nothing can be read after it
            numbers = _lowest_free_numbers(s, household.id, n)
            plan_due = working_days.add_working_days(day, PLAN_DUE_WORKING_DAYS)
            made: list[PlacementView] = []
            for cid, number in zip(child_ids, numbers, strict=True):
                child = s.get(Child, cid)
                row = Placement(
                    reference=_placement_reference(s, clock.local(when).year),
                    child_id=cid, household_id=household.id, request_id=req.id, decision_id=decision.id,
                    placement_type=req.placement_type, place_number=number, starts_on=day,
                    planned_end_on=planned_end_on or req.needed_until,
                    outside_terms=decision.outside_terms, exemption_reason=decision.exemption_reason,
                    emergency=req.urgency == Urgency.EMERGENCY, plan_due_on=plan_due,
                    delegated_authority=checklist,
                    notifications_due=json.dumps(notifications_for(day, child, req.urgency == Urgency.EMERGENCY)),
                    created_by_id=actor.user_id, created_at=when,
                )
                s.add(row)
                try:
                    s.flush()
                except IntegrityError as err:
                    if integrity.violation(err).is_unique("placements", "household_id", "place_number"):
                        # The backstop: never reached unless the UPDATE above is bypassed.
                        raise Conflict(
                            f"{name} has no free place any more (place {number} is taken); return to the search."
                        ) from err
                    raise Conflict(integrity.refused(f"The placement with {name}", err)) from err
                made.append(_view(row, child, household))
            if retrospective:
                decision.retrospective = True
                s.add(decision)
            cand = s.exec(
                select(Candidate).where(Candidate.request_id == req.id, Candidate.household_id == household.id)
            ).first()
            if cand is not None:
                cand.status = CandidateStatus.CHOSEN
                cand.updated_at = when
                cand.updated_by_id = actor.user_id
                s.add(cand)
            transitions.move(
                s, actor, req, S.PLACED,
                f"placed with {household.name}" + (" before sign-off (out of hours)" if retrospective else ""),
                at=when,
            )
            audit.record(
                s, actor, "placement.made", "households", household.id,
                {"request": req.reference, "placements": [p.reference for p in made],
                 "place_numbers": numbers, "retrospective": retrospective,
                 "outside_terms": decision.outside_terms, "plan_due_on": plan_due.isoformat()},
                at=when,
            )
            return PlaceResult(
                request_id=req.id, reference=req.reference, household_id=household.id,
                household_name=household.name, decision_id=decision.id, retrospective=retrospective,
                outside_terms=decision.outside_terms, placements=tuple(made),
                message=(f"Placed with {household.name}; placement plan due {plan_due:%d %b}."
                         + (" The decision awaits a manager's retrospective sign-off." if retrospective else "")),
            )
    raise Conflict(lost)


def _return_after_lost_place(
    s: Session, actor: Actor, req: PlacementRequest, decision: Decision, household: Household, why: str,
    when: dt.datetime,
) -> None:
    """The loser of a race: the request goes back to contacting carers, the decision is superseded."""
    if decision.status == DecisionStatus.PROPOSED:
        decision.status = DecisionStatus.RETURNED
        decision.returned_by_id = actor.user_id
        decision.returned_at = when
        decision.returned_comment = why
        s.add(decision)
    else:
        from db.models import DecisionAddendum

        s.add(DecisionAddendum(decision_id=decision.id, written_by_id=actor.user_id, written_at=when,
                               text=f"Not placed: {why}"))
    cand = s.exec(
        select(Candidate).where(Candidate.request_id == req.id, Candidate.household_id == household.id)
    ).first()
    if cand is not None:
        cand.status = CandidateStatus.RULED_OUT
        cand.status_reason = "no free place any more"
        cand.updated_at = when
        cand.updated_by_id = actor.user_id
        s.add(cand)
    transitions.move(s, actor, req, S.CONTACTING, why, at=when)
    audit.record(s, actor, "placement.lost", "households", household.id, {"request": req.reference, "why": why}, at=when)


# --------------------------------------------------------------------------- ending


def end_placement(
    desk: Desk,
    placement_id: int | str,
    ended_on: dt.date | None,
    reason: PlacementEndReason | str | None,
    note: str = "",
) -> PlacementView:
    """End a placement on a date with a reason; the place is freed in the same transaction."""
    actor = desk.actor
    require(actor, Permission.LOG, "end a placement")
    if ended_on is None:
        raise InvalidInput("Give the date the placement ended (for example 2026-11-22).")
    if reason is None or str(getattr(reason, "value", reason)).strip() == "":
        raise InvalidInput("Give the reason it ended: planned_end, breakdown, move or other.")
    try:
        why = PlacementEndReason(str(getattr(reason, "value", reason)).lower())
    except ValueError:
        raise InvalidInput("The reason is one of: planned_end, breakdown, move, other.") from None
    text = field_text(note, "Note", limit=END_NOTE_MAX, required=why == PlacementEndReason.OTHER, multiline=True,
                      missing="Say why the placement ended (a note is needed when the reason is 'other')")
    if ended_on > clock.today():
        raise InvalidInput("A placement ends on the day the child leaves; record it then, not ahead (use a callback).")
    with writing(desk) as s:
        p = _find_placement(s, placement_id)
        if p.ended_on is not None:
            raise Conflict(f"Placement {p.reference} already ended on {p.ended_on:%d %b %Y}.")
        if ended_on < p.starts_on:
            raise InvalidInput(f"The end date is before the placement started ({p.starts_on:%d %b %Y}).")
        when = clock.now()
        done = s.execute(
            sa.update(_pl).where(_pl.c.id == p.id, _pl.c.ended_on.is_(None)).values(
                ended_on=ended_on, end_reason=why, end_note=text, ended_by_id=actor.user_id, ended_at=when,
            )
        )
        if done.rowcount != 1:
            raise Conflict(f"Placement {p.reference} was ended by someone else just now.")
        freed = s.execute(
            sa.update(_hh).where(_hh.c.id == p.household_id, _hh.c.occupied_places >= 1).values(
                occupied_places=_hh.c.occupied_places - 1,
                vacant_since=sa.case(
                    ((_hh.c.occupied_places >= _hh.c.places) | _hh.c.vacant_since.is_(None), ended_on),
                    else_=_hh.c.vacant_since,
                ),
            )
        )
        s.refresh(p)
        household = s.get(Household, p.household_id)
        s.refresh(household)
        audit.record(
            s, actor, "placement.ended", "placements", p.id,
            {"reference": p.reference, "ended_on": ended_on.isoformat(), "reason": why.value, "note": text,
             "place_freed": freed.rowcount == 1},
            at=when,
        )
        return _view(p, s.get(Child, p.child_id), household)


def _find_placement(s: Session, key: int | str) -> Placement:
    text = str(key).strip()
    p = s.get(Placement, int(text)) if text.isdigit() else None
    if p is None:
        p = s.exec(select(Placement).where(sa.func.upper(Placement.reference) == text.upper())).first()
    if p is None:
        raise NotFound(f"There is no placement {text!r}; check the reference on the child's or household's record.")
    return p


def get_placement(desk: Desk, placement_id: int | str) -> PlacementView:
    with desk.db.read() as s:
        p = _find_placement(s, placement_id)
        return _view(p, s.get(Child, p.child_id), s.get(Household, p.household_id))


def active_placements(desk: Desk, household_id: int) -> list[PlacementView]:
    with desk.db.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise NotFound(f"There is no household number {household_id}.")
        rows = s.exec(
            select(Placement, Child).join(Child, Child.id == Placement.child_id)
            .where(Placement.household_id == household_id, Placement.ended_on.is_(None))
            .order_by(Placement.place_number)
        ).all()
        return [_view(p, c, h) for p, c in rows]
