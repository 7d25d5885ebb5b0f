"""What a new placement must be followed by: the delegated-authority checklist and who is told when."""

from __future__ import annotations

import datetime as dt

from db.models import Child
from dutydesk import working_days
from dutydesk.errors import InvalidInput

DELEGATED_AUTHORITY_ITEMS = (
    "overnight stays with friends",
    "haircuts",
    "school trips and activities",
    "routine medical and dental care",
    "photographs and social media",
    "holidays in the UK",
    "religious observance",
    "contact arrangements",
)


def delegated_authority_checklist(agreed: dict[str, bool] | None = None) -> dict[str, dict]:
    agreed = agreed or {}
    unknown = set(agreed) - set(DELEGATED_AUTHORITY_ITEMS)
    if unknown:
        raise InvalidInput(
            "Unknown delegated-authority items: " + ", ".join(sorted(unknown))
            + ". The items are: " + "; ".join(DELEGATED_AUTHORITY_ITEMS) + "."
        )
    return {item: {"agreed": bool(agreed.get(item, False))} for item in DELEGATED_AUTHORITY_ITEMS}


def notifications_for(starts_on: dt.date, child: Child, emergency: bool) -> list[dict]:
    nxt = working_days.add_working_days(starts_on, 1)
    out = [
        {"to": "child's social worker", "due_on": starts_on.isoformat(), "done": False},
        {"to": "supervising social worker", "due_on": starts_on.isoformat(), "done": False},
        {"to": "independent reviewing officer", "due_on": nxt.isoformat(), "done": False},
        {"to": "health (looked-after children nurse)", "due_on": nxt.isoformat(), "done": False},
        {"to": "school and virtual school", "due_on": nxt.isoformat(), "done": False},
    ]
    if child.placing_authority and "kent" not in child.placing_authority.lower():
        out.append({"to": f"placing authority ({child.placing_authority})", "due_on": starts_on.isoformat(),
                    "done": False})
    if emergency:
        out.append({"to": "duty manager (emergency placement)", "due_on": nxt.isoformat(), "done": False})
    return out
