"""The key gate under the orders a loaded machine gives: late messages, a slow look-up.

Keys are posted all at once (a fast typist, a laggy SSH link). The desk must
hold each one until everything the key before it set off is done, however many
hops away that is, and the child picker's Enter must act on the matches for
all of what was typed, not on those for its first letters.
"""

from __future__ import annotations

import asyncio
import time

from sqlmodel import select
from textual.message_pump import MessagePump
from textual.widgets import Input

from db.engine import Database
from db.models import Child, PlacementRequest, RequestChild
from dutydesk.places import ensure_places
from screens.pickers import KeyChoice, Picker

from test_call_keys_ui import KEYS, log_with, post_at_once_and_save
from ui_helpers import desk_app, open_desk, screen_text, seed_store, settle

EXPECTED = ("police", "placement_request", "Girl in Margate", "Amy Fast", "female", "remand", "urgent",
            ["disability", "teenagers"])


async def test_keys_wait_for_what_the_key_before_set_off(tmp_path, monkeypatch):
    # What a key sets off is handled late (a busy machine): Enter's Submitted, the picker's NewRequested,
    # a choice's Changed. Before the gate waited on them, "13" landed in the child picker.
    late = (Input.Submitted, Picker.NewRequested, KeyChoice.Changed)
    dispatch = MessagePump._dispatch_message

    async def slowly(self, message):
        if isinstance(message, late):
            await asyncio.sleep(0.03)
        return await dispatch(self, message)

    monkeypatch.setattr(MessagePump, "_dispatch_message", slowly)
    assert await log_with(tmp_path, monkeypatch, pause=False) == EXPECTED


async def test_enter_in_the_child_picker_waits_for_the_whole_names_matches(tmp_path, monkeypatch):
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for
    from dutydesk.calls import lookups
    from dutydesk.calls.call_log import CallInput, log_call
    from dutydesk.calls.intake import ChildInput

    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url = seed_store(tmp_path)
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
    log_call(Desk(db, actor_for(db, "oliver")),
             CallInput(caller_type="police", category="information", summary="Earlier call",
                       new_child=ChildInput(first_name="Amy", last_name="Smith", age=9)))
    db.dispose()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        for k in ["p", "r", *"Girl in Margate", "tab", *"Amy"]:
            await pilot.press(k)
            await settle(pilot)
        assert "Amy Smith" in screen_text(app)  # the match for "Amy", highlighted
        find = lookups.find

        def slow_find(*args, **kw):
            time.sleep(0.4)  # a slow store: Enter comes before the matches for "Amy Fast"
            return find(*args, **kw)

        monkeypatch.setattr(lookups, "find", slow_find)
        rest = KEYS[KEYS.index("tab") + 1:]
        assert rest[:8] == list("Amy Fast")
        # After the new child's fields are shown, Gender's choice must wait for their layout too: before,
        # 1 run in 3 moved the focus on from Gender to Caller (sorted by a stale position), not to Type.
        await post_at_once_and_save(pilot, rest[3:])
    db = Database(url)
    with db.read() as s:
        req = s.exec(select(PlacementRequest)).one()
        child = s.get(Child, s.exec(select(RequestChild)).one().child_id)
        assert (child.first_name, child.last_name, req.placement_type.value) == ("Amy", "Fast", "remand")
        assert len(s.exec(select(Child)).all()) == 2  # Amy Smith was not picked for the call
    db.dispose()
