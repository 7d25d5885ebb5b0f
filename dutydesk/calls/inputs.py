"""What the calls service takes and gives: a call (with a child, a request and a callback), a filter, a page."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from db.enums import CallCategory, CallDirection, CallerType
from dutydesk.calls.intake import ChildInput, RequestInput
from dutydesk.calls.views import CallbackView, CallRow


@dataclass(frozen=True)
class CallbackInput:
    """A callback set from a call or on its own. No worker: it is for the whole team."""

    due_at: dt.datetime
    summary: str = ""  # blank: the call's summary
    assigned_to_id: int | None = None
    team_id: int | None = None  # default the actor's team
    household_id: int | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class CallInput:
    caller_type: CallerType | str
    category: CallCategory | str
    summary: str
    received_at: dt.datetime | None = None  # default now
    direction: CallDirection | str = CallDirection.INCOMING
    caller_name: str = ""
    caller_phone: str = ""
    notes: str = ""
    child_id: int | None = None
    new_child: ChildInput | None = None  # recorded on the spot
    household_id: int | None = None
    request_id: int | None = None
    placement_id: int | None = None
    request: RequestInput | None = None  # opens a placement request with the call
    callback: CallbackInput | None = None


@dataclass(frozen=True)
class CallView:
    id: int
    received_at: dt.datetime
    direction: CallDirection
    taken_by_id: int
    taken_by_name: str
    team_id: int
    team_name: str
    caller_type: CallerType
    caller_name: str
    caller_phone: str
    category: CallCategory
    summary: str
    notes: str
    child_id: int | None = None
    child_name: str = ""
    child_reference: str = ""
    household_id: int | None = None
    household_name: str = ""
    household_reference: str = ""
    request_id: int | None = None
    request_reference: str = ""
    placement_id: int | None = None
    created_at: dt.datetime | None = None
    callbacks: tuple[CallbackView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("direction", "caller_type", "category"):
            d[k] = getattr(self, k).value
        d["callbacks"] = [c.to_json() for c in self.callbacks]
        return d


@dataclass(frozen=True)
class CallFilter:
    date_from: dt.date | None = None  # local dates, inclusive
    date_to: dt.date | None = None
    team_id: int | None = None
    category: CallCategory | str | None = None
    caller_type: CallerType | str | None = None
    taken_by_id: int | None = None
    child_id: int | None = None
    household_id: int | None = None
    request_id: int | None = None
    search: str = ""


@dataclass(frozen=True)
class CallPage:
    rows: list[CallRow]
    offset: int
    limit: int
    has_more: bool
