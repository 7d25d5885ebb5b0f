"""Typed and imported text is neutralised before storage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dutydesk.text import clean


def test_brackets_and_quotes_survive_exactly() -> None:
    for s in ["O'Brien [Jr]", "Ann [/]", "[bold red]X[/]", "[@click=app.quit]"]:
        assert clean(s) == s


def test_terminal_controls_are_neutralised() -> None:
    assert clean("Ann\x1b]0;pwned\x07 Smith") == "Ann\ufffd]0;pwned\ufffd Smith"
    assert clean("a\x9b2Jb") == "a\ufffd2Jb"  # C1 CSI
    assert clean("evil\u202etxt.exe") == "eviltxt.exe"  # right-to-left override


def test_single_line_fields_lose_newlines_multiline_keep_them() -> None:
    assert clean("line one\nline two\ttab") == "line one line two tab"
    assert clean("line one\r\nline two", multiline=True) == "line one\nline two"


def test_nfc_normalised() -> None:
    assert clean("Zo\u0065\u0301") == "Zo\u00e9"


@given(st.text())
def test_no_control_character_ever_survives(s: str) -> None:
    out = clean(s, multiline=True)
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in out)
    assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert clean(out, multiline=True) == out  # idempotent
