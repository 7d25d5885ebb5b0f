"""The duty process as services: one set of guards for every team, the CLI and the screens.

Each step is a function taking a :class:`Desk` and plain values. It checks the
role, the request's state and the step's own guard (a saved search, a
rationale, a second person's sign-off ...), refuses in plain words when the
step cannot happen, and otherwise makes the change in one short write
transaction, moving the request with :func:`dutydesk.requests.transitions.move` (which
timestamps, attributes and audits every transition).

Placing a child and ending a placement live in :mod:`dutydesk.requests.placements`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from db.enums import (
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    RequestState,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from db.models import (
    Candidate,
    CandidateContact,
    Child,
    Decision,
    DecisionAddendum,
    Household,
    Placement,
    PlacementRequest,
    RequestChild,
    RequestTransition,
    Search,
    SearchResult,
    User,
)
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.requests import transitions
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotAllowed, NotFound
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.text import clean

S = RequestState

# The outcomes a worker records after trying a carer.
CONTACT_OUTCOMES: dict[str, CandidateStatus] = {
    "accepted": CandidateStatus.ACCEPTED,
    "declined": CandidateStatus.DECLINED_BY_CARER,
    "declined_by_carer": CandidateStatus.DECLINED_BY_CARER,
    "no_answer": CandidateStatus.NO_ANSWER,
    "ruled_out": CandidateStatus.RULED_OUT,
    "contacted": CandidateStatus.CONTACTED,
}
NEEDS_REASON = frozenset({CandidateStatus.DECLINED_BY_CARER, CandidateStatus.RULED_OUT})
NO_ANSWER_LIMIT = 2  # "no answer after two tries" counts as the carer not available
RATIONALE_MIN = 10
MAX_TEXT = 2000


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class StepResult:
    """What a step did: the request's state after it, and when."""

    request_id: int
    reference: str
    state: RequestState
    at: dt.datetime
    message: str


@dataclass(frozen=True)
class ContactResult:
    request_id: int
    reference: str
    candidate_id: int
    household_id: int
    household_name: str
    outcome: CandidateStatus
    candidate_status: CandidateStatus
    no_answer_tries: int
    state: RequestState
    message: str


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


# --------------------------------------------------------------------------- plumbing


@contextmanager
def writing(desk: Desk) -> Iterator[Session]:
    """A write session whose lost-update errors read as the desk's words."""
    try:
        with desk.db.write() as s:
            yield s
    except StaleDataError as err:
        raise Conflict(
            "Someone else changed this record at the same moment; open it again and repeat what you did."
        ) from err


def find_request(session: Session, key: int | str) -> PlacementRequest:
    """A request by number or by reference (REQ-2026-00012)."""
    req: PlacementRequest | None = None
    text = str(key).strip()
    if text.isdigit():
        req = session.get(PlacementRequest, int(text))
    if req is None:
        req = session.exec(
            select(PlacementRequest).where(sa.func.upper(PlacementRequest.reference) == text.upper())
        ).first()
    if req is None:
        raise NotFound(f"There is no placement request {text!r}; check the number (dutydesk requests list).")
    return req


def _household(session: Session, household_id: int) -> Household:
    h = session.get(Household, household_id)
    if h is None:
        raise NotFound(f"There is no household number {household_id}; pick it again from the search.")
    return h


def _decision(session: Session, decision_id: int) -> Decision:
    d = session.get(Decision, decision_id)
    if d is None:
        raise NotFound(f"There is no decision number {decision_id}; open it from the oversight queue.")
    return d


def has_search(session: Session, request_id: int) -> bool:
    return session.exec(select(Search.id).where(Search.request_id == request_id).limit(1)).first() is not None


def latest_search_id(session: Session, request_id: int) -> int | None:
    return session.exec(
        select(Search.id).where(Search.request_id == request_id).order_by(sa.desc(Search.id)).limit(1)
    ).first()


