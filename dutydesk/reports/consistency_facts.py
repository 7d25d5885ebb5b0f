"""The facts behind the consistency report, one row per placement request logged in the period.

Three queries, each bounded by the requests logged in the period (a county logs
a few thousand a year): the requests with their first saved search, first contact,
placing time and the kind of household placed with (each aggregated by the
database); their decisions; their placements. The functions below say, for one
request, how it counts in each figure: the drill-down lists requests with them,
and ``consistency_counts`` (which counts the figures in SQL) shares the subqueries
and the rules a test holds it to.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import String, type_coerce
from sqlmodel import Session

from db.enums import DecisionStatus, HouseholdKind, RequestState
from db.models import (
    Candidate,
    CandidateContact,
    Decision,
    Household,
    Placement,
    PlacementRequest,
    RequestTransition,
    Search,
)
from dutydesk.reports.period import Period, hours_between, on_time, utc

R = PlacementRequest.__table__
D = Decision.__table__
P = Placement.__table__
RT = RequestTransition.__table__

SIGN_OFF_WORKING_DAYS = 1


@dataclass(slots=True)  # thousands a report: slots, and not frozen (a frozen init is twice as slow)
class DecisionFact:
    id: int
    has_rationale: bool
    status: str
    proposed_at: dt.datetime
    signed_off_at: dt.datetime | None
    retrospective: bool


@dataclass(slots=True)
class PlacementFact:
    id: int
    plan_due_on: dt.date | None
    delegated_authority: str
    ended_on: dt.date | None

    @property
    def authority_complete(self) -> bool:
        return authority_complete(self.delegated_authority)


@dataclass(slots=True)
class RequestFact:
    id: int
    reference: str
    team_id: int
    worker_id: int
    created_at: dt.datetime
    state: str
    first_search_at: dt.datetime | None
    first_contact_at: dt.datetime | None
    placed_at: dt.datetime | None
    placed_kind: str | None
    decisions: list[DecisionFact] = field(default_factory=list)
    placements: list[PlacementFact] = field(default_factory=list)


@functools.lru_cache(maxsize=1024)
def authority_complete(text: str | None) -> bool:
    """Every delegated-authority item agreed (the service writes ``agreed``, older records ``done``)."""
    try:
        items = json.loads(text or "{}")
    except (TypeError, ValueError):
        return False
    if not isinstance(items, dict) or not items:
        return False
    return all(isinstance(v, dict) and (v.get("agreed") or v.get("done")) for v in items.values())


def in_period(period: Period, team_id: int | None) -> list:
    where = [R.c.created_at >= period.start_at, R.c.created_at < period.end_at]
    if team_id is not None:
        where.append(R.c.team_id == team_id)
    return where


def request_ids_select(period: Period, team_id: int | None) -> sa.Select:
    return sa.select(R.c.id).where(*in_period(period, team_id))


def _raw(col):
    """A time column read as stored, parsed by ``period.utc`` (see there)."""
    return type_coerce(col, String)


def parts(period: Period, team_id: int | None) -> tuple[sa.Subquery, sa.Subquery, sa.Subquery, sa.Subquery]:
    """Per request logged in the period (``rid``, ``at``/``kind``): its first saved search, first contact
    with a carer, first move to placed and the kind of household placed with."""
    ids = request_ids_select(period, team_id).scalar_subquery()
    first_search = (sa.select(Search.request_id.label("rid"), sa.func.min(Search.run_at).label("at"))
                    .where(Search.request_id.in_(ids)).group_by(Search.request_id).subquery())
    first_contact = (sa.select(Candidate.request_id.label("rid"), sa.func.min(CandidateContact.at).label("at"))
                     .join(CandidateContact, CandidateContact.candidate_id == Candidate.id)
                     .where(Candidate.request_id.in_(ids)).group_by(Candidate.request_id).subquery())
    return first_search, first_contact, placed_select(ids), kind_select(ids)


def placed_select(ids) -> sa.Subquery:
    """(``rid``, ``at``): each request's first move to placed."""
    return (sa.select(RT.c.request_id.label("rid"), sa.func.min(RT.c.at).label("at"))
            .where(RT.c.request_id.in_(ids), type_coerce(RT.c.to_state, String) == RequestState.PLACED.value)
            .group_by(RT.c.request_id).subquery())


def kind_select(ids) -> sa.Subquery:
    return (sa.select(P.c.request_id.label("rid"), sa.func.max(type_coerce(Household.kind, String)).label("kind"))
            .join(Household, Household.id == P.c.household_id)
            .where(P.c.request_id.in_(ids)).group_by(P.c.request_id).subquery())


def worker_of():
    """The worker a request counts for: the one holding it, or the one who logged it."""
    return sa.func.coalesce(R.c.worker_id, R.c.created_by_id)


def facts_select(period: Period, team_id: int | None) -> sa.Select:
    """One row per request logged in the period, each aggregate made by the database."""
    first_search, first_contact, placed, kind = parts(period, team_id)
    return (
        sa.select(R.c.id, R.c.reference, R.c.team_id, worker_of(),
                  _raw(R.c.created_at).label("logged"), type_coerce(R.c.state, String).label("state"),
                  _raw(first_search.c.at).label("searched"), _raw(first_contact.c.at).label("contacted"),
                  _raw(placed.c.at).label("placed"), kind.c.kind)
        .select_from(R)
        .outerjoin(first_search, first_search.c.rid == R.c.id)
        .outerjoin(first_contact, first_contact.c.rid == R.c.id)
        .outerjoin(placed, placed.c.rid == R.c.id)
        .outerjoin(kind, kind.c.rid == R.c.id)
        .where(*in_period(period, team_id))
        .order_by(R.c.created_at, R.c.id)
    )


