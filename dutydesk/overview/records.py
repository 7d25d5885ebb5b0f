"""Read-only record details opened from the dashboard: a request or a household as label/value lines.

The dashboard module stays light (see its docstring); these views import the
models only when a record is opened.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.errors import NotFound
from dutydesk.labels import label
from dutydesk.matching import capacity


@dataclass(frozen=True)
class RecordDetail:
    """A record as label/value lines, for the read-only view opened from the dashboard."""

    title: str
    lines: list[tuple[str, str]]


def request_detail(desk: Desk, request_id: int) -> RecordDetail:
    from db.models import Child, PlacementRequest, RequestChild, Team, User

    require(desk.actor, Permission.READ, "read placement requests")
    today = clock.today()
    with desk.db.read() as s:
        req = s.get(PlacementRequest, request_id)
        if req is None:
            raise NotFound(f"There is no placement request number {request_id}; refresh the dashboard.")
        worker = s.get(User, req.worker_id) if req.worker_id else None
        team = s.get(Team, req.team_id)
        kids = s.execute(
            sa.select(Child).join(RequestChild, RequestChild.child_id == Child.id)
            .where(RequestChild.request_id == req.id).order_by(Child.date_of_birth.desc())
        ).scalars().all()
        lines = [
            ("State", label(req.state)),
            ("Urgency", label(req.urgency)),
            ("Type", label(req.placement_type)),
            ("Needed", f"{req.needed_from:%d/%m/%Y}" + (f" to {req.needed_until:%d/%m/%Y}" if req.needed_until else "")),
            ("Worker", worker.full_name if worker else "nobody"),
            ("Team", team.name if team else ""),
            ("Logged", clock.fmt_local(req.created_at, "%d/%m/%Y %H:%M")),
        ]
        for c in kids:
            age = c.age_on(today) if c.date_of_birth else None
            lines.append(("Child", f"{c.display_name} ({'?' if age is None else age}) {c.case_reference}"))
        if req.needs:
            lines.append(("Needs", ", ".join(sorted(label(n) for n in req.needs))))
        if req.notes:
            lines.append(("Notes", req.notes))
    return RecordDetail(title=f"Placement request {req.reference}", lines=lines)


def household_detail(desk: Desk, household_id: int) -> RecordDetail:
    from db.models import Household

    require(desk.actor, Permission.READ, "read households")
    with desk.db.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise NotFound(f"There is no household number {household_id}; refresh the dashboard.")
        lines = [
            ("Reference", h.reference),
            ("Kind", label(h.kind)),
            ("Status", label(h.status)),
            ("Places", f"{capacity.free_places(h)} free of {h.places}"),
            ("Vacant since", f"{h.vacant_since:%d/%m/%Y}" if h.vacant_since else ""),
            ("Ages", f"{h.age_min} to {h.age_max}"),
            ("Types", ", ".join(sorted(label(t) for t in h.placement_types))),
            ("Phone", h.phone),
            ("Postcode", h.postcode),
        ]
    return RecordDetail(title=f"Household {h.name}", lines=lines)