def _need_search(session: Session, req: PlacementRequest, doing: str) -> None:
    if not has_search(session, req.id):
        raise Conflict(
            f"No saved search yet for {req.reference}: run a search first (s on the request screen, "
            f"or dutydesk requests search {req.id}), then {doing}."
        )


def _need_open(req: PlacementRequest) -> None:
    if not req.state.is_open:
        raise Conflict(f"Request {req.reference} is already {transitions.LABELS[req.state]}; nothing more can be done to it.")


def _text(value: str | None, what: str, *, required: bool, minimum: int = 1, multiline: bool = True,
          limit: int = MAX_TEXT) -> str:
    text = clean(value, multiline=multiline)
    if required and len(text) < minimum:
        if minimum > 1:
            raise InvalidInput(f"{what} (at least {minimum} characters).")
        raise InvalidInput(f"{what}.")
    if len(text) > limit:
        raise InvalidInput(f"Keep it under {limit} characters (you typed {len(text)}).")
    return text


def _advance_to_searching(session: Session, actor: Actor, req: PlacementRequest, when: dt.datetime) -> None:
    """A request with a saved search is being searched, whether or not it was moved yet."""
    if req.state == S.LOGGED:
        transitions.move(session, actor, req, S.SEARCHING, "search saved", at=when)


def request_child_ids(session: Session, request_id: int) -> list[int]:
    return list(
        session.exec(
            select(RequestChild.child_id).where(RequestChild.request_id == request_id).order_by(RequestChild.child_id)
        ).all()
    )


def _step(req: PlacementRequest, message: str) -> StepResult:
    return StepResult(req.id, req.reference, req.state, req.state_changed_at, message)


# --------------------------------------------------------------------------- searching and contacting


def mark_searched(desk: Desk, request_id: int | str) -> StepResult:
    """After a search was saved: a logged request is now being searched."""
    require(desk.actor, Permission.LOG, "search for a placement")
    with writing(desk) as s:
        req = find_request(s, request_id)
        _need_open(req)
        _need_search(s, req, "continue")
        _advance_to_searching(s, desk.actor, req, clock.now())
        return _step(req, f"{req.reference} is {transitions.LABELS[req.state]}.")


def start_contacting(desk: Desk, request_id: int | str) -> StepResult:
    """Searching -> contacting carers. Needs a saved search."""
    require(desk.actor, Permission.LOG, "contact carers")
    with writing(desk) as s:
        req = find_request(s, request_id)
        _need_open(req)
        _need_search(s, req, "contact carers")
        when = clock.now()
        _advance_to_searching(s, desk.actor, req, when)
        if req.state == S.CONTACTING:
            return _step(req, f"{req.reference} is already contacting carers.")
        transitions.move(s, desk.actor, req, S.CONTACTING, "contacting carers", at=when)
        return _step(req, f"{req.reference}: contacting carers.")


def ensure_candidate(session: Session, actor: Actor, req: PlacementRequest, household_id: int) -> Candidate:
    """The candidate row for a household, made from the latest saved search if matching did not shortlist it."""
    cand = session.exec(
        select(Candidate).where(Candidate.request_id == req.id, Candidate.household_id == household_id)
    ).first()
    if cand is not None:
        return cand
    _household(session, household_id)
    search_id = latest_search_id(session, req.id)
    score = None
    reasons = "[]"
    if search_id is not None:
        row = session.get(SearchResult, (search_id, household_id))
        if row is not None:
            score, reasons = row.score, row.reasons
    cand = Candidate(
        request_id=req.id, household_id=household_id, search_id=search_id, score=score, reasons=reasons,
        status=CandidateStatus.SHORTLISTED, updated_by_id=actor.user_id, updated_at=clock.now(),
    )
    session.add(cand)
    session.flush()
    return cand


