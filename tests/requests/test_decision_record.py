"""The decision record export: complete, and every piece of typed text escaped."""

from __future__ import annotations

import html as htmlmod
import json

import pytest

from db.enums import Gender
from db.models import Search, SearchResult
from dutydesk.matching.saved import reason_lines
from dutydesk.requests import decision_record, record_export
from dutydesk.requests import placements
from dutydesk.requests import decisions, steps
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from process_support import make_household, make_request, save_search

NASTY = "<script>alert(1)</script> [bold red]X[/] *Ann* _O'Brien_ [Jr](http://x)"


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T11:00:00+00:00")


def _placed(database, people):
    w = Desk(database, people["worker"])
    good = make_household(database, NASTY)
    other = make_household(database, "Second choice")
    far = make_household(database, "Far away")
    rid = make_request(database, people["worker"], children=[("Lily", 13, Gender.FEMALE)])
    save_search(database, people["worker"], rid, [other, good], excluded={far: ["distance", "age"]})
    steps.record_contact(w, rid, other, "no_answer")
    steps.record_contact(w, rid, other, "no_answer")
    steps.record_contact(w, rid, good, "accepted", NASTY)
    dv = decisions.propose(w, rid, "place", "Line one\n1. Not a list\n# not a heading\n" + NASTY, household_id=good)
    decisions.sign_off(Desk(database, people["manager"]), dv.id, "Agreed " + NASTY)
    placements.place(w, rid)
    decisions.add_addendum(w, dv.id, "Addendum " + NASTY)
    return rid


def test_markdown_record_is_complete_and_escaped(database, people):
    rid = _placed(database, people)
    text = record_export.export(Desk(database, people["viewer"]), rid, "md")
    for needle in ("# Decision record: REQ", "## Search", "### Ranked", "### Ruled out", "## Contacts and outcomes",
                   "no answer after 2 tries", "## Decisions", "Signed off by Maya", "Addendum by Dana",
                   "## Placements", "## Timeline", "Far away", "placement plan due"):
        assert needle in text, needle
    assert NASTY not in text  # never raw
    assert r"\<script\>" in text and r"\[bold red\]X\[/\]" in text and r"\*Ann\*" in text
    assert "1\\. Not a list" in text and "\\# not a heading" in text
    assert "<script>" not in text


def test_html_record_is_escaped(database, people):
    rid = _placed(database, people)
    page = record_export.export(Desk(database, people["worker"]), rid, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert htmlmod.escape(NASTY) in page
    assert "Signed off" in page and "Timeline" in page and "Far away" in page
    with pytest.raises(InvalidInput, match="md or html"):
        record_export.export(Desk(database, people["worker"]), rid, "pdf")


def test_large_exclusions_are_summarised(database, people):
    w = Desk(database, people["worker"])
    rid = make_request(database, people["worker"])
    hids = [make_household(database, f"H{i}") for i in range(260)]
    with database.write() as s:
        srch = Search(request_id=rid, run_by_id=people["worker"].user_id, criteria=json.dumps({"age": 13}),
                      ranked_count=1, excluded_count=259)
        s.add(srch)
        s.flush()
        s.add(SearchResult(search_id=srch.id, household_id=hids[0], rank=1, score=50.0, reasons="[]"))
        for i, h in enumerate(hids[1:]):
            rules = [["vacancy"]] if i % 2 else [["vacancy"], ["age"]]
            if i < 3:
                rules = [["distance", 40]]
            s.add(SearchResult(search_id=srch.id, household_id=h, rank=None, score=None,
                               reasons=json.dumps({"x": rules})))
    steps.record_contact(w, rid, hids[5], "ruled_out", "on hold after all")  # a contacted ruled-out household
    rec = decision_record.build_record(w, rid)
    (sr,) = rec.searches
    assert sr.excluded_total == 259 and not sr.excluded_listed_all
    counts = dict(sr.exclusion_counts)
    assert sum(1 for _ in counts) >= 3
    assert max(counts.values()) == 256  # "vacancy" on every row but the three distance ones
    listed = {e.household_name: e for e in sr.excluded}
    assert listed["H5"].contacted
    assert len(sr.excluded) <= decision_record.EXCLUDED_LIST_LIMIT + 1
    assert all(len(e.reasons) == 1 for e in sr.excluded if not e.contacted)
    text = record_export.render_markdown(rec)
    assert "nearest misses" in text and "fail several rules" in text


def test_reason_shapes():
    parse = reason_lines
    assert parse('{"f": [["distance", 4.5, "3 km from school"], ["load", 0, "no load"]]}') == [
        ("distance", "3 km from school", 4.5)]
    (code, words, pts), = parse('{"x": [["distance", 40]]}')
    assert code == "distance" and "40" in words and pts is None
    assert parse('[["age", 3]]')[0][2] is None  # a rule's argument is not points
    assert parse("not json") == [("note", "not json", None)]
