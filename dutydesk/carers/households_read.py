"""Reading a households CSV: the file opened whatever its encoding, the header and every row
checked, every problem collected (nothing is written here; ``households_import`` writes)."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from db.enums import HouseholdKind, HouseholdStatus, PlacementType
from db.models import Place, Team
from dutydesk.access.desk import Desk
from dutydesk.carers.households_format import (
    BLANK,
    COLUMN_NAMES,
    DEFAULTS,
    DOC,
    HOUSEHOLDS,
    REQUIRED,
    SPECS,
    TEXT_COLUMNS,
    BadCell,
    ImportRejected,
    Problem,
    allowed,
    clean_cell,
    header_key,
    shown,
    unformula,
)
from db.household_keys import reference_key
from db.models import Allegation, Child, Placement
from db.enums import AllegationStatus
from dutydesk.carers.household_rules import status_words
from dutydesk.errors import InvalidInput
from dutydesk.places import reference_places
from dutydesk.text import clean


@dataclass(slots=True)
class Row:
    line: int
    reference: str
    values: dict[str, Any]  # CSV column name -> parsed value (team code, place name)
    existing_id: int | None = None



def open_text(source: Path | str | IO[bytes], name: str) -> IO[str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise InvalidInput(f"There is no file {name}. Check the name and the folder.")
        if path.is_dir():
            raise InvalidInput(f"{name} is a folder; give the CSV file inside it.")
        try:
            raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller through the wrapper
        except PermissionError:
            raise InvalidInput(f"You may not read {name}; check its permissions.") from None
        except OSError as err:
            raise InvalidInput(f"Cannot read {name}: {err.strerror or err}.") from None
    else:
        raw = source
    start = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raw.close()
        raise InvalidInput(
            f"{name} is saved as UTF-16 ('Unicode text'); save it as 'CSV UTF-8 (Comma delimited)' and import that."
        )
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _check_header(cells: list[str], name: str) -> tuple[list[str], list[Problem]]:
    """Canonical column names in file order, and the problems with the header."""
    problems: list[Problem] = []
    keys = [header_key(c) for c in cells]
    if len(keys) == 1 and any(sep in cells[0] for sep in (";", "\t")):
        sep = "semicolons" if ";" in cells[0] else "tabs"
        raise InvalidInput(
            f"{name}: the columns are separated by {sep}; save the file as CSV with commas "
            "('CSV UTF-8 (Comma delimited)' in Excel)."
        )
    seen: dict[str, int] = {}
    for i, key in enumerate(keys, start=1):
        if key == "":
            continue  # spreadsheets leave unnamed empty columns; a value under one is reported per line
        if key not in SPECS:
            close = difflib.get_close_matches(key, COLUMN_NAMES, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(Problem(1, None, f"unknown column {cells[i - 1].strip()!r}",
                                    f"{hint}the columns are listed in {DOC}"))
        elif key in seen:
            problems.append(Problem(1, None, f"column {key} appears twice (columns {seen[key]} and {i})",
                                    "keep one of them"))
        else:
            seen[key] = i
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        problems.append(Problem(1, None, f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                                f"every file needs {', '.join(REQUIRED)}"))
    return keys, problems


@dataclass
class _Lookups:
    teams: dict[str, int]  # code (upper) -> id
    place_by_name: dict[str, str]  # lower name -> name
    place_by_district: dict[str, str]  # postcode district -> name (first by name)
    places_missing: bool  # the store has no places yet: they are added on import
    # reference_key(reference) -> (id, occupied_places, age_min, age_max, status, stored reference)
    existing: dict[str, tuple[int, int, int, int, str, str]]
    held: dict[int, str]  # household id -> the open allegation holding it
    placed: dict[int, list[str]]  # household id -> its current placements, worded


def _lookups(desk: Desk) -> _Lookups:
    with desk.db.read() as s:
        teams = {code.upper(): tid for tid, code in s.execute(sa.select(Team.id, Team.code)).all()}
        places = [(n, pd) for n, pd in s.execute(sa.select(Place.name, Place.postcode_district)).all()]
        missing = not places
        if missing:
            places = [(p.name, p.postcode_district) for p in reference_places()]
        existing = {
            reference_key(ref): (hid, occ, lo, hi, status, ref)
            for ref, hid, occ, lo, hi, status in s.execute(
                sa.select(HOUSEHOLDS.c.reference, HOUSEHOLDS.c.id, HOUSEHOLDS.c.occupied_places,
                          HOUSEHOLDS.c.age_min, HOUSEHOLDS.c.age_max, HOUSEHOLDS.c.status)
            ).all()
        }
        held: dict[int, str] = {}
        for hid, ref in s.execute(sa.select(Allegation.household_id, Allegation.reference)
                                  .where(Allegation.status == AllegationStatus.OPEN)
                                  .order_by(Allegation.raised_at, Allegation.id)).all():
            held.setdefault(hid, ref)
        placed: dict[int, list[str]] = {}
        for hid, ref, first, last in s.execute(
                sa.select(Placement.household_id, Placement.reference, Child.first_name, Child.last_name)
                .join(Child, Child.id == Placement.child_id).where(Placement.ended_on.is_(None))
                .order_by(Placement.starts_on, Placement.id)).all():
            placed.setdefault(hid, []).append(f"{ref} ({first} {last})")
    by_district: dict[str, str] = {}
    for pname, district in sorted(places):
        if district:
            by_district.setdefault(district.upper(), pname)
    return _Lookups(teams, {n.lower(): n for n, _ in places}, by_district, missing, existing, held, placed)


def _parse_row(line: int, keys: list[str], cells: list[str], look: _Lookups, problems: list[Problem],
               update: bool) -> Row | None:
    values: dict[str, Any] = {}
    bad: set[str] = set()
    blank: set[str] = set()
    start = len(problems)
    for i, (key, raw) in enumerate(zip(keys, cells), start=1):
        if key == "":
            if raw.strip():
                problems.append(Problem(line, f"{i} (no name)", f"has the value {shown(clean_cell(raw))}",
                                        "name this column in the first line, or delete the value"))
            continue
        text = clean_cell(raw)
        if key in TEXT_COLUMNS:
            text = unformula(text)
        spec = SPECS[key]
        if text == "":
            blank.add(key)
            if spec.required:
                problems.append(Problem(line, key, "is empty", f"every household needs a {key.replace('_', ' ')}"))
                bad.add(key)
                continue
        try:
            parsed = spec.parse(text)
        except BadCell as err:
            problems.append(Problem(line, key, err.what, err.hint))
            bad.add(key)
            continue
        values[key] = BLANK[key] if key in blank and key in BLANK else parsed

    ref = values.get("reference")
    current = look.existing.get(reference_key(ref)) if ref is not None else None

    # Lookups against the store.
    team = values.get("team")
    if team:
        if team not in look.teams:
            known = ", ".join(sorted(look.teams)) or "none yet (add them with: dutydesk teams add)"
            problems.append(Problem(line, "team", f"there is no team {team!r}", f"type one of the team codes: {known}"))
            bad.add("team")
    place = values.get("place")
    if place:
        name = look.place_by_name.get(place.lower()) or look.place_by_district.get(place.upper().replace(" ", ""))
        if name is None:
            close = difflib.get_close_matches(place.lower(), list(look.place_by_name), n=1)
            hint = f"did you mean {look.place_by_name[close[0]]}? " if close else ""
            problems.append(Problem(line, "place", f"{shown(place)} is not a place dutydesk knows",
                                    f"{hint}type a town from the places list, or a postcode district such as CT9"))
            bad.add("place")
        else:
            values["place"] = name
    elif values.get("postcode") and ("place" in keys or current is None):
        district = values["postcode"].split(" ")[0]
        values["place"] = look.place_by_district.get(district)

    # Rules across columns (only where the cells themselves were fine).
    kind = values.get("kind")
    if kind is not None and "agency" in keys and "agency" not in bad:
        agency = values.get("agency")
        if kind is HouseholdKind.IFA and not agency:
            problems.append(Problem(line, "agency", "is empty for an IFA household", "type the fostering agency's name"))
        elif kind is not HouseholdKind.IFA and agency:
            problems.append(Problem(line, "agency", f"is filled in for a {kind.value} household",
                                    "leave agency blank unless kind is ifa"))
    elif kind is HouseholdKind.IFA and "agency" not in keys and current is None:
        problems.append(Problem(line, "agency", "an IFA household needs its agency", "add an agency column with the agency's name"))
    # A column the file leaves out keeps the stored value (update) or takes the default (new).
    kept = {"age_min": current[2], "age_max": current[3]} if current is not None else DEFAULTS
    lo = values.get("age_min", kept["age_min"] if "age_min" not in keys else None)
    hi = values.get("age_max", kept["age_max"] if "age_max" not in keys else None)
    if lo is not None and hi is not None and lo > hi and not {"age_min", "age_max"} & bad:
        problems.append(Problem(line, "age_min", f"age_min {lo} is more than age_max {hi}",
                                "the youngest age must not be above the oldest; swap them?"))
    approved, expires = values.get("approved_on"), values.get("approval_expires_on")
    if approved and expires and expires < approved:
        problems.append(Problem(line, "approval_expires_on", f"{expires} is before approved_on {approved}",
                                "approval cannot end before it starts"))
    if (values.get("status") is HouseholdStatus.APPROVED and "placement_types" in keys
            and "placement_types" not in bad and not values.get("placement_types")):
        problems.append(Problem(line, "placement_types", "is empty for an approved household",
                                f"type the approved placement types separated by ;, from {allowed(PlacementType)}"))

    if current is not None:
        if not update:
            problems.append(Problem(line, "reference", f"{ref} is already in dutydesk",
                                    "use --update to change existing households, or give this one a new reference"))
        elif "occupied_places" in values:
            # Placements move this number; an update may only repeat it (or leave it blank).
            if "occupied_places" not in blank and values["occupied_places"] != current[1]:
                problems.append(Problem(
                    line, "occupied_places",
                    f"dutydesk records {current[1]} child(ren) placed there now; an import cannot change that",
                    f"placements change it; leave the cell blank or type {current[1]}"))
            del values["occupied_places"]
        if "status" in values and "status" not in bad:
            # A stale export must not lift an allegation hold, nor resign a household with a child placed.
            before = HouseholdStatus(current[4])
            problem = status_words(before, values["status"], look.held.get(current[0]), look.placed.get(current[0], []))
            if problem:
                problems.append(Problem(line, "status", f"{current[5]} cannot become {values['status'].value}: {problem}",
                                        f"type {before.value} to keep its status"))
    if len(problems) > start or ref is None:
        return None
    return Row(line, ref, values, current[0] if current is not None else None)


def read_rows(desk: Desk, text: IO[str], name: str, update: bool) -> tuple[list[Row], list[Problem]]:
    look = _lookups(desk)
    reader = csv.reader(text, strict=True)
    problems: list[Problem] = []
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    line = 1
    try:
        header = next(reader, None)
        if header is None or not any(c.strip() for c in header):
            raise InvalidInput(
                f"{name} is empty: its first line must name the columns "
                f"({', '.join(REQUIRED)} at least; see {DOC})."
            )
        keys, header_problems = _check_header(header, name)
        if header_problems:
            raise ImportRejected(name, header_problems)
        width = len(keys)
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not "".join(cells).strip():
                continue  # blank lines, and rows of empty cells that spreadsheets leave behind
            if len(cells) < width and not any(keys[len(cells):]):
                cells = cells + [""] * (width - len(cells))  # only unnamed columns missing
            if len(cells) != width:
                problems.append(Problem(
                    start, None, f"has {len(cells)} values but the first line names {width} columns",
                    "a value containing a comma must be inside double quotes" if len(cells) > width
                    else "add the missing values, or empty cells, so every line has the same columns"))
                continue
            row = _parse_row(start, keys, cells, look, problems, update)
            typed_ref = unformula(clean(cells[keys.index("reference")]))
            ref = reference_key(typed_ref)
            if ref:
                if ref in first_line:
                    problems.append(Problem(start, "reference", f"{typed_ref} is also on line {first_line[ref]}",
                                            "each household may appear only once in a file"))
                    row = None
                else:
                    first_line[ref] = start
            if row is not None:
                rows.append(row)
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{name} is not UTF-8 text (a character that UTF-8 cannot hold, at or after line {line}). "
            "In Excel choose Save As > 'CSV UTF-8 (Comma delimited)' and import that file."
        ) from None
    except csv.Error as err:
        problems.append(Problem(line, None, f"is not valid CSV ({err})",
                                "check the double quotes: a value with quotes inside is written \"like \"\"this\"\"\""))
    problems.sort(key=lambda p: p.line)
    if not problems:
        rows.sort(key=lambda r: r.line)
    return rows, problems
