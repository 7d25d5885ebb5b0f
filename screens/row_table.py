"""A table of rows: Home and End go to the first and the last row.

Textual's DataTable gives Home and End to the columns (scrolling sideways), which on a list
of requests or decisions hides the very column the worker was reading; ctrl+Home and
ctrl+End keep their meaning too.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class RowTable(DataTable):
    """A DataTable with a row cursor, for the desk's lists."""

    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(*args, **kwargs)
