"""Opening the desk is one service (dutydesk.access.opening): the command line and the screens say the same.

For each way opening can fail, the problem is typed, and its words reach the
person unchanged: the command line prints what and hint on one line; the opening
screen shows the title, what and hint.
"""

from __future__ import annotations

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


def _empty(tmp_path) -> str:
    (tmp_path / "empty.db").touch()
    return f"sqlite:///{tmp_path / 'empty.db'}"


CASES = {
    "missing": (errors.StoreMissing, lambda t: f"sqlite:///{t / 'nowhere' / 'desk.db'}", "dana", None),
    "empty": (errors.StoreEmpty, _empty, "dana", None),
    "newer": (errors.SchemaNewer, lambda t: _newer(seed_store(t)), "dana", None),
    "unknown login": (errors.UnknownLogin, seed_store, "nobody", None),
    "disabled": (errors.AccountDisabled, lambda t: seed_store(t, [SeedUser("dana", "Dana", active=False)]),
                 "dana", None),
    "--as on a real store": (errors.NotADemoStore, lambda t: seed_store(t, real=True), "dana", "maya"),
    "bad address": (errors.StoreAddressInvalid, lambda t: "nosuchdialect://ann:s3cret@host/db", "dana", None),
    "unreachable": (errors.StoreUnreachable,
                    lambda t: "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none?connect_timeout=2", "dana", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_is_typed_and_worded_once(case, tmp_path, monkeypatch, capsys):
    kind, make, user, as_user = CASES[case]
    url = make(tmp_path)
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
