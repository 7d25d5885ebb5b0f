"""Filtering a match result by name or reference as the worker types.

A match result holds up to every household in the county. ``NameIndex`` keeps
one lower-case string of "reference name" lines in the result's order, so each
keystroke is a few ``str.find`` calls in C (well under 5 ms on 50,000
households) rather than a Python loop or a new query; only the page on screen
is turned into rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dutydesk.text import clean

COUNT_CAP = 1_000  # beyond this the count is shown as "1,000+" (type more to narrow it)


@dataclass(frozen=True, slots=True)
class FilterPage:
    indexes: list[int]  # positions in the underlying list, in order
    total: int  # how many match (capped at COUNT_CAP)
    capped: bool
    offset: int


class NameIndex:
    """Positions of entries whose reference or name contains the typed text (case-insensitive)."""

    def __init__(self, entries: Sequence[tuple[str, str]]) -> None:
        lines = [f"{ref} {name}".lower().replace("\n", " ") for ref, name in entries]
        self._text = "\n".join(lines) + "\n"
        starts = [0] * len(lines)
        pos = 0
        for i, line in enumerate(lines):
            starts[i] = pos
            pos += len(line) + 1
        self._starts = starts
        self.size = len(lines)

    def page(self, typed: str, offset: int = 0, limit: int = 50) -> FilterPage:
        needle = clean(typed).lower()
        if not needle:
            end = min(self.size, offset + limit)
            return FilterPage(list(range(offset, end)), self.size, False, offset)
        text, starts = self._text, self._starts
        find = text.find
        found: list[int] = []
        total = 0
        pos = 0
        want_to = offset + limit
        while True:
            hit = find(needle, pos)
            if hit < 0:
                break
            line = bisect_right(starts, hit) - 1
            if offset <= total < want_to:
                found.append(line)
            total += 1
            if total >= COUNT_CAP:
                return FilterPage(found, total, True, offset)
            # Skip to the next line: one match per entry.
            nl = find("\n", hit)
            pos = nl + 1
        return FilterPage(found, total, False, offset)


def index_for(items: Sequence[Any]) -> NameIndex:
    """An index over views with ``reference`` and ``name`` (Ranked, Excluded)."""
    return NameIndex([(x.reference, x.name) for x in items])
