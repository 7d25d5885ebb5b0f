"""Reading is audited too: opening a child's request, or a household's profile, is one event.

One event per open, written when a screen (or ``show`` command) first loads the
record; the reloads that keep an open screen fresh, and the dashboard's
refresh, write nothing. The event goes in the same hash chain as every write,
so ``audit list --user`` answers "what did this worker look at".
"""

from __future__ import annotations

from typing import Any

from dutydesk.access import audit
from dutydesk.access.desk import Desk

# What was opened, as the audit trail names it: (action, table).
REQUEST = ("request.opened", "placement_requests")
HOUSEHOLD = ("household.opened", "households")


def opened(desk: Desk, what: tuple[str, str], record_id: Any, **detail: Any) -> None:
    """Record that the signed-in person opened this record (one short write)."""
    action, entity = what
    with desk.db.write() as s:
        audit.record(s, desk.actor, action, entity, record_id, detail or None)
