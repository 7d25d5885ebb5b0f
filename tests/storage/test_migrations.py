"""Alembic owns the schema: the migrations build exactly the models, on SQLite and PostgreSQL.

Every store test runs on both backends (``store_url``); PostgreSQL ones skip
unless DUTYDESK_TEST_DATABASE_URL is set, and then each gets a private schema.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import stat
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from db import migrate, revisions
from run_helpers import run_cli
from db.backup import BackupError
from db.engine import Database, sqlite_path
from db.schema import create_schema
from dutydesk.cli.context import CliContext
from dutydesk.errors import SchemaMismatch

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_db(store_url):
    d = Database(store_url)
    yield d
    d.dispose()


def oldest() -> str:
    return migrate.known_revisions()[0]


# ---------------------------------------------------------------- the revision chain


def test_revision_files_form_one_line_starting_at_0001():
    script = migrate.script_directory()
    assert script.get_heads() == [migrate.head_revision()]
    chain = [s.revision for s in reversed(list(script.walk_revisions()))]
    assert chain == migrate.known_revisions()  # file names and Alembic agree
    assert chain[0] == "0001"
    assert script.get_revision("0001").down_revision is None
    for rev in chain:
        path = Path(script.get_revision(rev).path)
        assert path.name.startswith(f"{rev}_"), path.name


def test_migrations_are_packaged():
    """An installed copy needs env.py, the template and every revision (not only an editable checkout)."""
    import fnmatch
    import tomllib

    from setuptools import find_packages

    cfg = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = find_packages(str(REPO), include=cfg["tool"]["setuptools"]["packages"]["find"]["include"])
    assert {"db.migrations", "db.migrations.versions"} <= set(packages)
    globs = cfg["tool"]["setuptools"]["package-data"]["db"]
    assert any(fnmatch.fnmatch("migrations/script.py.mako", g) for g in globs)
    assert "import sqlmodel" in (REPO / "db/migrations/script.py.mako").read_text()


def test_revisions_do_not_import_model_code():
    """Old revisions must keep working when the models change."""
    for path in (REPO / "db/migrations/versions").glob("[0-9]*.py"):
        text = path.read_text()
        assert "db.models" not in text and "from db" not in text, path.name


# ---------------------------------------------------------------- models == migrations


def test_upgrade_on_an_empty_store_builds_exactly_the_models(empty_db):
    assert migrate.differences(empty_db), "the comparison should see an empty store as different"
    result = migrate.upgrade(empty_db)
    assert (result.before, result.after, result.backup) == (None, migrate.head_revision(), None)
    assert migrate.differences(empty_db) == []
    migrate.ensure_current(empty_db)


def test_the_comparison_notices_drift(empty_db):
    migrate.upgrade(empty_db)
    with empty_db.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_teams_code")
        conn.exec_driver_sql("ALTER TABLE teams ADD COLUMN stray INTEGER")
    kinds = {d[0] if isinstance(d, tuple) else d[0][0] for d in migrate.differences(empty_db)}
    assert {"add_index", "remove_column"} <= kinds


def _objects(db: Database) -> set[tuple[str, str]]:
    with db.engine.connect() as conn:
        if db.is_sqlite:
            rows = conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).all()
        else:
            rows = conn.exec_driver_sql(
                "SELECT 'index', indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "UNION ALL SELECT 'table', tablename FROM pg_tables WHERE schemaname = current_schema() "
                # The reference counters (db.references); serial sequences follow their tables.
                "UNION ALL SELECT 'sequence', sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                "AND starts_with(sequencename, 'ref_')"
            ).all()
    return {(t, n) for t, n in rows}


def test_create_schema_and_migrations_agree(empty_db):
    """Tests build stores with create_schema; it must equal what upgrades produce, extra DDL included."""
    from db.references import COUNTER_TABLE, COUNTERS

    create_schema(empty_db)
    built = _objects(empty_db)
    counters = {("table", COUNTER_TABLE)} if empty_db.is_sqlite else {("sequence", c.sequence) for c in COUNTERS.values()}
    assert counters <= built
    assert migrate.differences(empty_db) == []
    assert migrate.current_revision(empty_db) == migrate.head_revision()
    migrate.downgrade_to(empty_db, "base")
    assert migrate.desk_tables(empty_db) == []
    migrate.upgrade(empty_db)
    assert _objects(empty_db) == built


def test_downgrade_to_base_and_up_again(empty_db):
    migrate.upgrade(empty_db)
    migrate.downgrade_to(empty_db, "base")
    assert migrate.desk_tables(empty_db) == []
    assert migrate.current_revision(empty_db) is None
    migrate.upgrade(empty_db)
    assert migrate.differences(empty_db) == []


def test_each_revision_steps_down_and_up(empty_db):
    revisions = migrate.known_revisions()
    for previous, rev in zip(["base", *revisions], revisions, strict=False):
        migrate.upgrade_to(empty_db, rev)
        migrate.downgrade_to(empty_db, previous)
        migrate.upgrade_to(empty_db, rev)
        assert migrate.current_revision(empty_db) == rev
    assert migrate.differences(empty_db) == []


# ---------------------------------------------------------------- data survives upgrades


def _filler(col: sa.Column) -> Any:
    """A value for a NOT NULL column the test does not care about."""
    py = col.type.python_type if not isinstance(col.type, sa.types.NullType) else str
    return {int: 0, bool: False, float: 0.0, str: "x", dt.date: dt.date(2026, 1, 1),
            dt.datetime: dt.datetime(2026, 1, 1, 9, 0)}.get(py, "x")


def insert(conn: sa.Connection, table: str, **values: Any) -> int:
    """Insert a row as the store's *current* tables allow (reflected, not the models)."""
    t = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for col in t.columns:
        if col.name in row or col.nullable or col.server_default is not None or col.primary_key:
            continue
        row[col.name] = _filler(col)
    return conn.execute(t.insert().values(**row)).inserted_primary_key[0]


