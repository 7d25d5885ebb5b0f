"""Households in and out of the desk as CSV (and JSON out).

The column format is documented in ``docs/households-csv.md``; :data:`COLUMNS` is
the single list both directions use, so an export imports back unchanged.

An import reads and checks the whole file first, collecting every problem as
"line N, column X: what is wrong (what to type)", and writes nothing unless every
row is good; then it writes everything in one transaction (Core batches, not one
ORM object per row) with one audit event per household, so each record's history
says who brought it into the desk and from which file and line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import json
import re
from functools import lru_cache
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from db.enums import GenderTerms, HouseholdKind, HouseholdStatus, PlacementType, Specialism
from db.models import Household, Place, Team
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput
from dutydesk.access.identity import Permission, require
from dutydesk.places import ensure_places, reference_places
from dutydesk.text import clean

DOC = "docs/households-csv.md"
BATCH = 1000
HOUSEHOLDS = Household.__table__


# ============================================================== problems


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: str | None
    what: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.what}" + (f" ({self.hint})" if self.hint else "")


class ImportRejected(InvalidInput):
    """The file has problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = len({p.line for p in problems})
        n = len(problems)
        super().__init__(
            f"{source}: {n} problem{'s' if n != 1 else ''} on {lines} line{'s' if lines != 1 else ''}; "
            f"nothing was imported. Fix {'them' if n != 1 else 'it'} and run the import again "
            f"(the columns are described in {DOC})."
        )


class _Bad(Exception):
    """A cell's value is wrong: what, and what to type instead."""

    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint


# ============================================================== cell parsers

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLASH_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})")
_INT = re.compile(r"[+]?\d+")
_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(?: ?(\d[A-Z]{2}))?")
_PHONE = re.compile(r"[0-9+() .-]*")
_FORMULA_START = ("=", "+", "-", "@")
_REFERENCE = re.compile(r"\w[\w /.-]*")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def _shown(raw: str) -> str:
    text = raw if len(raw) <= 40 else raw[:37] + "..."
    return repr(text)


def _int_parser(low: int, high: int, hint: str) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        if raw == "":
            return None
        if not _INT.fullmatch(raw):
            raise _Bad(f"{_shown(raw)} is not a whole number", hint)
        value = int(raw)
        if not low <= value <= high:
            raise _Bad(f"{value} is out of range", hint)
        return value

    return parse


@lru_cache(maxsize=8192)
def _date(raw: str) -> dt.date | None:
    if raw == "":
        return None
    hint = "type a date as YYYY-MM-DD, for example 2025-04-03"
    m = _SLASH_DATE.fullmatch(raw)
    if m:
        raise _Bad(f"{_shown(raw)} is not a date in the form YYYY-MM-DD",
                   hint + "; dates like 03/04/2025 are ambiguous, and spreadsheets often change them")
    if not _DATE.fullmatch(raw):
        raise _Bad(f"{_shown(raw)} is not a date in the form YYYY-MM-DD", hint)
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise _Bad(f"{_shown(raw)} is not a real date", hint) from None
    if not 1940 <= value.year <= 2100:
        raise _Bad(f"{raw} is not a plausible year", hint)
    return value


def _bool(raw: str) -> bool:
    low = raw.lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise _Bad(f"{_shown(raw)} is not yes or no", "type yes or no, or leave it blank for no")


_ALIASES: dict[type[Enum], dict[str, str]] = {
    HouseholdKind: {"inhouse": "in_house", "connected": "connected_person", "kinship": "connected_person",
                    "connected_persons": "connected_person", "family_and_friends": "connected_person",
                    "agency": "ifa", "independent_fostering_agency": "ifa"},
    HouseholdStatus: {"hold": "on_hold", "assessment": "in_assessment", "resigned_deregistered": "resigned"},
    PlacementType: {"respite": "short_breaks", "short_break": "short_breaks", "shortbreaks": "short_breaks",
                    "parent_child": "parent_and_child", "parent_&_child": "parent_and_child",
                    "p_and_c": "parent_and_child", "longterm": "long_term", "shortterm": "short_term"},
    Specialism: {"sibling_group": "sibling_groups", "siblings": "sibling_groups", "teenager": "teenagers",
                 "disabilities": "disability", "disabled": "disability",
                 "unaccompanied_asylum_seeking_children": "uasc", "baby": "babies"},
    GenderTerms: {"either": "any", "both": "any", "girls": "female", "boys": "male", "f": "female",
                  "m": "male"},
}


