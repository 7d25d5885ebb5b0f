"""Connected persons tonight (scenario 8): a relative or friend who offers a home to a named child.

A duty worker records the household during the call with temporary approval
starting today; the desk sets its end 16 weeks on. Matching offers it for that
child only (``households.connected_child_id``: the connected-person rule), and
the placement is made through the normal duty process (proposed, signed off,
placed). A manager may extend the approval once, by up to 8 weeks, with a
reason. After the approval ends the household takes no new child: matching
rules it out and the placement service refuses it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from db.enums import HouseholdKind, HouseholdStatus, PlacementType
from db.models import Child, Household
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.carers.availability import EXTENSION_WEEKS, TEMPORARY_APPROVAL_WEEKS
from dutydesk.carers.household_values import REASON_LIMIT, read_values
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.text import field_text

TYPES = frozenset({PlacementType.EMERGENCY, PlacementType.SHORT_TERM})


@dataclass(frozen=True, slots=True)
class TemporaryApproval:
    household_id: int
    reference: str
    name: str
    approved_on: dt.date
    expires_on: dt.date
    extended: bool
    child: str


def _view(h: Household, child: str) -> TemporaryApproval:
    return TemporaryApproval(h.id, h.reference, h.name, h.approved_on, h.approval_expires_on,
                             h.approval_extended, child)


def record_connected_person(desk: Desk, *, name: str, child_id: int, reason: str, postcode: str = "",
                            phone: str = "", places: int = 1) -> TemporaryApproval:
    """The household of a connected person for ``child_id``, approved temporarily from today for 16 weeks."""
    require(desk.actor, Permission.LOG, "record a connected person")
    who = field_text(name, "Name", limit=120, required=True,
                     missing="Type the carer's name, for example: Green, Margaret (grandmother)")
    why = field_text(reason, "Reason", limit=REASON_LIMIT, required=True,
                     missing="Say who they are to the child and why tonight")
    facts = read_values({"postcode": postcode, "phone": phone})
    if not 1 <= places <= 4:
        raise InvalidInput("A connected person is approved for the child (and siblings): type 1 to 4 places.")
    today = clock.today()
    with desk.db.write() as s:
        child = s.get(Child, child_id)
        if child is None:
            raise NotFound(f"There is no child with id {child_id}.")
        place_id = None
        if facts["postcode"]:
            from db.models import Place

            place_id = s.execute(sa.select(Place.id).where(Place.postcode_district == facts["postcode"].split(" ")[0])
                                 .order_by(Place.name).limit(1)).scalar()
        h = Household(reference=f"tmp-{uuid.uuid4().hex[:16]}", name=who, kind=HouseholdKind.CONNECTED_PERSON,
                      status=HouseholdStatus.APPROVED, postcode=facts["postcode"], phone=facts["phone"],
                      place_id=place_id, places=places, placement_types=TYPES, approved_on=today,
                      approval_expires_on=today + dt.timedelta(weeks=TEMPORARY_APPROVAL_WEEKS),
                      connected_child_id=child_id, status_changed_at=clock.now())
        s.add(h)
        s.flush()
        h.reference = f"CP-{h.id:05d}"  # from the row's own identity: never max+1
        s.add(h)
        s.flush()
        audit.record(s, desk.actor, "household.connected_person", "households", h.id,
                     {"reference": h.reference, "child": child.case_reference, "reason": why,
                      "approved_on": today.isoformat(), "expires_on": h.approval_expires_on.isoformat(),
                      "version": h.version})
        return _view(h, child.display_name)


def child_of_request(desk: Desk, request_id: int) -> tuple[int, str, int]:
    """(the first child's id, name, how many children) of a request, for recording a connected person."""
    from db.models import RequestChild

    with desk.db.read() as s:
        rows = s.execute(sa.select(Child.id, Child.first_name, Child.last_name)
                         .join(RequestChild, RequestChild.child_id == Child.id)
                         .where(RequestChild.request_id == request_id).order_by(Child.id)).all()
    if not rows:
        raise NotFound("That request names no child yet; add the child first.")
    return rows[0][0], f"{rows[0][1]} {rows[0][2]}".strip(), len(rows)


def extend_approval(desk: Desk, household_id: int, weeks: int, *, reason: str) -> TemporaryApproval:
    """The one extension of a temporary approval, by up to 8 weeks (a manager, with a reason)."""
    require(desk.actor, Permission.SIGN_OFF, "extend a temporary approval")
    why = field_text(reason, "Reason", limit=REASON_LIMIT, required=True,
                     missing="Say why the approval is extended (for example: assessment due at panel on 3 March)")
    if not 1 <= weeks <= EXTENSION_WEEKS:
        raise InvalidInput(f"A temporary approval may be extended by 1 to {EXTENSION_WEEKS} weeks; you typed {weeks}.")
    with desk.db.write() as s:
        h = s.get(Household, household_id)
        if h is None or h.kind != HouseholdKind.CONNECTED_PERSON or h.approval_expires_on is None:
            raise NotFound("That household has no temporary approval to extend.")
        if h.approval_extended:
            raise Conflict(f"{h.reference}'s temporary approval was already extended once (to "
                           f"{h.approval_expires_on:%d %b %Y}); it cannot be extended again. Approve the household "
                           "at panel, or plan the child's move.")
        if h.approval_expires_on < clock.today():
            raise Conflict(f"{h.reference}'s temporary approval ended on {h.approval_expires_on:%d %b %Y}; "
                           "an ended approval cannot be extended.")
        before = h.approval_expires_on
        h.approval_expires_on = before + dt.timedelta(weeks=weeks)
        h.approval_extended = True
        s.add(h)
        s.flush()
        audit.record(s, desk.actor, "household.approval_extended", "households", h.id,
                     {"reference": h.reference, "reason": why, "version": h.version,
                      "changes": {"approval_expires_on": [before.isoformat(), h.approval_expires_on.isoformat()],
                                  "approval_extended": [False, True]}})
        child = s.get(Child, h.connected_child_id) if h.connected_child_id else None
        return _view(h, child.display_name if child else "")
