"""Type-ahead look-ups for the call form's pickers, each in its own short read.

The pickers call ``find(desk, kind, text)`` from a worker; the ranking itself is
``dutydesk.calls.intake``'s (children, households, places).
"""

from __future__ import annotations

from dutydesk.access.desk import Desk
from dutydesk.calls.intake import Match, find_children, find_households, find_places

KINDS = ("child", "household", "place")
_FINDERS = {"child": find_children, "household": find_households, "place": find_places}


def find(desk: Desk, kind: str, text: str, limit: int = 8) -> list[Match]:
    """Ranked matches of ``kind`` (child, household or place) for what was typed."""
    finder = _FINDERS[kind]
    with desk.db.read() as s:
        return finder(s, text, limit=limit)