def record_contact(
    desk: Desk,
    request_id: int | str,
    household_id: int,
    outcome: CandidateStatus | str,
    note: str = "",
) -> ContactResult:
    """Record one try to reach a carer: accepted, declined (reason), no answer, ruled out (reason)."""
    require(desk.actor, Permission.LOG, "record a contact with a carer")
    try:
        status = CONTACT_OUTCOMES[str(outcome.value if isinstance(outcome, CandidateStatus) else outcome).lower()]
    except KeyError:
        raise InvalidInput(
            "Say what happened: accepted, declined, no_answer or ruled_out."
        ) from None
    text = note or ""
    if status in NEEDS_REASON:
        what = "declined" if status == CandidateStatus.DECLINED_BY_CARER else "was ruled out"
        text = _text(text, f"Say why the carer {what}: a reason is needed", required=True, limit=1000)
    else:
        text = _text(text, "", required=False, limit=1000)
    actor = desk.actor
    with writing(desk) as s:
        req = find_request(s, request_id)
        _need_open(req)
        if req.state == S.SIGNED_OFF:
            raise Conflict(f"{req.reference} is signed off; place the child, or close or withdraw the request.")
        _need_search(s, req, "record contacts")
        when = clock.now()
        _advance_to_searching(s, actor, req, when)
        household = _household(s, household_id)
        cand = ensure_candidate(s, actor, req, household_id)
        if cand.status == CandidateStatus.CHOSEN:
            raise Conflict(f"{household.name} is already chosen for {req.reference}.")
        s.add(CandidateContact(candidate_id=cand.id, at=when, by_user_id=actor.user_id, outcome=status, note=text))
        s.flush()
        tries = s.exec(
            select(sa.func.count()).select_from(CandidateContact).where(
                CandidateContact.candidate_id == cand.id, CandidateContact.outcome == CandidateStatus.NO_ANSWER
            )
        ).one()
        reason = text
        if status == CandidateStatus.NO_ANSWER:
            reason = (f"no answer after {tries} tries" if tries >= NO_ANSWER_LIMIT else "no answer (1 try)")
            if text:
                reason = f"{reason}: {text}"
        cand.status = status
        cand.status_reason = reason[:1000]
        cand.updated_at = when
        cand.updated_by_id = actor.user_id
        s.add(cand)
        if req.state == S.SEARCHING:
            transitions.move(s, actor, req, S.CONTACTING, "contacting carers", at=when)
        audit.record(
            s, actor, "candidate.contact", "candidates", cand.id,
            {"request": req.reference, "household": household.reference, "outcome": status.value, "note": text,
             "no_answer_tries": tries},
            at=when,
        )
        words = {
            CandidateStatus.ACCEPTED: "accepted",
            CandidateStatus.DECLINED_BY_CARER: "declined",
            CandidateStatus.NO_ANSWER: reason,
            CandidateStatus.RULED_OUT: "ruled out",
            CandidateStatus.CONTACTED: "contacted",
        }[status]
        return ContactResult(
            request_id=req.id, reference=req.reference, candidate_id=cand.id, household_id=household.id,
            household_name=household.name, outcome=status, candidate_status=cand.status,
            no_answer_tries=tries, state=req.state, message=f"{household.name}: {words}.",
        )


# --------------------------------------------------------------------------- decisions


def current_decision(session: Session, request_id: int) -> Decision | None:
    """The decision in force: the newest one that was not returned."""
    return session.exec(
        select(Decision)
        .where(Decision.request_id == request_id, Decision.status != DecisionStatus.RETURNED)
        .order_by(sa.desc(Decision.id))
        .limit(1)
    ).first()


def free_places(household: Household) -> int:
    if household.status.value != "approved":
        return 0
    return max(0, household.places - household.occupied_places)


