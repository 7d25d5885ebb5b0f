"""The finder's result list: a page of households with a cursor, drawn line by line.

Never a table of thousands: ``ResultList`` draws only what fits; each
``ResultRow`` makes its line and detail the first time it is drawn
(``ranked_row``, ``excluded_row``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import Widget


class ResultRow:
    """One household in the list; its line and detail are made only when first drawn."""

    __slots__ = ("household_id", "_make", "_line", "_detail")

    def __init__(self, household_id: int, make: Any) -> None:
        self.household_id = household_id
        self._make = make
        self._line: Text | None = None
        self._detail: Text | None = None

    def _build(self) -> None:
        self._line, self._detail = self._make()

    @property
    def line(self) -> Text:
        if self._line is None:
            self._build()
        return self._line  # type: ignore[return-value]

    @property
    def detail(self) -> Text:
        if self._detail is None:
            self._build()
        return self._detail  # type: ignore[return-value]


class ResultList(Widget, can_focus=True):
    """A page of result lines with a cursor; draws only what fits, never a big table."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.rows: list[ResultRow] = []
        self.cursor = 0
        self.empty_text = "Searching…"

    def show(self, rows: list[ResultRow], cursor: int = 0, empty: str = "") -> None:
        self.rows = rows
        self.cursor = max(0, min(cursor, len(rows) - 1)) if rows else 0
        if empty:
            self.empty_text = empty
        self.refresh()

    def move(self, delta: int) -> bool:
        """Move the cursor; False when it would leave the page."""
        target = self.cursor + delta
        if not self.rows or target < 0 or target >= len(self.rows):
            return False
        self.cursor = target
        self.refresh()
        return True

    @property
    def current(self) -> ResultRow | None:
        return self.rows[self.cursor] if self.rows else None

    def render(self) -> Text:
        height = max(1, self.size.height)
        if not self.rows:
            return Text(self.empty_text, style="italic")
        width = max(1, self.content_size.width or self.size.width)
        top = max(0, min(self.cursor - height // 2, len(self.rows) - height))
        out = Text(no_wrap=True, overflow="ellipsis")
        for i in range(top, min(len(self.rows), top + height)):
            line = self.rows[i].line.copy()
            line.truncate(width, overflow="ellipsis", pad=i == self.cursor)
            if i == self.cursor:
                line.stylize("reverse")
            if i > top:
                out.append("\n")
            out.append_text(line)
        return out


class RefNames:
    """(reference, name) pairs of a result's view, for the filter index."""

    def __init__(self, result: Any, view: str) -> None:
        self.items = result.ranked if view == "ranked" else result.excluded

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        for x in self.items:
            yield x

    def __getitem__(self, i: int) -> Any:
        return self.items[i]


def ranked_row(result: Any, pos: int, index: int) -> tuple[Text, Text]:
    r = result.ranked[index]
    warnings = result.warning_words(r)  # first what a proposal would need an exemption for
    contribs = result.contributions(r)
    from dutydesk.matching.factors import top_reasons

    top = "; ".join(c.label for c in top_reasons(contribs, 2))
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{pos:>5} ", style="dim")
    line.append(f"{r.reference:<10} ")
    line.append(f"{r.score:>6.1f} ", style="bold")
    line.append(f"{r.free}▫ ")
    line.append(Text(r.name[:28].ljust(28)))
    if warnings and warnings[0].startswith("Needs an exemption"):
        line.append(" needs exemption;", style="bold")
    line.append(" " + top, style="dim")
    detail = Text()
    detail.append(f"{r.reference} ", style="bold")
    detail.append(Text(r.name))
    detail.append(f"  score {r.score:g}, {r.free} free place{'s' if r.free != 1 else ''}\n")
    detail.append("  ".join(f"{c.points:+.1f} {c.label}" for c in contribs))
    for w in warnings:
        detail.append(f"\n! {w}", style="bold")
    return line, detail


def excluded_row(e: Any, rules: list[tuple[str, Any]]) -> tuple[Text, Text]:
    from dutydesk.matching.columns import rules_column
    from dutydesk.matching.rules import rule_label

    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{e.reference:<10} ")
    line.append(Text(e.name[:30].ljust(30)))
    # With each rule's detail: "on hold (AL-...)" for an approved household an allegation holds.
    line.append(" " + rules_column(rules or [(c, None) for c in e.codes]), style="dim")
    detail = Text()
    detail.append(f"{e.reference} ", style="bold")
    detail.append(Text(e.name))
    detail.append(" ruled out:")
    for code, arg in rules:
        detail.append(f"\nx {rule_label(code, arg)}")
    return line, detail


def header_text(criteria: Any, weights_note: str = "") -> Text:
    """Every active criterion, wrapped between words (never cut), and any custom weights in force."""
    who = f"{criteria.request_reference}: " if criteria.request_reference else "Look-up: "
    text = Text(who + criteria.summary(), overflow="fold")
    if weights_note:
        text.append("\n" + weights_note, style="italic")
    return text
