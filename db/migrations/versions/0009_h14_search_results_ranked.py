"""search results ranked index: the ranked rows of a saved search, without reading its ruled-out ones

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:45:00

The vacancies report and the carer's letter read only the ranked rows of each
request's latest saved search (which household was first, and where it did
better), about one row in twenty: a saved search keeps every household it ruled
out too. A partial index on (search_id, rank) where rank is set lets both stores
reach those rows directly; the ruled-out rows are not in it, so saving a search
costs little more. A plain CREATE INDEX; no table is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("rank IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_search_results_ranked", "search_results", ["search_id", "rank"], unique=False,
                    if_not_exists=True, sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_search_results_ranked", table_name="search_results", if_exists=True)