def propose(
    desk: Desk,
    request_id: int | str,
    kind: DecisionKind | str,
    rationale: str,
    household_id: int | None = None,
    exemption_reason: str = "",
) -> DecisionView:
    """Propose the outcome of a request with its rationale; a manager signs it off."""
    from dutydesk.requests.placements import terms_breaches  # placements imports this module

    require(desk.actor, Permission.LOG, "propose a decision")
    try:
        kind = DecisionKind(str(kind.value if isinstance(kind, DecisionKind) else kind).lower())
    except ValueError:
        raise InvalidInput("Choose what you propose: place, split_siblings, commission_ifa or escalate.") from None
    why = _text(rationale, f"Write why: a proposal needs a rationale", required=True, minimum=RATIONALE_MIN)
    exemption = _text(exemption_reason, "", required=False)
    actor = desk.actor
    with writing(desk) as s:
        req = find_request(s, request_id)
        _need_open(req)
        _need_search(s, req, "propose a decision")
        when = clock.now()
        _advance_to_searching(s, actor, req, when)
        if req.state not in (S.SEARCHING, S.CONTACTING):
            raise Conflict(
                f"{req.reference} is {transitions.LABELS[req.state]}; a decision is proposed while searching "
                "or contacting carers."
            )
        outside = False
        breaches: list[str] = []
        if kind == DecisionKind.PLACE:
            if household_id is None:
                raise InvalidInput("Say which household: a placement proposal names the household.")
            household = _household(s, household_id)
            cand = ensure_candidate(s, actor, req, household_id)
            if cand.status in (CandidateStatus.DECLINED_BY_CARER, CandidateStatus.RULED_OUT):
                raise Conflict(
                    f"{household.name} is recorded as {cand.status.value.replace('_', ' ')} for {req.reference}; "
                    "record a new contact outcome first if that has changed."
                )
            children = request_child_ids(s, req.id)
            if free_places(household) < len(children):
                raise Conflict(
                    f"{household.name} has no free place any more; return to the search and choose another household."
                )
            breaches = terms_breaches(s, household, children, req.placement_type, req.needed_from)
            outside = bool(breaches)
            if outside and not exemption:
                raise InvalidInput(
                    f"Placing with {household.name} is outside its terms of approval ({'; '.join(breaches)}). "
                    "Give an exemption reason; a manager must sign it off."
                )
            if cand.status in (CandidateStatus.SHORTLISTED, CandidateStatus.CONTACTED, CandidateStatus.NO_ANSWER):
                cand.status = CandidateStatus.OFFERED
                cand.updated_at = when
                cand.updated_by_id = actor.user_id
                s.add(cand)
        elif household_id is not None:
            _household(s, household_id)
        decision = Decision(
            request_id=req.id, kind=kind, household_id=household_id, rationale=why,
            status=DecisionStatus.PROPOSED, proposed_by_id=actor.user_id, proposed_at=when,
            outside_terms=outside, exemption_reason=exemption if outside or exemption else "",
        )
        s.add(decision)
        s.flush()
        transitions.move(s, actor, req, S.PROPOSED, f"proposed: {kind.value}", at=when)
        audit.record(
            s, actor, "decision.proposed", "decisions", decision.id,
            {"request": req.reference, "kind": kind.value, "household_id": household_id, "rationale": why,
             "outside_terms": outside, "breaches": breaches, "exemption_reason": exemption},
            at=when,
        )
        return decision_view(s, decision)


