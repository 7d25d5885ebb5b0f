"""Any text pasted or typed into the desk's fields and dialogs, with Pilot: nothing crashes, nothing is lost.

Issue 11.4. What lands is exactly what was typed plus the paste as
``dutydesk.text.neutralise`` documents it (control characters U+FFFD, single
lines joined with spaces), in order; a paste never presses a key (the host
counts ctrl+s presses); a dialog answers ``clean(text)`` or keeps the text and
names the field.
"""

from __future__ import annotations

import asyncio
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App

from dutydesk.requests.limits import RATIONALE_MIN, TEXT_MAX
from dutydesk.text import clean, neutralise
from screens.dialogs import ProposeDialog, ReasonDialog
from test_fields import FieldsApp
from ui_helpers import flat_text

NASTY = st.sampled_from(["[/]", "[@click=app.quit]", "\x1b[2J", "\x1b\x13", "\x13", "\u0085", "\u202e", "\r\n",
                         "\n", "\t", "\u2028", "O'Brien [Jr]", "e\u0301", "\x00", "\x7f", "\x9b"])
PASTE = st.lists(st.one_of(st.text(max_size=30), NASTY), max_size=8).map("".join)
# What a person types, one key each (Pilot cannot press every Unicode character by name).
TYPED = st.text(st.sampled_from(string.ascii_letters + string.digits + string.punctuation + " éñøßç"), max_size=6)
PILOT = settings(max_examples=25, deadline=None)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


@PILOT
@given(before=TYPED, pasted=PASTE, after=TYPED)
def test_a_line_and_a_box_keep_what_is_typed_and_pasted_in_order(before, pasted, after) -> None:
    async def run() -> None:
        app = FieldsApp()
        async with app.run_test(size=(80, 24)) as pilot:
            for wid, multiline in (("#one", False), ("#many", True)):
                field = app.query_one(wid)
                field.focus()
                await type_text(pilot, before)
                field.post_message(events.Paste(pasted))
                await pilot.pause()
                await type_text(pilot, after)
                value = field.text if multiline else field.value
                assert value == before + neutralise(pasted, multiline=multiline) + after
            assert app.saves == 0

    asyncio.run(run())


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []


@PILOT
@given(pasted=PASTE, typed=TYPED)
def test_a_reason_dialog_answers_the_clean_text_or_keeps_it(pasted, typed) -> None:
    async def run() -> None:
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(ReasonDialog("Declined", "Why?", limit=40), callback=app.answers.append)
            await pilot.pause()
            app.screen.query_one("#reason-input").post_message(events.Paste(pasted))
            await pilot.pause()
            await type_text(pilot, typed)
            await pilot.press("ctrl+s")
            await pilot.pause()
            typed_in = neutralise(pasted, multiline=True) + typed
            want = clean(typed_in, multiline=True)
            if want and len(want) <= 40:
                assert app.answers == [want]
            else:
                assert app.answers == [] and isinstance(app.screen, ReasonDialog)
                assert app.screen.query_one("#reason-input").text == typed_in  # kept
                assert ("at most 40 characters" if want else "Type a reason first") in flat_text(app)

    asyncio.run(run())


@PILOT
@given(pasted=PASTE)
def test_the_propose_dialog_keeps_a_pasted_rationale(pasted) -> None:
    async def run() -> None:
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(ProposeDialog("Brown, Jo"), callback=app.answers.append)
            await pilot.pause()
            app.screen.query_one("#propose-rationale").post_message(events.Paste(pasted))
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            want = clean(pasted, multiline=True)
            if RATIONALE_MIN <= len(want) <= TEXT_MAX:
                (proposal,) = app.answers
                assert proposal.rationale == want
            else:
                assert app.answers == []
                assert app.screen.query_one("#propose-rationale").text == neutralise(pasted, multiline=True)
                assert "rationale" in flat_text(app).lower()

    asyncio.run(run())
