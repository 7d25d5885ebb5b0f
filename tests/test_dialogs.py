"""The shared dialogs (screens.dialogs): they check before closing, say which field and limit, keep the text."""

from __future__ import annotations

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


async def test_a_reason_over_the_limit_is_refused_in_the_dialog_and_kept():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ReasonDialog("Withdraw the request", "Why is it withdrawn?", limit=REASON_MAX))
        await pilot.pause()
        box = app.screen.query_one("#reason-input")
        box.value = "x" * (REASON_MAX + 1)
        await pilot.press("enter")
        assert isinstance(app.screen, ReasonDialog) and app.answers == []
        assert f"The reason can be at most {REASON_MAX} characters; it is {REASON_MAX + 1}." in flat_text(app)
        assert box.value == "x" * (REASON_MAX + 1)  # kept, to be shortened
        await pilot.press("backspace", "enter")
        await pilot.pause()
        assert app.answers == ["x" * REASON_MAX]


async def test_an_empty_required_reason_says_so_and_an_optional_one_may_be_empty():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ask(ReasonDialog("Return REQ-1", "What should the worker do?", field="The comment"))
        await pilot.pause()
        await pilot.press("enter")
        assert "Type a reason first" in flat_text(app) and app.answers == []
        await pilot.press("escape")
        await pilot.pause()
        app.ask(ReasonDialog("Sign off REQ-1", "Comment (optional):", required=False, field="The comment"))
        await pilot.pause()
        await pilot.press("enter")
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
        assert app.screen.query_one("#propose-rationale").value == "Near"
        for ch in " school":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("ctrl+s")
        await pilot.pause()
        (proposal,) = app.answers
        assert (proposal.kind, proposal.rationale) == ("place", "Near school")


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
