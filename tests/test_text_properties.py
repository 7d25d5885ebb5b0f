"""Any text through every service that takes text: it is kept (as ``text.clean`` documents) or refused in words.

Issue 11.4. Each service either stores exactly ``clean(typed)`` (multi-line
fields keep their lines) and gives it back, or raises ``InvalidInput`` naming
the field; nothing else (no crash, no truncation, no reordering). One SQLite
store per test, shared by its examples; the storage tests cover PostgreSQL.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.engine import Database
from db.enums import Role
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from dutydesk.text import clean
from conftest import add_user
from ui_helpers import make_schema

# Fragments that broke things before: markup, ESC sequences, C1 (U+0085 ended a paste), bidi, CR LF.
NASTY = st.sampled_from(["[/]", "[bold red]X[/]", "\x1b[2J", "\x1b\x13", "\u0085", "\u202e", "\r\n", "\n",
                         "\t", "\u2028", "O'Brien [Jr]", "%", "_", "\\", "e\u0301", "\x00", "\ufffd", " "])
TEXT = st.lists(st.one_of(st.text(max_size=40), NASTY), max_size=12).map("".join)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def kept_or_refused(fn, typed: str, stored, *, multiline: bool, limit: int, required: bool = False,
                    minimum: int = 1) -> None:
    want = clean(typed, multiline=multiline)
    try:
        got = stored(fn())
    except InvalidInput as err:
        assert len(want) > limit or (required and len(want) < minimum), f"refused {typed!r}: {err}"
        return
    assert got == want
    assert len(want) <= limit and not (required and len(want) < minimum)


def store(tmp_path) -> tuple[Database, Desk]:
    db = Database(f"sqlite:///{tmp_path / 'props.db'}")
    make_schema(db)
    return db, Desk(db, add_user(db, "dana", Role.DUTY_WORKER))


@PROPERTY
@given(summary=TEXT, notes=TEXT, caller=TEXT)
def test_a_call_keeps_any_summary_notes_and_caller_name(tmp_path_factory, summary, notes, caller) -> None:
    from dutydesk.calls.call_log import NAME_MAX, NOTES_MAX, SUMMARY_MAX, get_call, log_call
    from dutydesk.calls.inputs import CallInput

    db, desk = store(tmp_path_factory.mktemp("calls"))
    try:
        inp = CallInput("police", "information", summary, notes=notes, caller_name=caller)
        want = (clean(summary), clean(notes, multiline=True), clean(caller))
        try:
            view = get_call(desk, log_call(desk, inp).id)
        except InvalidInput:
            assert not want[0] or len(want[0]) > SUMMARY_MAX or len(want[1]) > NOTES_MAX or len(want[2]) > NAME_MAX
            return
        assert (view.summary, view.notes, view.caller_name) == want
    finally:
        db.dispose()


@PROPERTY
@given(body=TEXT)
def test_a_handover_note_keeps_any_text(tmp_path_factory, body) -> None:
    from dutydesk.overview.handover import NOTE_MAX, write_note

    db, desk = store(tmp_path_factory.mktemp("notes"))
    try:
        kept_or_refused(lambda: write_note(desk, body), body, lambda v: v.body, multiline=True, limit=NOTE_MAX,
                        required=True)
    finally:
        db.dispose()


@PROPERTY
@given(rationale=TEXT, exemption=TEXT, addendum=TEXT)
def test_a_decision_keeps_any_rationale_exemption_and_addendum(tmp_path_factory, rationale, exemption,
                                                                addendum) -> None:
    from dutydesk.requests import decisions
    from dutydesk.requests.limits import RATIONALE_MIN, TEXT_MAX
    from process_support import make_household, make_request, save_search

    db, desk = store(tmp_path_factory.mktemp("decisions"))
    try:
        hid = make_household(db)
        rid = make_request(db, desk.actor)
        save_search(db, desk.actor, rid, [hid])
        why, exempt = clean(rationale, multiline=True), clean(exemption, multiline=True)
        try:
            dv = decisions.propose(desk, rid, "escalate", rationale, exemption_reason=exempt and exemption)
        except InvalidInput:
            assert len(why) < RATIONALE_MIN or len(why) > TEXT_MAX or len(exempt) > TEXT_MAX
            return
        assert (dv.rationale, dv.exemption_reason or "") == (why, exempt)
        kept_or_refused(lambda: decisions.add_addendum(desk, dv.id, addendum), addendum,
                        lambda v: v.addenda[-1][2], multiline=True, limit=TEXT_MAX, required=True)
    finally:
        db.dispose()
