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


def test_a_checked_field_names_itself_and_its_limit() -> None:
    import pytest

    from dutydesk.errors import InvalidInput
    from dutydesk.text import field_text

    assert field_text("  Near\x1b[2J her school \u202e", "Rationale", limit=2000) == "Near\ufffd[2J her school"
    assert field_text("one\ntwo", "Note", limit=20, multiline=True) == "one\ntwo"
    assert field_text("one\ntwo", "Name", limit=20) == "one two"
    assert field_text(None, "Note", limit=5) == ""
    with pytest.raises(InvalidInput) as err:
        field_text("x" * 2105, "Rationale", limit=2000, multiline=True)
    assert str(err.value) == "Rationale: shorten it to 2000 characters or fewer (you typed 2105)."
    with pytest.raises(InvalidInput) as err:
        field_text("   ", "Summary", limit=500, required=True)
    assert str(err.value) == "Summary is required; type it."
    with pytest.raises(InvalidInput) as err:
        field_text("too short", "Rationale", limit=2000, required=True, minimum=10,
                   missing="Write why: a proposal needs a rationale")
    assert str(err.value) == "Write why: a proposal needs a rationale (at least 10 characters)."
    assert field_text("just right", "Rationale", limit=2000, required=True, minimum=10) == "just right"
