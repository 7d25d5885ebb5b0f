"""Recording an allegation (and the hold, in the same transaction) and lifting the hold.

An allegation of harm puts the household on hold at once: its status becomes
on hold in the transaction that writes the allegation, so a placement being made
for that household at the same moment either lands first (and the child shows
among those placed) or is refused by its own conditional update. Only a manager,
with a recorded decision, lifts the hold; ``carers.holds`` keeps every other route
(edit, import, status change) from making the household available meanwhile.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import (
    AllegationCategory,
    AllegationEventKind,
    AllegationParty,
    AllegationStatus,
    HouseholdStatus,
)
from db.models import Allegation, AllegationChild, AllegationEvent, Child, Household, Placement
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.allegations import timeline
from dutydesk.allegations.found import find, refuse_if_closed
from dutydesk.allegations.inputs import DECISION_MIN, REASON_MAX, SAID_BY_MAX, SUMMARY_MAX, AllegationInput
from dutydesk.carers import holds
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.labels import label
from dutydesk.references import Kind, next_reference
from dutydesk.text import field_text


def told_text(parties: frozenset[AllegationParty]) -> str:
    return ",".join(p.value for p in AllegationParty if p in parties)


def placed_children(s: Session, household_id: int, on: dt.date) -> list[tuple[int, str]]:
    """(child id, name) of the children living in the household on ``on``."""
    rows = s.execute(
        sa.select(Child.id, Child.first_name, Child.last_name)
        .join(Placement, Placement.child_id == Child.id)
        .where(Placement.household_id == household_id, Placement.starts_on <= on,
               sa.or_(Placement.ended_on.is_(None), Placement.ended_on > on))
        .order_by(Child.first_name, Child.id).distinct()
    ).all()
    return [(cid, f"{first} {last}".strip()) for cid, first, last in rows]


def log_in(s: Session, actor: Actor, inp: AllegationInput) -> Allegation:
    """Write the allegation, its children, its first steps and (for harm) the hold, in ``s``."""
    require(actor, Permission.LOG, "record an allegation")
    at = (inp.at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    summary = field_text(inp.summary, "What was said", limit=SUMMARY_MAX, required=True, multiline=True)
    said_by = field_text(inp.said_by, "Said by", limit=SAID_BY_MAX, required=True,
                         missing="Say who said it (the child, a teacher, a parent ...)")
    household = s.execute(sa.select(Household).where(Household.id == inp.household_id)
                          .with_for_update()).scalar_one_or_none()
    if household is None:
        raise NotFound(f"There is no household number {inp.household_id}; find it again.")
    concerned = list(dict.fromkeys(inp.children))
    if not concerned:
        raise InvalidInput("Name the child or children the allegation concerns.")
    known = set(s.execute(sa.select(Child.id).where(Child.id.in_(concerned))).scalars())
    if missing := [c for c in concerned if c not in known]:
        raise NotFound(f"There is no child number {missing[0]}; pick the child again.")
    placed = placed_children(s, household.id, clock.local(at).date())
    decided = {d.child_id: d for d in inp.safety}
    if lacking := [name for cid, name in placed if cid not in decided]:
        raise InvalidInput(f"Give an initial safety decision, with its reason, for every child placed there: "
                           f"{', '.join(lacking)}.")
    placed_ids = {cid for cid, _ in placed}
    if stray := [cid for cid in decided if cid not in placed_ids]:
        raise InvalidInput(f"Child number {stray[0]} is not placed in this household; "
                           "safety decisions are for the children living there.")
    reasons = {cid: field_text(d.reason, f"Reason for {label(d.decision)}", limit=REASON_MAX, required=True,
                               missing="Give the reason for each child's safety decision")
               for cid, d in decided.items()}
    harm = inp.category == AllegationCategory.HARM
    a = Allegation(
        reference=next_reference(s, Kind.ALLEGATION, clock.local(at).year), household_id=household.id,
        child_id=concerned[0], call_id=inp.call_id, raised_at=at, raised_by_id=actor.user_id, summary=summary,
        status=AllegationStatus.OPEN, category=inp.category, said_by=said_by, told=told_text(inp.told),
        on_hold=harm, lado_referral_due_at=None,
        household_status_before=HouseholdStatus(household.status) if harm else None,
    )
    s.add(a)
    s.flush()
    for cid in dict.fromkeys([*concerned, *placed_ids]):
        d = decided.get(cid)
        s.add(AllegationChild(allegation_id=a.id, child_id=cid, concerned=cid in concerned, placed=cid in placed_ids,
                              safety=d.decision if d else None, safety_reason=reasons.get(cid, "")))
    s.add(AllegationEvent(allegation_id=a.id, at=at, by_user_id=actor.user_id, kind=AllegationEventKind.RAISED,
                          text=summary))
    steps = timeline.open_steps(s, a)
    a.lado_referral_due_at = timeline.end_of(steps[0].due_on)
    before = household.status
    if harm and household.status != HouseholdStatus.ON_HOLD:
        household.status, household.status_changed_at = HouseholdStatus.ON_HOLD, at
    audit.record(s, actor, "allegation.recorded", "allegations", a.id, {
        "reference": a.reference, "household": household.reference, "category": inp.category.value,
        "children": concerned, "told": a.told, "hold": harm,
        "safety": {str(cid): d.decision.value for cid, d in decided.items()}}, at=at)
    if harm:
        audit.record(s, actor, "household.held", "households", household.id, {
            "allegation": a.reference, "status_before": str(before)}, at=at)
    s.flush()
    return a


def log_allegation(desk: Desk, inp: AllegationInput) -> str:
    """Record an allegation or concern; returns its reference."""
    with desk.db.write() as s:
        return log_in(s, desk.actor, inp).reference


def release_household(s: Session, actor: Actor, a: Allegation, at: dt.datetime) -> bool:
    """Give the household back its status from before the hold, unless another allegation holds it."""
    household = s.execute(sa.select(Household).where(Household.id == a.household_id).with_for_update()).scalar_one()
    if holds.holding_allegation(s, household.id) is not None or household.status != HouseholdStatus.ON_HOLD:
        return False
    household.status = a.household_status_before or HouseholdStatus.APPROVED
    household.status_changed_at = at
    audit.record(s, actor, "household.released", "households", household.id, {
        "allegation": a.reference, "status": str(household.status)}, at=at)
    return True


def lift_in(s: Session, actor: Actor, reference: str, decision: str, at: dt.datetime | None = None) -> Allegation:
    require(actor, Permission.SIGN_OFF, "lift an allegation's hold")
    at = (at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    text = field_text(decision, "Decision", limit=REASON_MAX, required=True, minimum=DECISION_MIN, multiline=True,
                      missing="Record the decision to lift the hold and why")
    a = find(s, reference)
    refuse_if_closed(a, "changed")
    if not a.on_hold:
        raise Conflict(f"Allegation {a.reference} does not hold the household"
                       f"{' (its hold was lifted already)' if a.hold_lifted_at else ''}.")
    a.on_hold = False
    a.hold_lifted_at, a.hold_lifted_by_id, a.hold_decision = at, actor.user_id, text
    s.add(AllegationEvent(allegation_id=a.id, at=at, by_user_id=actor.user_id,
                          kind=AllegationEventKind.HOLD_LIFTED, text=text))
    s.flush()
    released = release_household(s, actor, a, at)
    audit.record(s, actor, "allegation.hold_lifted", "allegations", a.id,
                 {"reference": a.reference, "decision": text, "household_released": released}, at=at)
    return a


def lift_hold(desk: Desk, reference: str, decision: str) -> bool:
    """A manager lifts the hold with a recorded decision; True when the household is available again."""
    with desk.db.write() as s:
        a = lift_in(s, desk.actor, reference, decision)
        return s.get(Household, a.household_id).status != HouseholdStatus.ON_HOLD
