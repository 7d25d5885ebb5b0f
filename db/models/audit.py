"""Audit events: who did what to which record, and when.

Each event carries the hash of the one before it, so deleting or editing an
event breaks the chain and ``dutydesk audit verify`` can say where.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.models.base import created_at_field, fk


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = created_at_field()
    user_id: int | None = fk("users.id", index=False)
    username: str = Field(max_length=64)  # kept even if the user row changes
    action: str = Field(max_length=64)  # e.g. "call.logged"
    entity: str = Field(max_length=40)  # table name
    entity_id: str = Field(max_length=40)
    detail: str = Field(default="{}", sa_type=sa.Text)  # JSON
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row: the newest event's hash. Updating it serialises appends on PostgreSQL."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_event_id: int | None = None
    last_hash: str = Field(default="0" * 64, max_length=64)
