"""A household's profile, for the profile screen and ``dutydesk households show``:
terms, current placements, free places over the coming weeks, unavailable periods,
allegations, warnings, and every request it was considered for with what decided it
(a carer's "why not me?", scenario 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import String, type_coerce
from sqlmodel import Session

from db.engine import Database
from db.enums import CandidateStatus, HouseholdStatus, PlacementType, RequestState, Specialism
from db.models import (
    Allegation,
    Candidate,
    Child,
    Household,
    Place,
    Placement,
    PlacementRequest,
    Search,
    SearchResult,
    Team,
    UnavailablePeriod,
    User,
)
from dutydesk import clock
from dutydesk.labels import label
from dutydesk.carers.availability import Availability, household_warnings, weekly
from dutydesk.errors import NotFound
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.factors import FACTOR_TITLES
from dutydesk.matching.saved import parse_reasons

HISTORY_LIMIT = 50
WEEKS = 8


@dataclass(frozen=True)
class CurrentPlacement:
    reference: str
    child_name: str
    case_reference: str
    age: int | None
    starts_on: dt.date
    planned_end_on: dt.date | None
    placement_type: str


@dataclass(frozen=True)
class Period:
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    reason: str


@dataclass(frozen=True)
class AllegationLine:
    reference: str
    status: str
    raised_on: dt.date
    days_open: int
    outcome: str
    summary: str


@dataclass(frozen=True)
class ConsideredFor:
    search_id: int
    run_at: dt.datetime
    run_by: str
    request_id: int | None
    request_reference: str
    request_state: str
    request_summary: str
    rank: int | None
    ranked_count: int
    score: float | None
    decided: str  # what decided it, in one line
    rules: list[str] = field(default_factory=list)
    factors: list[tuple[str, float, str]] = field(default_factory=list)
    candidate_status: str = ""
    placed_with: str = ""  # reference of the household the child went to, if placed

    @property
    def excluded(self) -> bool:
        return self.rank is None


@dataclass(frozen=True)
class HouseholdProfile:
    id: int
    reference: str
    name: str
    kind: str
    kind_label: str
    agency: str
    status: str
    team: str
    place: str
    postcode: str
    phone: str
    supervising_social_worker: str
    age_min: int
    age_max: int
    places: int
    occupied_places: int
    gender_terms: str
    placement_types: list[str]
    specialisms: list[str]
    bedrooms: int
    pets: bool
    smoker: bool
    other_children_ages: str
    languages: str
    religion: str
    ethnicity: str
    wheelchair_access: bool
    approved_on: dt.date | None
    approval_expires_on: dt.date | None
    approval_extended: bool
    annual_review_due: dt.date | None
    dbs_expires_on: dt.date | None
    vacant_since: dt.date | None
    vacant_days: int | None
    placements: list[CurrentPlacement]
    weeks: list[Availability]
    unavailable: list[Period]
    allegations: list[AllegationLine]
    warnings: list[str]
    history: list[ConsideredFor]
    places_note: str = ""  # places declared not available, until when and why
    terms_approved_on: dt.date | None = None  # the panel that approved the current terms

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def find_household_id(session: Session, ref_or_id: str | int) -> int:
    if isinstance(ref_or_id, int):
        hid = session.execute(sa.select(Household.id).where(Household.id == ref_or_id)).scalar()
    else:
        text = str(ref_or_id).strip()
        hid = session.execute(sa.select(Household.id).where(sa.func.upper(Household.reference) == text.upper())).scalar()
        if hid is None and text.isdigit():
            hid = session.execute(sa.select(Household.id).where(Household.id == int(text))).scalar()
    if hid is None:
        raise NotFound(f"There is no household {ref_or_id!s}; check the reference (HH- and five digits, such as HH-00042).")
    return hid


def household_profile(db: Database, ref_or_id: str | int, *, today: dt.date | None = None,
                      history_limit: int = HISTORY_LIMIT) -> HouseholdProfile:
    today = today or clock.today()
    with db.read() as s:
        hid = find_household_id(s, ref_or_id)
        h = s.get(Household, hid)
        team = s.get(Team, h.team_id).name if h.team_id else ""
        place = s.get(Place, h.place_id).name if h.place_id else ""
        placements = [
            CurrentPlacement(p.reference, c.display_name, c.case_reference, c.age_on(today), p.starts_on,
                             p.planned_end_on, label(p.placement_type))
            for p, c in s.execute(
                sa.select(Placement, Child).join(Child, Child.id == Placement.child_id)
                .where(Placement.household_id == hid, Placement.ended_on.is_(None))
                .order_by(Placement.starts_on)
            ).all()
        ]
        weeks = weekly(s, hid, WEEKS, today=today)
        periods = [
            Period(p.kind.value, p.starts_on, p.ends_on, p.reason)
            for p in s.execute(
                sa.select(UnavailablePeriod).where(UnavailablePeriod.household_id == hid,
                                                   UnavailablePeriod.ends_on >= today)
                .order_by(UnavailablePeriod.starts_on)
            ).scalars()
        ]
        allegations = []
        for a in s.execute(sa.select(Allegation).where(Allegation.household_id == hid)
                           .order_by(Allegation.raised_at.desc()).limit(20)).scalars():
            raised = clock.local(a.raised_at).date()
            end = clock.local(a.closed_at).date() if a.closed_at else today
            allegations.append(AllegationLine(
                a.reference, a.status.value, raised, (end - raised).days,
                label(a.outcome) if a.outcome else "",
                (a.summary or "").splitlines()[0][:120] if a.summary else "",
            ))
        warnings = [w.label for w in household_warnings(h, today)]
        open_alleg = [a for a in allegations if a.status == "open"]
        if open_alleg:
            warnings.insert(0, f"Allegation {open_alleg[0].reference} open for {open_alleg[0].days_open} days: "
                               "on hold for new placements")
        history = considered_for(s, hid, limit=history_limit)
        gone = h.status in (HouseholdStatus.RESIGNED, HouseholdStatus.DEREGISTERED)
    return HouseholdProfile(
        id=h.id, reference=h.reference, name=h.name, kind=h.kind.value, kind_label=label(h.kind),
        agency=h.agency or "", status=h.status.value, team=team, place=place, postcode=h.postcode, phone=h.phone,
        supervising_social_worker=h.supervising_social_worker, age_min=h.age_min, age_max=h.age_max,
        places=h.places, occupied_places=h.occupied_places, gender_terms=h.gender_terms.value,
        placement_types=[t.value for t in PlacementType if t in h.placement_types],
        specialisms=[x.value for x in Specialism if x in h.specialisms], bedrooms=h.bedrooms, pets=h.pets, smoker=h.smoker,
        other_children_ages=h.other_children_ages, languages=h.languages, religion=h.religion, ethnicity=h.ethnicity,
        wheelchair_access=h.wheelchair_access, approved_on=h.approved_on, approval_expires_on=h.approval_expires_on,
        approval_extended=h.approval_extended, annual_review_due=h.annual_review_due, dbs_expires_on=h.dbs_expires_on,
        # Off the register no place stands empty: "empty for 23 days" would read as a vacancy.
        vacant_since=None if gone else h.vacant_since,
        vacant_days=(today - h.vacant_since).days if h.vacant_since and not gone else None,
        placements=placements, weeks=weeks, unavailable=periods, allegations=allegations, warnings=warnings,
        history=history, places_note=_places_note(h, today), terms_approved_on=h.terms_approved_on,
    )


def _places_note(h: Household, today: dt.date) -> str:
    n, until = h.places_unavailable, h.places_unavailable_until
    if not n or until is None or until < today:
        return ""
    why = f": {h.places_unavailable_reason}" if h.places_unavailable_reason else ""
    return f"{n} place{'s' if n != 1 else ''} not available until {until:%d %b %Y}{why}"


def considered_for(session: Session, household_id: int, *, limit: int = HISTORY_LIMIT) -> list[ConsideredFor]:
    """Every saved search the household was in, newest first, with what decided it."""
    SR = SearchResult.__table__
    rows = session.execute(
        sa.select(SR.c.search_id, SR.c.rank, SR.c.score, SR.c.reasons, Search.run_at, Search.ranked_count,
                  Search.criteria, User.full_name, PlacementRequest.id, PlacementRequest.reference,
                  type_coerce(PlacementRequest.state, String))
        .join(Search, Search.id == SR.c.search_id)
        .join(User, User.id == Search.run_by_id)
        .outerjoin(PlacementRequest, PlacementRequest.id == Search.request_id)
        .where(SR.c.household_id == household_id)
        .order_by(Search.run_at.desc(), Search.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return []
    search_ids = [r[0] for r in rows]
    request_ids = sorted({r[8] for r in rows if r[8] is not None})
    tops = {
        sid: (ref, score, reasons) for sid, ref, score, reasons in session.execute(
            sa.select(SR.c.search_id, Household.reference, SR.c.score, SR.c.reasons)
            .join(Household, Household.id == SR.c.household_id)
            .where(SR.c.search_id.in_(search_ids), SR.c.rank == 1)
        ).all()
    }
    cands = {
        rid: (status, reason) for rid, status, reason in session.execute(
            sa.select(Candidate.request_id, type_coerce(Candidate.status, String), Candidate.status_reason)
            .where(Candidate.household_id == household_id, Candidate.request_id.in_(request_ids or [-1]))
        ).all()
    }
    placed = {
        rid: ref for rid, ref in session.execute(
            sa.select(Placement.request_id, Household.reference)
            .join(Household, Household.id == Placement.household_id)
            .where(Placement.request_id.in_(request_ids or [-1]))
        ).all()
    }
    out = []
    for sid, rank, score, reasons, run_at, ranked_count, crit_json, who, rid, rref, rstate in rows:
        outcome = parse_reasons(sid, household_id, rank, score, reasons)
        try:
            summary = MatchCriteria.from_json(crit_json).summary()
        except Exception:  # noqa: BLE001 - an old or odd saved criteria must not hide the history
            summary = ""
        cand = cands.get(rid) if rid is not None else None
        placed_ref = placed.get(rid, "") if rid is not None else ""
        out.append(ConsideredFor(
            search_id=sid, run_at=run_at, run_by=who, request_id=rid, request_reference=rref or "(general look-up)",
            request_state=label(rstate, RequestState) if rstate else "", request_summary=summary,
            rank=rank, ranked_count=ranked_count, score=score,
            decided=_decided(outcome, ranked_count, tops.get(sid), cand, placed_ref),
            rules=[words for _c, words in outcome.rules], factors=outcome.factors,
            candidate_status=(label(cand[0], CandidateStatus) if cand else ""), placed_with=placed_ref,
        ))
    return out


def _decided(outcome, ranked_count: int, top: tuple[str, float, str] | None, cand, placed_ref: str) -> str:
    if outcome.excluded:
        text = "Ruled out: " + "; ".join(words for _c, words in outcome.rules)
    else:
        text = f"Ranked {outcome.rank} of {ranked_count}, score {outcome.score:g}"
        if outcome.rank == 1:
            text += " (top of the list)"
            strongest = sorted((f for f in outcome.factors if f[1] > 0), key=lambda f: (-f[1], f[0]))
            if strongest:
                f = strongest[0]
                text += f"; strongest: {FACTOR_TITLES.get(f[0], f[0])} {f[1]:+g} ({f[2]})"
        elif top is not None:
            ref, score, reasons = top
            text += f"; first was {ref} with {score:g}"
            theirs = {f[0]: f[1] for f in parse_reasons(0, 0, 1, score, reasons).factors}
            mine = {f[0]: (f[1], f[2]) for f in outcome.factors}
            gaps = sorted(((theirs.get(code, 0.0) - mine.get(code, (0.0, ""))[0], code)
                           for code in set(theirs) | set(mine)), key=lambda g: (-g[0], g[1]))
            if gaps and gaps[0][0] > 0:
                gap, code = gaps[0]
                mine_pts, why = mine.get(code, (0.0, ""))
                text += (f", ahead mainly on {FACTOR_TITLES.get(code, code)} "
                         f"({theirs.get(code, 0.0):+g} for them, {mine_pts:+g} here" + (f": {why})" if why else ")"))
    if cand:
        status, reason = cand
        text += f". Candidate: {label(status, CandidateStatus)}" + (f" ({reason})" if reason else "")
    if placed_ref:
        text += f". Child placed with {placed_ref}"
    return text
