"""Allegations and concerns against a household, with their timeline."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.enums import AllegationEventKind, AllegationOutcome, AllegationStatus, HouseholdStatus
from db.models.base import created_at_field, enum_column, fk, ts_field


class Allegation(SQLModel, table=True):
    __tablename__ = "allegations"
    __table_args__ = (sa.Index("ix_allegations_household_status", "household_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True, index=True)
    household_id: int = fk("households.id", nullable=False, index=False)
    child_id: int | None = fk("children.id", index=False)
    call_id: int | None = fk("calls.id", index=False)
    raised_at: dt.datetime = ts_field(nullable=False)
    raised_by_id: int = fk("users.id", nullable=False, index=False)
    summary: str = Field(sa_type=sa.Text)
    status: AllegationStatus = Field(default=AllegationStatus.OPEN, sa_column=enum_column(AllegationStatus))
    lado_referral_due_at: dt.datetime | None = ts_field()
    lado_referred_at: dt.datetime | None = ts_field()
    strategy_meeting_at: dt.datetime | None = ts_field()
    outcome: AllegationOutcome | None = Field(
        default=None, sa_column=enum_column(AllegationOutcome, nullable=True)
    )
    closed_at: dt.datetime | None = ts_field()
    # What to restore when it closes: the hold is because of this allegation.
    household_status_before: HouseholdStatus | None = Field(
        default=None, sa_column=enum_column(HouseholdStatus, nullable=True)
    )


class AllegationEvent(SQLModel, table=True):
    __tablename__ = "allegation_events"

    id: int | None = Field(default=None, primary_key=True)
    allegation_id: int = fk("allegations.id", nullable=False, ondelete="CASCADE")
    at: dt.datetime = created_at_field()
    by_user_id: int = fk("users.id", nullable=False, index=False)
    kind: AllegationEventKind = Field(sa_column=enum_column(AllegationEventKind))
    text: str = Field(default="", sa_type=sa.Text)