def sign_off(desk: Desk, decision_id: int, comment: str = "") -> DecisionView:
    """A manager other than the proposer signs a decision off (retrospectively if already placed)."""
    actor = desk.actor
    require(actor, Permission.SIGN_OFF, "sign off a decision")
    note = _text(comment, "", required=False)
    with writing(desk) as s:
        decision = _decision(s, decision_id)
        if decision.status == DecisionStatus.SIGNED_OFF:
            raise Conflict(f"Decision {decision.id} is already signed off; corrections go in an addendum.")
        if decision.status == DecisionStatus.RETURNED:
            raise Conflict(f"Decision {decision.id} was returned to the worker; sign off their new proposal instead.")
        if decision.proposed_by_id == actor.user_id:
            raise NotAllowed(
                "You proposed this decision, so another manager must sign it off: nobody signs off their own decision."
            )
        req = s.get(PlacementRequest, decision.request_id)
        when = clock.now()
        if req.state == S.PROPOSED:
            transitions.move(s, actor, req, S.SIGNED_OFF, note or "signed off", at=when)
        elif req.state == S.PLACED and decision.retrospective:
            pass  # placed out of hours; signing closes the flag
        else:
            raise Conflict(f"{req.reference} is {transitions.LABELS[req.state]}; this decision can no longer be signed off.")
        decision.status = DecisionStatus.SIGNED_OFF
        decision.signed_off_by_id = actor.user_id
        decision.signed_off_at = when
        decision.signoff_comment = note
        s.add(decision)
        audit.record(
            s, actor, "decision.signed_off", "decisions", decision.id,
            {"request": req.reference, "comment": note, "retrospective": decision.retrospective},
            at=when,
        )
        s.flush()
        return decision_view(s, decision)


def return_decision(desk: Desk, decision_id: int, comment: str) -> DecisionView:
    """A manager sends a proposal back to the worker with comments; the request returns to contacting."""
    actor = desk.actor
    require(actor, Permission.SIGN_OFF, "return a decision")
    note = _text(comment, "Say what the worker should do: returning a decision needs a comment", required=True)
    with writing(desk) as s:
        decision = _decision(s, decision_id)
        if decision.status != DecisionStatus.PROPOSED:
            raise Conflict(f"Decision {decision.id} is {decision.status.value.replace('_', ' ')}; only a proposal can be returned.")
        if decision.proposed_by_id == actor.user_id:
            raise NotAllowed("You proposed this decision; another manager must review it.")
        req = s.get(PlacementRequest, decision.request_id)
        if req.state != S.PROPOSED:
            raise Conflict(
                f"{req.reference} is already {transitions.LABELS[req.state]}; sign the decision off with your comments "
                "(and end the placement if it must change) instead of returning it."
            )
        when = clock.now()
        transitions.move(s, actor, req, S.CONTACTING, f"returned: {note}", at=when)
        decision.status = DecisionStatus.RETURNED
        decision.returned_by_id = actor.user_id
        decision.returned_at = when
        decision.returned_comment = note
        s.add(decision)
        if decision.household_id is not None:
            cand = s.exec(
                select(Candidate).where(Candidate.request_id == req.id, Candidate.household_id == decision.household_id)
            ).first()
            if cand is not None and cand.status == CandidateStatus.OFFERED:
                cand.status = CandidateStatus.CONTACTED
                cand.updated_at = when
                cand.updated_by_id = actor.user_id
                s.add(cand)
        audit.record(s, actor, "decision.returned", "decisions", decision.id,
                     {"request": req.reference, "comment": note}, at=when)
        s.flush()
        return decision_view(s, decision)


def amend_decision(desk: Desk, decision_id: int, rationale: str) -> DecisionView:
    """The proposer may reword a proposal until it is signed; a signed decision never changes."""
    require(desk.actor, Permission.LOG, "change a decision")
    why = _text(rationale, "Write why: a proposal needs a rationale", required=True, minimum=RATIONALE_MIN)
    with writing(desk) as s:
        decision = _decision(s, decision_id)
        if decision.status == DecisionStatus.SIGNED_OFF:
            raise Conflict(f"Decision {decision.id} is signed off and cannot be changed; add an addendum instead.")
        if decision.status == DecisionStatus.RETURNED:
            raise Conflict(f"Decision {decision.id} was returned; propose again instead of changing it.")
        if decision.proposed_by_id != desk.actor.user_id:
            raise NotAllowed("Only the worker who proposed a decision can reword it; add an addendum once it is signed.")
        old = decision.rationale
        decision.rationale = why
        s.add(decision)
        audit.record(s, desk.actor, "decision.amended", "decisions", decision.id, {"from": old, "to": why})
        s.flush()
        return decision_view(s, decision)