def seed(db: Database) -> dict[str, int]:
    """A team, a user, a household with an unavailable period (ON DELETE CASCADE), a call."""
    with db.engine.begin() as conn:
        team = insert(conn, "teams", code="EAST", name="East duty team", out_of_hours=False)
        user = insert(conn, "users", username="o'brien", full_name="O'Brien [Jr]", role="duty_worker",
                      team_id=team, active=True)
        household = insert(conn, "households", reference="HH-1", name="Ann [/]", kind="in_house",
                           status="approved", team_id=team)
        period = insert(conn, "unavailable_periods", household_id=household, kind="holiday",
                        starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 8), reason="Christmas")
        call = insert(conn, "calls", summary="police protection, Margate", notes="needs a bed tonight",
                      taken_by_id=user, team_id=team, direction="incoming", caller_type="police",
                      category="placement_request")
    return {"teams": team, "users": user, "households": household, "unavailable_periods": period,
            "calls": call}


def snapshot(conn: Any) -> dict[str, list[tuple]]:
    """What the seeded rows hold (works on a SQLAlchemy or a sqlite3 connection)."""
    queries = {
        "teams": "SELECT id, code, name FROM teams ORDER BY id",
        "users": "SELECT id, username, full_name, role FROM users ORDER BY id",
        "households": "SELECT id, reference, name FROM households ORDER BY id",
        "unavailable_periods": "SELECT id, household_id, reason FROM unavailable_periods ORDER BY id",
        "calls": "SELECT id, summary, notes FROM calls ORDER BY id",
    }
    run = conn.exec_driver_sql if hasattr(conn, "exec_driver_sql") else conn.execute
    return {name: [tuple(r) for r in run(q).fetchall()] for name, q in queries.items()}


def test_upgrade_from_the_oldest_revision_keeps_the_data(empty_db, tmp_path):
    start, head = oldest(), migrate.head_revision()
    if start == head:
        pytest.skip("only one revision so far: nothing older to upgrade from")
    migrate.upgrade_to(empty_db, start)
    seed(empty_db)
    with empty_db.engine.connect() as conn:
        before = snapshot(conn)
    assert all(before.values())

    result = migrate.upgrade(empty_db, backup_dir=tmp_path / "backups")

    assert (result.before, result.after) == (start, head)
    with empty_db.engine.connect() as conn:
        assert snapshot(conn) == before
    assert migrate.differences(empty_db) == []
    if empty_db.is_sqlite:
        assert result.backup is not None and result.backup.parent == tmp_path / "backups"
        assert stat.S_IMODE(result.backup.stat().st_mode) == 0o600
        copy = sqlite3.connect(result.backup)
        try:
            assert snapshot(copy) == before
            assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(start,)]
        finally:
            copy.close()
    else:
        assert result.backup is None  # PostgreSQL: pg_dump is the DBA's job


