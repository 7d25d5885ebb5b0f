"""The desk's text fields: every form and dialog uses these, never Textual's own.

- ``DeskInput``: one line. A paste lands whole, neutralised as a single line
  (``dutydesk.text.neutralise``): newlines and tabs become spaces, control
  characters U+FFFD. Textual's own Input keeps only the first line of a paste,
  and splits on U+0085 and the like, so the rest was lost silently.
- ``DeskTextArea``: several lines (rationale, notes, reasons, comments), stored
  as typed; a paste is neutralised the same way but keeps its newlines and tabs.
  Tab moves on (it does not type a tab), and the box wraps.

A paste reaches these as text only because the terminal's input is read by
``screens.terminal_input.PasteSafeParser``, which keeps everything between the
bracketed-paste markers as one paste: an ESC inside it can no longer become key
presses (ctrl+s saving the form).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea

from dutydesk.text import neutralise


class DeskInput(Input):
    """A one-line field whose paste is cleaned as text and kept whole."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler would keep only the first line
        event.stop()
        self._insert_clean(event.text)

    def action_paste(self) -> None:
        self._insert_clean(self.app.clipboard)

    def _insert_clean(self, text: str) -> None:
        text = neutralise(text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class DeskTextArea(TextArea):
    """A multi-line field: wraps, tab moves on, a paste keeps its lines and loses its control codes."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("show_line_numbers", False)
        super().__init__(text, **kwargs)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        self._insert_clean(event.text)

    def action_paste(self) -> None:
        self._insert_clean(self.app.clipboard)

    def _insert_clean(self, text: str) -> None:
        if self.read_only:
            return
        text = neutralise(text, multiline=True)
        if text and (result := self._replace_via_keyboard(text, *self.selection)):
            self.move_cursor(result.end_location)
