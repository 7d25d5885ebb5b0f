"""Lists of the duty process, a page at a time: requests (most urgent first), and a request's carers to phone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from db.enums import CandidateStatus, RequestState, Urgency
from db.models import Candidate, CandidateContact, Child, Household, PlacementRequest, RequestChild, SearchResult, Team
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.matching.capacity import free_places
from dutydesk.matching.saved import latest_search_id, reason_lines
from dutydesk.requests import lookup, transitions
from dutydesk.requests.corrections import counts_as_a_try
from dutydesk.requests.terms import no_approval, terms_breaches
from dutydesk.requests.views import Names
from dutydesk.text import clean


@dataclass(frozen=True)
class RequestRow:
    id: int
    reference: str
    state: RequestState
    urgency: Urgency
    placement_type: str
    needed_from: dt.date
    children: str
    worker: str
    team: str
    waiting_since: dt.datetime


def list_requests(
    desk: Desk,
    *,
    open_only: bool = True,
    state: RequestState | str | None = None,
    limit: int = 50,
    offset: int = 0,
    find: str = "",
) -> list[RequestRow]:
    """Requests, most urgent and oldest first, a page at a time.

    ``find`` narrows them (in SQL) to a reference, or a child's name or case reference,
    containing the typed text: "S04", "PR-000687", "Ruby", "CR-S04".
    """
    urgency_order = sa.case(
        (PlacementRequest.urgency == Urgency.EMERGENCY, 0), (PlacementRequest.urgency == Urgency.URGENT, 1), else_=2
    )
    with desk.db.read() as s:
        q = select(PlacementRequest)
        if state:
            q = q.where(PlacementRequest.state == RequestState(str(getattr(state, "value", state))))
        elif open_only:
            q = q.where(PlacementRequest.state.in_(list(transitions.OPEN_STATES)))
        typed = clean(find).strip()
        if typed:
            like = "%" + typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            name = Child.first_name + " " + Child.last_name
            kids_like = (
                select(RequestChild.request_id).join(Child, Child.id == RequestChild.child_id)
                .where(sa.or_(name.ilike(like, escape="\\"), Child.case_reference.ilike(like, escape="\\")))
            )
            q = q.where(sa.or_(PlacementRequest.reference.ilike(like, escape="\\"),
                               PlacementRequest.id.in_(kids_like)))
        q = q.order_by(urgency_order, PlacementRequest.created_at, PlacementRequest.id).offset(offset).limit(limit)
        reqs = s.exec(q).all()
        ids = [r.id for r in reqs]
        kids: dict[int, list[str]] = {}
        if ids:
            for rid, c in s.exec(
                select(RequestChild.request_id, Child).join(Child, Child.id == RequestChild.child_id)
                .where(RequestChild.request_id.in_(ids)).order_by(Child.id)
            ).all():
                kids.setdefault(rid, []).append(c.display_name)
        names = Names(s)
        teams = {t.id: t.name for t in s.exec(select(Team)).all()}
        return [
            RequestRow(r.id, r.reference, r.state, r.urgency, r.placement_type.value, r.needed_from,
                       ", ".join(kids.get(r.id, [])), names.user(r.worker_id), teams.get(r.team_id, ""),
                       r.state_changed_at)
            for r in reqs
        ]


@dataclass(frozen=True)
class ContactRow:
    """A household to phone for a request: a candidate already, or ranked in the latest search."""

    household_id: int
    household_reference: str
    household_name: str
    rank: int | None
    score: float | None
    status: str  # a CandidateStatus value, or "ranked" when not yet tried
    status_reason: str
    no_answer_tries: int
    free_places: int
    phone: str
    why: str  # the top reasons from the search, in words
    # What a proposal would be refused for without an exemption (the usual limit of three unless all
    # siblings, ages, gender, placement type): seen before proposing, not after.
    needs_exemption: str = ""
    # What a proposal would be refused for outright now (not approved, on hold naming the allegation,
    # temporary approval ended), in the matching rule's words: the search may be older than the change.
    refused: str = ""


def contact_list(desk: Desk, request_id: int | str, *, limit: int = 50) -> list[ContactRow]:
    """The latest search's ranked households in rank order with their outcomes, then any other candidate; a page at most."""
    with desk.db.read() as s:
        req = lookup.find_request(s, request_id)
        search_id = latest_search_id(s, req.id)
        cands = s.exec(select(Candidate).where(Candidate.request_id == req.id)).all()
        tries: dict[int, int] = dict(
            s.exec(
                select(CandidateContact.candidate_id, sa.func.count())
                .where(CandidateContact.candidate_id.in_([c.id for c in cands] or [-1]),
                       CandidateContact.outcome == CandidateStatus.NO_ANSWER,
                       counts_as_a_try())
                .group_by(CandidateContact.candidate_id)
            ).all()
        )
        ranks: dict[int, tuple[int | None, float | None, str]] = {}
        if search_id is not None:
            for hid, rank, score, reasons in s.exec(
                select(SearchResult.household_id, SearchResult.rank, SearchResult.score, SearchResult.reasons)
                .where(SearchResult.search_id == search_id, SearchResult.rank.is_not(None))
                .order_by(SearchResult.rank).limit(limit)
            ).all():
                ranks[hid] = (rank, score, reasons)
            extra = [c.household_id for c in cands if c.household_id not in ranks]
            if extra:
                for hid, rank, score, reasons in s.exec(
                    select(SearchResult.household_id, SearchResult.rank, SearchResult.score, SearchResult.reasons)
                    .where(SearchResult.search_id == search_id, SearchResult.household_id.in_(extra))
                ).all():
                    ranks[hid] = (rank, score, reasons)
        hids = list(dict.fromkeys([c.household_id for c in cands] + list(ranks)))
        households = {h.id: h for h in s.exec(select(Household).where(Household.id.in_(hids or [-1]))).all()}

        def why(hid: int) -> str:
            info = ranks.get(hid)
            if info is None:
                return ""
            parts = reason_lines(info[2])
            parts = sorted(parts, key=lambda p: -abs(p[2] or 0))[:3]
            return "; ".join(f"{w} ({p:+.0f})" if p is not None else w for _c, w, p in parts)

        rows: list[ContactRow] = []
        by_cand = {c.household_id: c for c in cands}
        # What a proposal would need an exemption for, by matching's own rules, for every row at once.
        breaches = terms_breaches(s, req.id, [h for h in hids if h in households])
        today = clock.today()
        # The saved search's order, whatever the outcomes: recording one never moves a row under the
        # worker's cursor (households contacted from outside the ranking come after it, by id).
        order = sorted(hids, key=lambda h: (ranks.get(h, (None,))[0] is None, ranks.get(h, (None,))[0] or 0, h))
        for hid in order[:limit] + [h for h in order[limit:] if h in by_cand]:  # a contacted carer is never paged off
            h = households.get(hid)
            if h is None:
                continue
            c = by_cand.get(hid)
            rank, score, _r = ranks.get(hid, (None, None, ""))
            rows.append(ContactRow(
                household_id=hid, household_reference=h.reference, household_name=h.name, rank=rank,
                score=c.score if c is not None and c.score is not None else score,
                status=c.status.value if c is not None else "ranked",
                status_reason=c.status_reason if c is not None else "",
                no_answer_tries=tries.get(c.id, 0) if c is not None else 0,
                free_places=free_places(h), phone=h.phone, why=why(hid),
                needs_exemption="; ".join(breaches.get(hid, [])),
                refused=no_approval(s, h, max(req.needed_from, today)) or "",
            ))
        return rows
