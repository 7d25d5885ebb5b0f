"""A cheap change stamp for one placement request: has anything the request screen shows changed?

The request screen asks every few seconds while it is visible and reloads only
when the stamp differs from the one read with its data, so another worker's
contact, search, decision, sign-off or placement shows without a key press.
One small query: the request row's version and state time, and counts and
newest ids or times of its candidates, contacts, searches, decisions, addenda
and placements. (Free places in a household another request fills are not
counted: the next reload shows them.)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from db.models import (
    Candidate,
    CandidateContact,
    Decision,
    DecisionAddendum,
    Placement,
    PlacementRequest,
    Search,
)
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require

Stamp = tuple[Any, ...]


def _stamp_select(request_id: int) -> sa.Select:
    def sub(*columns: Any, where: Any, join: Any = None) -> list[Any]:
        out = []
        for col in columns:
            q = sa.select(col)
            if join is not None:
                q = q.select_from(join)
            out.append(q.where(where).scalar_subquery())
        return out

    candidates = Candidate.__table__
    contacts = CandidateContact.__table__
    decisions = Decision.__table__
    addenda = DecisionAddendum.__table__
    return sa.select(
        PlacementRequest.__table__.c.version,
        PlacementRequest.__table__.c.state_changed_at,
        *sub(sa.func.count(), sa.func.max(candidates.c.updated_at), where=candidates.c.request_id == request_id),
        *sub(sa.func.count(), sa.func.max(contacts.c.id),
             join=contacts.join(candidates, candidates.c.id == contacts.c.candidate_id),
             where=candidates.c.request_id == request_id),
        *sub(sa.func.max(Search.__table__.c.id), where=Search.__table__.c.request_id == request_id),
        *sub(sa.func.count(), sa.func.max(decisions.c.id), sa.func.max(decisions.c.signed_off_at),
             sa.func.max(decisions.c.returned_at), where=decisions.c.request_id == request_id),
        *sub(sa.func.max(addenda.c.id), join=addenda.join(decisions, decisions.c.id == addenda.c.decision_id),
             where=decisions.c.request_id == request_id),
        *sub(sa.func.count(), sa.func.count(Placement.__table__.c.ended_on),
             where=Placement.__table__.c.request_id == request_id),
    ).where(PlacementRequest.__table__.c.id == request_id)


def change_stamp(desk: Desk, request_id: int) -> Stamp:
    """A value that changes whenever the request, or anything the request screen shows of it, changes.

    An unknown request has the empty stamp ``()``.
    """
    require(desk.actor, Permission.READ, "read a placement request")
    with desk.db.engine.connect() as conn:
        row = conn.execute(_stamp_select(int(request_id))).first()
    return tuple(row) if row is not None else ()
