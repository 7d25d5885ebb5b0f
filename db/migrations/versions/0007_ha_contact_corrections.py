"""contact corrections: a contact entry may supersede one recorded by mistake

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidate_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_candidate_contacts_supersedes_id_candidate_contacts"),
                                    "candidate_contacts", ["supersedes_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("candidate_contacts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_candidate_contacts_supersedes_id_candidate_contacts"),
                                 type_="foreignkey")
        batch_op.drop_column("supersedes_id")
