"""The households CSV format: its columns, how each cell is read and checked, and the problems found.

The column format is documented in ``docs/households-csv.md``; :data:`COLUMNS` is
the single list both directions use (``households_import`` and
``households_export``), so an export imports back unchanged.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from db.enums import GenderTerms, HouseholdKind, HouseholdStatus, PlacementType, Specialism
from db.models import Household
from dutydesk.child_limits import MAX_AGE
from dutydesk.errors import InvalidInput
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


PROBLEMS_KEPT = 50  # a 50 MB file of bad rows once printed 2.6 million lines (815 MB)


class Problems(list):
    """The first ``PROBLEMS_KEPT`` problems, and how many there were on how many lines, in bounded memory.

    Problems arrive in line order (the file is read top to bottom), so lines are counted as they change.
    """

    def __init__(self) -> None:
        super().__init__()
        self.total = 0
        self.lines = 0
        self._last_line: int | None = None

    def append(self, problem: Problem) -> None:  # type: ignore[override]
        self.total += 1
        if problem.line != self._last_line:
            self.lines += 1
            self._last_line = problem.line
        if len(self) < PROBLEMS_KEPT:
            super().append(problem)

    @property
    def more(self) -> int:
        return self.total - len(self)


class ImportRejected(InvalidInput):
    """The file has problems; nothing was imported. ``problems`` lists the first ``PROBLEMS_KEPT``."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        n = getattr(problems, "total", len(problems))
        lines = getattr(problems, "lines", len({p.line for p in problems}))
        self.more = n - len(problems)
        listed = f" The first {len(problems)} are listed; {self.more} more are not." if self.more else ""
        super().__init__(
            f"{source}: {n} problem{'s' if n != 1 else ''} on {lines} line{'s' if lines != 1 else ''}; "
            f"nothing was imported.{listed} Fix {'them' if n != 1 else 'it'} and run the import again "
            f"(the columns are described in {DOC})."
        )


class BadCell(Exception):
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


def shown(raw: str) -> str:
    text = raw if len(raw) <= 40 else raw[:37] + "..."
    return repr(text)


def _int_parser(low: int, high: int, hint: str) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        if raw == "":
            return None
        if not _INT.fullmatch(raw):
            raise BadCell(f"{shown(raw)} is not a whole number", hint)
        value = int(raw)
        if not low <= value <= high:
            raise BadCell(f"{value} is out of range", hint)
        return value

    return parse


@lru_cache(maxsize=8192)
def _date(raw: str) -> dt.date | None:
    if raw == "":
        return None
    hint = "type a date as YYYY-MM-DD, for example 2025-04-03"
    m = _SLASH_DATE.fullmatch(raw)
    if m:
        raise BadCell(f"{shown(raw)} is not a date in the form YYYY-MM-DD",
                   hint + "; dates like 03/04/2025 are ambiguous, and spreadsheets often change them")
    if not _DATE.fullmatch(raw):
        raise BadCell(f"{shown(raw)} is not a date in the form YYYY-MM-DD", hint)
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadCell(f"{shown(raw)} is not a real date", hint) from None
    if not 1940 <= value.year <= 2100:
        raise BadCell(f"{raw} is not a plausible year", hint)
    return value


def _bool(raw: str) -> bool:
    low = raw.lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise BadCell(f"{shown(raw)} is not yes or no", "type yes or no, or leave it blank for no")


_ALIASES: dict[type[Enum], dict[str, str]] = {
    HouseholdKind: {"inhouse": "in_house", "connected": "connected_person", "kinship": "connected_person",
                    "connected_persons": "connected_person", "family_and_friends": "connected_person",
                    "agency": "ifa", "independent_fostering_agency": "ifa"},
    HouseholdStatus: {"hold": "on_hold", "assessment": "in_assessment", "resigned_deregistered": "resigned",
                      "de_registered": "deregistered", "deregistration": "deregistered",
                      "resignation": "resigned"},
    PlacementType: {"respite": "short_breaks", "short_break": "short_breaks", "shortbreaks": "short_breaks",
                    "parent_child": "parent_and_child", "parent_&_child": "parent_and_child",
                    "p_and_c": "parent_and_child", "longterm": "long_term", "shortterm": "short_term"},
    Specialism: {"sibling_group": "sibling_groups", "siblings": "sibling_groups", "teenager": "teenagers",
                 "disabilities": "disability", "disabled": "disability",
                 "unaccompanied_asylum_seeking_children": "uasc", "baby": "babies"},
    GenderTerms: {"either": "any", "both": "any", "girls": "female", "boys": "male", "f": "female",
                  "m": "male"},
}