def test_upgrade_to_0004_starts_each_counter_after_the_references_already_made(empty_db):
    """max+1 made the references before 0004: the counters carry on from the highest, on both stores."""
    from dutydesk.references import Kind, next_reference

    migrate.upgrade_to(empty_db, "0003")
    ids = seed(empty_db)
    with empty_db.engine.begin() as conn:
        kids = [insert(conn, "children", case_reference=ref, first_name="Kid", date_of_birth=dt.date(2016, 1, 1))
                for ref in ("TEMP-2025-00031", "TEMP-2026-00007", "CR1234567")]
        for ref in ("REQ-2025-00412", "REQ-2026-00009"):
            insert(conn, "placement_requests", reference=ref, team_id=ids["teams"], created_by_id=ids["users"],
                   worker_id=ids["users"])
        insert(conn, "placements", reference="PL-2026-00005", child_id=kids[0], household_id=ids["households"],
               created_by_id=ids["users"], place_number=1)
        insert(conn, "allegations", reference="AL-S09", household_id=ids["households"], raised_by_id=ids["users"])
    migrate.upgrade(empty_db)
    assert migrate.differences(empty_db) == []
    with empty_db.write() as s:
        assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00413"
        assert next_reference(s, Kind.PLACEMENT, 2026) == "PL-2026-00006"
        assert next_reference(s, Kind.TEMP_CHILD, 2026) == "TEMP-2026-00032"
        assert next_reference(s, Kind.ALLEGATION, 2026) == "AL-2026-00001"
    migrate.downgrade_to(empty_db, "0003")  # and back: the counters go, the rows stay
    with empty_db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM placement_requests").scalar_one() == 2
    migrate.upgrade(empty_db)
    with empty_db.write() as s:
        assert next_reference(s, Kind.REQUEST, 2026) == "REQ-2026-00413"


def _script_dir_with(tmp_path: Path, body: str, rev: str = "9001") -> Path:
    """A copy of the migrations with one extra revision on top of the head."""
    location = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / f"{rev}_trial.py").write_text(
        textwrap.dedent(f'''
            import sqlalchemy as sa
            from alembic import op

            revision = "{rev}"
            down_revision = "{migrate.head_revision()}"
            branch_labels = None
            depends_on = None
        ''') + textwrap.dedent(body)
    )
    return location


RECREATE_HOUSEHOLDS = '''
def _recreate():
    # On SQLite copy the table, as any change beyond ADD COLUMN does; PostgreSQL alters in place.
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade():
    with op.batch_alter_table("households", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("trial_note", sa.String(40), nullable=True))


def downgrade():
    with op.batch_alter_table("households", recreate=_recreate()) as batch:
        batch.drop_column("trial_note")
'''


def test_recreating_a_parent_table_keeps_its_cascade_children(store_url, tmp_path):
    """With foreign keys on, SQLite's table copy would delete every ON DELETE CASCADE child."""
    db = Database(store_url)
    migrate.upgrade(db)
    ids = seed(db)
    with db.engine.connect() as conn:
        before = snapshot(conn)
    location = _script_dir_with(tmp_path, RECREATE_HOUSEHOLDS)

    result = migrate.upgrade(db, tmp_path / "backups", script_location=location)

    assert result.after == "9001"
    with db.engine.connect() as conn:
        assert snapshot(conn) == before
        assert conn.exec_driver_sql("SELECT count(*) FROM unavailable_periods WHERE household_id = "
                                    f"{ids['households']}").scalar_one() == 1
        if db.is_sqlite:  # the guard is back on for the pooled connections
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    assert (result.backup is not None) == db.is_sqlite
    migrate.downgrade_to(db, migrate.head_revision(), script_location=location)
    with db.engine.connect() as conn:
        assert snapshot(conn) == before
    db.dispose()


BREAKS_A_REFERENCE = '''
def upgrade():
    op.execute("INSERT INTO teams (id, code, name, out_of_hours) VALUES (77, 'TMP', 'Temporary', false)")
    with op.batch_alter_table("households", recreate="always") as batch:
        batch.add_column(sa.Column("trial_note", sa.String(40), nullable=True))
    op.execute("UPDATE households SET team_id = 77")
    op.execute("DELETE FROM teams WHERE id = 77")


def downgrade():
    pass
'''


