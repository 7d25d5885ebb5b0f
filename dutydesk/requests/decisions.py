"""Decisions on a request: propose with a rationale, a second person's sign-off, return, reword, addenda.

A proposal needs a saved search and a rationale; placing outside a household's
terms of approval needs an exemption reason. A manager other than the proposer
signs off (retrospectively for an emergency placed out of hours); a signed
decision never changes, corrections are addenda.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from db.enums import CandidateStatus, DecisionKind, DecisionStatus, PlacementType, RequestState
from db.models import Candidate, Decision, DecisionAddendum, Household, PlacementRequest
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.errors import Conflict, InvalidInput, NotAllowed
from dutydesk.labels import label
from dutydesk.matching.capacity import free_places
from dutydesk.matching.rules import siblings_text
from dutydesk.requests import lookup, transitions
from dutydesk.requests.steps import ensure_candidate
from dutydesk.requests.terms import no_approval, terms_breaches
from dutydesk.requests.views import DecisionView, decision_view
from dutydesk.requests.limits import RATIONALE_MIN, TEXT_MAX
from dutydesk.text import field_text

S = RequestState


def parent_and_child(req: PlacementRequest) -> bool:
    return req.placement_type == PlacementType.PARENT_AND_CHILD


def refuse_no_approval(session: Session, household: Household, on: dt.date) -> None:
    """A household takes no new child unless approved, and a connected person's temporary approval
    still runs on ``on``: refused in the matching rule's words (not approved, on hold naming the
    allegation, approval ended), so the ruled-out view said it first."""
    why = no_approval(session, household, on)
    if why:
        raise Conflict(f"{household.name}: {why}. Return to the search and choose another household.")


def propose(
    desk: Desk,
    request_id: int | str,
    kind: DecisionKind | str,
    rationale: str,
    household_id: int | None = None,
    exemption_reason: str = "",
) -> DecisionView:
    """Propose the outcome of a request with its rationale; a manager signs it off."""
    require(desk.actor, Permission.LOG, "propose a decision")
    try:
        kind = DecisionKind(str(kind.value if isinstance(kind, DecisionKind) else kind).lower())
    except ValueError:
        raise InvalidInput("Choose what you propose: place, split_siblings, commission_ifa or escalate.") from None
    why = field_text(rationale, "Rationale", limit=TEXT_MAX, required=True, minimum=RATIONALE_MIN, multiline=True,
                     missing="Write why: a proposal needs a rationale")
    exemption = field_text(exemption_reason, "Exemption reason", limit=TEXT_MAX, multiline=True)
    actor = desk.actor
    with lookup.writing(desk) as s:
        req = lookup.find_open_request(s, request_id)
        lookup.need_search(s, req, "propose a decision")
        when = clock.now()
        lookup.advance_to_searching(s, actor, req, when)
        if req.state not in (S.SEARCHING, S.CONTACTING):
            raise Conflict(
                f"{req.reference} is {label(req.state)}; a decision is proposed while searching "
                "or contacting carers."
            )
        outside = False
        breaches: list[str] = []
        if kind == DecisionKind.PLACE:
            if household_id is None:
                raise InvalidInput("Say which household: a placement proposal names the household.")
            household = lookup.household(s, household_id)
            cand = ensure_candidate(s, actor, req, household_id)
            if cand.status in (CandidateStatus.DECLINED_BY_CARER, CandidateStatus.RULED_OUT):
                raise Conflict(
                    f"{household.name} is recorded as {label(cand.status)} for {req.reference}; "
                    "record a new contact outcome first if that has changed."
                )
            refuse_no_approval(s, household, max(req.needed_from, clock.today()))
            children = lookup.request_child_ids(s, req.id)
            free = free_places(household)
            if free == 0:
                raise Conflict(
                    f"{household.name} has no free place any more; return to the search and choose another household."
                )
            if free < len(children):
                raise Conflict(f"{household.name}: {siblings_text(free, len(children), parent_and_child(req))}. "
                               "Return to the search and choose another household.")
            breaches = terms_breaches(s, req.id, [household.id]).get(household.id, [])
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
            lookup.household(s, household_id)
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
    note = field_text(comment, "Comment", limit=TEXT_MAX, multiline=True)
    with lookup.writing(desk) as s:
        decision = lookup.decision(s, decision_id)
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
            raise Conflict(f"{req.reference} is {label(req.state)}; this decision can no longer be signed off.")
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
    note = field_text(comment, "Comment", limit=TEXT_MAX, required=True, multiline=True,
                      missing="Say what the worker should do: returning a decision needs a comment")
    with lookup.writing(desk) as s:
        decision = lookup.decision(s, decision_id)
        if decision.status != DecisionStatus.PROPOSED:
            raise Conflict(f"Decision {decision.id} is {label(decision.status)}; only a proposal can be returned.")
        if decision.proposed_by_id == actor.user_id:
            raise NotAllowed("You proposed this decision; another manager must review it.")
        req = s.get(PlacementRequest, decision.request_id)
        if req.state != S.PROPOSED:
            raise Conflict(
                f"{req.reference} is already {label(req.state)}; sign the decision off with your comments "
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
    why = field_text(rationale, "Rationale", limit=TEXT_MAX, required=True, minimum=RATIONALE_MIN, multiline=True,
                     missing="Write why: a proposal needs a rationale")
    with lookup.writing(desk) as s:
        decision = lookup.decision(s, decision_id)
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
    body = field_text(text, "Addendum", limit=TEXT_MAX, required=True, multiline=True,
                      missing="Write the correction: an addendum needs text")
    with lookup.writing(desk) as s:
        decision = lookup.decision(s, decision_id)
        when = clock.now()
        row = DecisionAddendum(decision_id=decision.id, written_by_id=desk.actor.user_id, written_at=when, text=body)
        s.add(row)
        s.flush()
        audit.record(s, desk.actor, "decision.addendum", "decisions", decision.id, {"addendum_id": row.id, "text": body},
                     at=when)
        return decision_view(s, decision)
