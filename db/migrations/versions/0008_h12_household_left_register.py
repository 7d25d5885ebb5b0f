"""households: when and why a household left the register (resigned or de-registered); the panel date of its terms

The status ``deregistered`` needs no change to the schema: statuses are stored
as plain strings without a CHECK constraint.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A 0001 regenerated from today's models (before release) already has the columns.
    if "left_on" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("households")}:
        return
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column("terms_approved_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("terms_approved_on")
        batch_op.drop_column("left_reason")
        batch_op.drop_column("left_on")
