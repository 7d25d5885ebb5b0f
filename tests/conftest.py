"""Shared fixtures: a fresh store per test, on SQLite and (when given) PostgreSQL.

Set ``DUTYDESK_TEST_DATABASE_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run the storage tests
on PostgreSQL as well; each test gets its own schema there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from db.engine import Database
from db.enums import Role
from db.models import Team, User
from db.schema import create_schema
from dutydesk import clock
from dutydesk.access.identity import TEST_SETTING, Actor, actor_for

PG_ENV = "DUTYDESK_TEST_DATABASE_URL"
PG_SKIP = f"PostgreSQL tests skipped: set {PG_ENV} to a postgresql+psycopg:// URL to run them"


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose connections use a private, throw-away schema."""
    base = pg_url()
    if not base:
        pytest.skip(PG_SKIP)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    """An empty store's URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture(autouse=True)
def test_clock() -> Iterator[None]:
    """Tests may fix the clock with DUTYDESK_NOW even when they call services without signing in.

    A real store never honours it: signing in to one turns this off again
    (``dutydesk.access.identity.sign_in``).
    """
    clock.trust_environment(True)
    yield
    clock.trust_environment(False)


def mark_test_store(db: Database) -> None:
    """Make ``db`` a test store: DUTYDESK_USER, DUTYDESK_NOW and --as are honoured on it, as on a demo."""
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": TEST_SETTING})
        conn.execute(sa.text("INSERT INTO settings (key, value) VALUES (:k, 'true')"), {"k": TEST_SETTING})


def make_real_store(db: Database) -> None:
    """Undo ``mark_test_store``: the store then behaves as a real one (no DUTYDESK_USER, NOW or --as)."""
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": TEST_SETTING})


def mark_test_url(url: str) -> None:
    db = Database(url)
    try:
        mark_test_store(db)
    finally:
        db.dispose()


@pytest.fixture
def database(store_url) -> Iterator[Database]:
    """A test store with the current schema, on each backend."""
    d = Database(store_url)
    create_schema(d)
    mark_test_store(d)
    yield d
    d.dispose()


@pytest.fixture
def sqlite_database(sqlite_url) -> Iterator[Database]:
    d = Database(sqlite_url)
    create_schema(d)
    mark_test_store(d)
    yield d
    d.dispose()


def add_user(db: Database, username: str, role: Role, team_code: str = "EAST") -> Actor:
    with db.write() as s:
        team = s.exec(sa.select(Team).where(Team.code == team_code)).scalar_one_or_none()
        if team is None:
            team = Team(code=team_code, name=f"{team_code.title()} duty team")
            s.add(team)
            s.flush()
        s.add(User(username=username, full_name=username.title(), role=role, team_id=team.id))
    return actor_for(db, username)


@pytest.fixture
def people(database):
    """One user of each role in the East team (and an out-of-hours worker)."""
    return {
        "worker": add_user(database, "dana", Role.DUTY_WORKER),
        "worker2": add_user(database, "wes", Role.DUTY_WORKER, "WEST"),
        "ooh": add_user(database, "oliver", Role.DUTY_WORKER, "OOH"),
        "manager": add_user(database, "maya", Role.MANAGER),
        "manager2": add_user(database, "mark", Role.MANAGER),
        "admin": add_user(database, "ada", Role.ADMIN),
        "viewer": add_user(database, "vic", Role.VIEWER),
    }
