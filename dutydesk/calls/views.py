"""Light views of calls and callbacks, and the London day boundary.

They import no tables, so the dashboard (on the start-up path) and the calls
service share one definition without the dashboard loading every model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from db.enums import CallbackStatus, CallCategory, CallerType
from dutydesk import clock


def local_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)


@dataclass(frozen=True)
class CallbackView:
    id: int
    due_at: dt.datetime
    team_id: int
    team_name: str
    assigned_to_id: int | None
    assigned_to_name: str
    summary: str
    status: CallbackStatus
    snooze_reason: str
    snooze_count: int
    call_id: int | None
    request_id: int | None
    household_id: int | None
    done_at: dt.datetime | None = None

    def overdue(self, at: dt.datetime | None = None) -> bool:
        return self.status == CallbackStatus.OPEN and self.due_at < (at or clock.now())

    def minutes_left(self, at: dt.datetime | None = None) -> int:
        return int((self.due_at - (at or clock.now())).total_seconds() // 60)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        d["overdue"] = self.overdue()
        return d


@dataclass(frozen=True)
class CallRow:
    """One line of the calls list."""

    id: int
    received_at: dt.datetime
    caller_type: CallerType
    caller_name: str
    category: CallCategory
    summary: str
    taken_by_name: str
    team_name: str
    child_name: str = ""
    request_reference: str = ""

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["caller_type"] = self.caller_type.value
        d["category"] = self.category.value
        return d
