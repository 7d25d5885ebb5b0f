"""Any text typed and pasted into the call form itself, then saved: the call holds it as neutralised.

Issue 11.4, through the real form (not a test host): summary, caller's name and
notes each get typed keys, a paste of arbitrary text (ESC, ctrl+s, U+0085,
markup, bidi controls ...), and more typed keys. The paste never presses a key
(the call is saved once, by the worker's ctrl+s), and the stored call holds
exactly ``clean(typed + neutralise(pasted) + typed)`` per field, in order.
"""

from __future__ import annotations

import asyncio
import string

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from db.engine import Database
from db.models import Call
from dutydesk.text import clean, neutralise
from test_fields_properties import PASTE, type_text
from ui_helpers import desk_app, open_desk, seed_store, settle

# A summary must not come out blank (the form would rightly refuse it): it starts with a letter.
LEAD = st.text(st.sampled_from(string.ascii_letters), min_size=1, max_size=3)
TYPED = st.text(st.sampled_from(string.ascii_letters + string.digits + string.punctuation + " éñøßç"), max_size=5)
# Under the caller's name limit (120) with the typed keys around it: the limit has its own tests.
NAME_PASTE = PASTE.map(lambda t: t[:100])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    return seed_store(tmp_path_factory.mktemp("call_form_properties"))


def _calls(url: str) -> list[Call]:
    db = Database(url)
    try:
        with db.read() as s:
            return list(s.execute(sa.select(Call).order_by(Call.id)).scalars())
    finally:
        db.dispose()


async def _type_paste_type(pilot, field, before: str, pasted: str, after: str) -> None:
    field.focus()
    await pilot.pause()
    await type_text(pilot, before)
    field.post_message(events.Paste(pasted))
    await pilot.pause()
    await type_text(pilot, after)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=st.tuples(LEAD, PASTE, TYPED), name=st.tuples(TYPED, NAME_PASTE, TYPED),
       notes=st.tuples(TYPED, PASTE, TYPED))
def test_the_call_form_stores_typed_and_pasted_text_as_neutralised(store, monkeypatch, summary, name, notes):
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    before = len(_calls(store))

    async def run() -> None:
        app = desk_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("m", "n")  # a parent, for information: no child or request needed
            await settle(pilot)
            form = app.screen
            for wid, parts in (("#summary", summary), ("#caller_name", name), ("#notes", notes)):
                await _type_paste_type(pilot, form.query_one(wid), *parts)
            await settle(pilot)
            assert len(_calls(store)) == before  # no paste pressed ctrl+s
            await pilot.press("ctrl+s")
            await settle(pilot)

    asyncio.run(run())
    calls = _calls(store)
    assert len(calls) == before + 1
    call = calls[-1]
    b, p, a = summary
    assert call.summary == clean(b + neutralise(p) + a)
    b, p, a = name
    assert (call.caller_name or "") == clean(b + neutralise(p) + a)
    b, p, a = notes
    assert (call.notes or "") == clean(b + neutralise(p, multiline=True) + a, multiline=True)
