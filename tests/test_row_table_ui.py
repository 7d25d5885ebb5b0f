"""Home and End on the desk's lists go to the first and last row (the oversight list scrolled sideways)."""

from __future__ import annotations

from screens.row_table import RowTable
from textual.app import App, ComposeResult


class _Lists(App):
    def compose(self) -> ComposeResult:
        table = RowTable(id="t")
        table.add_columns("Request", "Submitted", "Decision", "Worker", "Waited", "Notes about the request")
        for i in range(40):
            table.add_row(f"PR-{i:06d}", "30 Nov 12:39", "place with a long household name", "Harpreet Kaur",
                          f"{i}h", "x" * 60)
        yield table


async def test_end_goes_to_the_last_row_and_home_to_the_first():
    app = _Lists()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one("#t", RowTable)
        table.focus()
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("end")
        assert table.cursor_row == 39 and table.scroll_x == 0
        await pilot.press("home")
        assert table.cursor_row == 0 and table.scroll_x == 0