def _norm_word(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


def _allowed(enum_cls: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in enum_cls)


@lru_cache(maxsize=4096)
def _enum_value(enum_cls: type[Enum], raw: str, what: str) -> Any:
    key = _norm_word(raw)
    key = _ALIASES.get(enum_cls, {}).get(key, key)
    try:
        return enum_cls(key)
    except ValueError:
        close = difflib.get_close_matches(key, [str(m.value) for m in enum_cls], n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise _Bad(f"{_shown(raw)} is not a {what}", f"{hint}type one of {_allowed(enum_cls)}") from None


def _enum_parser(enum_cls: type[Enum], what: str) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        if raw == "":
            return None
        return _enum_value(enum_cls, raw, what)

    return parse


def _set_parser(enum_cls: type[Enum], what: str) -> Callable[[str], frozenset]:
    @lru_cache(maxsize=4096)
    def parse(raw: str) -> frozenset:
        members = set()
        wrong = []
        for part in re.split(r"[;,]", raw):
            if not part.strip():
                continue
            try:
                members.add(_enum_value(enum_cls, part, what))
            except _Bad:
                wrong.append(part.strip())
        if wrong:
            listed = ", ".join(repr(w) for w in wrong)
            raise _Bad(f"{listed} {'is' if len(wrong) == 1 else 'are'} not {what}s",
                       f"type some of {_allowed(enum_cls)}, separated by ;")
        return frozenset(members)

    return parse


def _text_parser(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise _Bad(f"is too long ({len(raw)} characters)", f"at most {limit}")
        return raw

    return parse


def _reference(raw: str) -> str:
    if len(raw) > 24:
        raise _Bad(f"{_shown(raw)} is too long ({len(raw)} characters)", "a reference has at most 24")
    if not _REFERENCE.fullmatch(raw) or "  " in raw:
        raise _Bad(f"{_shown(raw)} is not a usable reference",
                   "use letters, digits, spaces and - / _ . only, for example HH-00123")
    return raw


def _postcode(raw: str) -> str:
    if raw == "":
        return ""
    m = _POSTCODE.fullmatch(re.sub(r"\s+", " ", raw.upper()))
    if not m:
        raise _Bad(f"{_shown(raw)} is not a UK postcode", "type a postcode such as CT9 1AB, or its district such as CT9")
    return m.group(1) + (f" {m.group(2)}" if m.group(2) else "")


def _phone(raw: str) -> str:
    if len(raw) > 32 or not _PHONE.fullmatch(raw):
        raise _Bad(f"{_shown(raw)} is not a phone number",
                   "use digits, spaces and + ( ) - only, at most 32 characters")
    return raw


def _ages(raw: str) -> str:
    ages = []
    for part in re.split(r"[;,]", raw):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 25:
            raise _Bad(f"{_shown(part)} is not an age",
                       "type the other children's ages in whole years, separated by ;, for example 3;7")
        ages.append(str(int(part)))
    value = ",".join(ages)
    if len(value) > 64:
        raise _Bad("lists too many ages", "at most 64 characters")
    return value


def _languages(raw: str) -> str:
    langs = []
    for part in re.split(r"[;,]", raw):
        part = " ".join(part.split()).lower()
        if part and part not in langs:
            langs.append(part)
    value = ",".join(langs)
    if len(value) > 200:
        raise _Bad(f"lists too many languages ({len(value)} characters)", "at most 200 characters in all")
    return value


# ============================================================== the columns


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    required: bool
    parse: Callable[[str], Any]


_AGE_HINT = "type an age in whole years from 0 to 17"
COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("reference", True, _reference),
    ColumnSpec("name", True, _text_parser(120)),
    ColumnSpec("kind", True, _enum_parser(HouseholdKind, "household kind")),
    ColumnSpec("agency", False, _text_parser(120)),
    ColumnSpec("status", True, _enum_parser(HouseholdStatus, "status")),
    ColumnSpec("team", False, lambda raw: raw.upper()),
    ColumnSpec("place", False, lambda raw: raw),
    ColumnSpec("postcode", False, _postcode),
    ColumnSpec("phone", False, _phone),
    ColumnSpec("supervising_social_worker", False, _text_parser(120)),
    ColumnSpec("age_min", False, _int_parser(0, 17, _AGE_HINT)),
    ColumnSpec("age_max", False, _int_parser(0, 17, _AGE_HINT)),
    ColumnSpec("places", True, _int_parser(1, 10, "type how many children the household is approved for, from 1 to 10")),
    ColumnSpec("gender_terms", False, _enum_parser(GenderTerms, "gender")),
    ColumnSpec("placement_types", False, _set_parser(PlacementType, "placement type")),
    ColumnSpec("specialisms", False, _set_parser(Specialism, "specialism")),
    ColumnSpec("bedrooms", False, _int_parser(0, 20, "type the number of bedrooms, from 0 to 20")),
    ColumnSpec("pets", False, _bool),
    ColumnSpec("smoker", False, _bool),
    ColumnSpec("wheelchair_access", False, _bool),
    ColumnSpec("other_children_ages", False, _ages),
    ColumnSpec("languages", False, _languages),
    ColumnSpec("religion", False, _text_parser(60)),
    ColumnSpec("ethnicity", False, _text_parser(60)),
    ColumnSpec("approved_on", False, _date),
    ColumnSpec("approval_expires_on", False, _date),
    ColumnSpec("approval_extended", False, _bool),
    ColumnSpec("annual_review_due", False, _date),
    ColumnSpec("dbs_expires_on", False, _date),
    ColumnSpec("vacant_since", False, _date),
    ColumnSpec("occupied_places", False, _int_parser(0, 10, "type how many children live there now, from 0 to 10")),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
_SPECS = {c.name: c for c in COLUMNS}

# Columns whose CSV cells hold free text (the ones a spreadsheet could take for a formula).
_TEXT_COLUMNS = frozenset({"reference", "name", "agency", "phone", "supervising_social_worker",
                           "religion", "ethnicity", "place"})
# CSV column -> table column, where they differ.
_DB_COLUMN = {"team": "team_id", "place": "place_id"}
# Values a brand-new household gets for a column the file leaves out (the model's defaults).
_DEFAULTS: dict[str, Any] = {
    "agency": None, "team": None, "place": None, "postcode": "", "phone": "",
    "supervising_social_worker": "", "age_min": 0, "age_max": 17, "gender_terms": GenderTerms.ANY,
    "placement_types": frozenset(), "specialisms": frozenset(), "bedrooms": 1, "pets": False,
    "smoker": False, "wheelchair_access": False, "other_children_ages": "", "languages": "english",
    "religion": "", "ethnicity": "", "approved_on": None, "approval_expires_on": None,
    "approval_extended": False, "annual_review_due": None, "dbs_expires_on": None,
    "vacant_since": None, "occupied_places": 0,
}
# Blank cells in a present column mean "nothing recorded": these are the values stored.
_BLANK: dict[str, Any] = {**_DEFAULTS, "languages": ""}


def _clean(raw: str) -> str:
    """:func:`dutydesk.text.clean`, with a fast path for the plain ASCII most cells are."""
    return raw.strip() if raw.isascii() and raw.isprintable() else clean(raw)


def _header_key(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", clean(raw).lower())


def unformula(value: str) -> str:
    """Undo :func:`defuse` on import: a leading ' before = + - @ or ' is dropped."""
    if len(value) > 1 and value[0] == "'" and value[1] in ("'", *_FORMULA_START):
        return value[1:]
    return value


def defuse(value: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection); :func:`unformula` undoes it."""
    if value.startswith(_FORMULA_START) or (len(value) > 1 and value[0] == "'" and value[1] in ("'", *_FORMULA_START)):
        return "'" + value
    return value


# ============================================================== reading the file


@dataclass(slots=True)
class _Row:
    line: int
    reference: str
    values: dict[str, Any]  # CSV column name -> parsed value (team code, place name)
    existing_id: int | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    rows: int
    added: int
    updated: int
    unchanged: int
    dry_run: bool
    added_references: tuple[str, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "rows": self.rows, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "dry_run": self.dry_run}


def _open_text(source: Path | str | IO[bytes], name: str) -> IO[str]:
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
    keys = [_header_key(c) for c in cells]
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
        if key not in _SPECS:
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
    existing: dict[str, tuple[int, int, int, int]]  # reference -> (id, occupied_places, age_min, age_max)


def _lookups(desk: Desk) -> _Lookups:
    with desk.db.read() as s:
        teams = {code.upper(): tid for tid, code in s.execute(sa.select(Team.id, Team.code)).all()}
        places = [(n, pd) for n, pd in s.execute(sa.select(Place.name, Place.postcode_district)).all()]
        missing = not places
        if missing:
            places = [(p.name, p.postcode_district) for p in reference_places()]
        existing = {
            ref: (hid, occ, lo, hi)
            for ref, hid, occ, lo, hi in s.execute(
                sa.select(HOUSEHOLDS.c.reference, HOUSEHOLDS.c.id, HOUSEHOLDS.c.occupied_places,
                          HOUSEHOLDS.c.age_min, HOUSEHOLDS.c.age_max)
            ).all()
        }
    by_district: dict[str, str] = {}
    for pname, district in sorted(places):
        if district:
            by_district.setdefault(district.upper(), pname)
    return _Lookups(teams, {n.lower(): n for n, _ in places}, by_district, missing, existing)


def _parse_row(line: int, keys: list[str], cells: list[str], look: _Lookups, problems: list[Problem],
               update: bool) -> _Row | None:
    values: dict[str, Any] = {}
    bad: set[str] = set()
    blank: set[str] = set()
    start = len(problems)
    for i, (key, raw) in enumerate(zip(keys, cells), start=1):
        if key == "":
            if raw.strip():
                problems.append(Problem(line, f"{i} (no name)", f"has the value {_shown(_clean(raw))}",
                                        "name this column in the first line, or delete the value"))
            continue
        text = _clean(raw)
        if key in _TEXT_COLUMNS:
            text = unformula(text)
        spec = _SPECS[key]
        if text == "":
            blank.add(key)
            if spec.required:
                problems.append(Problem(line, key, "is empty", f"every household needs a {key.replace('_', ' ')}"))
                bad.add(key)
                continue
        try:
            parsed = spec.parse(text)
        except _Bad as err:
            problems.append(Problem(line, key, err.what, err.hint))
            bad.add(key)
            continue
        values[key] = _BLANK[key] if key in blank and key in _BLANK else parsed

    ref = values.get("reference")
    current = look.existing.get(ref) if ref is not None else None

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
            problems.append(Problem(line, "place", f"{_shown(place)} is not a place dutydesk knows",
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
    kept = {"age_min": current[2], "age_max": current[3]} if current is not None else _DEFAULTS
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
                                f"type the approved placement types separated by ;, from {_allowed(PlacementType)}"))

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
    if len(problems) > start or ref is None:
        return None
    return _Row(line, ref, values, current[0] if current is not None else None)


def _read(desk: Desk, text: IO[str], name: str, update: bool) -> tuple[list[_Row], list[Problem]]:
    look = _lookups(desk)
    reader = csv.reader(text, strict=True)
    problems: list[Problem] = []
    rows: list[_Row] = []
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
            ref = unformula(clean(cells[keys.index("reference")]))
            if ref:
                if ref in first_line:
                    problems.append(Problem(start, "reference", f"{ref} is also on line {first_line[ref]}",
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


# ============================================================== writing


_SET_ORDER = {"placement_types": tuple(PlacementType), "specialisms": tuple(Specialism)}


def _public(values: dict[str, Any]) -> dict[str, Any]:
    """One household's columns as JSON-ready values (lists for sets, ISO dates, enum values)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, (set, frozenset)):
            value = [m.value for m in _SET_ORDER[key] if m in value]
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif key == "other_children_ages":
            value = [int(a) for a in value.split(",") if a]
        elif key == "languages":
            value = [x for x in value.split(",") if x]
        out[key] = value
    return out


def _db_values(values: dict[str, Any], teams: dict[str, int], place_ids: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "team":
            out["team_id"] = teams[value] if value else None
        elif key == "place":
            out["place_id"] = place_ids[value] if value else None
        else:
            out[key] = value
    return out


_SELECT_COLUMNS = [HOUSEHOLDS.c[_DB_COLUMN.get(n, n)] for n in COLUMN_NAMES if n not in _DB_COLUMN]


def _export_select() -> sa.Select:
    return (
        sa.select(*_SELECT_COLUMNS, HOUSEHOLDS.c.id, Team.code.label("team"), Place.name.label("place"))
        .select_from(HOUSEHOLDS)
        .join(Team, Team.id == HOUSEHOLDS.c.team_id, isouter=True)
        .join(Place, Place.id == HOUSEHOLDS.c.place_id, isouter=True)
    )


def _row_values(row: sa.Row) -> dict[str, Any]:
    m = row._mapping
    return {n: m[n] for n in COLUMN_NAMES}


def import_households(
    desk: Desk,
    source: Path | str | IO[bytes],
    *,
    update: bool = False,
    dry_run: bool = False,
    source_name: str | None = None,
) -> ImportResult:
    """Check a whole CSV file, then import all of it in one transaction, or nothing."""
    require(desk.actor, Permission.MANAGE_HOUSEHOLDS, "import households")
    name = source_name or (str(source) if isinstance(source, (str, Path)) else "the input")
    text = _open_text(source, name)
    with text:
        rows, problems = _read(desk, text, name, update)
    if problems:
        raise ImportRejected(name, problems)
    new = [r for r in rows if r.existing_id is None]
    old = [r for r in rows if r.existing_id is not None]
    if dry_run:
        return ImportResult(name, len(rows), len(new), len(old), 0, True)
    try:
        return _write(desk, name, new, old)
    except IntegrityError:
        raise Conflict(
            "Someone changed the households while this file was being imported (a reference was added "
            "or a team or place removed); nothing was imported. Run the import again."
        ) from None


def _write(desk: Desk, name: str, new: list[_Row], old: list[_Row]) -> ImportResult:
    now = clock.now()
    events: list[tuple[str, str, Any, dict[str, Any] | None]] = []
    updated = unchanged = 0
    with desk.db.write() as s:
        place_ids = {n: pid for pid, n in s.execute(sa.select(Place.id, Place.name)).all()}
        if not place_ids:
            place_ids = {n: p.id for n, p in ensure_places(s).items()}
        teams = {code.upper(): tid for tid, code in s.execute(sa.select(Team.id, Team.code)).all()}
        # New households: Core inserts in batches, ids back in the order given.
        for i in range(0, len(new), BATCH):
            chunk = new[i:i + BATCH]
            params = []
            for r in chunk:
                values = {**_DEFAULTS, **r.values}
                params.append({**_db_values(values, teams, place_ids), "created_at": now, "version": 1})
            # Plain executemany: RETURNING in parameter order would make SQLite insert row by row.
            s.execute(sa.insert(HOUSEHOLDS), params)
            ids = dict(s.execute(
                sa.select(HOUSEHOLDS.c.reference, HOUSEHOLDS.c.id)
                .where(HOUSEHOLDS.c.reference.in_([r.reference for r in chunk]))
            ).all())
            for r in chunk:
                hid = ids[r.reference]
                events.append(("household.imported", "households", hid,
                               {"reference": r.reference, "source": name, "line": r.line}))
        # Existing households (--update): lock, compare, update what changed.
        for i in range(0, len(old), BATCH):
            chunk = old[i:i + BATCH]
            ids = [r.existing_id for r in chunk]
            stmt = _export_select().where(HOUSEHOLDS.c.id.in_(ids))
            if not desk.db.is_sqlite:
                stmt = stmt.with_for_update(of=HOUSEHOLDS)
            current = {row.id: row for row in s.execute(stmt).all()}
            for r in chunk:
                row = current.get(r.existing_id)
                if row is None:
                    raise Conflict(f"Household {r.reference} was removed while importing; nothing was imported. Run it again.")
                before = _public(_row_values(row))
                if "occupied_places" in r.values and r.values["occupied_places"] != row.occupied_places:
                    raise Conflict(f"A child was placed with or left household {r.reference} while importing; "
                                   "nothing was imported. Run the import again.")
                after = _public(r.values)
                changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
                if not changes:
                    unchanged += 1
                    continue
                values = _db_values({k: r.values[k] for k in changes}, teams, place_ids)
                if "status" in changes:
                    values["status_changed_at"] = now
                s.execute(
                    sa.update(HOUSEHOLDS).where(HOUSEHOLDS.c.id == r.existing_id)
                    .values(**values, version=HOUSEHOLDS.c.version + 1)
                )
                updated += 1
                events.append(("household.updated", "households", r.existing_id,
                               {"reference": r.reference, "source": name, "line": r.line, "changes": changes}))
        if events:
            audit.record_many(s, desk.actor, events, at=now)
            audit.record(s, desk.actor, "households.imported", "households", "import",
                         {"source": name, "added": len(new), "updated": updated, "unchanged": unchanged},
                         at=now)
    return ImportResult(name, len(new) + len(old), len(new), updated, unchanged, False,
                        tuple(r.reference for r in new))


# ============================================================== export


def _statuses(values: Iterable[str | HouseholdStatus] | None) -> list[HouseholdStatus]:
    out = []
    for v in values or ():
        try:
            out.append(_enum_value(HouseholdStatus, str(v), "status"))
        except _Bad as err:
            raise InvalidInput(f"{err.what}: {err.hint}.") from None
    return out


def iter_households(desk: Desk, statuses: Iterable[str | HouseholdStatus] | None = None,
                    *, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Every household (or those with the given statuses), by reference, as JSON-ready dicts.

    Streams from SQL in batches, so 50,000 households never sit in memory at once.
    The caller must consume it promptly: it holds one read session open while it runs.
    """
    # Checked now, not on the first next(): nothing is written before a refusal.
    require(desk.actor, Permission.MANAGE_HOUSEHOLDS, "export households")
    wanted = _statuses(statuses)
    stmt = _export_select().order_by(HOUSEHOLDS.c.reference)
    if wanted:
        stmt = stmt.where(HOUSEHOLDS.c.status.in_(wanted))
    return _stream(desk, stmt, batch)


def _stream(desk: Desk, stmt: sa.Select, batch: int) -> Iterator[dict[str, Any]]:
    with desk.db.read() as s:
        for row in s.connection().execute(stmt.execution_options(yield_per=batch)):
            yield _public(_row_values(row))


def _csv_cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    text = str(value)
    return defuse(text) if key in _TEXT_COLUMNS else text


def write_csv(desk: Desk, out: IO[str], statuses: Iterable[str | HouseholdStatus] | None = None) -> int:
    """Write the import format to ``out``; returns how many households."""
    records = iter_households(desk, statuses)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    n = 0
    for record in records:
        writer.writerow([_csv_cell(k, record[k]) for k in COLUMN_NAMES])
        n += 1
    _audit_export(desk, n, "csv", statuses)
    return n


def write_json(desk: Desk, out: IO[str], statuses: Iterable[str | HouseholdStatus] | None = None) -> int:
    """Write a JSON array of households to ``out``, one object at a time; returns how many."""
    records = iter_households(desk, statuses)
    n = 0
    out.write("[")
    for record in records:
        out.write(",\n  " if n else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    _audit_export(desk, n, "json", statuses)
    return n


def _audit_export(desk: Desk, n: int, fmt: str, statuses: Iterable[Any] | None) -> None:
    """A bulk extract of carers' personal details is itself worth a line in the audit trail."""
    with desk.db.write() as s:
        audit.record(s, desk.actor, "households.exported", "households", "export",
                     {"households": n, "format": fmt, "statuses": [str(x) for x in (statuses or ())]})
