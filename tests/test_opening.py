"""Opening the desk is one service (dutydesk.access.opening): the command line and the screens say the same.

For each way opening can fail, the problem is typed, and its words reach the
person unchanged: the command line prints what and hint on one line; the opening
screen shows the title, what and hint.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from db.engine import Database
from dutydesk import errors
from dutydesk.access import opening
from screens.launch import open_desk as screen_open
from screens.messages import DeskOpened, DeskOpenFailed
from ui_helpers import SeedUser, seed_store


def _cli_line(capsys, monkeypatch, user: str, *args: str) -> tuple[int, str]:
    from dutydesk.cli.main import main

    monkeypatch.setenv("DUTYDESK_USER", user)
    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    return code, capsys.readouterr().err.strip()


def _newer(url: str) -> str:
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    return url


def _older(url: str) -> str:
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0003'"))
    db.dispose()
    return url


def _empty(tmp_path) -> str:
    (tmp_path / "empty.db").touch()
    return f"sqlite:///{tmp_path / 'empty.db'}"


def _junk(tmp_path) -> str:
    (tmp_path / "notes.db").write_bytes(b"Shopping list: milk, bread\n" * 200)
    return f"sqlite:///{tmp_path / 'notes.db'}"


def _folder(tmp_path) -> str:
    (tmp_path / "desk.db").mkdir()
    return f"sqlite:///{tmp_path / 'desk.db'}"


CASES = {
    "missing": (errors.StoreMissing, lambda t: f"sqlite:///{t / 'nowhere' / 'desk.db'}", "dana", None),
    "empty": (errors.StoreEmpty, _empty, "dana", None),
    "newer": (errors.SchemaNewer, lambda t: _newer(seed_store(t)), "dana", None),
    "older": (errors.SchemaOutdated, lambda t: _older(seed_store(t)), "dana", None),
    "unknown login": (errors.UnknownLogin, seed_store, "nobody", None),
    "disabled": (errors.AccountDisabled, lambda t: seed_store(t, [SeedUser("dana", "Dana", active=False)]),
                 "dana", None),
    "--as on a real store": (errors.NotADemoStore, lambda t: seed_store(t, real=True), "dana", "maya"),
    "bad address": (errors.StoreAddressInvalid, lambda t: "nosuchdialect://ann:s3cret@host/db", "dana", None),
    "not a store": (errors.StoreNotADatabase, _junk, "dana", None),
    "a folder": (errors.StoreIsDirectory, _folder, "dana", None),
    "no driver": (errors.StoreDriverMissing, lambda t: "postgresql+pg8000://ann:s3cret@localhost/desk", "dana", None),
    "unreachable": (errors.StoreUnreachable,
                    lambda t: "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none?connect_timeout=2", "dana", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_is_typed_and_worded_once(case, tmp_path, monkeypatch, capsys):
    kind, make, user, as_user = CASES[case]
    url = make(tmp_path)
    crashes: list[BaseException] = []
    monkeypatch.setattr("dutydesk.crash.report", lambda err: crashes.append(err) or tmp_path / "crash.txt")
    monkeypatch.setenv("DUTYDESK_USER", user)
    with pytest.raises(kind) as raised:
        opening.open_desk(None, as_user, url=url)
    problem = raised.value
    assert isinstance(problem, errors.OpeningProblem) and isinstance(problem, errors.DeskError)
    assert problem.what and str(problem) == f"{problem.what} {problem.hint}".strip()
    assert "s3cret" not in str(problem) and "Traceback" not in str(problem)

    shown = screen_open(url, as_user)
    assert isinstance(shown, DeskOpenFailed)
    assert (shown.problem.title, shown.problem.message, shown.problem.hint) == (
        problem.title, problem.what, problem.hint)

    # The command line names the store as it was typed after --db; so do the screens given the same.
    with pytest.raises(kind) as raised:
        opening.open_desk(url, as_user)
    typed = raised.value
    args = ["--db", url] + (["--as", as_user] if as_user else []) + ["requests", "list"]
    code, err = _cli_line(capsys, monkeypatch, user, *args)
    assert err == f"dutydesk: {typed}" and code == typed.exit_code
    assert screen_open(url, as_user, url).problem.hint == typed.hint
    assert not (tmp_path / "nowhere").exists()  # a mistyped path is never created
    assert crashes == []  # a problem to act on, not a bug
    assert screen_open(url, as_user).problem.exit_code == (problem.screen_exit_code or problem.exit_code)


STORE_CODES = {errors.StoreMissing: 7, errors.StoreNotADatabase: 10, errors.StoreReadOnly: 11,
               errors.StoreIsDirectory: 12, errors.StoreDriverMissing: 13, errors.StorePermissionDenied: 14}


def test_each_store_problem_has_its_own_exit_status_and_asks_an_administrator():
    assert {k: k.exit_code for k in STORE_CODES} == STORE_CODES
    assert len(set(STORE_CODES.values()) | {errors.StoreUnreachable.exit_code}) == len(STORE_CODES) + 1
    from dutydesk.access import store_problems

    for problem in (store_problems.not_a_database("/srv/desk.db"), store_problems.read_only("/srv/desk.db", "x"),
                    store_problems.permission_denied("/srv/desk.db", "x")):
        assert "ask an administrator" in str(problem).lower() and "\n" not in str(problem)


@pytest.mark.parametrize("denied, kind, words", [
    (os.W_OK, errors.StoreReadOnly, "can be read but not written (the file is read-only)"),
    (os.R_OK, errors.StorePermissionDenied, "You do not have permission to open the store at"),
])
def test_a_store_this_login_may_not_write_or_read_says_so(denied, kind, words, tmp_path, monkeypatch, capsys):
    """The tests run as root, who may write any file: the login's access is what the check asks for."""
    url = seed_store(tmp_path)
    real = os.access
    monkeypatch.setattr("dutydesk.access.store_problems.os.access",
                        lambda p, mode: False if mode == denied and str(p).endswith(".db") else real(p, mode))
    with pytest.raises(kind) as raised:
        opening.open_desk(None, None, url=url)
    assert words in str(raised.value)
    code, err = _cli_line(capsys, monkeypatch, "dana", "--db", url, "calls", "list")
    assert code == kind.exit_code and err == f"dutydesk: {raised.value}"


