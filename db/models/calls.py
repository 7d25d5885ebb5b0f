"""Calls, callbacks, handover notes and form drafts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.enums import CallbackStatus, CallCategory, CallDirection, CallerType
from db.models.base import created_at_field, enum_column, fk, ts_field


class Call(SQLModel, table=True):
    __tablename__ = "calls"
    __table_args__ = (sa.Index("ix_calls_team_received", "team_id", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    received_at: dt.datetime = ts_field(nullable=False, index=True)
    direction: CallDirection = Field(
        default=CallDirection.INCOMING, sa_column=enum_column(CallDirection)
    )
    taken_by_id: int = fk("users.id", nullable=False)
    team_id: int = fk("teams.id", nullable=False, index=False)
    caller_type: CallerType = Field(sa_column=enum_column(CallerType, index=True))
    caller_name: str = Field(default="", max_length=120)
    caller_phone: str = Field(default="", max_length=32)
    category: CallCategory = Field(sa_column=enum_column(CallCategory, index=True))
    child_id: int | None = fk("children.id")
    household_id: int | None = fk("households.id")
    request_id: int | None = fk("placement_requests.id")
    placement_id: int | None = fk("placements.id")
    summary: str = Field(max_length=500)
    notes: str = Field(default="", sa_type=sa.Text)
    created_at: dt.datetime = created_at_field()


class Callback(SQLModel, table=True):
    """Something due at a time, for a worker or a team."""

    __tablename__ = "callbacks"
    __table_args__ = (sa.Index("ix_callbacks_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    due_at: dt.datetime = ts_field(nullable=False)
    team_id: int = fk("teams.id", nullable=False)
    assigned_to_id: int | None = fk("users.id")
    call_id: int | None = fk("calls.id")
    request_id: int | None = fk("placement_requests.id")
    household_id: int | None = fk("households.id", index=False)
    summary: str = Field(max_length=500)
    status: CallbackStatus = Field(default=CallbackStatus.OPEN, sa_column=enum_column(CallbackStatus))
    snooze_reason: str = Field(default="", max_length=500)
    snooze_count: int = Field(default=0)
    done_at: dt.datetime | None = ts_field()
    done_by_id: int | None = fk("users.id", index=False)
    created_by_id: int = fk("users.id", nullable=False, index=False)
    created_at: dt.datetime = created_at_field()


class HandoverNote(SQLModel, table=True):
    """What the next shift must know, written by the shift that is ending."""

    __tablename__ = "handover_notes"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = fk("teams.id", nullable=False)
    to_team_id: int | None = fk("teams.id", index=False)
    written_by_id: int = fk("users.id", nullable=False, index=False)
    written_at: dt.datetime = ts_field(nullable=False, index=True)
    body: str = Field(sa_type=sa.Text)


class Draft(SQLModel, table=True):
    """A half-typed form, saved as the worker types, restored after a dropped session."""

    __tablename__ = "drafts"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_drafts_user_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)
    kind: str = Field(max_length=32)  # which form, e.g. "call"
    payload: str = Field(sa_type=sa.Text)  # JSON of the form's fields
    updated_at: dt.datetime = created_at_field()
