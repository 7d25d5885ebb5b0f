"""Allegations and concerns against a household, with their timeline."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.enums import (
    AllegationCategory,
    AllegationEventKind,
    AllegationOutcome,
    AllegationStatus,
    AllegationStep,
    HouseholdStatus,
    SafetyDecision,
)
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
    category: AllegationCategory = Field(
        default=AllegationCategory.HARM,
        sa_column=enum_column(AllegationCategory, server_default=AllegationCategory.HARM.value),
    )
    said_by: str | None = Field(default="", sa_type=sa.Text)
    # The text columns below are NULL on rows older than them (revision 0005).
    # Who has been told: AllegationParty values, comma-separated in the enum's order.
    told: str | None = Field(default="", max_length=120)
    # The hold is in force (an allegation of harm, until a manager lifts it or it closes).
    # Rows made before the hold had its own column were all holds, hence the default.
    on_hold: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true()))
    hold_lifted_at: dt.datetime | None = ts_field()
    hold_lifted_by_id: int | None = fk("users.id", index=False)
    hold_decision: str | None = Field(default="", sa_type=sa.Text)
    carers_told_at: dt.datetime | None = ts_field()
    carers_support: str | None = Field(default="", sa_type=sa.Text)
    outcome_on: dt.date | None = None
    outcome_rationale: str | None = Field(default="", sa_type=sa.Text)
    approval_review_needed: bool | None = None
    approval_review_on: dt.date | None = None
    closed_by_id: int | None = fk("users.id", index=False)


class AllegationEvent(SQLModel, table=True):
    __tablename__ = "allegation_events"

    id: int | None = Field(default=None, primary_key=True)
    allegation_id: int = fk("allegations.id", nullable=False, ondelete="CASCADE")
    at: dt.datetime = created_at_field()
    by_user_id: int = fk("users.id", nullable=False, index=False)
    kind: AllegationEventKind = Field(sa_column=enum_column(AllegationEventKind))
    text: str = Field(default="", sa_type=sa.Text)


class AllegationChild(SQLModel, table=True):
    """A child an allegation concerns, or a child placed in the household when it was raised
    (those have an initial safety decision with its reason)."""

    __tablename__ = "allegation_children"
    __table_args__ = (sa.UniqueConstraint("allegation_id", "child_id"),)

    id: int | None = Field(default=None, primary_key=True)
    allegation_id: int = fk("allegations.id", nullable=False, ondelete="CASCADE", index=False)
    child_id: int = fk("children.id", nullable=False)
    concerned: bool = False
    placed: bool = False
    safety: SafetyDecision | None = Field(default=None, sa_column=enum_column(SafetyDecision, nullable=True))
    safety_reason: str = Field(default="", sa_type=sa.Text)


class AllegationStepDue(SQLModel, table=True):
    """One step of the timeline: when it is due (working days) and when it was done, by whom."""

    __tablename__ = "allegation_steps"
    __table_args__ = (
        sa.UniqueConstraint("allegation_id", "kind", "seq"),
        sa.Index("ix_allegation_steps_open_due", "done_at", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    allegation_id: int = fk("allegations.id", nullable=False, ondelete="CASCADE", index=False)
    kind: AllegationStep = Field(sa_column=enum_column(AllegationStep))
    seq: int = 1  # monthly reviews count up
    due_on: dt.date
    done_at: dt.datetime | None = ts_field()
    done_by_id: int | None = fk("users.id", index=False)
    note: str = Field(default="", sa_type=sa.Text)
    delay_reason: str = Field(default="", sa_type=sa.Text)
