"""The households considered for a demo request and the decision on it, as the shortlist, the
contact log and the proposal services write them (after the request's saved search)."""

from __future__ import annotations

import datetime as dt

from db.enums import CandidateStatus, DecisionKind, DecisionStatus
from dutydesk.demo import search_log
from dutydesk.demo.county import HH, County
from dutydesk.demo.rand import choice
from dutydesk.demo.steps import CS, Req, forwards, others

DECLINED = [
    "Carer declined: does not feel able to meet the child's needs.",
    "Carer declined: own family commitments this month.",
    "Carer declined: would unsettle the child already placed.",
    "Carer declined: away this weekend.",
]


def candidates(county: County, r: Req, chosen: HH | None, start: dt.datetime, end: dt.datetime,
               k: int, chosen_status: CandidateStatus = CS.CHOSEN, final: bool = True,
               ruled_out_only: bool = False) -> None:
    """The households considered for ``r`` after its saved search at ``start``, until ``end``.

    One that the search excluded stays in the search with the rules it fails and is never rung
    (a household no rule excludes today is excluded as having had no free place then: past
    vacancies are not replayed); the others are rung, each contact after the search.
    """
    rng = county.rng
    row = county.search_reqs[r.id][1]
    open_now = r.steps[-1][0].is_open  # today's vacancies are known; past ones are not replayed
    picks = others(county, r.kids[0].home.area, {chosen.id} if chosen else set(), k)
    entries: list[tuple[HH, CandidateStatus, str]] = []
    for h in picks:
        roll = rng.random()
        fails = search_log.failed_rules(county, r, row, h)
        if open_now and h.occupied + len(r.kids) > h.places:
            fails.insert(0, ("vacancy", [h.places, h.occupied]))
        if fails or ruled_out_only or roll < 0.4:
            search_log.add(county, r.id, h, excluded=fails or [("vacancy", None)])
        elif roll < 0.7:
            entries.append((h, CS.DECLINED_BY_CARER if final else choice(rng, (CS.DECLINED_BY_CARER, CS.CONTACTED)),
                            choice(rng, DECLINED)))
        elif roll < 0.9:
            entries.append((h, CS.NO_ANSWER, "No answer after two tries; message left."))
        else:
            entries.append((h, CS.SHORTLISTED if not final else CS.RULED_OUT,
                            "" if not final else "Better match found elsewhere."))
    if chosen is not None:
        entries.append((chosen, chosen_status, "Carer accepted; best match on distance and experience."))
    times = forwards(county, start, end, len(entries) + 1)[1:]
    for (h, status, reason), at in zip(entries, times):
        candidate(county, r, h, status, reason, at, since=start)


def candidate(county: County, r: Req, h: HH, status: CandidateStatus, reason: str, at: dt.datetime, *,
              since: dt.datetime, contacts: list[tuple[dt.datetime, CandidateStatus, str]] | None = None) -> int:
    """A candidate as the shortlist and the contact log write it: its score and reasons from the
    request's saved search; its contacts (by default one, two when unanswered) after ``since``."""
    w = county.writer
    county.cand_pairs.add((r.id, h.id))
    sid, score, reasons = search_log.add(county, r.id, h)
    cid = county.next_id("candidates")
    w.add("candidates", {
        "id": cid, "request_id": r.id, "household_id": h.id, "search_id": sid, "score": score,
        "reasons": reasons, "status": status, "status_reason": reason, "updated_at": at,
        "updated_by_id": r.worker.id,
    })
    if contacts is None:
        tries = 2 if status == CS.NO_ANSWER else 1 if status in (
            CS.DECLINED_BY_CARER, CS.CONTACTED, CS.OFFERED, CS.ACCEPTED, CS.CHOSEN, CS.RULED_OUT) else 0
        outcome = {CS.CHOSEN: CS.ACCEPTED, CS.OFFERED: CS.CONTACTED}.get(status, status)
        contacts = [((since + (at - since) * (i + 1) / tries).replace(microsecond=0), outcome,
                     reason if i == tries - 1 else "No answer.") for i in range(tries)]
    for when, outcome, note in contacts:
        w.add("candidate_contacts", {
            "id": county.next_id("candidate_contacts"), "candidate_id": cid, "at": when,
            "by_user_id": r.worker.id, "outcome": outcome, "note": note,
        })
    return cid


RATIONALES = {
    DecisionKind.PLACE: [
        "Closest approved household with a vacancy; carers experienced with {age}-year-olds and able to keep "
        "the school run.",
        "Carers know the child from respite; continuity outweighs the longer journey to school.",
        "Only emergency-approved household within reach tonight; matching to be reviewed at 72 hours.",
        "In-house carers with the right experience and a bedroom free; child's social worker agrees.",
    ],
    DecisionKind.COMMISSION_IFA: ["No in-house household can meet the need; commission an IFA placement."],
    DecisionKind.SPLIT_SIBLINGS: ["No household can take the whole sibling group; place in two households "
                                  "nearby with weekly contact, to be reviewed at the LAC review."],
    DecisionKind.ESCALATE: ["No placement identified; escalated to the head of service for a residential option."],
}


def decision(county: County, r: Req, kind: DecisionKind, hh: HH | None, proposed_at: dt.datetime,
             status: DecisionStatus, signed_at: dt.datetime | None = None, *, retrospective: bool = False,
             returned_at: dt.datetime | None = None, comment: str = "") -> int:
    """A decision on ``r``; placing with a household its search excluded carries an exemption."""
    rng = county.rng
    did = county.next_id("decisions")
    signer = county.manager(not_id=r.worker.id)
    row = {
        "id": did, "request_id": r.id, "kind": kind, "household_id": hh.id if hh else None,
        "rationale": choice(rng, RATIONALES[kind]).format(age=r.kids[0].age_on(r.needed_from)),
        "status": status, "proposed_by_id": r.worker.id, "proposed_at": proposed_at,
        "outside_terms": False, "exemption_reason": "", "retrospective": retrospective,
        "signed_off_by_id": None, "signed_off_at": None, "signoff_comment": "",
        "returned_by_id": None, "returned_at": None, "returned_comment": "",
    }
    breaches = search_log.failed_rules(county, r, county.search_reqs[r.id][1], hh) if hh and r.id in county.search_reqs else []
    if breaches and kind == DecisionKind.PLACE:
        row.update(outside_terms=True, exemption_reason=(
            f"Outside the search's rules ({search_log.rule_words(breaches)[:-1].lower()}); the carers know the child's "
            "needs and have support from their supervising social worker."))
    if status == DecisionStatus.SIGNED_OFF:
        row.update(signed_off_by_id=signer.id, signed_off_at=signed_at,
                   signoff_comment=comment or choice(rng, ("Agreed.", "Agreed; review at 72 hours.",
                                                          "Agreed. Please complete delegated authority today.")))
    elif status == DecisionStatus.RETURNED:
        row.update(returned_by_id=signer.id, returned_at=returned_at,
                   returned_comment="Please check the carers' own children's ages against the request first.")
    county.writer.add("decisions", row)
    return did
