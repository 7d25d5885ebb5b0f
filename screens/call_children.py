"""Several children on one call: a sibling group, or a parent and their baby (ctrl+n adds one).

The child fields hold one child at a time. ctrl+n puts the child in them (found,
or recorded on the spot) on the list above them and empties them for the next;
the list goes into the draft and, on save, every child on it and in the fields
goes into the request (``dutydesk.calls.form``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Input, Static

from screens.call_options import check_age
from screens.pickers import KeyChoice, Picker


def child_words(c: dict[str, Any]) -> str:
    if "id" in c:
        return f"{c['label']}" + (f" ({c['detail']})" if c.get("detail") else "")
    age = str(c.get("child_age", "")).strip()
    return f"{c['child_first']} {c['child_last']}".strip() + (f" ({age})" if age else "")


class AddsChildren:
    """Mixed into the call form: ``self.added_children`` is the list of children added so far."""

    added_children: list[dict[str, Any]]

    def show_children(self) -> None:
        box: Any = self.query_one("#children-list", Static)  # type: ignore[attr-defined]
        row: Any = self.query_one("#children-row")  # type: ignore[attr-defined]
        row.display = bool(self.added_children)
        box.update(Text("  ".join(f"{i}. {child_words(c)}" for i, c in enumerate(self.added_children, 1))))

    def current_child(self) -> dict[str, Any] | None:
        """The child in the fields as a list entry, or None (the message says what is missing)."""
        q: Any = self.query_one  # type: ignore[attr-defined]
        picker = q("#child", Picker)
        if picker.picked is not None:
            p = picker.picked
            return {"id": p.id, "label": p.label, "detail": p.detail}
        if not q("#new-child").display:
            return None
        entry = {"child_first": q("#child_first", Input).value, "child_last": q("#child_last", Input).value,
                 "child_age": q("#child_age", Input).value, "child_gender": q("#child_gender", KeyChoice).value}
        return entry

    def problem_with(self, entry: dict[str, Any]) -> tuple[str, str] | None:
        from dutydesk.errors import InvalidInput

        if "id" in entry:
            if any(c.get("id") == entry["id"] for c in self.added_children):
                return "child", f"{entry['label']} is on the list already."
            return None
        if not entry["child_first"].strip():
            return "child_first", "Type the child's first name (or 'unknown') before adding another."
        if not entry["child_age"].strip():
            return "child_age", "Type the age, date of birth, or 'due DD/MM/YYYY', before adding another."
        try:
            check_age(entry["child_age"])
        except InvalidInput as err:
            return "child_age", str(err)
        if entry["child_gender"] is None:
            return "child_gender", "Choose the child's gender (f, m, n or u) before adding another."
        return None

    def action_new_child(self) -> None:
        from dutydesk.calls.intake import MAX_SIBLINGS

        q: Any = self.query_one  # type: ignore[attr-defined]
        entry = self.current_child()
        if entry is not None:
            problem = self.problem_with(entry)
            if problem is not None:
                field, message = problem
                self.say(message, error=True)  # type: ignore[attr-defined]
                target = q(f"#{field}")
                (target.input if isinstance(target, Picker) else target).focus()
                return
            if len(self.added_children) + 1 >= MAX_SIBLINGS:
                self.say(f"A request holds up to {MAX_SIBLINGS} children; this is the last.",  # type: ignore[attr-defined]
                         error=True)
            self.added_children.append(entry)
        self.clear_child_fields()
        self.show_children()
        q("#child", Picker).input.focus()
        self.changed()  # type: ignore[attr-defined]

    def clear_child_fields(self) -> None:
        q: Any = self.query_one  # type: ignore[attr-defined]
        q("#child", Picker).set_picked(None, announce=False)
        for f in ("child_first", "child_last", "child_age"):
            q(f"#{f}", Input).value = ""
        q("#child_gender", KeyChoice).value = None
        q("#new-child").display = False
