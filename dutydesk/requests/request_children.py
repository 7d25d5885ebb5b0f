"""Adding a child to an open request, or taking one off: a sibling found later, a baby born, a child placed elsewhere.

A duty worker's change (``Permission.LOG``), audited, while the request is still
being worked (logged, searching or contacting). Refused in the desk's words once a
decision is proposed or signed off for the children on it, once it is placed,
closed or withdrawn, over the group limit (``calls.intake.MAX_SIBLINGS``), for a
child already on it, or for the last child (withdraw the request instead). A
saved search was run for the children as they were: the worker is told to search again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, select

from db.enums import RequestState
from db.models import Child, PlacementRequest, RequestChild
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.calls.intake import (
    MAX_SIBLINGS,
    ChildInput,
    age_limit_words,
    check_one_parent,
    create_child,
    max_age_for,
)
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.labels import label
from dutydesk.requests import lookup

CHANGEABLE = frozenset({RequestState.LOGGED, RequestState.SEARCHING, RequestState.CONTACTING})


@dataclass(frozen=True)
class ChildrenChanged:
    request_reference: str
    children: tuple[str, ...]  # the children on the request now, by name
    message: str


def _changeable(session: Session, key: int | str) -> PlacementRequest:
    req = lookup.find_open_request(session, key)  # placed, closed or withdrawn: refused in its words
    if req.state not in CHANGEABLE:
        raise Conflict(f"{req.reference} is {label(req.state)}: the decision was made for the children on it. "
                       "A manager must return the proposal before a child is added or taken off.")
    return req


def _children(session: Session, request_id: int) -> list[Child]:
    return list(session.exec(select(Child).join(RequestChild, RequestChild.child_id == Child.id)
                             .where(RequestChild.request_id == request_id).order_by(Child.id)).all())


def _find_child(session: Session, key: int | str) -> Child:
    text = str(key).strip()
    child = session.get(Child, int(text)) if text.isdigit() else None
    if child is None:
        child = session.exec(select(Child).where(sa.func.upper(Child.case_reference) == text.upper())).first()
    if child is None:
        raise NotFound(f"There is no child {text!r}; check the case reference (or record the child with a name).")
    return child


def _changed(session: Session, req: PlacementRequest) -> ChildrenChanged:
    # The request row's version moves too, so a request screen open elsewhere reloads (its change stamp).
    flag_modified(req, "notes")
    session.add(req)
    session.flush()
    names = tuple(c.display_name for c in _children(session, req.id))
    return ChildrenChanged(req.reference, names, "")


def add_child(desk: Desk, request: int | str, *, child: int | str | None = None,
              new_child: ChildInput | None = None) -> ChildrenChanged:
    """Add a child found on the desk (``child``: id or case reference) or recorded now (``new_child``)."""
    actor = desk.actor
    require(actor, Permission.LOG, "add a child to a request")
    if (child is None) == (new_child is None):
        raise InvalidInput("Say which child to add: a case reference, or a new child's name and age.")
    with lookup.writing(desk) as s:
        req = _changeable(s, request)
        kids = _children(s, req.id)
        if len(kids) >= MAX_SIBLINGS:
            raise Conflict(f"{req.reference} already holds {len(kids)} children, the most one request can; "
                           "open a second request for the others.")
        if new_child is not None:
            family = {c.family_key for c in kids}
            if new_child.family_key is None and len(family) == 1 and None not in family:
                # A sibling of children recorded as one family joins that family.
                new_child = replace(new_child, family_key=family.pop())
            added = create_child(s, actor, new_child, max_age=max_age_for(req.placement_type))
        else:
            added = _find_child(s, child)  # type: ignore[arg-type]
            if any(c.id == added.id for c in kids):
                raise InvalidInput(f"{added.display_name} is on {req.reference} already.")
            age = added.age_on(req.needed_from)
            if age is not None and age > max_age_for(req.placement_type):
                raise InvalidInput(f"{added.display_name} is {age} on {req.needed_from:%d/%m/%Y}; the desk places "
                                   f"{age_limit_words(max_age_for(req.placement_type))}.")
        check_one_parent(s, req.placement_type, [c.id for c in kids] + [added.id], req.needed_from)
        s.add(RequestChild(request_id=req.id, child_id=added.id))
        done = _changed(s, req)
        audit.record(s, actor, "request.child_added", "placement_requests", req.id,
                     {"reference": req.reference, "child_id": added.id, "case_reference": added.case_reference},
                     at=clock.now())
        return ChildrenChanged(done.request_reference, done.children,
                               f"{added.display_name} added to {req.reference}; search again (s) for "
                               f"{len(done.children)} children.")


def remove_child(desk: Desk, request: int | str, child: int | str) -> ChildrenChanged:
    """Take a child off the request (``child``: id or case reference); the last child stays."""
    actor = desk.actor
    require(actor, Permission.LOG, "take a child off a request")
    with lookup.writing(desk) as s:
        req = _changeable(s, request)
        kids = _children(s, req.id)
        gone = _find_child(s, child)
        if not any(c.id == gone.id for c in kids):
            raise InvalidInput(f"{gone.display_name} is not on {req.reference}.")
        if len(kids) == 1:
            raise Conflict(f"{gone.display_name} is the only child on {req.reference}; a request needs a child. "
                           "Withdraw the request instead (w), with the reason.")
        s.delete(s.get(RequestChild, (req.id, gone.id)))
        done = _changed(s, req)
        audit.record(s, actor, "request.child_removed", "placement_requests", req.id,
                     {"reference": req.reference, "child_id": gone.id, "case_reference": gone.case_reference},
                     at=clock.now())
        return ChildrenChanged(done.request_reference, done.children,
                               f"{gone.display_name} taken off {req.reference}; search again (s) for "
                               f"{len(done.children)} {'child' if len(done.children) == 1 else 'children'}.")