def test_a_write_refused_by_the_database_mid_command_is_a_store_problem(tmp_path, monkeypatch, capsys):
    """SQLite's own read-only refusal (here PRAGMA query_only) reaches the worker as the desk's sentence."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    url = seed_store(tmp_path)
    crashes: list[BaseException] = []
    monkeypatch.setattr("dutydesk.crash.report", lambda err: crashes.append(err) or tmp_path / "crash.txt")

    def query_only(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(Engine, "connect", query_only)
    try:
        code, err = _cli_line(capsys, monkeypatch, "dana", "--db", url, "calls", "log", "--caller-type", "police",
                              "--category", "information", "--summary", "Checking in")
    finally:
        event.remove(Engine, "connect", query_only)
    assert code == errors.StoreReadOnly.exit_code, err
    assert err.startswith("dutydesk: The store at ") and "ask an administrator" in err and crashes == []


def test_a_demo_store_opens_as_the_demo_user(tmp_path, monkeypatch):
    url = seed_store(tmp_path, demo=True)
    monkeypatch.setenv("DUTYDESK_USER", "nobody")  # --as, not the login, on a demo store
    desk = opening.open_desk(None, "maya", url=url)
    try:
        assert desk.demo and desk.actor.username == "maya" and desk.actor.role.value == "manager"
    finally:
        desk.close()
    opened = screen_open(url, "maya")
    assert isinstance(opened, DeskOpened) and opened.demo and opened.desk.actor.username == "maya"
    opened.desk.close()


def test_hints_name_the_store_as_it_was_typed(tmp_path, monkeypatch):
    where = tmp_path / "my desk" / "desk.db"
    with pytest.raises(errors.StoreMissing) as raised:
        opening.open_desk(str(where))
    assert f"dutydesk --db '{where}' init" in raised.value.hint
    shown = screen_open(f"sqlite:///{where}", None, str(where))
    assert shown.problem.hint == raised.value.hint


def test_the_screens_word_a_store_problem_met_while_working_as_the_command_line_does(tmp_path):
    import sqlite3

    from screens.launch import desk_words

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    refused = sqlite3.OperationalError("attempt to write a readonly database")
    assert desk_words(refused, url) == str(errors.StoreReadOnly(
        f"The store at {tmp_path / 'desk.db'} can be read but not written (the database said so); nothing was "
        "saved.", "To work at the desk, ask an administrator to let the desk write the file and its folder."))
    assert desk_words(KeyError("x"), url) is None  # a bug stays a bug (crash file)
