"""Placement requests and the evidence of the duty process around them:
state transitions, saved searches, candidates, contacts, decisions."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.enums import (
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    PlacementType,
    RequestState,
    Specialism,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from db.models.base import (
    created_at_field,
    enum_column,
    fk,
    set_column,
    ts_field,
    version_column,
)

_request_version = version_column()


class PlacementRequest(SQLModel, table=True):
    __tablename__ = "placement_requests"
    __table_args__ = (sa.Index("ix_placement_requests_state_urgency", "state", "urgency"),)
    __mapper_args__ = {"version_id_col": _request_version}

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True, index=True)
    team_id: int = fk("teams.id", nullable=False)
    created_by_id: int = fk("users.id", nullable=False, index=False)
    worker_id: int | None = fk("users.id")  # who holds it now
    state: RequestState = Field(default=RequestState.LOGGED, sa_column=enum_column(RequestState))
    placement_type: PlacementType = Field(sa_column=enum_column(PlacementType))
    urgency: Urgency = Field(sa_column=enum_column(Urgency))
    needed_from: dt.date
    needed_until: dt.date | None = None

    # Requirements
    needs: frozenset[Specialism] = Field(default_factory=frozenset, sa_column=set_column(Specialism))
    needs_wheelchair_access: bool = Field(default=False)
    near_place_id: int | None = fk("places.id", index=False)  # school or home
    max_distance_km: float | None = None
    no_younger_children: bool = Field(default=False)
    no_other_children: bool = Field(default=False)
    no_pets: bool = Field(default=False)
    no_smokers: bool = Field(default=False)
    language: str = Field(default="", max_length=60)
    religion: str = Field(default="", max_length=60)
    notes: str = Field(default="", sa_type=sa.Text)

    # Outcome when closed unmet or withdrawn
    unmet_needs: frozenset[UnmetNeed] = Field(default_factory=frozenset, sa_column=set_column(UnmetNeed))
    unmet_resolution: UnmetResolution | None = Field(
        default=None, sa_column=enum_column(UnmetResolution, nullable=True)
    )
    closed_reason: str = Field(default="", max_length=1000)

    created_at: dt.datetime = created_at_field()
    state_changed_at: dt.datetime = created_at_field()
    version: int = Field(default=1, sa_column=_request_version)


class RequestChild(SQLModel, table=True):
    """The child, or each child of a sibling group, a request is for."""

    __tablename__ = "request_children"

    request_id: int = Field(foreign_key="placement_requests.id", primary_key=True, ondelete="CASCADE")
    child_id: int = Field(foreign_key="children.id", primary_key=True, index=True)


class RequestTransition(SQLModel, table=True):
    """Every move through the duty process, so timescales are evidenced."""

    __tablename__ = "request_transitions"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = fk("placement_requests.id", nullable=False, ondelete="CASCADE")
    from_state: RequestState | None = Field(default=None, sa_column=enum_column(RequestState, nullable=True))
    to_state: RequestState = Field(sa_column=enum_column(RequestState))
    at: dt.datetime = created_at_field()
    by_user_id: int = fk("users.id", nullable=False, index=False)
    note: str = Field(default="", max_length=2000)


class Search(SQLModel, table=True):
    """A match run saved with the request: who, when, the criteria, and the results."""

    __tablename__ = "searches"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = fk("placement_requests.id")
    run_by_id: int = fk("users.id", nullable=False, index=False)
    run_at: dt.datetime = created_at_field()
    criteria: str = Field(sa_type=sa.Text)  # JSON
    weights: str = Field(default="{}", sa_type=sa.Text)  # JSON, the weights in force
    ranked_count: int = Field(default=0)
    excluded_count: int = Field(default=0)


class SearchResult(SQLModel, table=True):
    """One household's outcome in a saved search: its rank and factors, or the rules that excluded it."""

    __tablename__ = "search_results"
    __table_args__ = (
        sa.Index("ix_search_results_household", "household_id", "search_id"),
        # The ranked rows alone (about one in twenty): the vacancies report and the letter read no others.
        sa.Index("ix_search_results_ranked", "search_id", "rank", sqlite_where=sa.text("rank IS NOT NULL"),
                 postgresql_where=sa.text("rank IS NOT NULL")),
    )

    search_id: int = Field(foreign_key="searches.id", primary_key=True, ondelete="CASCADE")
    household_id: int = Field(foreign_key="households.id", primary_key=True)
    rank: int | None = None  # None when excluded
    score: float | None = None
    reasons: str = Field(sa_type=sa.Text)  # JSON: factors with contributions, or failed rules


class Candidate(SQLModel, table=True):
    """A household considered for a request, and what happened."""

    __tablename__ = "candidates"
    __table_args__ = (sa.UniqueConstraint("request_id", "household_id", name="uq_candidates_request_household"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = fk("placement_requests.id", nullable=False, ondelete="CASCADE")
    household_id: int = fk("households.id", nullable=False)
    search_id: int | None = fk("searches.id", index=False)
    score: float | None = None
    reasons: str = Field(default="[]", sa_type=sa.Text)  # JSON, at the time
    status: CandidateStatus = Field(
        default=CandidateStatus.SHORTLISTED, sa_column=enum_column(CandidateStatus)
    )
    status_reason: str = Field(default="", max_length=1000)
    updated_at: dt.datetime = created_at_field()
    updated_by_id: int = fk("users.id", nullable=False, index=False)


class CandidateContact(SQLModel, table=True):
    """Each attempt to reach a carer about a request, and its outcome."""

    __tablename__ = "candidate_contacts"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = fk("candidates.id", nullable=False, ondelete="CASCADE")
    at: dt.datetime = created_at_field()
    by_user_id: int = fk("users.id", nullable=False, index=False)
    outcome: CandidateStatus = Field(sa_column=enum_column(CandidateStatus))
    note: str = Field(default="", max_length=1000)
    # A correction is a new entry naming the one recorded by mistake; both stay in the timeline.
    supersedes_id: int | None = fk("candidate_contacts.id", index=False)


class Decision(SQLModel, table=True):
    """The outcome of a request and its rationale; immutable once signed off."""

    __tablename__ = "decisions"
    __table_args__ = (sa.Index("ix_decisions_status_proposed", "status", "proposed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = fk("placement_requests.id", nullable=False)
    kind: DecisionKind = Field(sa_column=enum_column(DecisionKind))
    household_id: int | None = fk("households.id", index=False)
    rationale: str = Field(sa_type=sa.Text)
    status: DecisionStatus = Field(default=DecisionStatus.PROPOSED, sa_column=enum_column(DecisionStatus))
    proposed_by_id: int = fk("users.id", nullable=False, index=False)
    proposed_at: dt.datetime = created_at_field()
    outside_terms: bool = Field(default=False)
    exemption_reason: str = Field(default="", max_length=2000)
    # Placed out of hours before sign-off; stays flagged until signed.
    retrospective: bool = Field(default=False)
    signed_off_by_id: int | None = fk("users.id", index=False)
    signed_off_at: dt.datetime | None = ts_field()
    signoff_comment: str = Field(default="", max_length=2000)
    returned_by_id: int | None = fk("users.id", index=False)
    returned_at: dt.datetime | None = ts_field()
    returned_comment: str = Field(default="", max_length=2000)


class DecisionAddendum(SQLModel, table=True):
    """A correction to a signed decision; the decision itself never changes."""

    __tablename__ = "decision_addenda"

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = fk("decisions.id", nullable=False)
    written_by_id: int = fk("users.id", nullable=False, index=False)
    written_at: dt.datetime = created_at_field()
    text: str = Field(sa_type=sa.Text)
