"""Placements: a child with a household from a date."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.enums import PlacementEndReason, PlacementType
from db.models.base import created_at_field, enum_column, fk, ts_field


class Placement(SQLModel, table=True):
    __tablename__ = "placements"
    __table_args__ = (
        # Backstop against double booking: one active placement per numbered
        # place. A bug that slips past the conditional UPDATE fails loudly here.
        sa.Index(
            "uq_placements_active_place",
            "household_id",
            "place_number",
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        ),
        sa.Index("ix_placements_child_active", "child_id", "ended_on"),
        # Covers the matching engine's per-household count of placements overlapping the
        # dates (dutydesk.matching.query.overlapping_placements): read in household order
        # from the index alone, never touching the wide placement rows.
        sa.Index("ix_placements_overlap", "household_id", "ended_on", "planned_end_on", "starts_on", "request_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True, index=True)
    child_id: int = fk("children.id", nullable=False, index=False)
    household_id: int = fk("households.id", nullable=False)
    request_id: int | None = fk("placement_requests.id")
    decision_id: int | None = fk("decisions.id", index=False)
    placement_type: PlacementType = Field(sa_column=enum_column(PlacementType))
    place_number: int
    starts_on: dt.date
    planned_end_on: dt.date | None = None
    ended_on: dt.date | None = None
    end_reason: PlacementEndReason | None = Field(
        default=None, sa_column=enum_column(PlacementEndReason, nullable=True)
    )
    end_note: str = Field(default="", max_length=2000)
    outside_terms: bool = Field(default=False)
    exemption_reason: str = Field(default="", max_length=2000)
    emergency: bool = Field(default=False)
    plan_due_on: dt.date | None = None  # placement plan, 5 working days
    # JSON: item -> {"done": bool, "by": ..., "at": ...}
    delegated_authority: str = Field(default="{}", sa_type=sa.Text)
    notifications_due: str = Field(default="[]", sa_type=sa.Text)  # JSON list
    created_by_id: int = fk("users.id", nullable=False, index=False)
    created_at: dt.datetime = created_at_field()
    ended_by_id: int | None = fk("users.id", index=False)
    ended_at: dt.datetime | None = ts_field()
