"""call search: full-text search over calls' summary and notes; the dashboard's vacancy index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:30:00

A frozen copy of db/call_search.py's SQL at this revision: later changes to
that module must not change what this revision does.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS calls_fts USING fts5(
        summary, notes, content='calls', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER IF NOT EXISTS calls_fts_ai AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts(rowid, summary, notes) VALUES (new.id, new.summary, new.notes);
    END""",
    """CREATE TRIGGER IF NOT EXISTS calls_fts_ad AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts(calls_fts, rowid, summary, notes) VALUES ('delete', old.id, old.summary, old.notes);
    END""",
    """CREATE TRIGGER IF NOT EXISTS calls_fts_au AFTER UPDATE OF summary, notes ON calls BEGIN
        INSERT INTO calls_fts(calls_fts, rowid, summary, notes) VALUES ('delete', old.id, old.summary, old.notes);
        INSERT INTO calls_fts(rowid, summary, notes) VALUES (new.id, new.summary, new.notes);
    END""",
    # Index the calls already in the store.
    "INSERT INTO calls_fts(calls_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS calls_fts_au",
    "DROP TRIGGER IF EXISTS calls_fts_ad",
    "DROP TRIGGER IF EXISTS calls_fts_ai",
    "DROP TABLE IF EXISTS calls_fts",
]
PG_UP = [
    "CREATE INDEX IF NOT EXISTS ix_calls_search ON calls USING gin "
    "((to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(notes, ''))))",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_calls_search"]
# Both stores: households with a free place, for the dashboard's vacancy figures.
VACANCY_UP = [
    "CREATE INDEX IF NOT EXISTS ix_households_vacancy ON households (vacant_since, id, (places - occupied_places)) "
    "WHERE status = 'approved' AND occupied_places < places",
]
VACANCY_DOWN = ["DROP INDEX IF EXISTS ix_households_vacancy"]


def _run(statements: dict[str, list[str]]) -> None:
    bind = op.get_bind()
    for sql in statements.get(bind.dialect.name, []):
        op.execute(sql)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP + VACANCY_UP, "postgresql": PG_UP + VACANCY_UP})


def downgrade() -> None:
    _run({"sqlite": VACANCY_DOWN + SQLITE_DOWN, "postgresql": VACANCY_DOWN + PG_DOWN})
