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
# Line breaks a text box would split on anyway: one newline each, so what is shown is what is kept.
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029]")


def neutralise(text: str | None, *, multiline: bool = False) -> str:
    """The documented neutralising, and nothing else (a paste goes through this as it lands).

    CR LF, CR and the Unicode line and paragraph separators become a newline;
    bidi overrides and isolates go; every other control character (C0 but tab and
    newline, DEL, C1 such as U+0085) becomes U+FFFD. A single-line field turns
    newlines and tabs into spaces; then NFC. Nothing is trimmed, reordered or dropped besides.
    """
    if not text:
        return ""
    text = _LINE_BREAK.sub("\n", str(text))
    text = _BIDI.sub("", text)
    text = _CONTROL.sub("\ufffd", text)
    if not multiline:
        text = text.replace("\t", " ").replace("\n", " ")
    # Last, so a removed override cannot leave a decomposed pair behind.
    return unicodedata.normalize("NFC", text)


def clean(text: str | None, *, multiline: bool = False) -> str:
    """Text safe to store and show: ``neutralise``d and trimmed.

    Single-line fields lose their newlines and tabs too (turned into spaces), so
    a pasted name cannot break a table row.
    """
    return neutralise(text, multiline=multiline).strip()


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
