"""``dutydesk households add|edit|status|unavailable``: the edit service's rules from the command line."""

from __future__ import annotations

import json

from matching_builders import child, placement, places
from test_cli import dispose_cli_stores, one_desk_error, run, url_of  # noqa: F401 - the console-script helpers

ADD = ["households", "add", "reference=HH-77", "name=Brown, Alice", "kind=in house", "status=approved",
       "places=2", "placement_types=emergency;short term", "postcode=CT9 1AB"]


def test_add_edit_status_and_availability_with_their_rules(database, people, capsys, monkeypatch):
    places(database)
    db = url_of(database)
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, *ADD, "--reason", "approved at panel", "--json")
    assert code == 0, err
    added = json.loads(out)
    assert added["reference"] == "HH-77" and added["values"]["places"] == 2

    code, _out, err = run(capsys, monkeypatch, "dana", "--db", db, "households", "edit", "hh-77", "places=3",
                          "--reason", "carer says")
    assert code == 3 and "Only a manager or administrator can change terms of approval" in one_desk_error(err)
    code, out, err = run(capsys, monkeypatch, "dana", "--db", db, "households", "edit", " hh-77 ", "pets=yes",
                         "--reason", "new dog")
    assert (code, err) == (0, "") and "pets: False -> True" in out
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "edit", "HH-77",
                         "dbs_expires_on=15/01/2028", "--reason", "DBS renewed")
    assert (code, err) == (0, "") and "dbs_expires_on: (blank) -> 2028-01-15" in out
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "edit", "HH-77",
                         "dbs_expires_on=31/02/2028", "--reason", "DBS renewed")
    assert code == 2 and "February 2028 has 29 days" in one_desk_error(err)
    code, _out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "edit", "HH-77", "age_max=15",
                          "--reason", "panel", "--version", "1")
    assert code == 5 and "Pets is now yes (you saw no)" in one_desk_error(err)

    code, out, err = run(capsys, monkeypatch, "dana", "--db", db, "households", "unavailable", "add", "HH-77",
                         "--kind", "holiday", "--from", "04/01/2030", "--until", "17/01/2030",
                         "--reason", "away for a fortnight", "--json")
    assert code == 0, err
    period = json.loads(out)  # days typed day first, as on the desk's screens
    assert (period["starts_on"], period["ends_on"]) == ("2030-01-04", "2030-01-17"), period
    code, out, _ = run(capsys, monkeypatch, "vic", "--db", db, "households", "unavailable", "list", "HH-77", "--json")
    assert [p["id"] for p in json.loads(out)] == [period["id"]]
    code, out, _ = run(capsys, monkeypatch, "dana", "--db", db, "households", "unavailable", "end",
                       str(period["id"]), "--reason", "not going")
    assert code == 0 and "Cancelled" in out
    code, out, err = run(capsys, monkeypatch, "dana", "--db", db, "households", "unavailable", "places", "HH-77",
                         "1", "--until", "2030-02-01", "--reason", "bedroom decorated")
    assert code == 0 and "1 place not available until" in out

    hid = added["id"]
    placement(database, child(database, "C-77", first_name="Jo", last_name="Hart"), hid, people["worker"].user_id,
              starts_on=__import__("datetime").date(2026, 11, 20))
    code, _out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "status", "HH-77", "resigned",
                          "--reason", "gave notice")
    assert code == 5 and "(Jo Hart)" in one_desk_error(err)
    code, _out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "edit", "HH-77", "colour=red",
                          "--reason", "x")
    assert code == 2 and "colour" in one_desk_error(err)


def test_de_registration_from_the_command_line_with_the_panels_day(database, people, capsys, monkeypatch):
    import datetime as dt

    import sqlalchemy as sa

    from db.models import Household

    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-27T10:00:00+00:00")
    places(database)
    db = url_of(database)
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, *ADD, "--reason", "approved at panel", "--json")
    hid = json.loads(out)["id"]
    pl = placement(database, child(database, "C-78", first_name="Jo", last_name="Hart"), hid,
                   people["worker"].user_id, starts_on=dt.date(2026, 11, 20))
    code, _out, err = run(capsys, monkeypatch, "dana", "--db", db, "households", "status", "HH-77", "deregistered",
                          "--reason", "panel")
    assert code == 3 and "Only a manager or administrator" in one_desk_error(err)
    code, _out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "status", "HH-77", "deregistered",
                          "--reason", "panel recommended it", "--on", "2026-11-26")
    assert code == 5 and "(Jo Hart)); end that placement first, then record the de-registration" in one_desk_error(err)
    with database.write() as s:
        s.execute(sa.text("UPDATE placements SET ended_on = :d WHERE id = :id"), {"d": dt.date(2026, 11, 26), "id": pl})
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, "households", "status", "HH-77", "deregistered",
                         "--reason", "panel recommended it", "--on", "2026-11-26")
    assert code == 0, err
    with database.read() as s:
        h = s.get(Household, hid)
        assert (h.status.value, h.left_on, h.left_reason) == ("deregistered", dt.date(2026, 11, 26),
                                                              "panel recommended it")
