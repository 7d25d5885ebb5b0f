"""The call form's choices and its as-you-type checks.

Each choice is one letter (``KeyOption``); the checks run the desk's own parsers
and limits (``dutydesk.calls.call_log``, ``dutydesk.calls.limits``), so what the
form says as you type is what the service would say on save. The calls list
borrows the short words for caller type and category.
"""

from __future__ import annotations

from typing import Any

from textual.validation import ValidationResult, Validator

from dutydesk.calls.limits import MAX_AGE, MAX_DISTANCE_KM, MAX_PARENT_AGE
from screens.pickers import KeyOption

CALLER_OPTIONS = [
    KeyOption("p", "police", "police"),
    KeyOption("w", "childs_social_worker", "child's SW"),
    KeyOption("o", "out_of_hours", "out of hours"),
    KeyOption("c", "carer", "carer"),
    KeyOption("i", "ifa", "IFA"),
    KeyOption("a", "other_authority", "other LA"),
    KeyOption("h", "hospital", "hospital"),
    KeyOption("m", "parent", "parent"),
    KeyOption("x", "other", "other"),
]
CATEGORY_OPTIONS = [
    KeyOption("r", "placement_request", "placement request"),
    KeyOption("u", "placement_update", "update/breakdown"),
    KeyOption("v", "carer_availability", "availability"),
    KeyOption("s", "carer_support", "carer support"),
    KeyOption("g", "allegation", "allegation/concern"),
    KeyOption("k", "complaint", "complaint"),
    KeyOption("n", "information", "information"),
]
GENDER_OPTIONS = [
    KeyOption("f", "female", "female"),
    KeyOption("m", "male", "male"),
    KeyOption("n", "non_binary", "non-binary"),
    KeyOption("u", "unknown", "not known"),
]
TYPE_OPTIONS = [
    KeyOption("e", "emergency", "emergency"),
    KeyOption("s", "short_term", "short term"),
    KeyOption("l", "long_term", "long term"),
    KeyOption("b", "short_breaks", "short breaks"),
    KeyOption("p", "parent_and_child", "parent & child"),
    KeyOption("r", "remand", "remand"),
]
URGENCY_OPTIONS = [
    KeyOption("e", "emergency", "emergency (tonight)"),
    KeyOption("u", "urgent", "urgent (days)"),
    KeyOption("p", "planned", "planned"),
]
NEEDS_OPTIONS = [
    KeyOption("d", "disability", "disability"),
    KeyOption("h", "complex_health", "health"),
    KeyOption("s", "sibling_groups", "siblings"),
    KeyOption("t", "teenagers", "teenager"),
    KeyOption("a", "uasc", "UASC"),
    KeyOption("y", "therapeutic", "therapeutic"),
    KeyOption("b", "babies", "baby"),
]
LIMIT_OPTIONS = [
    KeyOption("w", "wheelchair", "wheelchair access"),
    KeyOption("y", "no_younger_children", "no younger children"),
    KeyOption("o", "no_other_children", "no other children"),
    KeyOption("p", "no_pets", "no pets"),
    KeyOption("s", "no_smokers", "no smokers"),
]
DIRECTION_OPTIONS = [KeyOption("i", "incoming", "incoming"), KeyOption("o", "outgoing", "outgoing")]

TEXT_FIELDS = ("summary", "received", "caller_name", "caller_phone", "child_first", "child_last", "child_age",
               "req_from", "req_until", "req_km", "cb_due", "cb_for")
CHOICE_FIELDS = ("caller_type", "category", "child_gender", "req_type", "req_urgency", "direction")
TOGGLE_FIELDS = ("req_needs", "req_limits")
PICKER_FIELDS = ("child", "household", "req_place")


# ---------------------------------------------------------------- validators (as you type)


class DeskCheck(Validator):
    """Runs one of the desk's own parsers; its InvalidInput message is what the worker sees."""

    def __init__(self, parse: Any) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        from dutydesk.errors import InvalidInput

        try:
            self.parse(value)
        except InvalidInput as err:
            return self.failure(str(err))
        return self.success()


def check_phone(value: str) -> None:
    from dutydesk.calls.call_log import parse_phone

    parse_phone(value)


def check_when(value: str) -> None:
    from dutydesk.calls.typed import parse_when

    parse_when(value, what="Time")


def check_day(value: str) -> None:
    from dutydesk.days import parse_day

    parse_day(value)


def check_age(value: str) -> None:
    from dutydesk.days import parse_day
    from dutydesk.errors import InvalidInput

    v = value.strip()
    if not v:
        return
    if v.lower().startswith("due"):
        if parse_day(v[3:].strip(), what="Expected date of birth") is None:
            raise InvalidInput("After 'due', type the expected date of birth as DD/MM/YYYY.")
        return
    if v.isdigit():
        # Up to 21: a young parent on a parent-and-child request (the service checks the type on save).
        if not 0 <= int(v) <= MAX_PARENT_AGE:
            raise InvalidInput(f"Type an age from 0 to {MAX_AGE} (a young parent: up to {MAX_PARENT_AGE}), "
                               "or the date of birth as DD/MM/YYYY.")
        return
    parse_day(v, what="Date of birth")


def check_km(value: str) -> None:
    from dutydesk.errors import InvalidInput

    v = value.strip()
    if v and not (v.replace(".", "", 1).isdigit() and 0 < float(v) <= MAX_DISTANCE_KM):
        raise InvalidInput(f"Type a distance in kilometres (1 to {MAX_DISTANCE_KM}), or leave it blank.")
