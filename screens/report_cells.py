"""A report's cells as the reports screen shows them: short, right-aligned figures, and column
widths that keep a table inside 80 columns (the text columns give way, with an ellipsis)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

TEXT_MAX = 24  # a second text column (a district, a team) never takes more than this


def figure(col: Any, cell: Any) -> str:
    v = cell.value
    kind = cell.kind or ("count" if col.kind == "mixed" else col.kind)
    if v is None:
        return "" if kind == "text" else "-"
    if kind == "share":
        return f"{v * 100:.0f}%"
    if kind == "hours":
        return f"{v:.0f}h" if v >= 10 else f"{v:.1f}h"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def is_text(col: Any) -> bool:
    return col.kind == "text"


def fit_widths(cols: list[Any], rows: list[list[Any]], width: int) -> list[int]:
    """Each column's width: figures as wide as their widest value, the first text column the rest."""
    natural = [max([len(c.heading)] + [len(figure(c, row[i])) for row in rows]) for i, c in enumerate(cols)]
    widths = list(natural)
    texts = [i for i, c in enumerate(cols) if is_text(c)]
    for i in texts[1:]:
        widths[i] = min(widths[i], TEXT_MAX)
    if texts:
        first = texts[0]
        rest = sum(w + 2 for i, w in enumerate(widths) if i != first)
        widths[first] = max(8, min(natural[first], width - rest - 2))
    return widths


def screen_text(col: Any, cell: Any, width: int) -> Text:
    """A cell as Text (typed names are never markup), figures right-aligned."""
    words = figure(col, cell)
    if is_text(col):
        return Text(words, overflow="ellipsis", no_wrap=True)
    style = "bold underline" if cell.drill is not None else ""
    return Text(words.rjust(width), style=style, no_wrap=True)
