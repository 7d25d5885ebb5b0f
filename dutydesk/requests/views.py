"""The duty process read back: a request's whole story and its decisions, as plain values.

``request_detail`` is everything the request screen and the decision record show;
``decision_view`` is one decision with its sign-off and addenda. The lists (of
requests, of carers to phone) are :mod:`dutydesk.requests.lists`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from db.enums import CandidateStatus, DecisionKind, DecisionStatus, RequestState, Urgency
from db.models import (
    Candidate,
    CandidateContact,
    Child,
    Decision,
    DecisionAddendum,
    Household,
    Place,
    Placement,
    PlacementRequest,
    RequestChild,
    RequestTransition,
    Search,
    Team,
    User,
)
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.matching.capacity import free_places
from dutydesk.requests import lookup


@dataclass(frozen=True)
class DecisionView:
    id: int
    request_id: int
    request_reference: str
    kind: DecisionKind
    household_id: int | None
    household_name: str
    rationale: str
    status: DecisionStatus
    proposed_by_id: int
    proposed_by: str
    proposed_at: dt.datetime
    outside_terms: bool
    exemption_reason: str
    retrospective: bool
    signed_off_by: str
    signed_off_at: dt.datetime | None
    signoff_comment: str
    returned_by: str
    returned_at: dt.datetime | None
    returned_comment: str
    addenda: tuple[tuple[str, dt.datetime, str], ...] = ()


@dataclass(frozen=True)
class ChildLine:
    id: int
    case_reference: str
    name: str
    age: int | None
    gender: str
    family_key: str | None


@dataclass(frozen=True)
class TransitionLine:
    at: dt.datetime
    from_state: RequestState | None
    to_state: RequestState
    by: str
    note: str


@dataclass(frozen=True)
class ContactLine:
    at: dt.datetime
    by: str
    outcome: CandidateStatus
    note: str
    id: int = 0
    supersedes_id: int | None = None


@dataclass(frozen=True)
class CandidateLine:
    id: int
    household_id: int
    household_reference: str
    household_name: str
    score: float | None
    status: CandidateStatus
    status_reason: str
    free_places: int
    contacts: tuple[ContactLine, ...]

    @property
    def no_answer_tries(self) -> int:
        corrected = {c.supersedes_id for c in self.contacts}
        return sum(1 for c in self.contacts if c.outcome == CandidateStatus.NO_ANSWER and c.id not in corrected
                   and c.supersedes_id is None)


@dataclass(frozen=True)
class SearchLine:
    id: int
    run_at: dt.datetime
    run_by: str
    ranked_count: int
    excluded_count: int
    criteria: str


@dataclass(frozen=True)
class PlacementLine:
    id: int
    reference: str
    child_name: str
    household_id: int
    household_name: str
    place_number: int
    starts_on: dt.date
    ended_on: dt.date | None
    outside_terms: bool
    emergency: bool
    plan_due_on: dt.date | None


@dataclass(frozen=True)
class RequestDetail:
    id: int
    reference: str
    state: RequestState
    urgency: Urgency
    placement_type: str
    team: str
    worker: str
    needed_from: dt.date
    needed_until: dt.date | None
    created_at: dt.datetime
    state_changed_at: dt.datetime
    criteria: dict[str, object]
    unmet_needs: tuple[str, ...]
    unmet_resolution: str | None
    closed_reason: str
    children: tuple[ChildLine, ...]
    transitions: tuple[TransitionLine, ...]
    searches: tuple[SearchLine, ...]
    candidates: tuple[CandidateLine, ...]
    decisions: tuple[DecisionView, ...]
    placements: tuple[PlacementLine, ...]
    notes: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def current_decision(self) -> DecisionView | None:
        for d in reversed(self.decisions):
            if d.status != DecisionStatus.RETURNED:
                return d
        return None


class Names:
    """User and household names, fetched once per read."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.users: dict[int, str] = {}
        self.households: dict[int, Household] = {}

    def user(self, uid: int | None) -> str:
        if uid is None:
            return ""
        if uid not in self.users:
            u = self.session.get(User, uid)
            self.users[uid] = u.full_name if u else f"user {uid}"
        return self.users[uid]

    def household(self, hid: int | None) -> Household | None:
        if hid is None:
            return None
        if hid not in self.households:
            self.households[hid] = self.session.get(Household, hid)
        return self.households[hid]


def decision_view(session: Session, d: Decision, names: Names | None = None) -> DecisionView:
    names = names or Names(session)
    req = session.get(PlacementRequest, d.request_id)
    h = names.household(d.household_id)
    addenda = session.exec(
        select(DecisionAddendum).where(DecisionAddendum.decision_id == d.id).order_by(DecisionAddendum.id)
    ).all()
    return DecisionView(
        id=d.id, request_id=d.request_id, request_reference=req.reference if req else "", kind=d.kind,
        household_id=d.household_id, household_name=h.name if h else "", rationale=d.rationale, status=d.status,
        proposed_by_id=d.proposed_by_id, proposed_by=names.user(d.proposed_by_id), proposed_at=d.proposed_at,
        outside_terms=d.outside_terms, exemption_reason=d.exemption_reason, retrospective=d.retrospective,
        signed_off_by=names.user(d.signed_off_by_id), signed_off_at=d.signed_off_at, signoff_comment=d.signoff_comment,
        returned_by=names.user(d.returned_by_id), returned_at=d.returned_at, returned_comment=d.returned_comment,
        addenda=tuple((names.user(a.written_by_id), a.written_at, a.text) for a in addenda),
    )