def add_addendum(desk: Desk, decision_id: int, text: str) -> DecisionView:
    """A correction or later fact added to a decision; the decision itself stays as signed."""
    require(desk.actor, Permission.LOG, "add an addendum")
    body = _text(text, "Write the correction: an addendum needs text", required=True)
    with writing(desk) as s:
        decision = _decision(s, decision_id)
        when = clock.now()
        row = DecisionAddendum(decision_id=decision.id, written_by_id=desk.actor.user_id, written_at=when, text=body)
        s.add(row)
        s.flush()
        audit.record(s, desk.actor, "decision.addendum", "decisions", decision.id, {"addendum_id": row.id, "text": body},
                     at=when)
        return decision_view(s, decision)


# --------------------------------------------------------------------------- closing


def close_unmet(
    desk: Desk,
    request_id: int | str,
    needs: Iterable[UnmetNeed | str],
    resolution: UnmetResolution | str | None,
    note: str = "",
) -> StepResult:
    """Close a request whose need the county could not meet, recording which need and what was done instead."""
    require(desk.actor, Permission.LOG, "close a request as unmet")
    try:
        cats = frozenset(UnmetNeed(str(getattr(n, "value", n)).lower()) for n in needs)
    except ValueError:
        raise InvalidInput(
            "Unmet-need categories are: " + ", ".join(m.value for m in UnmetNeed) + "."
        ) from None
    if not cats:
        raise InvalidInput(
            "Choose at least one unmet-need category (" + ", ".join(m.value for m in UnmetNeed) + ")."
        )
    if resolution is None or str(getattr(resolution, "value", resolution)).strip() == "":
        raise InvalidInput("Say what was done instead: ifa_commissioned, escalated or other.")
    try:
        res = UnmetResolution(str(getattr(resolution, "value", resolution)).lower())
    except ValueError:
        raise InvalidInput("What was done instead is one of: ifa_commissioned, escalated, other.") from None
    text = _text(note, "Say what was done instead (a note is needed when it is 'other')",
                 required=res == UnmetResolution.OTHER, limit=1000)
    with writing(desk) as s:
        req = find_request(s, request_id)
        _need_open(req)
        _need_search(s, req, "close it as unmet (the search is the evidence)")
        when = clock.now()
        _advance_to_searching(s, desk.actor, req, when)
        req.unmet_needs = cats
        req.unmet_resolution = res
        req.closed_reason = text
        transitions.move(
            s, desk.actor, req, S.CLOSED_UNMET,
            f"unmet: {', '.join(sorted(c.value for c in cats))}; {res.value}" + (f"; {text}" if text else ""), at=when,
        )
        return _step(req, f"{req.reference} closed as unmet need ({', '.join(sorted(c.value for c in cats))}).")


def withdraw(desk: Desk, request_id: int | str, reason: str) -> StepResult:
    """Withdraw an open request; the reason is required."""
    require(desk.actor, Permission.LOG, "withdraw a request")
    why = _text(reason, "Say why the request is withdrawn: a reason is needed", required=True, limit=1000)
    with writing(desk) as s:
        req = find_request(s, request_id)
        _need_open(req)
        req.closed_reason = why
        transitions.move(s, desk.actor, req, S.WITHDRAWN, why, at=clock.now())
        return _step(req, f"{req.reference} withdrawn.")


# --------------------------------------------------------------------------- reading


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
        return sum(1 for c in self.contacts if c.outcome == CandidateStatus.NO_ANSWER)


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


class _Names:
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


def decision_view(session: Session, d: Decision, names: _Names | None = None) -> DecisionView:
    names = names or _Names(session)
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
        return decision_view(s, _decision(s, decision_id))


