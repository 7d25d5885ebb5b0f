"""A small hand-built store for the report tests: every row written directly, at times given in
London time, so each test can work its expected figures out by hand."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import sqlalchemy as sa

from db.engine import Database
from db.enums import (
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    Gender,
    HouseholdKind,
    HouseholdStatus,
    PlacementType,
    RequestState,
    Specialism,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from db.models import (
    Candidate,
    CandidateContact,
    Child,
    Decision,
    Household,
    Place,
    Placement,
    PlacementRequest,
    RequestChild,
    RequestTransition,
    Search,
    SearchResult,
    Team,
)
from dutydesk import clock
from dutydesk.access.identity import Actor

DA_ITEMS = ("haircuts", "school trips and activities", "overnight stays with friends")


def at(local: str) -> dt.datetime:
    """'2026-10-05 10:00' in London, as the aware UTC instant the store keeps."""
    return dt.datetime.fromisoformat(local).replace(tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)


def authority(done: bool, word: str = "agreed") -> str:
    return json.dumps({item: {word: done} for item in DA_ITEMS})


class Store:
    def __init__(self, db: Database, people: dict[str, Actor]) -> None:
        self.db = db
        self.people = people
        self._n = itertools.count(1)
        with db.read() as s:
            self.teams = {code: tid for tid, code in s.execute(sa.select(Team.id, Team.code)).all()}

    def team(self, code: str, *, out_of_hours: bool = False) -> int:
        if code not in self.teams:
            with self.db.write() as s:
                t = Team(code=code, name=f"{code.title()} duty team", out_of_hours=out_of_hours)
                s.add(t)
                s.flush()
                self.teams[code] = t.id
        return self.teams[code]

    def place(self, name: str, district: str) -> int:
        with self.db.write() as s:
            p = Place(name=name, district=district, latitude=51.3, longitude=1.4)
            s.add(p)
            s.flush()
            return p.id

    def household(self, ref: str, name: str, *, kind: HouseholdKind = HouseholdKind.IN_HOUSE,
                  status: HouseholdStatus = HouseholdStatus.APPROVED, places: int = 1, occupied: int = 0,
                  age_min: int = 0, age_max: int = 17, types: frozenset = frozenset({PlacementType.SHORT_TERM}),
                  specialisms: frozenset = frozenset(), vacant_since: dt.date | None = None,
                  team: str | None = None, place_id: int | None = None) -> int:
        with self.db.write() as s:
            h = Household(reference=ref, name=name, kind=kind, status=status, places=places,
                          occupied_places=occupied, age_min=age_min, age_max=age_max, placement_types=types,
                          specialisms=specialisms, vacant_since=vacant_since,
                          team_id=self.teams[team] if team else None, place_id=place_id)
            s.add(h)
            s.flush()
            return h.id

    def child(self, first: str, last: str, born: dt.date | None = None,
              needs: frozenset = frozenset()) -> int:
        k = next(self._n)
        with self.db.write() as s:
            c = Child(case_reference=f"CR-T{k:04d}", first_name=first, last_name=last, date_of_birth=born,
                      gender=Gender.FEMALE, needs=needs)
            s.add(c)
            s.flush()
            return c.id

    def request(self, ref: str, team: str, worker: str, logged: str, state: RequestState, *,
                placement_type: PlacementType = PlacementType.SHORT_TERM, urgency: Urgency = Urgency.URGENT,
                children: list[int] | None = None, needs: frozenset = frozenset(),
                wheelchair: bool = False, near_place_id: int | None = None,
                unmet: frozenset = frozenset(), resolution: UnmetResolution | None = None,
                needed_from: dt.date | None = None, changed: str | None = None) -> int:
        who = self.people[worker]
        when = at(logged)
        with self.db.write() as s:
            r = PlacementRequest(
                reference=ref, team_id=self.teams[team], created_by_id=who.user_id, worker_id=who.user_id,
                state=state, placement_type=placement_type, urgency=urgency,
                needed_from=needed_from or clock.local(when).date(), needs=needs, needs_wheelchair_access=wheelchair,
                near_place_id=near_place_id, unmet_needs=unmet, unmet_resolution=resolution,
                created_at=when, state_changed_at=at(changed) if changed else when,
            )
            s.add(r)
            s.flush()
            s.add(RequestTransition(request_id=r.id, from_state=None, to_state=RequestState.LOGGED, at=when,
                                    by_user_id=who.user_id))
            for cid in children or []:
                s.add(RequestChild(request_id=r.id, child_id=cid))
            return r.id

    def move(self, rid: int, to: RequestState, when: str, by: str) -> None:
        with self.db.write() as s:
            s.add(RequestTransition(request_id=rid, to_state=to, at=at(when), by_user_id=self.people[by].user_id))

    def search(self, rid: int | None, when: str, by: str,
               results: dict[int, tuple[int | None, dict]] | None = None) -> int:
        """A saved search; ``results`` maps household id to (rank or None, reasons as stored)."""
        results = results or {}
        with self.db.write() as s:
            srch = Search(request_id=rid, run_by_id=self.people[by].user_id, run_at=at(when), criteria="{}",
                          ranked_count=sum(1 for r, _ in results.values() if r is not None),
                          excluded_count=sum(1 for r, _ in results.values() if r is None))
            s.add(srch)
            s.flush()
            for hid, (rank, reasons) in results.items():
                s.add(SearchResult(search_id=srch.id, household_id=hid, rank=rank,
                                   score=None if rank is None else 50.0 - rank, reasons=json.dumps(reasons)))
            return srch.id

    def contact(self, rid: int, hid: int, when: str, by: str,
                status: CandidateStatus = CandidateStatus.CONTACTED, reason: str = "") -> int:
        who = self.people[by].user_id
        with self.db.write() as s:
            c = s.execute(sa.select(Candidate).where(Candidate.request_id == rid,
                                                   Candidate.household_id == hid)).scalar_one_or_none()
            if c is None:
                c = Candidate(request_id=rid, household_id=hid, updated_by_id=who, updated_at=at(when))
            c.status = status
            c.status_reason = reason
            c.updated_at = at(when)
            s.add(c)
            s.flush()
            s.add(CandidateContact(candidate_id=c.id, at=at(when), by_user_id=who, outcome=status, note=reason))
            return c.id

    def candidate(self, rid: int, hid: int, when: str, by: str, status: CandidateStatus, reason: str = "") -> int:
        """A candidate with an outcome but no contact logged (as the demo's history holds them)."""
        with self.db.write() as s:
            c = Candidate(request_id=rid, household_id=hid, status=status, status_reason=reason,
                          updated_at=at(when), updated_by_id=self.people[by].user_id)
            s.add(c)
            s.flush()
            return c.id

    def decision(self, rid: int, proposed: str, by: str, *, rationale: str = "Closest carers with a free place.",
                 kind: DecisionKind = DecisionKind.PLACE, hid: int | None = None,
                 signed: str | None = None, signer: str = "manager", returned: str | None = None,
                 retrospective: bool = False, outside_terms: bool = False) -> int:
        status = (DecisionStatus.SIGNED_OFF if signed else DecisionStatus.RETURNED if returned
                  else DecisionStatus.PROPOSED)
        with self.db.write() as s:
            d = Decision(request_id=rid, kind=kind, household_id=hid, rationale=rationale, status=status,
                         proposed_by_id=self.people[by].user_id, proposed_at=at(proposed),
                         retrospective=retrospective, outside_terms=outside_terms,
                         exemption_reason="Only bed tonight." if outside_terms else "",
                         signed_off_by_id=self.people[signer].user_id if signed else None,
                         signed_off_at=at(signed) if signed else None,
                         returned_by_id=self.people[signer].user_id if returned else None,
                         returned_at=at(returned) if returned else None,
                         returned_comment="Check the ages first." if returned else "")
            s.add(d)
            s.flush()
            return d.id

    def placement(self, rid: int | None, hid: int, starts: dt.date, *, plan_due: dt.date | None = None,
                  da: str = "{}", ended: dt.date | None = None, child: int | None = None,
                  emergency: bool = False, outside_terms: bool = False, decision_id: int | None = None,
                  notifications: list[dict] | None = None, by: str = "worker") -> int:
        k = next(self._n)
        cid = child or self.child("Pat", f"Placed{k}")
        with self.db.write() as s:
            p = Placement(reference=f"PL-T{k:04d}", child_id=cid, household_id=hid, request_id=rid,
                          decision_id=decision_id, placement_type=PlacementType.SHORT_TERM, place_number=k,
                          starts_on=starts, plan_due_on=plan_due, delegated_authority=da, ended_on=ended,
                          emergency=emergency, outside_terms=outside_terms,
                          notifications_due=json.dumps(notifications or []),
                          created_by_id=self.people[by].user_id)
            s.add(p)
            s.flush()
            return p.id


__all__ = ["Store", "at", "authority", "CandidateStatus", "DecisionKind", "HouseholdKind", "PlacementType",
           "RequestState", "Specialism", "UnmetNeed", "UnmetResolution", "Urgency"]
