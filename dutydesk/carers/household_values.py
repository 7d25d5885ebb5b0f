"""A household's fields as typed: each read and checked by the households CSV's own column rules.

The edit service, the command line and the screens (as you type) all read a
typed value here, so "3;7" for other children's ages, "CT9" for a postcode
district or "short breaks; emergency" mean the same in a form, a command and a
CSV file, and are refused with the same words.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from db.enums import HouseholdKind, HouseholdStatus
from dutydesk.carers.households_format import DATE_COLUMNS, SPECS, BadCell, clean_cell
from dutydesk.days import day_text, parse_day
from dutydesk.errors import InvalidInput

REASON_LIMIT = 500
# The words a field is known by on screen and in messages.
FIELD_WORDS = {
    "reference": "Reference", "name": "Name", "kind": "Kind", "agency": "Agency", "status": "Status",
    "team": "Team", "place": "Town", "postcode": "Postcode", "phone": "Phone",
    "supervising_social_worker": "Supervising social worker", "age_min": "Youngest age",
    "age_max": "Oldest age", "places": "Places", "gender_terms": "Gender", "placement_types": "Placement types",
    "specialisms": "Specialisms", "bedrooms": "Bedrooms", "pets": "Pets", "smoker": "Smoker",
    "wheelchair_access": "Wheelchair access", "other_children_ages": "Other children's ages",
    "languages": "Languages", "religion": "Religion", "ethnicity": "Ethnicity", "approved_on": "Approved on",
    "approval_expires_on": "Approval expires on", "approval_extended": "Approval extended",
    "annual_review_due": "Annual review due", "dbs_expires_on": "DBS expires on",
    "left_on": "Left the register on",
    "panel_on": "Terms from panel on",
}


def in_sentence(field: str) -> str:
    """A field's words inside a sentence: "oldest age", but "DBS expires on" keeps its capitals."""
    word = FIELD_WORDS.get(field, field)
    return word if word[:2].isupper() else word[:1].lower() + word[1:]


class FieldProblems(InvalidInput):
    """Some typed values are wrong: ``problems`` maps each field to what to type; nothing was saved."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        listed = "; ".join(f"{FIELD_WORDS.get(k, k)}: {v}" for k, v in problems.items())
        super().__init__(f"Nothing was saved. {listed}.")


def check_field(field: str, raw: str) -> str | None:
    """What is wrong with a typed value, in the desk's words (None when it reads), for validating as you type."""
    try:
        read_value(field, raw)
    except BadCell as err:
        return f"{err.what}" + (f" ({err.hint})" if err.hint else "")
    return None


def read_value(field: str, value: Any) -> Any:
    """The stored value for a typed one (``BadCell`` when it does not read). Non-text values pass as given."""
    spec = SPECS.get(field)
    if spec is None:
        raise BadCell(f"{field} is not a household field")
    if not isinstance(value, str):
        return value
    text = clean_cell(value)
    if text == "" and spec.required:
        raise BadCell("is empty", f"every household needs {in_sentence(field)}")
    parsed = _typed_day(text) if field in DATE_COLUMNS else spec.parse(text)
    if text == "":
        from dutydesk.carers.households_format import BLANK

        return BLANK.get(field, parsed)
    return parsed


def _typed_day(text: str) -> Any:
    """A day typed on the record: DD/MM/YYYY (YYYY-MM-DD, 'today' and '+N' read too), as the call form."""
    try:
        return parse_day(text, what="")
    except InvalidInput as err:
        raise BadCell(str(err).strip().rstrip(".")) from None


def read_values(changes: dict[str, Any]) -> dict[str, Any]:
    """Every typed value read, or ``FieldProblems`` naming each one that does not."""
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, raw in changes.items():
        try:
            out[field] = read_value(field, raw)
        except BadCell as err:
            problems[field] = err.what + (f" ({err.hint})" if err.hint else "")
    if problems:
        raise FieldProblems(problems)
    return out


def cross_problems(values: dict[str, Any]) -> dict[str, str]:
    """Rules across fields, on the whole record as it would be after the change."""
    problems: dict[str, str] = {}
    lo, hi = values.get("age_min"), values.get("age_max")
    if lo is not None and hi is not None and lo > hi:
        problems["age_min"] = f"{lo} is more than the oldest age {hi} (swap them?)"
    kind, agency = values.get("kind"), values.get("agency")
    if kind == HouseholdKind.IFA and not agency:
        problems["agency"] = "an IFA household needs its agency's name"
    elif kind is not None and kind != HouseholdKind.IFA and agency:
        problems["agency"] = "leave it blank unless the household is with an IFA"
    approved, expires = values.get("approved_on"), values.get("approval_expires_on")
    if isinstance(approved, dt.date) and isinstance(expires, dt.date) and expires < approved:
        problems["approval_expires_on"] = f"{expires:%d %b %Y} is before the approval ({approved:%d %b %Y})"
    if values.get("status") == HouseholdStatus.APPROVED and "placement_types" in values \
            and not values["placement_types"]:
        problems["placement_types"] = "an approved household needs at least one placement type"
    return problems


def shown_value(value: Any) -> Any:
    """A value as the audit trail and the messages hold it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(m.value if isinstance(m, Enum) else m for m in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def typed_text(value: Any, field: str | None = None) -> str:
    """A stored value as a person types it: the desk's word for a kind, status or type where it reads
    back the same ("in-house", "short term"), yes/no, "3; 7", a day as DD/MM/YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return _word(value, field)
    if isinstance(value, (set, frozenset)):
        return "; ".join(_word(m, field) for m in sorted(value, key=lambda m: list(type(m)).index(m)))
    if isinstance(value, str) and field in ("other_children_ages", "languages"):
        return "; ".join(value.split(","))
    if isinstance(value, dt.date):
        return day_text(value)
    return str(shown_value(value))


def _word(member: Enum, field: str | None) -> str:
    from dutydesk.labels import label

    word = label(member)
    try:
        back = read_value(field, word) if field else None
    except BadCell:
        back = None
    if back == member or (isinstance(back, frozenset) and back == frozenset({member})):
        return word
    return str(member.value)