def get_decision(desk: Desk, decision_id: int) -> DecisionView:
    with desk.db.read() as s:
        return decision_view(s, lookup.decision(s, decision_id))


def _criteria(req: PlacementRequest) -> dict[str, object]:
    """The request's criteria in the desk's words (labels, days as DD/MM/YYYY), never stored codes."""
    from db.enums import Specialism
    from dutydesk.days import day_text
    from dutydesk.labels import label, labels, language

    out: dict[str, object] = {
        "placement type": label(req.placement_type),
        "urgency": label(req.urgency),
        "needed from": day_text(req.needed_from),
    }
    if req.needed_until:
        out["needed until"] = day_text(req.needed_until)
    if req.needs:
        out["needs"] = labels(req.needs, Specialism)
    for flag, words in (
        (req.needs_wheelchair_access, "wheelchair access"),
        (req.no_younger_children, "no younger children"),
        (req.no_other_children, "no other children"),
        (req.no_pets, "no pets"),
        (req.no_smokers, "no smokers"),
    ):
        if flag:
            out[words] = "yes"
    if req.max_distance_km:
        out["within km"] = f"{req.max_distance_km:g}"
    if req.language:
        out["language"] = language(req.language)
    if req.religion:
        out["religion"] = req.religion
    return out


def request_detail(desk: Desk, request_id: int | str, *, contacts_limit: int = 20) -> RequestDetail:
    """Everything the request screen and the export show, as plain values."""
    with desk.db.read() as s:
        return load_detail(s, lookup.find_request(s, request_id), contacts_limit=contacts_limit)


def load_detail(s: Session, req: PlacementRequest, *, contacts_limit: int = 20) -> RequestDetail:
    names = Names(s)
    day = clock.today()
    children = []
    for c in s.exec(
        select(Child).join(RequestChild, RequestChild.child_id == Child.id)
        .where(RequestChild.request_id == req.id).order_by(Child.id)
    ).all():
        children.append(ChildLine(c.id, c.case_reference, c.display_name, c.age_on(max(day, req.needed_from)) if c.date_of_birth else None,
                                  c.gender.value, c.family_key))
    steps = tuple(
        TransitionLine(t.at, t.from_state, t.to_state, names.user(t.by_user_id), t.note)
        for t in s.exec(select(RequestTransition).where(RequestTransition.request_id == req.id)
                        .order_by(RequestTransition.at, RequestTransition.id)).all()
    )
    searches = tuple(
        SearchLine(x.id, x.run_at, names.user(x.run_by_id), x.ranked_count, x.excluded_count, x.criteria)
        for x in s.exec(select(Search).where(Search.request_id == req.id).order_by(Search.id)).all()
    )
    cands = []
    for c in s.exec(
        select(Candidate).where(Candidate.request_id == req.id)
        .order_by(sa.case((Candidate.score.is_(None), 1), else_=0), sa.desc(Candidate.score), Candidate.id)
    ).all():
        h = names.household(c.household_id)
        contacts = tuple(
            ContactLine(k.at, names.user(k.by_user_id), k.outcome, k.note, k.id, k.supersedes_id)
            for k in s.exec(select(CandidateContact).where(CandidateContact.candidate_id == c.id)
                            .order_by(CandidateContact.at, CandidateContact.id).limit(contacts_limit)).all()
        )
        cands.append(CandidateLine(c.id, c.household_id, h.reference if h else "", h.name if h else "", c.score,
                                   c.status, c.status_reason, free_places(h) if h else 0, contacts))
    decisions = tuple(
        decision_view(s, d, names)
        for d in s.exec(select(Decision).where(Decision.request_id == req.id).order_by(Decision.id)).all()
    )
    placements = []
    for p, child in s.exec(
        select(Placement, Child).join(Child, Child.id == Placement.child_id)
        .where(Placement.request_id == req.id).order_by(Placement.id)
    ).all():
        h = names.household(p.household_id)
        placements.append(PlacementLine(p.id, p.reference, child.display_name, p.household_id, h.name if h else "",
                                        p.place_number, p.starts_on, p.ended_on, p.outside_terms, p.emergency,
                                        p.plan_due_on))
    team = s.get(Team, req.team_id)
    criteria = _criteria(req)
    if req.near_place_id:
        place = s.get(Place, req.near_place_id)
        if place is not None:
            criteria["near"] = getattr(place, "name", str(req.near_place_id))
    return RequestDetail(
        id=req.id, reference=req.reference, state=req.state, urgency=req.urgency,
        placement_type=req.placement_type.value, team=team.name if team else "", worker=names.user(req.worker_id),
        needed_from=req.needed_from, needed_until=req.needed_until, created_at=req.created_at,
        state_changed_at=req.state_changed_at, criteria=criteria,
        unmet_needs=tuple(sorted(n.value for n in req.unmet_needs)),
        unmet_resolution=req.unmet_resolution.value if req.unmet_resolution else None,
        closed_reason=req.closed_reason, children=tuple(children), transitions=steps, searches=searches,
        candidates=tuple(cands), decisions=decisions, placements=tuple(placements), notes=req.notes,
    )
