"""Neutralising typed and imported text before it is stored or shown, and checking a typed field.

Terminal control sequences in stored text would reach an SSH worker's terminal
(window title, cleared screen, reversed text); see PITFALLS.md.
"""

from __future__ import annotations

import re
import unicodedata

from dutydesk.errors import InvalidInput

# C0 controls except tab and newline, DEL, and the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# Bidirectional embeddings, overrides and isolates.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None, *, multiline: bool = False) -> str:
    """Text safe to store and show: NFC, no control codes, no bidi overrides.

    Single-line fields lose their newlines and tabs too (turned into spaces), so
    a pasted name cannot break a table row.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BIDI.sub("", text)
    text = _CONTROL.sub("\ufffd", text)
    if not multiline:
        text = " ".join(text.replace("\t", " ").split("\n"))
    return text.strip()


def field_text(
    value: str | None,
    field: str,
    *,
    limit: int,
    required: bool = False,
    minimum: int = 1,
    multiline: bool = False,
    missing: str = "",
) -> str:
    """A typed field cleaned (``clean``) and checked, or ``InvalidInput`` naming the field.

    ``missing`` is what to say when a required field is empty or shorter than
    ``minimum`` (default: "{field} is required; type it."); too long reads
    "Rationale: shorten it to 2000 characters or fewer (you typed 2105)."
    """
    text = clean(value, multiline=multiline)
    if required and len(text) < max(1, minimum):
        said = (missing or f"{field} is required; type it").rstrip(".")
        if minimum > 1:
            raise InvalidInput(f"{said} (at least {minimum} characters).")
        raise InvalidInput(f"{said}.")
    if len(text) > limit:
        raise InvalidInput(f"{field}: shorten it to {limit} characters or fewer (you typed {len(text)}).")
    return text
