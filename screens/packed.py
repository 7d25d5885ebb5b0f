"""Choice widgets' options laid out in lines of the widget's width.

Textual wraps text at any space, so "b short breaks  p parent & child" could end a line
with a lone "p" and start the next with "parent & child". Here a line breaks only
after an option's letter and the first word of its words ("p parent" stays together;
"& child" may go on), so a letter is never parted from what it chooses, and the
rows stay as few as plain wrapping gives (the call form at 80x24 has none to spare).
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget


def _pieces(part: Content, head: int) -> list[Content]:
    """``part`` cut at its spaces, except within its first ``head`` characters and the word after."""
    text = part.plain
    out: list[Content] = []
    start = 0
    cut = text.find(" ", head)
    while cut != -1:
        out.append(part[start:cut])
        start = cut + 1
        cut = text.find(" ", start)
    out.append(part[start:])
    return out


def pack(parts: list[tuple[Content, int]], width: int, whole: bool = False) -> Content:
    """Options (each with the length of its letter prefix) side by side, two spaces apart;
    ``whole`` keeps each option on one line (where a dialog has the rows to spare)."""
    lines: list[Content] = []
    line = Content("")
    for part, head in parts:
        for i, piece in enumerate([part] if whole else _pieces(part, head)):
            gap = "" if not line.plain else (" " if i else "  ")
            if line.plain and width > 0 and line.cell_length + len(gap) + piece.cell_length > width:
                lines.append(line)
                line, gap = Content(""), ""
            line = Content.assemble(line, gap, piece)
    lines.append(line)
    return Content("\n").join(lines)


class PackedOptions(Widget):
    """A widget whose options (``parts``: content and letter-prefix length) are laid out by ``pack``."""

    whole_options = False  # True: a line breaks only between options

    def parts(self) -> list[tuple[Content, int]]:
        raise NotImplementedError

    def render(self) -> Content:
        return pack(self.parts(), self.content_size.width, self.whole_options)

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(pack(self.parts(), width, self.whole_options).plain.split("\n"))
