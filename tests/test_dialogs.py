"""The shared dialogs (screens.dialogs): they check before closing, say which field and limit, keep the text."""

from __future__ import annotations

from textual import events
from textual.app import App

from dutydesk.requests.limits import RATIONALE_MIN, REASON_MAX
from screens.dialogs import CloseUnmetDialog, ConfirmDialog, ProposeDialog, ReasonDialog
from ui_helpers import flat_text


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def ask(self, dialog) -> None:
        self.push_screen(dialog, callback=self.answers.append)


async def paste(pilot, widget_id: str, text: str) -> None:
    pilot.app.screen.query_one(widget_id).post_message(events.Paste(text))
    await pilot.pause()


async def test_a_long_pasted_reason_is_refused_in_the_dialog_and_kept():
    """Issue 11: a 1,228-character decline reason was refused after the dialog closed, and lost."""
    reason = ("No answer twice, then the carer said no.\n" + "x" * 1187)[:1228]
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ReasonDialog("Declined", "Why did the carer decline?", limit=REASON_MAX))
        await pilot.pause()
        await paste(pilot, "#reason-input", reason)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ReasonDialog) and app.answers == []
        assert f"The reason can be at most {REASON_MAX} characters; it is 1228." in flat_text(app)
        box = app.screen.query_one("#reason-input")
        assert box.text == reason  # kept, to be shortened
        box.text = reason[:REASON_MAX]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.answers == [reason[:REASON_MAX]]


async def test_a_reason_keeps_its_lines_as_typed():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ReasonDialog("Withdraw the request", "Why is it withdrawn?"))
        await pilot.pause()
        await pilot.press("n", "o", "enter", "b", "e", "d", "ctrl+s")
        await pilot.pause()
        assert app.answers == ["no\nbed"]


async def test_an_empty_required_reason_says_so_and_an_optional_one_may_be_empty():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ReasonDialog("Return REQ-1", "What should the worker do?", field="The comment"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert "Type a reason first" in flat_text(app) and app.answers == []
        await pilot.press("escape")
        await pilot.pause()
        app.ask(ReasonDialog("Sign off REQ-1", "Comment (optional):", required=False, field="The comment"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.answers == [None, ""]


async def test_a_short_rationale_is_refused_before_the_proposal_leaves():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ProposeDialog("Brown, Jo"))
        await pilot.pause()
        for ch in "Near":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        assert f"at least {RATIONALE_MIN} characters (it is 4)" in flat_text(app)
        assert app.screen.query_one("#propose-rationale").text == "Near"
        for ch in " school":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("ctrl+s")
        await pilot.pause()
        (proposal,) = app.answers
        assert (proposal.kind, proposal.rationale) == ("place", "Near school")


async def test_a_pasted_rationale_of_several_lines_keeps_them_all():
    """Issue 11: the propose dialog kept only the first line of a pasted rationale, silently."""
    rationale = "Jo accepted on the second call.\nShe is 2 km from the school.\n\nSiblings stay together."
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ProposeDialog("Brown, Jo"))
        await pilot.pause()
        await paste(pilot, "#propose-rationale", rationale)
        await pilot.press("ctrl+s")
        await pilot.pause()
        (proposal,) = app.answers
        assert proposal.rationale == rationale


async def test_closing_unmet_with_other_needs_a_note():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(CloseUnmetDialog())
        await pilot.pause()
        await pilot.press("s", "tab", "o", "ctrl+s")
        assert "Write a note: it is needed when what was done instead is 'other'." in flat_text(app)
        await pilot.press("n", "o", "ctrl+s")
        await pilot.pause()
        (closing,) = app.answers
        assert (closing.needs, closing.resolution, closing.note) == (("sibling_group",), "other", "no")


async def test_yes_no():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ConfirmDialog("Place Ann with Brown, Jo now?"))
        await pilot.pause()
        assert "Place Ann with Brown, Jo now? y yes, n no" in flat_text(app)
        await pilot.press("y")
        await pilot.pause()
        app.ask(ConfirmDialog("Again?"))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.answers == [True, False]