def test_a_migration_that_breaks_a_reference_rolls_back_whole(sqlite_url, tmp_path):
    db = Database(sqlite_url)
    migrate.upgrade(db)
    seed(db)
    location = _script_dir_with(tmp_path, BREAKS_A_REFERENCE)
    with pytest.raises(migrate.MigrationFailed, match="broken references"):
        migrate.upgrade(db, tmp_path / "backups", script_location=location)
    assert migrate.current_revision(db) == migrate.head_revision()
    with db.engine.connect() as conn:
        cols = [c["name"] for c in sa.inspect(conn).get_columns("households")]
        assert "trial_note" not in cols
        assert conn.exec_driver_sql("SELECT count(*) FROM teams WHERE id = 77").scalar_one() == 0
    db.dispose()


# ---------------------------------------------------------------- refusing the wrong schema


def _desk_message(db: Database, db_value: str | None = None) -> str:
    cli = CliContext(db_value=db_value)
    cli._db = db
    with pytest.raises(SchemaMismatch) as err:
        cli.database()
    return str(err.value)


def test_an_outdated_store_names_the_upgrade_command(empty_db, tmp_path):
    migrate.upgrade(empty_db)
    newer = _script_dir_with(tmp_path, RECREATE_HOUSEHOLDS)
    with pytest.raises(migrate.SchemaOutdated) as err:
        migrate.ensure_current(empty_db, script_location=newer)
    assert (err.value.current, err.value.head) == (migrate.head_revision(), "9001")


def test_a_store_at_an_older_real_revision_needs_upgrading(empty_db):
    start = oldest()
    if start == migrate.head_revision():
        pytest.skip("only one revision so far")
    migrate.upgrade_to(empty_db, start)
    with pytest.raises(migrate.SchemaOutdated):
        migrate.ensure_current(empty_db)
    message = _desk_message(empty_db, "/srv/desk db.sqlite")
    assert "needs upgrading" in message
    assert "run `dutydesk --db '/srv/desk db.sqlite' db upgrade`" in message


def test_a_store_from_a_newer_dutydesk_is_refused(empty_db):
    migrate.upgrade(empty_db)
    with empty_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(migrate.SchemaTooNew) as err:
        migrate.ensure_current(empty_db)
    assert err.value.current == "9999"
    assert "made by a newer dutydesk" in _desk_message(empty_db)
    with pytest.raises(migrate.SchemaTooNew):
        migrate.upgrade(empty_db)  # upgrading cannot help; nothing is touched


def test_an_empty_store_says_init_or_demo(empty_db):
    with pytest.raises(migrate.SchemaMissing):
        migrate.ensure_current(empty_db)
    message = _desk_message(empty_db)
    assert "dutydesk init" in message and "dutydesk demo" in message


def test_tables_without_a_stamp_are_refused(empty_db):
    create_schema(empty_db, stamp=False)
    with pytest.raises(migrate.SchemaUnknown):
        migrate.ensure_current(empty_db)
    with pytest.raises(migrate.SchemaUnknown):
        migrate.upgrade(empty_db)
    assert "not made by dutydesk" in _desk_message(empty_db)


# ---------------------------------------------------------------- the command line


def test_cli_upgrade_backs_up_an_outdated_file_and_ends_current(tmp_path, capsys, monkeypatch):
    path = tmp_path / "desk.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    seed(db)
    db.dispose()
    # A dutydesk one revision ahead of this store.
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", _script_dir_with(tmp_path, RECREATE_HOUSEHOLDS))

    code, _out, err = run_cli(capsys, "--db", str(path), "audit", "verify")
    assert code == 7
    assert err.count("\n") == 1 and f"dutydesk --db {path} db upgrade" in err

    code, out, err = run_cli(capsys, "--db", str(path), "db", "upgrade")
    assert (code, err) == (0, "")
    backups = list((tmp_path / "backups").glob("desk-*-rev*.db"))
    assert len(backups) == 1 and str(backups[0]) in out
    assert "to 9001" in out

    code, out, _ = run_cli(capsys, "--db", str(path), "db", "status", "--json")
    import json

    status = json.loads(out)
    assert (code, status["state"], status["revision"]) == (0, "current", "9001")
    assert status["tables"]["households"] == 1
    code, out, _ = run_cli(capsys, "--db", str(path), "db", "upgrade")
    assert code == 0 and "nothing to do" in out


