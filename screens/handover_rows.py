"""The handover screen's list rows and notes, built from ``dutydesk.overview.handover``'s summary.

Pure functions of the service's plain objects: every user-typed string becomes
``rich.text.Text`` (never markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text

from dutydesk.labels import label


@dataclass(frozen=True)
class Row:
    """One line of the handover list and what Enter opens."""

    kind: str  # REQUEST, CALLBACK, STEP DUE (an allegation's), PLACED, ON HOLD, CONCERN
    when: str
    what: Text
    request_id: int | None = None
    household_id: int | None = None
    call_id: int | None = None
    callback_id: int | None = None
    allegation: str | None = None  # an allegation's reference: Enter opens its screen
    strong: bool = False
    wrap: bool = False  # as many lines as it needs (placements: what and whether signed off)


def _count(n: int, one: str, many: str | None = None) -> str:
    if many is None:
        many = one + "s"
    return f"{n} {one if n == 1 else many}"


def handover_rows(ho: Any) -> list[Row]:
    """The handover as list rows: what needs doing first, then what happened."""
    from dutydesk import clock

    def at(value: Any) -> str:
        return clock.fmt_local(value, "%a %H:%M") if value is not None else ""

    rows: list[Row] = []
    for r in ho.open_requests:
        what = Text(r.children)
        what.append(f" {r.urgency.value}, {label(r.state)}, {r.reference}")
        rows.append(Row("REQUEST", at(r.created_at), what, request_id=r.id,
                        strong=r.urgency.value == "emergency"))
    for c in ho.callbacks_due:
        late = c.overdue(ho.until)
        what = Text("OVERDUE " if late else "", style="bold")
        what.append(Text(c.assigned_to_name or c.team_name))
        what.append(": ")
        what.append(Text(c.summary))
        rows.append(Row("CALLBACK", clock.fmt_local(c.due_at, "%a %H:%M"), what, request_id=c.request_id,
                        household_id=c.household_id, call_id=c.call_id, callback_id=c.id, strong=late))
    for a in getattr(ho, "allegation_steps_due", ()):
        late = "overdue" in a.detail
        what = Text("OVERDUE " if late else "", style="bold")
        what.append(f"{a.title}: ")
        what.append(Text(a.detail))
        rows.append(Row("STEP DUE", clock.fmt_local(a.at, "%a %d %b"), what, household_id=a.household_id,
                        allegation=a.title, strong=late))
    for p in ho.placements_made:
        what = Text(p.title)
        what.append(" ")
        what.append(Text(p.detail))
        rows.append(Row("PLACED", at(p.at), what, request_id=p.request_id, household_id=p.household_id,
                        strong=p.awaiting_signoff, wrap=True))
    for h in ho.households_on_hold:
        what = Text(h.title)
        what.append(": ")
        what.append(Text(h.detail))
        rows.append(Row("ON HOLD", at(h.at), what, household_id=h.household_id or h.id))
    for a in ho.allegations_raised:
        what = Text(f"Allegation {a.title} ")
        what.append(Text(a.detail))
        rows.append(Row("CONCERN", at(a.at), what, household_id=a.household_id))
    return rows


def notes_text(notes: list[Any]) -> Text:
    from dutydesk import clock

    out = Text()
    out.append(f"Notes to and from my team ({len(notes)})", style="bold underline")
    if not notes:
        out.append("\nNo handover notes in this window. w writes one.")
    for n in notes:
        out.append(f"\n{clock.fmt_local(n.written_at, '%a %H:%M')} ", style="bold")
        out.append(Text(n.written_by))
        out.append(" (")
        out.append(Text(n.team))
        out.append(" to ")
        out.append(Text(n.to_team))
        out.append("):")
        for line in n.body.splitlines() or [""]:
            out.append("\n  ")
            out.append(Text(line))
    return out