def load_facts(session: Session, period: Period, team_id: int | None, *,
               only: Callable[[RequestFact], bool] | None = None) -> list[RequestFact]:
    facts: dict[int, RequestFact] = {}
    conn = session.connection()  # Core rows, without the ORM's result machinery
    for row in conn.execute(facts_select(period, team_id)).all():  # one fetchall, not one call a row
        # id, reference, team, worker, logged, state, first search, first contact, placed, kind placed with
        facts[row[0]] = RequestFact(row[0], row[1], row[2], row[3], utc(row[4]), row[5], utc(row[6]), utc(row[7]),
                                    utc(row[8]), row[9])
    if not facts:
        return []
    ids = request_ids_select(period, team_id).scalar_subquery()
    rationale = sa.func.length(sa.func.trim(sa.func.coalesce(D.c.rationale, ""))) > 0
    for rid, did, has_rationale, status, proposed_at, signed_at, retro in conn.execute(
        sa.select(D.c.request_id, D.c.id, rationale, type_coerce(D.c.status, String).label("status"),
                  _raw(D.c.proposed_at).label("proposed"), _raw(D.c.signed_off_at).label("signed"),
                  D.c.retrospective)
        .where(D.c.request_id.in_(ids)).order_by(D.c.id)
    ).all():
        if rid in facts:  # a request logged while this ran is simply not in this report
            facts[rid].decisions.append(DecisionFact(did, bool(has_rationale), status, utc(proposed_at),
                                                     utc(signed_at), bool(retro)))
    for rid, pid, due, authority, ended in conn.execute(
        sa.select(P.c.request_id, P.c.id, P.c.plan_due_on, P.c.delegated_authority, P.c.ended_on)
        .where(P.c.request_id.in_(ids)).order_by(P.c.id)
    ).all():
        if rid in facts:
            facts[rid].placements.append(PlacementFact(pid, due, authority or "", ended))
    out = list(facts.values())
    return [f for f in out if only(f)] if only else out


# --------------------------------------------------------------------------- how one request counts

IN_HOUSE_KINDS = frozenset({HouseholdKind.IN_HOUSE.value, HouseholdKind.CONNECTED_PERSON.value})
# The stored words as plain strings: read once, not through the enum for each of thousands of requests.
CLOSED_UNMET, PLACED, PROPOSED = RequestState.CLOSED_UNMET.value, RequestState.PLACED.value, RequestState.PROPOSED.value
RETURNED = DecisionStatus.RETURNED.value
IFA = HouseholdKind.IFA.value


def outcome(f: RequestFact) -> str | None:
    """'in_house', 'ifa' or 'unmet' once the request has an outcome (None while open or if withdrawn)."""
    if f.state == CLOSED_UNMET:
        return "unmet"
    if f.state == PLACED:
        return "ifa" if f.placed_kind == IFA else "in_house"
    return None


def signoff_verdicts(f: RequestFact, today: dt.date) -> list[bool]:
    """Each decision made in office hours: signed off within one working day of its proposal.

    A returned decision was answered, not signed, and is left out; one still waiting counts as late
    once its deadline has passed while the request waits for it (a proposal left behind on a
    withdrawn request is not counted).
    """
    out = []
    for d in f.decisions:
        if d.retrospective or d.status == RETURNED:
            continue
        if d.signed_off_at is None and f.state != PROPOSED:
            continue
        verdict = on_time(d.proposed_at, d.signed_off_at, SIGN_OFF_WORKING_DAYS, today)
        if verdict is not None:
            out.append(verdict)
    return out


def retro_verdicts(f: RequestFact, today: dt.date) -> list[bool]:
    """Each emergency placement made out of hours before sign-off: signed off within one working
    day of the placing."""
    out = []
    for d in f.decisions:
        if not d.retrospective or d.status == RETURNED:
            continue
        event = f.placed_at or d.proposed_at
        verdict = on_time(event, d.signed_off_at, SIGN_OFF_WORKING_DAYS, today)
        if verdict is not None:
            out.append(verdict)
    return out


def plan_overdue(p: PlacementFact, today: dt.date) -> bool:
    """The plan's date has passed while the child was still placed, and the part of the plan the desk
    holds (the delegated-authority agreement) is incomplete: the desk records no other sign that a
    placement plan is done."""
    if p.plan_due_on is None or p.plan_due_on >= today:
        return False
    if p.ended_on is not None and p.ended_on <= p.plan_due_on:
        return False
    return not p.authority_complete


def search_first(f: RequestFact) -> bool | None:
    if f.first_contact_at is None:
        return None
    return f.first_search_at is not None and f.first_search_at <= f.first_contact_at


def hours_to_place(f: RequestFact) -> float | None:
    if f.placed_at is None or f.state != PLACED:
        return None
    return hours_between(f.created_at, f.placed_at)