def test_cli_init_creates_a_private_store_once(tmp_path, capsys, monkeypatch):
    path = tmp_path / "new" / "desk.db"
    monkeypatch.setenv("DUTYDESK_USER", "ada")
    code, out, err = run_cli(capsys, "--db", str(path), "init", "--admin", "ada", "--name", "Ada [bold]Admin[/]")
    assert (code, err) == (0, ""), err
    assert "revision" in out and "administrator" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    db = Database(f"sqlite:///{path}")
    assert migrate.differences(db) == []
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT username, full_name, role FROM users").all() == [
            ("ada", "Ada [bold]Admin[/]", "admin")
        ]
    db.dispose()
    code, out, err = run_cli(capsys, "--db", str(path), "init")
    assert code != 0 and "already a store" in err and err.count("\n") == 1
    code, out, err = run_cli(capsys, "--db", str(path), "audit", "verify")
    assert code == 0 and "1 events" in out


def test_cli_upgrade_on_postgresql_asks_for_a_pg_dump_first(pg_schema_url, capsys):
    db = Database(pg_schema_url)
    start = oldest()
    if start == migrate.head_revision():
        pytest.skip("only one revision so far")
    migrate.upgrade_to(db, start)
    code, _out, err = run_cli(capsys, "--db", pg_schema_url, "db", "upgrade")
    assert code != 0 and "pg_dump" in err and "--yes" in err
    assert migrate.current_revision(db) == start
    code, out, err = run_cli(capsys, "--db", pg_schema_url, "db", "upgrade", "--yes")
    assert code == 0, err
    assert migrate.current_revision(db) == migrate.head_revision()
    code, _out, err = run_cli(capsys, "--db", pg_schema_url, "db", "backup")
    assert code != 0 and "pg_dump" in err
    db.dispose()


def test_cli_backup_to_a_named_file(sqlite_database, tmp_path, capsys, monkeypatch):
    seed(sqlite_database)
    with sqlite_database.engine.begin() as conn:  # backups are an administrator's (and audited)
        insert(conn, "users", username="ada", full_name="Ada", role="admin", active=True)
    monkeypatch.setenv("DUTYDESK_USER", "ada")
    target = tmp_path / "copies" / "before-import.db"
    path = sqlite_path(sqlite_database.url)
    code, out, err = run_cli(capsys, "--db", str(path), "db", "backup", "--to", str(target))
    assert (code, err) == (0, "")
    assert str(target) in out and stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    with sqlite_database.engine.connect() as conn:
        assert snapshot(copy) == snapshot(conn)
    copy.close()
    code, _out, err = run_cli(capsys, "--db", str(path), "db", "backup", "--to", str(target))
    assert code != 0 and "already exists" in err


def test_regenerating_0001_keeps_later_revisions_and_matches_the_models(tmp_path):
    location = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__"))
    later = sorted(p.name for p in (location / "versions").glob("[0-9]*.py") if not p.name.startswith("0001_"))

    path = revisions.regenerate_initial(location)

    assert path == location / "versions" / "0001_initial.py"
    text = path.read_text()
    assert "revision: str = '0001'" in text and "down_revision: str | Sequence[str] | None = None" in text
    assert "db.models" not in text  # plain SQLAlchemy types only
    assert sorted(p.name for p in (location / "versions").glob("[0-9]*.py") if p != path) == later
    db = Database(f"sqlite:///{tmp_path / 'regenerated.db'}")
    migrate.upgrade(db, script_location=location)
    assert migrate.differences(db) == []
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()


def test_a_new_revision_is_numbered_after_the_head_and_empty_when_models_match(tmp_path):
    location = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()

    path = revisions.new_revision("nothing yet", location)

    expected = f"{int(head) + 1:04d}"
    assert path.name == f"{expected}_nothing_yet.py"
    assert migrate.head_revision(location) == expected
    text = path.read_text()
    assert f"down_revision: str | Sequence[str] | None = '{head}'" in text
    assert "op." not in text.split("def upgrade")[1]  # the models match the head: nothing to do


def _upgrader(url: str, start, errors) -> None:
    import traceback

    try:
        db = Database(url)
        start.wait()
        migrate.upgrade(db)
        db.dispose()
    except BaseException:  # noqa: BLE001 - report every failure to the parent
        errors.put(traceback.format_exc())


def test_two_upgrades_at_once_both_end_current(empty_db):
    from run_helpers import run_processes

    url = empty_db.url.render_as_string(hide_password=False)
    assert run_processes(_upgrader, url, 3) == []
    assert migrate.current_revision(empty_db) == migrate.head_revision()
    assert migrate.differences(empty_db) == []


