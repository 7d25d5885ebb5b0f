"""The command line through the real console entry point: users, teams, households
import/export. Output that says --json parses as JSON; a desk error is one line
starting "dutydesk:" with a non-zero exit and never a traceback; commands that do
not open the app never import Textual.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import select

from db.engine import Database
from db.models import AuditEvent, Household
from db.schema import create_schema
from dutydesk.cli import context as cli_context
from screens.entry import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def dispose_cli_stores(monkeypatch):
    """Close the engines each command opens, so PostgreSQL connections do not pile up."""
    opened: list[Database] = []

    class Tracked(Database):
        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, **kw)
            opened.append(self)

    monkeypatch.setattr(cli_context, "Database", Tracked)
    yield
    for d in opened:
        d.dispose()


def run(capsys, monkeypatch, user: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DUTYDESK_USER", user)
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def url_of(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


def one_desk_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dutydesk: "), err
    return lines[0]


# ---------------------------------------------------------------- users and teams


def test_users_add_list_disable(database, people, capsys, monkeypatch) -> None:
    db = url_of(database)
    code, out, err = run(capsys, monkeypatch, "ada", "--db", db, "users", "add", "jo.smith",
                         "--name", "Jo [bold]Smith[/]", "--role", "duty_worker", "--team", "west")
    assert (code, err) == (0, "") and out == "Added jo.smith (Jo [bold]Smith[/]) as duty_worker in WEST.\n"

    code, out, _ = run(capsys, monkeypatch, "maya", "--db", db, "users", "list", "--json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert code == 0 and listed["jo.smith"] == {**listed["jo.smith"], "full_name": "Jo [bold]Smith[/]",
                                                "role": "duty_worker", "team": "WEST", "active": True}

    code, out, _ = run(capsys, monkeypatch, "ada", "--db", db, "users", "disable", "jo.smith")
    assert code == 0 and "Disabled jo.smith" in out
    code, out, _ = run(capsys, monkeypatch, "ada", "--db", db, "users", "list", "--json")
    assert "jo.smith" not in {u["username"] for u in json.loads(out)}
    code, out, _ = run(capsys, monkeypatch, "ada", "--db", db, "users", "list", "--all", "--json")
    assert {u["username"]: u["active"] for u in json.loads(out)}["jo.smith"] is False
    code, out, _ = run(capsys, monkeypatch, "ada", "--db", db, "users", "list")
    assert code == 0 and out.splitlines()[0].split() == ["USERNAME", "ROLE", "TEAM", "NAME"]

    code, _, err = run(capsys, monkeypatch, "jo.smith", "--db", db, "users", "list")
    assert code != 0 and "disabled" in one_desk_error(err)


def test_teams_add_and_list_json(database, people, capsys, monkeypatch) -> None:
    db = url_of(database)
    code, out, _ = run(capsys, monkeypatch, "ada", "--db", db, "teams", "add", "north", "--name", "North", "--area", "North")
    assert code == 0 and "Added team NORTH" in out
    code, out, _ = run(capsys, monkeypatch, "dana", "--db", db, "teams", "list", "--json")
    assert code == 0 and [t["code"] for t in json.loads(out)] == ["EAST", "NORTH", "OOH", "WEST"]


def test_first_administrator_of_a_new_store(tmp_path, capsys, monkeypatch) -> None:
    path = tmp_path / "new.db"
    store = Database(f"sqlite:///{path}")
    create_schema(store)
    code, _, err = run(capsys, monkeypatch, "root", "--db", str(path), "users", "add", "jo", "--name", "Jo",
                       "--role", "viewer")
    assert code == 2 and "first user must be an administrator" in one_desk_error(err)
    code, _, err = run(capsys, monkeypatch, "root", "--db", str(path), "users", "list")
    assert code == 6 and "no users yet" in one_desk_error(err) and "--role admin" in err
    code, out, err = run(capsys, monkeypatch, "root", "--db", str(path), "users", "add", "ada", "--name",
                         "Ada Admin", "--role", "admin")
    assert (code, err) == (0, ""), err
    with store.read() as s:
        (ev,) = s.exec(select(AuditEvent)).all()
    assert (ev.action, ev.username, ev.user_id) == ("user.added", "root", None)
    # Now there are users: root is nobody, and is told whom to ask.
    code, _, err = run(capsys, monkeypatch, "root", "--db", str(path), "users", "add", "bo", "--name", "Bo",
                       "--role", "viewer")
    assert code == 6 and "Ask an administrator" in one_desk_error(err)
    store.dispose()


def test_unknown_os_user_is_told_to_ask_an_administrator(database, people, capsys, monkeypatch) -> None:
    code, out, err = run(capsys, monkeypatch, "zed", "--db", url_of(database), "users", "list", "--json")
    assert code == 6 and out == ""
    assert one_desk_error(err) == ("dutydesk: There is no dutydesk user called 'zed'. "
                                   "Ask an administrator to add you (dutydesk users add).")


@pytest.mark.parametrize(("user", "args", "code", "words"), [
    ("ada", ["users", "add", "Bad Name", "--name", "X", "--role", "viewer"], 2, "is not a login name"),
    ("ada", ["users", "add", "bo", "--name", "Bo", "--role", "boss"], 2, "duty_worker, manager, admin, viewer"),
    ("ada", ["users", "disable", "ada"], 3, "cannot disable your own account"),
    ("dana", ["users", "list"], 3, "Only a manager or administrator can list users"),
    ("ada", ["users", "disable", "nobody"], 4, "users list --all"),
    ("maya", ["households", "import", "missing.csv"], 2, "There is no file missing.csv"),
    ("dana", ["households", "export"], 3, "export households"),
    ("maya", ["households", "export", "--status", "gone"], 2, "not a status"),
])
def test_desk_errors_are_one_line_and_a_nonzero_exit(database, people, capsys, monkeypatch, user, args, code,
                                                      words) -> None:
    got, out, err = run(capsys, monkeypatch, user, "--db", url_of(database), *args)
    assert got == code and out == ""
    assert words in one_desk_error(err)


# ---------------------------------------------------------------- households


def test_import_with_a_bad_line_lists_each_problem_then_one_summary(database, people, capsys, monkeypatch) -> None:
    code, out, err = run(capsys, monkeypatch, "maya", "--db", url_of(database), "households", "import",
                         str(FIXTURES / "households_one_bad.csv"))
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert lines[0].startswith("line 4, column place: 'Atlantis' is not a place dutydesk knows")
    assert lines[-1].startswith("dutydesk: ") and "nothing was imported" in lines[-1] and len(lines) == 2
    with database.read() as s:
        assert s.exec(select(Household)).all() == []


def test_import_dry_run_then_import_then_export(database, people, capsys, monkeypatch, tmp_path) -> None:
    db, good = url_of(database), str(FIXTURES / "households_good.csv")
    code, out, _ = run(capsys, monkeypatch, "maya", "--db", db, "households", "import", good, "--dry-run")
    assert code == 0 and "Would add 4" in out and "Nothing was written" in out
    code, out, _ = run(capsys, monkeypatch, "maya", "--db", db, "households", "import", good, "--json")
    assert code == 0 and json.loads(out) == {"source": good, "rows": 4, "added": 4, "updated": 0,
                                             "unchanged": 0, "dry_run": False}

    code, out, _ = run(capsys, monkeypatch, "ada", "--db", db, "households", "export", "--json")
    assert code == 0 and [h["reference"] for h in json.loads(out)] == ["HH-0001", "HH-0002", "HH-0003", "HH-0004"]
    code, out, _ = run(capsys, monkeypatch, "maya", "--db", db, "households", "export", "--status", "on_hold")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["reference"] for r in rows] == ["HH-0004"]

    target = tmp_path / "out" / "carers.csv"
    code, _, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "export", "--out", str(target))
    assert code == 2 and "There is no folder" in one_desk_error(err)
    target.parent.mkdir()
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "export", "--out", str(target))
    assert code == 0 and out == "" and err == f"Wrote 4 households to {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("reference,name,kind,")
    assert [p.name for p in target.parent.iterdir()] == ["carers.csv"]  # no temporary file left behind

    code, out, _ = run(capsys, monkeypatch, "maya", "--db", db, "households", "import", str(target), "--update")
    assert code == 0 and "updated 0, 4 unchanged" in out


# ---------------------------------------------------------------- separate processes


def _store_with_people(tmp_path: Path) -> Path:
    from conftest import add_user, mark_test_store
    from db.enums import Role

    path = tmp_path / "desk.db"
    store = Database(f"sqlite:///{path}")
    create_schema(store)
    add_user(store, "maya", Role.MANAGER)
    add_user(store, "ada", Role.ADMIN, "WEST")
    mark_test_store(store)  # DUTYDESK_USER picks the person, as on any test store
    store.dispose()
    return path


def _python(code: str, env_user: str = "maya", stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DUTYDESK_USER": env_user}
    env.pop("DUTYDESK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, cwd=ROOT, timeout=120,
                          input=stdin)


COLD_START = textwrap.dedent("""
    import sys
    from screens.entry import main
    code = 0
    try:
        main({args!r})
    except SystemExit as exit_:
        code = exit_.code or 0
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    assert not loaded, "textual imported: " + ", ".join(loaded[:5])
    sys.exit(code)
