"""Households CSV import and export (SQLite and PostgreSQL).

A file is checked whole; one bad line means nothing is imported and every
problem is named by line and column. Export writes the import format back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.engine import Database
from db.enums import GenderTerms, HouseholdKind, HouseholdStatus, PlacementType, Role, Specialism
from db.models import AuditEvent, Household, Place, Team
from db.schema import create_schema
from dutydesk.access import audit
from dutydesk.carers import households_export, households_format, households_import
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotAllowed
from dutydesk.carers.households_format import COLUMN_NAMES, ImportRejected
from dutydesk.carers.households_import import import_households
from conftest import add_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ["reference", "name", "kind", "status", "place", "age_min", "age_max", "places", "placement_types",
           "approved_on"]
GOOD = ["HH-1", "Ahmed, Sara", "in_house", "approved", "Margate", "0", "17", "2", "emergency", "2024-01-02"]


def write(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def csv_text(header: list[str], *rows: list[str]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def households(db: Database) -> dict[str, Household]:
    with db.read() as s:
        return {h.reference: h for h in s.exec(select(Household)).all()}


def audit_events(db: Database, action: str | None = None) -> list[AuditEvent]:
    with db.read() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return list(s.exec(stmt).all())


def place_name(db: Database, place_id: int | None) -> str | None:
    with db.read() as s:
        return s.get(Place, place_id).name if place_id else None


def team_code(db: Database, team_id: int | None) -> str | None:
    with db.read() as s:
        return s.get(Team, team_id).code if team_id else None


@pytest.fixture
def manager(database, people) -> Desk:
    return Desk(database, people["manager"])


def rejected(desk: Desk, path: Path, **kw) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_households(desk, path, **kw)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- a good file


def test_good_file_imports_every_field(database, manager) -> None:
    result = import_households(manager, FIXTURES / "households_good.csv")
    assert (result.rows, result.added, result.updated, result.dry_run) == (4, 4, 0, False)
    got = households(database)
    assert set(got) == {"HH-0001", "HH-0002", "HH-0003", "HH-0004"}

    a = got["HH-0001"]
    assert a.name == "O'Brien [Jr], Sean and Mary"
    assert (a.kind, a.status, a.agency) == (HouseholdKind.IN_HOUSE, HouseholdStatus.APPROVED, None)
    assert team_code(database, a.team_id) == "EAST" and place_name(database, a.place_id) == "Margate"
    assert (a.postcode, a.phone, a.supervising_social_worker) == ("CT9 1AB", "01843 555 101", "Priya Shah")
    assert (a.age_min, a.age_max, a.places, a.gender_terms) == (0, 17, 3, GenderTerms.ANY)
    assert a.placement_types == {PlacementType.EMERGENCY, PlacementType.SHORT_TERM}
    assert a.specialisms == {Specialism.SIBLING_GROUPS, Specialism.TEENAGERS}
    assert (a.bedrooms, a.pets, a.smoker, a.wheelchair_access) == (4, True, False, False)
    assert (a.other_children_ages, a.languages) == ("12,15", "english,irish")
    assert (a.religion, a.ethnicity) == ("Catholic", "White Irish")
    assert a.approved_on == dt.date(2019, 5, 14) and a.approval_expires_on is None
    assert a.annual_review_due == dt.date(2026, 5, 14) and a.dbs_expires_on == dt.date(2027, 1, 31)
    assert a.vacant_since == dt.date(2026, 10, 6) and a.occupied_places == 1 and a.version == 1

    b = got["HH-0002"]  # Ann [/]: connected person, place taken from the postcode's district
    assert b.name == "Ann [/]" and b.kind is HouseholdKind.CONNECTED_PERSON
    assert place_name(database, b.place_id) == "Ramsgate"
    assert b.approval_expires_on == dt.date(2027, 2, 21) and b.gender_terms is GenderTerms.MALE
    assert b.specialisms == frozenset() and b.languages == "english"

    c = got["HH-0003"]
    assert c.kind is HouseholdKind.IFA and c.agency == "Brightwater Fostering" and c.team_id is None
    assert c.phone == "+44 1227 555 303" and c.wheelchair_access is True
    assert c.placement_types == {PlacementType.EMERGENCY, PlacementType.LONG_TERM, PlacementType.REMAND}

    d = got["HH-0004"]  # a postcode district in the place column: the first town of ME12 by name
    assert place_name(database, d.place_id) == "Minster-on-Sea" and d.status is HouseholdStatus.ON_HOLD
    assert d.placement_types == {PlacementType.PARENT_AND_CHILD, PlacementType.SHORT_BREAKS}


def test_each_household_is_audited_with_its_source_line(database, manager) -> None:
    import_households(manager, FIXTURES / "households_good.csv", source_name="carers.csv")
    got = households(database)
    imported = audit_events(database, "household.imported")
    assert [e.entity_id for e in imported] == [str(got[r].id) for r in ("HH-0001", "HH-0002", "HH-0003", "HH-0004")]
    assert all(e.username == "maya" and e.entity == "households" for e in imported)
    assert json.loads(imported[1].detail) == {"reference": "HH-0002", "source": "carers.csv", "line": 3}
    (summary,) = audit_events(database, "households.imported")
    assert json.loads(summary.detail)["added"] == 4
    with database.read() as s:
        assert [e.action for e in audit.history(s, "households", got["HH-0003"].id)] == ["household.imported"]
        assert audit.verify(s).ok


def test_a_large_import_keeps_the_audit_chain_whole(database, manager, tmp_path) -> None:
    # More rows than one batch of inserts and of audit events, on each backend.
    rows = [[f"HH-{i:05d}", f"Carer {i}", "in_house", "approved", "Dover", "0", "17", "1", "emergency", ""]
            for i in range(2600)]
    result = import_households(manager, write(tmp_path, csv_text(MINIMAL, *rows)))
    assert result.added == 2600
    with database.read() as s:
        check = audit.verify(s)
        ids = dict(s.execute(sa.select(Household.reference, Household.id)).all())
        imported = s.exec(select(AuditEvent).where(AuditEvent.action == "household.imported")).all()
    assert check.ok and check.events == 2601
    assert {json.loads(e.detail)["reference"]: e.entity_id for e in imported} == {r: str(i) for r, i in ids.items()}


# ---------------------------------------------------------------- all or nothing


def test_one_bad_row_among_good_ones_imports_nothing_and_names_the_line(database, manager) -> None:
    with pytest.raises(ImportRejected) as info:
        import_households(manager, FIXTURES / "households_one_bad.csv", source_name="one_bad.csv")
    assert [str(p) for p in info.value.problems] == [
        "line 4, column place: 'Atlantis' is not a place dutydesk knows "
        "(type a town from the places list, or a postcode district such as CT9)"
    ]
    assert str(info.value).startswith("one_bad.csv: 1 problem on 1 line; nothing was imported.")
    assert isinstance(info.value, InvalidInput)
    assert households(database) == {}
    assert audit_events(database) == [e for e in audit_events(database) if not e.action.startswith("household")]


def test_every_problem_is_reported_in_line_order(manager, tmp_path) -> None:
    text = csv_text(
        MINIMAL,
        GOOD,
        ["HH-2", "Bad, Both", "in_house", "approved", "Margate", "x", "17", "0", "emergency", ""],
        ["HH-3", "Fine", "in_house", "approved", "Margate", "0", "17", "1", "emergency", ""],
        ["HH-4", "", "in_house", "approved", "Margate", "0", "17", "1", "emergency", "31/12/2024"],
    )
    problems = rejected(manager, write(tmp_path, text))
    assert [p.split(":")[0] for p in problems] == [
        "line 3, column age_min", "line 3, column places", "line 5, column name", "line 5, column approved_on"]


BAD_CELLS = [
    ("approved_on", "2025-13-01", "line 2, column approved_on: '2025-13-01' is not a real date (type a date as YYYY-MM-DD"),
    ("approved_on", "03/04/2025", "line 2, column approved_on: '03/04/2025' is not a date in the form YYYY-MM-DD"),
    ("placement_types", "emergency;sleepover", "line 2, column placement_types: 'sleepover' is not placement types"),
    ("placement_types", "emergancy", "column placement_types: 'emergancy' is not"),
    ("age_min", "12", "line 2, column age_min: age_min 12 is more than age_max 9"),
    ("place", "Atlantis", "line 2, column place: 'Atlantis' is not a place dutydesk knows"),
    ("place", "Margat", "did you mean Margate?"),
    ("places", "two", "line 2, column places: 'two' is not a whole number (type how many children"),
    ("places", "0", "line 2, column places: 0 is out of range"),
    ("kind", "foster", "line 2, column kind: 'foster' is not a household kind (type one of in_house, connected_person, ifa)"),
    ("status", "", "line 2, column status: is empty (every household needs a status)"),
    ("reference", "HH;1", "line 2, column reference: 'HH;1' is not a usable reference"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS, ids=[f"{c}={v}" for c, v, _ in BAD_CELLS])
def test_each_kind_of_bad_value_says_what_to_type(manager, tmp_path, column, value, message) -> None:
    row = dict(zip(MINIMAL, GOOD))
    row["age_max"] = "9"
    row[column] = value
    problems = rejected(manager, write(tmp_path, csv_text(MINIMAL, [row[c] for c in MINIMAL])))
    assert len(problems) == 1 and message in problems[0], problems


def test_an_ifa_needs_its_agency_and_others_must_not_have_one(manager, tmp_path) -> None:
    header = [*MINIMAL, "agency"]
    text = csv_text(header, [*GOOD[:2], "ifa", *GOOD[3:], ""], ["HH-2", "X", "in_house", *GOOD[3:], "Acme"])
    assert rejected(manager, write(tmp_path, text)) == [
        "line 2, column agency: is empty for an IFA household (type the fostering agency's name)",
        "line 3, column agency: is filled in for a in_house household (leave agency blank unless kind is ifa)",
    ]


def test_unknown_team_lists_the_team_codes(manager, tmp_path) -> None:
    text = csv_text([*MINIMAL, "team"], [*GOOD, "SOUTH"])
    (problem,) = rejected(manager, write(tmp_path, text))
    assert problem == "line 2, column team: there is no team 'SOUTH' (type one of the team codes: EAST, OOH, WEST)"


def test_duplicate_references_in_the_file_and_in_the_store(database, manager, tmp_path) -> None:
    import_households(manager, FIXTURES / "households_good.csv")
    text = csv_text(MINIMAL, GOOD, ["HH-0002", *GOOD[1:]], GOOD)
    assert rejected(manager, write(tmp_path, text)) == [
        "line 3, column reference: HH-0002 is already in dutydesk "
        "(use --update to change existing households, or give this one a new reference)",
        "line 4, column reference: HH-1 is also on line 2 (each household may appear only once in a file)",
    ]
    assert "HH-1" not in households(database)


def test_missing_and_unknown_columns_are_named(manager, tmp_path) -> None:
    header = [c for c in MINIMAL if c != "places"] + ["phon", "Reference"]
    row = [v for c, v in zip(MINIMAL, GOOD) if c != "places"] + ["1", "HH-9"]
    problems = rejected(manager, write(tmp_path, csv_text(header, row)))
    assert problems == [
        "line 1: unknown column 'phon' (did you mean phone? the columns are listed in docs/households-csv.md)",
        "line 1: column reference appears twice (columns 1 and 11) (keep one of them)",
        "line 1: missing required column: places "
        "(every file needs reference, name, kind, status, places)",
    ]


def test_header_names_are_forgiving_about_case_spaces_and_dashes(database, manager, tmp_path) -> None:
    header = ["Reference", "Name", "KIND", "Status", "Place", "Age Min", "age-max", "Places", "Placement Types",
              "approved_on"]
    result = import_households(manager, write(tmp_path, csv_text(header, GOOD)))
    assert result.added == 1 and households(database)["HH-1"].age_max == 17


def test_a_line_with_the_wrong_number_of_values(manager, tmp_path) -> None:
    text = csv_text(MINIMAL, GOOD) + "HH-2,Smith, Jo,in_house,approved,Margate,0,17,1,emergency,\n"
    (problem,) = rejected(manager, write(tmp_path, text))
    assert problem.startswith("line 3: has 11 values but the first line names 10 columns")
    assert "double quotes" in problem


def test_choices_accept_plain_words(database, manager, tmp_path) -> None:
    header = ["reference", "name", "kind", "status", "places", "placement_types", "gender_terms", "pets"]
    text = csv_text(header, ["HH-1", "X", "Connected person", "On hold", "1", "Respite; Short-term", "Girls", "Y"])
    import_households(manager, write(tmp_path, text))
    h = households(database)["HH-1"]
    assert (h.kind, h.status, h.gender_terms, h.pets) == (
        HouseholdKind.CONNECTED_PERSON, HouseholdStatus.ON_HOLD, GenderTerms.FEMALE, True)
    assert h.placement_types == {PlacementType.SHORT_BREAKS, PlacementType.SHORT_TERM}
    # Left-out columns take the model's defaults.
    assert (h.age_min, h.age_max, h.bedrooms, h.languages, h.place_id) == (0, 17, 1, "english", None)


# ---------------------------------------------------------------- the file itself


def test_missing_file_and_folder(manager, tmp_path) -> None:
    with pytest.raises(InvalidInput, match="There is no file .*nope.csv. Check the name"):
        import_households(manager, tmp_path / "nope.csv")
    with pytest.raises(InvalidInput, match="is a folder"):
        import_households(manager, tmp_path)


def test_empty_file_and_header_only(database, manager, tmp_path) -> None:
    with pytest.raises(InvalidInput, match="is empty: its first line must name the columns"):
        import_households(manager, write(tmp_path, ""))
    result = import_households(manager, write(tmp_path, csv_text(MINIMAL), "header.csv"))
    assert (result.rows, result.added) == (0, 0)
    assert households(database) == {}


def test_excel_bom_and_crlf_are_fine(database, manager, tmp_path) -> None:
    text = csv_text(MINIMAL, ["HH-1", "Zoë Brontë", *GOOD[2:]]).replace("\n", "\r\n")
    import_households(manager, write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert households(database)["HH-1"].name == "Zoë Brontë"


def test_not_utf8_is_refused_with_advice(database, manager, tmp_path) -> None:
    text = csv_text(MINIMAL, GOOD, ["HH-2", "Zoë", *GOOD[2:]])
    with pytest.raises(InvalidInput, match=r"not UTF-8 text.*CSV UTF-8"):
        import_households(manager, write(tmp_path, text.encode("cp1252")))
    with pytest.raises(InvalidInput, match="UTF-16"):
        import_households(manager, write(tmp_path, text.encode("utf-16"), "u16.csv"))
    assert households(database) == {}


def test_semicolon_separated_file_is_explained(manager, tmp_path) -> None:
    with pytest.raises(InvalidInput, match="separated by semicolons"):
        import_households(manager, write(tmp_path, ";".join(MINIMAL) + "\n" + ";".join(GOOD) + "\n"))


def test_broken_quoting_is_reported_by_line(manager, tmp_path) -> None:
    text = csv_text(MINIMAL, GOOD) + '"HH-2","Smith" Jo,in_house,approved,Margate,0,17,1,emergency,\n'
    (problem,) = rejected(manager, write(tmp_path, text))
    assert problem.startswith("line 3: is not valid CSV")


def test_stdin_like_binary_stream(database, manager) -> None:
    stream = io.BufferedReader(io.BytesIO(csv_text(MINIMAL, GOOD).encode()))
    assert import_households(manager, stream, source_name="standard input").added == 1


# ---------------------------------------------------------------- text


def test_awkward_names_are_stored_literally_and_control_codes_neutralised(database, manager, tmp_path) -> None:
    rows = [
        ["HH-1", "O'Brien [Jr]", *GOOD[2:]],
        ["HH-2", "Ann [/]", *GOOD[2:]],
        ["HH-3", "Eve\x1b]0;owned\x07 \x1b[2J\u202eLyn", *GOOD[2:]],
        ["HH-4", "[bold red]X[/]", *GOOD[2:]],
    ]
    import_households(manager, write(tmp_path, csv_text(MINIMAL, *rows)))
    got = households(database)
    assert got["HH-1"].name == "O'Brien [Jr]" and got["HH-2"].name == "Ann [/]"
    assert got["HH-4"].name == "[bold red]X[/]"
    evil = got["HH-3"].name
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", evil)
    assert evil.startswith("Eve") and evil.endswith("Lyn") and "owned" in evil


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("who", ["worker", "viewer"])
def test_only_managers_and_admins_import_or_export(database, people, who) -> None:
    desk = Desk(database, people[who])
    with pytest.raises(NotAllowed, match="import households"):
        import_households(desk, FIXTURES / "households_good.csv")
    with pytest.raises(NotAllowed, match="export households"):
        households_export.write_csv(desk, io.StringIO())
    assert households(database) == {}


def test_an_admin_may_import(database, people) -> None:
    assert import_households(Desk(database, people["admin"]), FIXTURES / "households_good.csv").added == 4


# ---------------------------------------------------------------- dry run and update


def test_dry_run_checks_and_writes_nothing(database, manager) -> None:
    before = len(audit_events(database))
    result = import_households(manager, FIXTURES / "households_good.csv", dry_run=True)
    assert (result.dry_run, result.added) == (True, 4)
    assert households(database) == {} and len(audit_events(database)) == before
    with pytest.raises(ImportRejected):
        import_households(manager, FIXTURES / "households_one_bad.csv", dry_run=True)


def test_update_changes_only_what_differs_and_audits_old_and_new(database, manager, tmp_path) -> None:
    import_households(manager, FIXTURES / "households_good.csv")
    out = io.StringIO()
    households_export.write_csv(manager, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    rows[1]["status"] = "on_hold"
    rows[1]["languages"] = "english;welsh"
    rows[2]["phone"] = ""
    path = write(tmp_path, csv_text(list(COLUMN_NAMES), *[[r[c] for c in COLUMN_NAMES] for r in rows]))

    with pytest.raises(ImportRejected, match="4 problems on 4 lines"):
        import_households(manager, path)  # without --update, references already in dutydesk are refused
    result = import_households(manager, path, update=True)
    assert (result.added, result.updated, result.unchanged) == (0, 2, 2)
    got = households(database)
    assert got["HH-0002"].status is HouseholdStatus.ON_HOLD and got["HH-0002"].status_changed_at is not None
    assert got["HH-0002"].languages == "english,welsh" and got["HH-0002"].version == 2
    assert got["HH-0003"].phone == "" and got["HH-0001"].version == 1
    changes = {json.loads(e.detail)["reference"]: json.loads(e.detail)["changes"]
               for e in audit_events(database, "household.updated")}
    assert changes == {
        "HH-0002": {"status": ["approved", "on_hold"], "languages": [["english"], ["english", "welsh"]]},
        "HH-0003": {"phone": ["+44 1227 555 303", ""]},
    }


def test_update_leaves_out_columns_untouched(database, manager, tmp_path) -> None:
    import_households(manager, FIXTURES / "households_good.csv")
    text = csv_text(["reference", "name", "kind", "status", "places"],
                    ["HH-0001", "O'Brien, renamed", "in_house", "approved", "3"])
    assert import_households(manager, write(tmp_path, text), update=True).updated == 1
    h = households(database)["HH-0001"]
    assert h.name == "O'Brien, renamed" and h.phone == "01843 555 101" and h.occupied_places == 1
    assert h.placement_types == {PlacementType.EMERGENCY, PlacementType.SHORT_TERM}


def test_update_may_not_move_occupied_places(database, manager, tmp_path) -> None:
    import_households(manager, FIXTURES / "households_good.csv")
    text = csv_text(["reference", "name", "kind", "status", "places", "occupied_places"],
                    ["HH-0001", "X", "in_house", "approved", "3", "0"],
                    ["HH-0002", "Y", "connected_person", "approved", "1", ""])
    (problem,) = rejected(manager, write(tmp_path, text), update=True)
    assert problem.startswith("line 2, column occupied_places: dutydesk records 1 child(ren) placed there now")
    assert "leave the cell blank or type 1" in problem
    assert households(database)["HH-0001"].name.startswith("O'Brien")


def test_a_reference_added_meanwhile_stops_the_whole_import(database, manager, tmp_path, monkeypatch) -> None:
    path = write(tmp_path, csv_text(MINIMAL, GOOD, ["HH-2", *GOOD[1:]]))
    real_write = households_import._write

    def someone_else_first(desk, name, new, old):
        with database.write() as s:
            s.add(Household(reference="HH-2", name="Other", kind=HouseholdKind.IN_HOUSE,
                            status=HouseholdStatus.APPROVED))
        return real_write(desk, name, new, old)

    monkeypatch.setattr(households_import, "_write", someone_else_first)
    with pytest.raises(Conflict, match="nothing was imported"):
        import_households(manager, path)
    assert set(households(database)) == {"HH-2"}


# ---------------------------------------------------------------- export and round trip


def test_export_then_import_into_an_empty_store_round_trips(database, manager, tmp_path, people) -> None:
    rows = [["HH-7", "=HYPERLINK(\"http://x\")", *GOOD[2:]], ["HH-8", "'t Hooft, Gerard", *GOOD[2:]],
            ["HH-9", "'=already quoted", *GOOD[2:]]]
    import_households(manager, FIXTURES / "households_good.csv")
    import_households(manager, write(tmp_path, csv_text(MINIMAL, *rows)))
    first = io.StringIO()
    assert households_export.write_csv(manager, first) == 7
    text = first.getvalue()
    assert "'=HYPERLINK" in text and "'+44 1227" in text  # defused for spreadsheets

    copy = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    create_schema(copy)
    for code in ("EAST", "WEST"):
        with copy.write() as s:
            s.add(Team(code=code, name=code))
    other = Desk(copy, add_user(copy, "mo", Role.MANAGER))
    assert import_households(other, write(tmp_path, text, "export.csv")).added == 7
    second = io.StringIO()
    households_export.write_csv(other, second)
    assert second.getvalue() == text
    assert households(copy)["HH-7"].name == '=HYPERLINK("http://x")'
    assert households(copy)["HH-8"].name == "'t Hooft, Gerard"
    # A typed leading apostrophe before = is a spreadsheet's "this is text" mark: dropped on import.
    assert households(copy)["HH-9"].name == households(database)["HH-9"].name == "=already quoted"

    def comparable(db: Database) -> list[dict]:
        skip = {"id", "team_id", "place_id", "created_at", "status_changed_at", "version"}
        return [{k: v for k, v in h.model_dump().items() if k not in skip}
                for _, h in sorted(households(db).items())]

    assert comparable(copy) == comparable(database)
    copy.dispose()


def test_export_json_and_status_filter(database, manager) -> None:
    import_households(manager, FIXTURES / "households_good.csv")
    out = io.StringIO()
    assert households_export.write_json(manager, out, ["on hold"]) == 1
    (record,) = json.loads(out.getvalue())
    assert record["reference"] == "HH-0004" and record["languages"] == ["english", "polish"]
    assert record["other_children_ages"] == [7] and record["smoker"] is True and record["agency"] is None
    empty = io.StringIO()
    assert households_export.write_json(manager, empty, ["resigned"]) == 0
    assert json.loads(empty.getvalue()) == []
    with pytest.raises(InvalidInput, match="not a status"):
        households_export.write_json(manager, io.StringIO(), ["gone"])
    exported = audit_events(database, "households.exported")
    assert [json.loads(e.detail)["households"] for e in exported] == [1, 0]


def test_export_streams_in_batches(database, manager, tmp_path) -> None:
    rows = [[f"HH-{i:04d}", f"Carer {i}", *GOOD[2:]] for i in range(25)]
    import_households(manager, write(tmp_path, csv_text(MINIMAL, *rows)))
    got = households_export.iter_households(manager, batch=10)
    first = next(got)  # a generator: rows arrive before the query has been read to the end
    assert first["reference"] == "HH-0000"
    assert len(list(got)) == 24


def test_the_documentation_describes_every_column() -> None:
    doc = (ROOT / "docs" / "households-csv.md").read_text(encoding="utf-8")
    table = {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", doc, re.M)}
    assert list(table) == list(COLUMN_NAMES)
    assert [c for c, req in table.items() if req == "yes"] == list(households_format.REQUIRED)


def test_spreadsheet_leftovers_unnamed_empty_columns(database, manager, tmp_path) -> None:
    plain = ["HH-1", "Ahmed Sara", *GOOD[2:]]
    # Unnamed columns at the end of line 1, empty below (or missing from a shorter line): ignored.
    text = ",".join([*MINIMAL, "", ""]) + "\n" + ",".join([*plain, "", ""]) + "\n" + ",".join(["HH-2", *plain[1:]]) + "\n"
    assert import_households(manager, write(tmp_path, text)).added == 2
    text = ",".join([*MINIMAL, ""]) + "\n" + ",".join(["HH-3", *plain[1:], "stray"]) + "\n"
    assert rejected(manager, write(tmp_path, text, "stray.csv")) == [
        "line 2, column 11 (no name): has the value 'stray' "
        "(name this column in the first line, or delete the value)"]