def test_cli_on_a_missing_file_says_init_and_creates_nothing(tmp_path, capsys):
    path = tmp_path / "typo" / "desk.db"
    code, _out, err = run_cli(capsys, "--db", str(path), "audit", "verify")
    assert code == 7 and f"dutydesk --db {path} init" in err and "dutydesk" in err
    code, out, _err = run_cli(capsys, "--db", str(path), "db", "status")
    assert code == 0 and "empty" in out
    code, _out, err = run_cli(capsys, "--db", str(path), "db", "backup")
    assert code != 0 and "does not exist" in err
    assert not path.parent.exists()


def test_a_failed_backup_leaves_the_store_untouched(tmp_path, monkeypatch):
    db = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    migrate.upgrade(db)
    seed(db)
    location = _script_dir_with(tmp_path, RECREATE_HOUSEHOLDS)

    def broken(*_a, **_k):
        raise BackupError("the disk is full")

    monkeypatch.setattr(migrate, "backup_sqlite", broken)
    with pytest.raises(BackupError):
        migrate.upgrade(db, script_location=location)
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()


def test_the_backup_is_taken_under_the_migration_lock(tmp_path, monkeypatch):
    """Nobody can commit between the copy and the upgrade: the copy is what was upgraded."""
    db = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    migrate.upgrade(db)
    location = _script_dir_with(tmp_path, RECREATE_HOUSEHOLDS)
    real = migrate.backup_sqlite
    seen = []

    def spying(*args, **kwargs):
        con = sqlite3.connect(tmp_path / "desk.db", timeout=0.1, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            seen.append("free")
        except sqlite3.OperationalError:
            seen.append("locked")
        finally:
            con.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(migrate, "backup_sqlite", spying)
    result = migrate.upgrade(db, tmp_path / "backups", script_location=location)
    assert seen == ["locked"] and result.backup is not None and result.backup.exists()
    db.dispose()


def test_cli_init_on_each_backend(store_url, capsys, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "ada")
    code, out, err = run_cli(capsys, "--db", store_url, "init", "--admin", "ada", "--name", "Ada Admin")
    assert (code, err) == (0, ""), err
    url = sa.make_url(store_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(password="s3cret")  # the test server trusts local users: any password works
    code, out, _ = run_cli(capsys, "--db", url.render_as_string(hide_password=False), "db", "status", "--json")
    import json

    status = json.loads(out)
    assert (status["state"], status["revision"], status["tables"]["users"]) == ("current", migrate.head_revision(), 1)
    assert "s3cret" not in out


def test_cli_init_with_a_bad_admin_login_keeps_the_store_and_says_how(tmp_path, capsys):
    path = tmp_path / "desk.db"
    code, _out, err = run_cli(capsys, "--db", str(path), "init", "--admin", "Jo Smith", "--name", "Jo Smith")
    assert code == 2 and err.count("\n") == 1
    assert "The store was created" in err and "users add" in err
    code, _out, err = run_cli(capsys, "--db", str(path), "init", "--admin", "jo")
    assert code == 2 and "--name" in err


@pytest.mark.parametrize("value, command, words", [
    ("postgresql+psycopg://desk:s3cret@127.0.0.1:1/desk", "db status", "Could not reach the store"),
    ("nonsense://", "db status", "Cannot open that store"),
    ("/proc/no-such-dir/desk.db", "init", "Cannot create the store file"),
])
def test_cli_a_store_that_cannot_be_opened_is_one_line(value, command, words, capsys):
    code, _out, err = run_cli(capsys, "--db", value, *command.split())
    assert code == 1 and words in err and err.count("\n") == 1
    assert "s3cret" not in err and "Traceback" not in err


def test_cli_upgrade_from_the_oldest_real_revision(tmp_path, capsys):
    start, head = oldest(), migrate.head_revision()
    if start == head:
        pytest.skip("only one revision so far")
    path = tmp_path / "desk.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade_to(db, start)
    seed(db)
    with db.engine.connect() as conn:
        before = snapshot(conn)

    code, out, err = run_cli(capsys, "--db", str(path), "db", "upgrade")

    assert (code, err) == (0, ""), err
    assert f"from revision {start} to {head}" in out
    (backup,) = (tmp_path / "backups").glob(f"desk-*-rev{start}.db")
    assert str(backup) in out
    copy = sqlite3.connect(backup)
    assert snapshot(copy) == before
    copy.close()
    with db.engine.connect() as conn:
        assert snapshot(conn) == before
    migrate.ensure_current(db)
    db.dispose()
