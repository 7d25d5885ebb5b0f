"""Choice widgets' options packed into lines of the widget's width.

Textual wraps text at any space, so "p parent & child" could end one line with "p" and
start the next with "parent & child"; packed, a line breaks only between two options.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget


def pack(parts: list[Content], width: int) -> Content:
    """Options side by side, a new line only between two options (never inside "p parent & child")."""
    lines: list[list[Content]] = [[]]
    used = 0
    for part in parts:
        need = part.cell_length + (2 if lines[-1] else 0)
        if lines[-1] and width > 0 and used + need > width:
            lines.append([])
            used, need = 0, part.cell_length
        lines[-1].append(part)
        used += need
    return Content("\n").join(Content("  ").join(line) for line in lines)


class PackedOptions(Widget):
    """A widget whose options are packed into lines of its width (``pack``)."""

    def parts(self) -> list[Content]:
        raise NotImplementedError

    def render(self) -> Content:
        return pack(self.parts(), self.content_size.width)

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(pack(self.parts(), width).split("\n"))
