"""Drafts: one per worker and form kind, saved, loaded, replaced, discarded."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.models import Draft
from dutydesk.access.desk import Desk
from dutydesk.calls.drafts import discard_draft, has_content, load_draft, save_draft
from dutydesk.errors import InvalidInput


def test_save_load_replace_discard(database, people):
    d = Desk(database, people["worker"])
    assert load_draft(d, "call") is None
    save_draft(d, "call", {"summary": "Girl 13", "notes": "a\nb", "caller_type": "police"})
    save_draft(d, "call", {"summary": "Girl 13 Margate", "notes": "a\nb"})
    got = load_draft(d, "call")
    assert got.fields == {"summary": "Girl 13 Margate", "notes": "a\nb"}
    with database.read() as s:
        assert len(s.exec(select(Draft)).all()) == 1
    assert discard_draft(d, "call") is True
    assert discard_draft(d, "call") is False
    assert load_draft(d, "call") is None


def test_drafts_are_per_user_and_kind(database, people):
    a, b = Desk(database, people["worker"]), Desk(database, people["worker2"])
    save_draft(a, "call", {"summary": "A's"})
    save_draft(a, "request", {"summary": "A's request"})
    save_draft(b, "call", {"summary": "B's"})
    assert load_draft(a, "call").fields["summary"] == "A's"
    assert load_draft(a, "request").fields["summary"] == "A's request"
    assert load_draft(b, "call").fields["summary"] == "B's"


def test_draft_text_is_cleaned(database, people):
    d = Desk(database, people["worker"])
    save_draft(d, "call", {"name": "Ann [/]\x1b[2J", "nested": {"x": ["\x07bell"]}})
    f = load_draft(d, "call").fields
    assert f["name"].startswith("Ann [/]") and "\x1b" not in f["name"]
    assert "\x07" not in f["nested"]["x"][0]


def test_bad_kind_and_size(database, people):
    d = Desk(database, people["worker"])
    with pytest.raises(InvalidInput):
        save_draft(d, "", {})
    with pytest.raises(InvalidInput, match="too large"):
        save_draft(d, "call", {"notes": "x" * 300_000})


def test_has_content():
    assert not has_content({"summary": "  ", "received": "", "_focus": "summary"})
    assert has_content({"summary": "x"})