def norm_word(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


def allowed(enum_cls: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in enum_cls)


@lru_cache(maxsize=4096)
def enum_value(enum_cls: type[Enum], raw: str, what: str) -> Any:
    key = norm_word(raw)
    key = _ALIASES.get(enum_cls, {}).get(key, key)
    try:
        return enum_cls(key)
    except ValueError:
        close = difflib.get_close_matches(key, [str(m.value) for m in enum_cls], n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise BadCell(f"{shown(raw)} is not a {what}", f"{hint}type one of {allowed(enum_cls)}") from None


def _enum_parser(enum_cls: type[Enum], what: str) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        if raw == "":
            return None
        return enum_value(enum_cls, raw, what)

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
                members.add(enum_value(enum_cls, part, what))
            except BadCell:
                wrong.append(part.strip())
        if wrong:
            listed = ", ".join(repr(w) for w in wrong)
            raise BadCell(f"{listed} {'is' if len(wrong) == 1 else 'are'} not {what}s",
                       f"type some of {allowed(enum_cls)}, separated by ;")
        return frozenset(members)

    return parse


def _text_parser(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise BadCell(f"is too long ({len(raw)} characters)", f"at most {limit}")
        return raw

    return parse


def _reference(raw: str) -> str:
    if len(raw) > 24:
        raise BadCell(f"{shown(raw)} is too long ({len(raw)} characters)", "a reference has at most 24")
    if not _REFERENCE.fullmatch(raw) or "  " in raw:
        raise BadCell(f"{shown(raw)} is not a usable reference",
                   "use letters, digits, spaces and - / _ . only, for example HH-00123")
    return raw


def _postcode(raw: str) -> str:
    if raw == "":
        return ""
    m = _POSTCODE.fullmatch(re.sub(r"\s+", " ", raw.upper()))
    if not m:
        raise BadCell(f"{shown(raw)} is not a UK postcode", "type a postcode such as CT9 1AB, or its district such as CT9")
    return m.group(1) + (f" {m.group(2)}" if m.group(2) else "")


def _phone(raw: str) -> str:
    if len(raw) > 32 or not _PHONE.fullmatch(raw):
        raise BadCell(f"{shown(raw)} is not a phone number",
                   "use digits, spaces and + ( ) - only, at most 32 characters")
    return raw


def _ages(raw: str) -> str:
    ages = []
    for part in re.split(r"[;,]", raw):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 25:
            raise BadCell(f"{shown(part)} is not an age",
                       "type the other children's ages in whole years, separated by ;, for example 3;7")
        ages.append(str(int(part)))
    value = ",".join(ages)
    if len(value) > 64:
        raise BadCell("lists too many ages", "at most 64 characters")
    return value


def _languages(raw: str) -> str:
    langs = []
    for part in re.split(r"[;,]", raw):
        part = " ".join(part.split()).lower()
        if part and part not in langs:
            langs.append(part)
    value = ",".join(langs)
    if len(value) > 200:
        raise BadCell(f"lists too many languages ({len(value)} characters)", "at most 200 characters in all")
    return value


# ============================================================== the columns


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    required: bool
    parse: Callable[[str], Any]


_AGE_HINT = f"type an age in whole years from 0 to {MAX_AGE}"
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
    ColumnSpec("age_min", False, _int_parser(0, MAX_AGE, _AGE_HINT)),
    ColumnSpec("age_max", False, _int_parser(0, MAX_AGE, _AGE_HINT)),
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
SPECS = {c.name: c for c in COLUMNS}
# Days: a CSV takes them as YYYY-MM-DD only (a spreadsheet may turn 03/04 into 4 March); typed on the
# record or the command line they are read day first, as everywhere else on the desk.
DATE_COLUMNS = frozenset(c.name for c in COLUMNS if c.parse is _date)

# Columns whose CSV cells hold free text (the ones a spreadsheet could take for a formula).
TEXT_COLUMNS = frozenset({"reference", "name", "agency", "phone", "supervising_social_worker",
                           "religion", "ethnicity", "place"})
# CSV column -> table column, where they differ.
DB_COLUMN = {"team": "team_id", "place": "place_id"}
# Values a brand-new household gets for a column the file leaves out (the model's defaults).
DEFAULTS: dict[str, Any] = {
    "agency": None, "team": None, "place": None, "postcode": "", "phone": "",
    "supervising_social_worker": "", "age_min": 0, "age_max": 17, "gender_terms": GenderTerms.ANY,
    "placement_types": frozenset(), "specialisms": frozenset(), "bedrooms": 1, "pets": False,
    "smoker": False, "wheelchair_access": False, "other_children_ages": "", "languages": "english",
    "religion": "", "ethnicity": "", "approved_on": None, "approval_expires_on": None,
    "approval_extended": False, "annual_review_due": None, "dbs_expires_on": None,
    "vacant_since": None, "occupied_places": 0,
}
# Blank cells in a present column mean "nothing recorded": these are the values stored.
BLANK: dict[str, Any] = {**DEFAULTS, "languages": ""}


def clean_cell(raw: str) -> str:
    """:func:`dutydesk.text.clean`, with a fast path for the plain ASCII most cells are."""
    return raw.strip() if raw.isascii() and raw.isprintable() else clean(raw)


def header_key(raw: str) -> str:
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
