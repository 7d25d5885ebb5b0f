"""Full-text search over calls (summary and notes), for SQLite and PostgreSQL.

SQLite: an FTS5 table ``calls_fts`` with external content (``content='calls'``)
kept in step by triggers, porter stemming over unicode61. PostgreSQL: a GIN
index on a ``to_tsvector('english', ...)`` expression; queries must use the
very same expression (``PG_VECTOR``) so the planner uses the index.

User text never reaches the query syntax: ``match_terms`` keeps only word
characters, and each term is quoted (SQLite) or a bare lexeme (PostgreSQL), so
``O'Brien [Jr]`` or ``"unbalanced`` search plainly and never raise.

The migration 0002 holds a frozen copy of this SQL; change both together.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

FTS_TABLE = "calls_fts"
PG_INDEX = "ix_calls_search"
PG_VECTOR = "to_tsvector('english', coalesce(calls.summary, '') || ' ' || coalesce(calls.notes, ''))"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        summary, notes, content='calls', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    f"""CREATE TRIGGER IF NOT EXISTS calls_fts_ai AFTER INSERT ON calls BEGIN
        INSERT INTO {FTS_TABLE}(rowid, summary, notes) VALUES (new.id, new.summary, new.notes);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS calls_fts_ad AFTER DELETE ON calls BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, summary, notes) VALUES ('delete', old.id, old.summary, old.notes);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS calls_fts_au AFTER UPDATE OF summary, notes ON calls BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, summary, notes) VALUES ('delete', old.id, old.summary, old.notes);
        INSERT INTO {FTS_TABLE}(rowid, summary, notes) VALUES (new.id, new.summary, new.notes);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS calls_fts_au",
    "DROP TRIGGER IF EXISTS calls_fts_ad",
    "DROP TRIGGER IF EXISTS calls_fts_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_CREATE = [
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON calls USING gin "
    "((to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(notes, ''))))",
]
PG_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


# The dashboard's vacancy figures (count, free places, longest waiting) on a
# 50,000-household store: a partial index over households with a free place.
# It holds an expression, so model/migration comparisons skip it (it is not a
# model index); queries must repeat VACANCY_WHERE literally for it to apply.
VACANCY_INDEX = "ix_households_vacancy"
VACANCY_WHERE = "households.status = 'approved' AND households.occupied_places < households.places"
VACANCY_CREATE = [
    f"CREATE INDEX IF NOT EXISTS {VACANCY_INDEX} ON households (vacant_since, id, (places - occupied_places)) "
    "WHERE status = 'approved' AND occupied_places < places",
]
VACANCY_DROP = [f"DROP INDEX IF EXISTS {VACANCY_INDEX}"]


def vacancy_create(conn: sa.Connection) -> None:
    for sql in VACANCY_CREATE:
        conn.exec_driver_sql(sql)


def vacancy_drop(conn: sa.Connection) -> None:
    for sql in VACANCY_DROP:
        conn.exec_driver_sql(sql)


def statements(dialect: str, *, drop: bool = False) -> list[str]:
    if dialect == "sqlite":
        return SQLITE_DROP if drop else SQLITE_CREATE
    if dialect == "postgresql":
        return PG_DROP if drop else PG_CREATE
    return []  # other stores search with LIKE (see calls.search_clause)


def create(conn: sa.Connection) -> None:
    for sql in statements(conn.dialect.name):
        conn.exec_driver_sql(sql)


def drop(conn: sa.Connection) -> None:
    for sql in statements(conn.dialect.name, drop=True):
        conn.exec_driver_sql(sql)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 12


def match_terms(text: str | None) -> list[str]:
    """The words of a user's search, lower-cased, at most ``MAX_TERMS``; punctuation and syntax dropped."""
    return [w.lower() for w in _WORD.findall(text or "")][:MAX_TERMS]


def sqlite_match(terms: list[str]) -> str:
    """An FTS5 MATCH string: every term quoted and prefix-matched, all required."""
    return " ".join(f'"{t}"*' for t in terms)


def pg_tsquery(terms: list[str]) -> str:
    """A ``to_tsquery`` string: every term a prefix lexeme, all required (terms are word characters only)."""
    return " & ".join(f"{t}:*" for t in terms)


def search_clause(dialect: str, text: str | None) -> sa.ColumnElement[bool] | None:
    """A WHERE clause on ``calls`` for a user's search text, or None when it has no words."""
    terms = match_terms(text)
    if not terms:
        return None
    if dialect == "sqlite":
        return sa.text(f"calls.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_q)").bindparams(
            fts_q=sqlite_match(terms)
        )
    if dialect == "postgresql":
        return sa.text(f"{PG_VECTOR} @@ to_tsquery('english', :fts_q)").bindparams(fts_q=pg_tsquery(terms))
    like = sa.and_(*[sa.text("lower(calls.summary || ' ' || calls.notes) LIKE :t%d" % i).bindparams(
        **{f"t{i}": f"%{t}%"}) for i, t in enumerate(terms)])
    return like
