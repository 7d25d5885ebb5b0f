"""placements overlap index: covers the matching engine's count of placements overlapping the dates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:27:24

The per-household count of placements holding a place during the dates
(dutydesk.matching.engine.overlapping_placements) reads household_id,
ended_on, planned_end_on, starts_on and request_id only: with them in one
index, in household order, the database reads the index alone instead of
every (wide) placement row. A plain CREATE INDEX on both stores; no table
is rebuilt. IF NOT EXISTS, like 0002: a 0001 regenerated from today's models
(before release) already holds the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["household_id", "ended_on", "planned_end_on", "starts_on", "request_id"]


def upgrade() -> None:
    op.create_index("ix_placements_overlap", "placements", COLUMNS, unique=False, if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_placements_overlap", table_name="placements", if_exists=True)
