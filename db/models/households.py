"""Foster carer households, their terms of approval and unavailable periods."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.enums import (
    GenderTerms,
    HouseholdKind,
    HouseholdStatus,
    PlacementType,
    Specialism,
    UnavailableKind,
)
from db.models.base import (
    created_at_field,
    enum_column,
    fk,
    set_column,
    ts_field,
    version_column,
)

_household_version = version_column()


class Household(SQLModel, table=True):
    __tablename__ = "households"
    __table_args__ = (
        sa.Index("ix_households_status_kind", "status", "kind"),
        sa.CheckConstraint("occupied_places >= 0", name="occupied_not_negative"),
        sa.CheckConstraint("age_min <= age_max", name="age_range"),
        sa.CheckConstraint("places_unavailable >= 0", name="places_unavailable_not_negative"),
    )
    __mapper_args__ = {"version_id_col": _household_version}

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True, index=True)
    name: str = Field(max_length=120, index=True)  # e.g. "Akhtar, Samina and Imran"
    kind: HouseholdKind = Field(sa_column=enum_column(HouseholdKind))
    agency: str | None = Field(default=None, max_length=120)  # IFA name
    status: HouseholdStatus = Field(sa_column=enum_column(HouseholdStatus))
    team_id: int | None = fk("teams.id")
    place_id: int | None = fk("places.id")
    postcode: str = Field(default="", max_length=10)
    phone: str = Field(default="", max_length=32)
    supervising_social_worker: str = Field(default="", max_length=120)

    # Terms of approval
    age_min: int = Field(default=0)
    age_max: int = Field(default=17)
    places: int = Field(default=1)  # number of children approved for
    gender_terms: GenderTerms = Field(
        default=GenderTerms.ANY, sa_column=enum_column(GenderTerms)
    )
    placement_types: frozenset[PlacementType] = Field(
        default_factory=frozenset, sa_column=set_column(PlacementType)
    )
    specialisms: frozenset[Specialism] = Field(
        default_factory=frozenset, sa_column=set_column(Specialism)
    )

    # Household facts
    bedrooms: int = Field(default=1)
    pets: bool = Field(default=False)
    smoker: bool = Field(default=False)
    other_children_ages: str = Field(default="", max_length=64)  # "3,7"
    languages: str = Field(default="english", max_length=200)  # lower case, comma separated
    religion: str = Field(default="", max_length=60)
    ethnicity: str = Field(default="", max_length=60)
    wheelchair_access: bool = Field(default=False)

    # Dates
    approved_on: dt.date | None = None
    # A connected person's temporary approval ends here unless extended once.
    approval_expires_on: dt.date | None = None
    approval_extended: bool = Field(default=False)
    # The fostering panel that approved the current terms (when they were last varied).
    terms_approved_on: dt.date | None = None
    # The child a connected person came forward for: matching offers the household for that child only.
    connected_child_id: int | None = fk("children.id", index=False)
    annual_review_due: dt.date | None = None
    dbs_expires_on: dt.date | None = None

    # Places filled now; moved only by a conditional UPDATE so two workers can
    # never fill the same last place (see PITFALLS.md, double booking).
    occupied_places: int = Field(default=0)
    # Declared places "not available" (a bedroom being decorated): taken off the free
    # places for any dates up to and including ``places_unavailable_until``.
    places_unavailable: int = Field(default=0, sa_column=sa.Column(
        sa.Integer, nullable=False, server_default="0"))
    places_unavailable_reason: str | None = Field(default=None, max_length=500)
    places_unavailable_until: dt.date | None = None
    vacant_since: dt.date | None = None  # when a place last became free
    status_changed_at: dt.datetime | None = ts_field()
    # When and why the household left the register (resigned or de-registered); cleared if it returns.
    # Its placements, searches and allegations stay: nothing in the desk deletes them.
    left_on: dt.date | None = None
    left_reason: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = created_at_field()
    version: int = Field(default=1, sa_column=_household_version)

    @property
    def other_children(self) -> list[int]:
        return [int(a) for a in self.other_children_ages.split(",") if a.strip()]

    @property
    def language_list(self) -> list[str]:
        return [x.strip() for x in self.languages.split(",") if x.strip()]


class UnavailablePeriod(SQLModel, table=True):
    """Declared breaks, holidays and holds, during which a household takes no child."""

    __tablename__ = "unavailable_periods"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="period_order"),)

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = fk("households.id", nullable=False, ondelete="CASCADE")
    kind: UnavailableKind = Field(sa_column=enum_column(UnavailableKind))
    starts_on: dt.date
    ends_on: dt.date
    reason: str = Field(default="", max_length=500)
    created_by_id: int | None = fk("users.id", index=False)
    created_at: dt.datetime = created_at_field()


