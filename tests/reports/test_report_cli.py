"""``dutydesk report ...`` and ``dutydesk households letter``: formats, files, the audit line, escaping,
and no Textual on the way."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.enums import RequestState as RS
from db.models import AuditEvent
from dutydesk.cli import context as cli_context
from report_builders import Store
from screens.entry import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def setting(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-20T12:00:00")
    opened = []

    class Tracked(cli_context.Database):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            opened.append(self)

    monkeypatch.setattr(cli_context, "Database", Tracked)
    yield
    for d in opened:
        d.dispose()


@pytest.fixture
def url(database, people):
    st = Store(database, people)
    h = st.household("HH-Q1", "O'Brien [Jr] <b>Ann</b>", places=2, vacant_since=dt.date(2026, 11, 1))
    r = st.request("PR-Q1", "EAST", "worker", "2026-11-02 10:00", RS.PROPOSED)
    st.search(r, "2026-11-02 10:05", "worker", {h: (None, {"x": [["age", [0, 4]]]})})
    st.contact(r, h, "2026-11-02 10:10", "worker")
    st.decision(r, "2026-11-02 11:00", "worker", hid=h, signed="2026-11-02 15:00")
    return database.url.render_as_string(hide_password=False)


def run(capsys, monkeypatch, user, *args):
    monkeypatch.setenv("DUTYDESK_USER", user)
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def exported(database):
    with database.read() as s:
        return s.execute(sa.select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.detail)
                         .where(AuditEvent.action.in_(["report.exported", "household.letter"]))
                         .order_by(AuditEvent.id)).all()


def test_table_csv_json_and_the_audit_line(url, database, capsys, monkeypatch):
    period = ["--from", "2026-11-01", "--to", "2026-11-30"]
    code, out, err = run(capsys, monkeypatch, "maya", "--db", url, "report", "consistency", *period)
    assert code == 0 and "Signed off in 1 day" in out and "100%" in out
    assert exported(database) == []  # looking at it in the terminal is not an export
    code, out, err = run(capsys, monkeypatch, "maya", "--db", url, "report", "consistency", *period, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    head = next(i for i, r in enumerate(rows) if r[:2] == ["Figure", "Unit"])
    signed = next(r for r in rows[head:] if r[0] == "Signed off in 1 day")
    assert signed[1] == "%" and float(signed[2]) == 100.0  # a number a spreadsheet can sum, not "100%"
    logged = next(r for r in rows[head:] if r[0] == "Requests logged")
    assert logged[1] == "count" and int(logged[2]) == 1
    code, out, _ = run(capsys, monkeypatch, "maya", "--db", url, "report", "timescales", *period, "--format", "json")
    data = json.loads(out)
    steps = {r["step"]: r for r in data["tables"][0]["rows"]}
    assert steps["Decision signed off"]["met"] == 1
    events = exported(database)
    assert [(a, e) for a, e, _d in events] == [("report.exported", "consistency"), ("report.exported", "timescales")]
    assert json.loads(events[0][2])["format"] == "csv"


def test_a_file_is_written_privately(url, database, capsys, monkeypatch, tmp_path):
    target = tmp_path / "vacancies.html"
    code, out, err = run(capsys, monkeypatch, "ada", "--db", url, "report", "vacancies", "--from", "2026-11-01",
                         "--to", "2026-11-30", "--format", "html", "--out", str(target))
    assert code == 0 and out == "" and "Wrote the vacancies report" in err
    text = target.read_text()
    assert "O&#x27;Brien [Jr] &lt;b&gt;Ann&lt;/b&gt;" in text and "<b>Ann" not in text
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"
    assert json.loads(exported(database)[-1][2])["to_file"] == str(target)


def test_markdown_escapes_typed_names_and_roles_are_enforced(url, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "maya", "--db", url, "report", "vacancies", "--from", "2026-11-01",
                       "--to", "2026-11-30", "--format", "md")
    assert code == 0 and r"O'Brien \[Jr\] \<b\>Ann\</b\>" in out
    # Days as the desk types them, and a month alone, give the same report.
    for days in (("01/11/2026", "30/11/2026"), ("2026-11", "2026-11")):
        code, again, _ = run(capsys, monkeypatch, "maya", "--db", url, "report", "vacancies", "--from", days[0],
                             "--to", days[1], "--format", "md")
        assert code == 0 and again == out, days
    code, out, err = run(capsys, monkeypatch, "dana", "--db", url, "report", "vacancies")
    assert code == 3 and err.startswith("dutydesk: Only a manager or administrator can see the vacancies report")
    code, out, err = run(capsys, monkeypatch, "dana", "--db", url, "report", "consistency", "--team", "WEST")
    assert code == 3 and "own team" in err
    code, out, err = run(capsys, monkeypatch, "maya", "--db", url, "report", "consistency", "--from", "2026-13-01")
    assert code == 2 and "'2026-13-01' has no month 13" in err
    code, out, err = run(capsys, monkeypatch, "maya", "--db", url, "report", "consistency", "--from", "31/11/2026")
    assert code == 2 and "November 2026 has 30 days" in err and len(err.splitlines()) == 1


def test_the_letter_from_the_command_line(url, database, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "dana", "--db", url, "households", "letter", "HH-Q1")
    assert code == 0 and "considered for 1 placement request" in out
    assert "Your approval is for children aged 0 to 4" in out and r"O'Brien \[Jr\]" in out
    assert exported(database)[-1][0] == "household.letter"


COLD = textwrap.dedent("""
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


def test_reports_never_import_textual(url, tmp_path):
    if not url.startswith("sqlite"):
        pytest.skip("one store is enough for the import check")
    env = {**os.environ, "DUTYDESK_USER": "maya"}
    for args in (["report", "sufficiency", "--format", "json"], ["households", "letter", "HH-Q1"]):
        done = subprocess.run([sys.executable, "-c", COLD.format(args=["--db", url, *args])], capture_output=True,
                              env=env, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