def _criteria(req: PlacementRequest) -> dict[str, object]:
    out: dict[str, object] = {
        "placement type": req.placement_type.value,
        "urgency": req.urgency.value,
        "needed from": req.needed_from.isoformat(),
    }
    if req.needed_until:
        out["needed until"] = req.needed_until.isoformat()
    if req.needs:
        out["needs"] = ", ".join(sorted(n.value for n in req.needs))
    for flag, label in (
        (req.needs_wheelchair_access, "wheelchair access"),
        (req.no_younger_children, "no younger children"),
        (req.no_other_children, "no other children"),
        (req.no_pets, "no pets"),
        (req.no_smokers, "no smokers"),
    ):
        if flag:
            out[label] = "yes"
    if req.max_distance_km:
        out["within km"] = req.max_distance_km
    if req.language:
        out["language"] = req.language
    if req.religion:
        out["religion"] = req.religion
    return out


def request_detail(desk: Desk, request_id: int | str, *, contacts_limit: int = 20) -> RequestDetail:
    """Everything the request screen and the export show, as plain values."""
    with desk.db.read() as s:
        return load_detail(s, find_request(s, request_id), contacts_limit=contacts_limit)


def load_detail(s: Session, req: PlacementRequest, *, contacts_limit: int = 20) -> RequestDetail:
    from db.models import Place, Team

    names = _Names(s)
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
            ContactLine(k.at, names.user(k.by_user_id), k.outcome, k.note)
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
    from db.models import Team

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
        names = _Names(s)
        teams = {t.id: t.name for t in s.exec(select(Team)).all()}
        return [
            RequestRow(r.id, r.reference, r.state, r.urgency, r.placement_type.value, r.needed_from,
                       ", ".join(kids.get(r.id, [])), names.user(r.worker_id), teams.get(r.team_id, ""),
                       r.state_changed_at)
            for r in reqs
        ]


def to_jsonable(value: object) -> object:
    """Dataclasses and enums as plain JSON values (for --json)."""
    import dataclasses
    from enum import Enum

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | frozenset | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


__all__ = [
    "CONTACT_OUTCOMES", "ContactResult", "DecisionView", "RequestDetail", "RequestRow", "StepResult",
    "add_addendum", "amend_decision", "close_unmet", "current_decision", "find_request", "free_places",
    "get_decision", "has_search", "list_requests", "mark_searched", "propose", "record_contact",
    "request_detail", "return_decision", "sign_off", "start_contacting", "to_jsonable", "withdraw",
]


# --------------------------------------------------------------------------- the request screen's list of carers


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


def contact_list(desk: Desk, request_id: int | str, *, limit: int = 50) -> list[ContactRow]:
    """Candidates first (best score first), then the rest of the latest search's ranked households, a page at most."""
    from dutydesk.requests.decision_record import parse_reasons

    with desk.db.read() as s:
        req = find_request(s, request_id)
        search_id = latest_search_id(s, req.id)
        cands = s.exec(select(Candidate).where(Candidate.request_id == req.id)).all()
        tries: dict[int, int] = dict(
            s.exec(
                select(CandidateContact.candidate_id, sa.func.count())
                .where(CandidateContact.candidate_id.in_([c.id for c in cands] or [-1]),
                       CandidateContact.outcome == CandidateStatus.NO_ANSWER)
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
            parts = parse_reasons(info[2])
            parts = sorted(parts, key=lambda p: -abs(p[2] or 0))[:3]
            return "; ".join(f"{w} ({p:+.0f})" if p is not None else w for _c, w, p in parts)

        rows: list[ContactRow] = []
        by_cand = {c.household_id: c for c in cands}
        order = sorted(
            hids,
            key=lambda h: (h not in by_cand, ranks.get(h, (None,))[0] is None, ranks.get(h, (10**9,))[0] or 10**9, h),
        )
        for hid in order[:limit]:
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
            ))
        return rows
