"""households: declared places not available (how many, why, until when); the child a connected person came forward for; one household per reference whatever its case

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:40:00

Adds three columns with server defaults (existing rows: no places held back) and
a unique index on lower(trim(reference)). A store already holding two references
that differ only in case or spaces cannot take the index: the upgrade stops and
names them, so a manager can rename one first.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_households_reference_key"
# Frozen copy of db.call_search's vacancy index: SQLite's batch mode rebuilds the table
# (for the check constraint) and drops expression indexes with it.
VACANCY = ("CREATE INDEX IF NOT EXISTS ix_households_vacancy ON households (vacant_since, id, "
           "(places - occupied_places)) WHERE status = 'approved' AND occupied_places < places")


def upgrade() -> None:
    bind = op.get_bind()
    clash = bind.execute(sa.text(
        "SELECT lower(trim(reference)) AS k, count(*) FROM households GROUP BY lower(trim(reference)) "
        "HAVING count(*) > 1 ORDER BY 1 LIMIT 5")).all()
    if clash:
        names = ", ".join(k for k, _n in clash)
        raise RuntimeError(f"These household references appear more than once when case and spaces are ignored: "
                           f"{names}. Rename one of each (dutydesk households edit) and upgrade again.")
    # A 0001 regenerated from today's models (before release) already has the columns.
    have = {c["name"] for c in sa.inspect(bind).get_columns("households")}
    if "places_unavailable" in have:
        op.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON households (lower(trim(reference)))")
        return
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("places_unavailable", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("places_unavailable_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("places_unavailable_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("connected_child_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_households_connected_child_id_children", "children",
                                    ["connected_child_id"], ["id"])
        batch_op.create_check_constraint("places_unavailable_not_negative", "places_unavailable >= 0")
    op.execute(VACANCY)
    op.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON households (lower(trim(reference)))")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_constraint("places_unavailable_not_negative", type_="check")
        batch_op.drop_constraint("fk_households_connected_child_id_children", type_="foreignkey")
        batch_op.drop_column("connected_child_id")
        batch_op.drop_column("places_unavailable_until")
        batch_op.drop_column("places_unavailable_reason")
        batch_op.drop_column("places_unavailable")
    op.execute(VACANCY)