""")


@pytest.mark.parametrize(("args", "parse"), [
    (["users", "list", "--json"], "json"),
    (["teams", "list", "--json"], "json"),
    (["households", "export"], "csv"),
    (["households", "export", "--json"], "json"),
    (["households", "import", "GOOD", "--dry-run", "--json"], "json"),
])
def test_commands_that_do_not_open_the_app_never_import_textual(tmp_path, args, parse) -> None:
    path = _store_with_people(tmp_path)
    args = [str(FIXTURES / "households_good.csv") if a == "GOOD" else a for a in args]
    done = _python(COLD_START.format(args=["--db", str(path), *args]))
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    if parse == "json":
        json.loads(out)
    else:
        assert out.startswith("reference,")


def test_the_guard_would_notice_textual(tmp_path) -> None:
    code = COLD_START.replace("from screens.entry import main", "from screens.entry import main\nimport textual")
    done = _python(code.format(args=["--help"]))
    assert done.returncode != 0 and b"textual imported" in done.stderr


def test_the_installed_console_script(tmp_path) -> None:
    """The real ``dutydesk`` executable: a desk error, and an import read from standard input."""
    path = _store_with_people(tmp_path)
    script = Path(sys.executable).with_name("dutydesk")
    if not script.exists():
        pytest.skip("the dutydesk console script is not installed beside this Python")
    env = {**os.environ, "DUTYDESK_USER": "ada"}
    env.pop("DUTYDESK_DATABASE_URL", None)
    bad = subprocess.run([str(script), "--db", str(path), "users", "add", "Ada!", "--name", "X", "--role", "admin"],
                         capture_output=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().splitlines() == [bad.stderr.decode().strip()]
    assert bad.stderr.startswith(b"dutydesk: ") and b"Traceback" not in bad.stderr

    data = (FIXTURES / "households_good.csv").read_bytes()
    ok = subprocess.run([str(script), "--db", str(path), "households", "import", "-"], input=data,
                        capture_output=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr.decode()
    assert ok.stdout.decode() == "Imported 4 households from standard input: added 4.\n"
