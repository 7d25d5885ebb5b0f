"""The short words of a ruled-out household's rules, for a list's column.

A rule's title alone is the same for every household ("not approved"); where the
detail changes what a worker would call it, the column says that instead: an
approved household held by an open allegation is "on hold (AL-...)", a suspended
one "suspended". The full sentences stay ``rules.rule_label``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from db.enums import HouseholdStatus
from dutydesk.matching.rules import rule_title, status_words


def rule_column(code: str, arg: Any = None) -> str:
    if code == "status":
        if isinstance(arg, (list, tuple)) and len(arg) == 2 and arg[1]:
            return f"on hold ({arg[1]})"
        if arg in set(HouseholdStatus):
            return status_words(arg)
    return rule_title(code)


def rules_column(rules: Iterable[tuple[str, Any]]) -> str:
    """Every failed rule in short words, in the order given (``rules.RULES`` order)."""
    return ", ".join(rule_column(code, arg) for code, arg in rules)
