"""Who may see which report, and for which team.

Reports are for managers and administrators. A duty worker may see the
consistency report for their own team only (how their team follows the
process is theirs to see), never another team's nor any worker's own figures;
the per-worker breakdown is for managers, who line-manage the workers. The
carer's letter may be printed by anyone who logs calls, since the carer usually
asks for it on the phone (scenario 17). Viewers get no reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import Role
from db.models import Team
from dutydesk.access.identity import Actor, require
from dutydesk.errors import NotAllowed, NotFound

REPORT_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
CONSISTENCY_ROLES = REPORT_ROLES | {Role.DUTY_WORKER}
BY_WORKER_ROLES = frozenset({Role.MANAGER})
LETTER_ROLES = frozenset({Role.DUTY_WORKER, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class TeamRef:
    id: int
    code: str
    name: str
    out_of_hours: bool = False


def all_teams(session: Session) -> list[TeamRef]:
    rows = session.execute(sa.select(Team.id, Team.code, Team.name, Team.out_of_hours).order_by(
        Team.out_of_hours, Team.code)).all()
    return [TeamRef(*r) for r in rows]


def find_team(session: Session, team: str | int | None) -> TeamRef | None:
    """A team by code, name or number; None for every team."""
    if team is None or (isinstance(team, str) and team.strip().lower() in ("", "all")):
        return None
    teams = all_teams(session)
    text = str(team).strip().lower()
    for t in teams:
        if text in (t.code.lower(), t.name.lower(), str(t.id)):
            return t
    codes = ", ".join(t.code for t in teams) or "none yet"
    raise NotFound(f"There is no team {team!s}; the teams are {codes} (or all).")


def report_team(session: Session, actor: Actor, kind: str, team: str | int | None) -> TeamRef | None:
    """The team the report may cover for this actor (raises NotAllowed otherwise)."""
    if kind == "consistency":
        require(actor, CONSISTENCY_ROLES, "see the consistency report")
    else:
        require(actor, REPORT_ROLES, f"see the {kind} report")
    chosen = find_team(session, team)
    if actor.role == Role.DUTY_WORKER:
        own = find_team(session, actor.team_id) if actor.team_id is not None else None
        if own is None:
            raise NotAllowed("Your account has no team, so there is no team report for you; ask a manager.")
        if chosen is not None and chosen.id != own.id:
            raise NotAllowed(f"A duty worker sees the consistency report for their own team ({own.code}) only.")
        return own
    return chosen


def check_by_worker(actor: Actor) -> None:
    require(actor, BY_WORKER_ROLES, "see figures for each worker")
