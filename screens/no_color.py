"""NO_COLOR on a terminal without truecolour: keep the text readable.

Textual picks its NO_COLOR filter when the App is built, before the desk sets its
theme: it picks ``Monochrome`` (turn colours to greys), which suits a truecolour
theme. On a terminal without ``COLORTERM=truecolor`` (most SSH sessions) the desk
uses ``ansi-dark``, whose colours are the terminal's own palette entries with no
RGB value; ``Monochrome`` turned every one of them into colour 16 (black), so text
was drawn black on black and the whole desk looked empty. For an ANSI theme the
right filter is ``NoColor``: the terminal's default colours, with bold, reverse
and underline still marking what matters.
"""

from __future__ import annotations

from textual.app import App
from textual.filter import Monochrome, NoColor


def fit_no_color_filter(app: App) -> None:
    """Call after the theme is set: swap Monochrome for NoColor when the theme uses ANSI colours."""
    if not getattr(app, "no_color", False):
        return
    wanted = NoColor if app.native_ansi_color else Monochrome
    app._filters = [wanted() if isinstance(f, (Monochrome, NoColor)) else f for f in app._filters]
