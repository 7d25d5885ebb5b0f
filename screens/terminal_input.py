"""Reading the terminal so that a paste stays a paste.

Textual 8.2's parser reads an ESC inside a bracketed paste as the start of an
escape sequence and, not recognising it, replays it as key presses: pasting
``text \\x1b\\x13 tail`` pressed ctrl+s (the call form saved itself) and typed
`` tail`` before ``text `` arrived (PITFALLS.md). ``PasteSafeParser`` takes
everything between the paste markers out of the stream before the key parser
sees it and hands it on as one ``Paste`` event; the fields
(``screens.fields``) neutralise its control characters as text.

``PasteSafeDriver`` is the Linux driver reading through it; the app uses it
when it runs in a terminal (tests run headless and post ``Paste`` events).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import constants, events
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


def _partial_suffix(text: str, marker: str) -> int:
    """How many characters at the end of ``text`` could begin ``marker`` (0 if none)."""
    for n in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:n]):
            return n
    return 0


class PasteSafeParser(XTermParser):
    """An ``XTermParser`` that never lets pasted text reach the key parser."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasted: list[str] | None = None  # text of the paste under way, None outside one
        self._held = ""  # the end of a read that may be the start of a marker
        self._held_at = 0.0

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input: what was held is what it is
            held, self._held = self._held, ""
            if self._pasted is not None:
                yield events.Paste("".join(self._pasted) + held)
                self._pasted = None
            elif held:
                yield from super().feed(held)
            yield from super().feed("")
            return
        text, self._held = self._held + data, ""
        while text:
            if self._pasted is None:
                start = text.find(PASTE_START)
                if start >= 0:
                    if start:
                        yield from super().feed(text[:start])
                    self._pasted, text = [], text[start + len(PASTE_START):]
                    continue
                hold = _partial_suffix(text, PASTE_START)
                if hold:
                    text, self._held, self._held_at = text[:-hold], text[-hold:], get_time()
                if text:
                    yield from super().feed(text)
                return
            end = text.find(PASTE_END)
            if end >= 0:
                self._pasted.append(text[:end])
                yield events.Paste("".join(self._pasted))
                self._pasted, text = None, text[end + len(PASTE_END):]
                continue
            hold = _partial_suffix(text, PASTE_END)
            self._pasted.append(text[:len(text) - hold])
            self._held = text[len(text) - hold:]
            return

    def tick(self) -> Iterable[Message]:
        # A held ESC with nothing after it for the escape delay was the escape key: hand it on
        # and let the key parser decide at once (it has already waited as long as it would).
        if self._held and self._pasted is None and get_time() - self._held_at >= constants.ESCAPE_DELAY:
            held, self._held = self._held, ""
            yield from super().feed(held)
            if self._timeout_time is not None:
                self._timeout_time = get_time()
        yield from super().tick()


def paste_safe(driver: type[Any]) -> type[Any]:
    """``driver``, or when it is the Linux driver, one reading through ``PasteSafeParser``."""
    if driver.__name__ != "LinuxDriver" or driver.__module__ != "textual.drivers.linux_driver":
        return driver
    from textual.drivers import linux_driver

    class PasteSafeDriver(linux_driver.LinuxDriver):
        def run_input_thread(self) -> None:
            # LinuxDriver builds its parser from this module-level name; this process reads its
            # terminal only through this driver, so the swap reaches nothing else.
            linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
            super().run_input_thread()

    return PasteSafeDriver
