"""Issue 11.5: every command refuses nonsense with a message naming the field and saying what to type.

Each test was written against the defect it names: the command accepted it, or
said something that misled.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from dutydesk import child_limits
from dutydesk.calls import limits as call_limits
from dutydesk.errors import InvalidInput
from dutydesk.matching.criteria import MAX_AGE, MatchCriteria
from ui_helpers import seed_store


def cli(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    from dutydesk.cli.main import main

    monkeypatch.setenv("DUTYDESK_USER", "dana")
    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def store(tmp_path):
    from dutydesk.places import ensure_places

    url = seed_store(tmp_path, users=[__import__("ui_helpers").SeedUser("dana", "Dana Smith", "manager")])
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
    db.dispose()
    return url


@pytest.mark.parametrize("siblings", ["-3", "0", "9"])
def test_a_search_refuses_a_sibling_count_that_is_not_a_group(store, siblings, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "--db", store, "households", "search", "--siblings", siblings)
    assert code == 2 and out == ""
    assert err.strip() == (f"dutydesk: Siblings: give how many children to place together, a whole number from 1 "
                           f"to {child_limits.MAX_CHILDREN} (you gave {siblings}).")


@pytest.mark.parametrize("within", ["nan", "1e309", "-5", "501"])
def test_a_search_refuses_a_distance_that_is_not_finite_and_in_range(store, within, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "--db", store, "households", "search", "--near", "Margate",
                         "--within", within)
    assert code == 2 and out == ""
    assert "dutydesk: Within: give a distance in kilometres, more than 0 and at most 500" in err


def test_one_age_range_for_children_everywhere():
    assert MAX_AGE == call_limits.MAX_AGE == child_limits.MAX_AGE == 17
    with pytest.raises(InvalidInput, match="from 0 to 17"):
        MatchCriteria(from_on=dt.date(2026, 12, 1), ages=(18,))


def test_a_percent_sign_is_a_percent_sign(store, capsys, monkeypatch):
    code, _out, err = cli(capsys, monkeypatch, "--db", store, "households", "search", "--near", "%")
    assert code == 2 and err.strip() == ("dutydesk: --near '%' is not a place dutydesk knows. Use a town name, "
                                         "for example Margate.")
    from dutydesk.calls.lookups import find_households, find_places

    db = Database(store)
    try:
        with db.read() as s:
            assert find_places(s, "%") == [] and find_places(s, "M_rgate") == []
            assert find_places(s, "Margate")
            assert find_households(s, "_") == []
    finally:
        db.dispose()


def test_handover_since_the_future_is_refused(store, capsys, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T17:00:00")
    code, out, err = cli(capsys, monkeypatch, "--db", store, "calls", "handover", "--since", "24/11 08:00")
    assert code == 2 and out == ""
    assert err.startswith("dutydesk: Since: ") and "is in the future; type when the shift began" in err
    code, out, _err = cli(capsys, monkeypatch, "--db", store, "calls", "handover", "--since", "23/11 08:00")
    assert code == 0 and out.startswith("Handover, ")


def test_a_new_childs_last_name_without_a_first_name_is_not_dropped(store, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "--db", store, "calls", "log", "--caller-type", "police",
                         "--category", "information", "--summary", "Girl found", "--child-last-name", "Smith")
    assert code == 2 and out == ""
    assert "--child-last-name describes a new child, which needs --child-first-name too" in err
    from sqlmodel import select

    from db.models import Call

    db = Database(store)
    with db.read() as s:
        assert s.exec(select(Call)).all() == []  # nothing half-saved
    db.dispose()


@pytest.mark.parametrize(("given", "named"), [
    (("--max-distance-km", "5"), "--max-distance-km describes a placement request"),
    (("--no-pets", "--language", "polish"), "--no-pets, --language describe a placement request"),
    (("--near-place", "1"), "--near-place describes a placement request"),
])
def test_a_requests_details_without_a_request_are_refused_not_dropped(store, capsys, monkeypatch, given, named):
    # They were dropped silently: the call was logged with no request and no word said.
    code, out, err = cli(capsys, monkeypatch, "--db", store, "calls", "log", "--caller-type", "police",
                         "--category", "information", "--summary", "Girl found", *given)
    assert code == 2 and out == ""
    assert named in err and "add --placement-type, --urgency and --needed-from" in err
    from sqlmodel import select

    from db.models import Call

    db = Database(store)
    with db.read() as s:
        assert s.exec(select(Call)).all() == []
    db.dispose()


def test_calls_listed_from_a_day_in_the_future_are_refused_not_none(store, capsys, monkeypatch):
    # It printed "No calls match." as if none had come in.
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T17:00:00")
    code, out, err = cli(capsys, monkeypatch, "--db", store, "calls", "list", "--from", "24/11/2026")
    assert code == 2 and out == ""
    assert err.startswith("dutydesk: From: 24/11/2026 is in the future") and "up to today" in err
    code, out, _err = cli(capsys, monkeypatch, "--db", store, "calls", "list", "--from", "23/11/2026")
    assert code == 0 and "No calls match" in out


def test_a_missing_household_is_named_with_the_desks_own_reference_shape(store, capsys, monkeypatch):
    code, _out, err = cli(capsys, monkeypatch, "--db", store, "households", "show", "HH-99999")
    assert code == 4 and "HH-00042" in err and "H-00042" not in err.replace("HH-00042", "")


def test_a_bad_import_lists_the_first_50_problems_and_counts_the_rest(store, tmp_path, capsys, monkeypatch):
    rows = ["reference,name,kind,status,place,age_min,age_max,places,placement_types,approved_on"]
    rows += [f"HH-{i},Name {i},in_house,approved,Margate,0,17,lots,emergency,2024-01-02" for i in range(1, 121)]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _out, err = cli(capsys, monkeypatch, "--db", store, "households", "import", str(path))
    lines = err.strip().splitlines()
    assert code == 2
    assert len([line for line in lines if line.startswith("line ")]) == 50
    assert lines[0].startswith("line 2, column places:") and lines[49].startswith("line 51, column places:")
    assert "... and 70 more problems not listed." in lines
    assert "120 problems on 120 lines; nothing was imported. The first 50 are listed; 70 more are not." in err


def test_the_audit_trail_from_a_day_in_the_future_or_before_no_event_is_refused(store, capsys, monkeypatch):
    # Both printed "No audit events match." as if nothing had been done.
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T17:00:00")
    code, out, err = cli(capsys, monkeypatch, "--db", store, "audit", "list", "--from", "2030-01-01")
    assert code == 2 and out == ""
    assert err.startswith("dutydesk: From: 01/01/2030 is in the future") and "up to today" in err
    code, out, err = cli(capsys, monkeypatch, "--db", store, "audit", "list", "--before", "-1")
    assert code == 2 and "--before takes an event number" in err
    code, out, _err = cli(capsys, monkeypatch, "--db", store, "audit", "list", "--from", "2026-11-23")
    assert code == 0 and out != ""
