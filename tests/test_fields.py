"""The desk's text fields: a paste is text, never keys, and it is kept whole."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from dutydesk.text import neutralise
from screens.fields import DeskInput, DeskTextArea
from screens.terminal_input import PasteSafeParser, paste_safe


def parse(*chunks: str) -> list:
    parser = PasteSafeParser()
    out: list = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out


def test_an_escape_inside_a_paste_stays_in_the_paste() -> None:
    got = parse("\x1b[200~text \x1b\x13 tail\x1b[201~")
    assert [type(e) for e in got] == [events.Paste]
    assert got[0].text == "text \x1b\x13 tail"


def test_the_stock_parser_replays_that_paste_as_keys() -> None:
    """Why the parser exists: Textual's own turns the pasted ESC ctrl+s into key presses."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    got = list(parser.feed("\x1b[200~text \x1b\x13 tail\x1b[201~"))
    assert any(isinstance(e, events.Key) and e.key == "ctrl+s" for e in got)


def test_a_paste_split_across_reads_is_one_paste_and_keys_around_it_stay_keys() -> None:
    got = parse("a\x1b[20", "0~one\ntwo\x1b[2", "01~b")
    keys = [e.key for e in got if isinstance(e, events.Key)]
    pastes = [e.text for e in got if isinstance(e, events.Paste)]
    assert pastes == ["one\ntwo"]
    assert keys == ["a", "b"]


def test_ordinary_keys_still_parse() -> None:
    got = parse("x\x1b[A\x13")
    assert [e.key for e in got] == ["x", "up", "ctrl+s"]


def test_a_lone_escape_is_the_escape_key_after_the_delay(monkeypatch) -> None:
    import screens.terminal_input as ti

    now = [100.0]
    monkeypatch.setattr(ti, "get_time", lambda: now[0])
    parser = PasteSafeParser()
    assert list(parser.feed("\x1b")) == []
    now[0] += 1.0
    got = list(parser.tick())
    assert [e.key for e in got if isinstance(e, events.Key)] == ["escape"]


def test_only_the_linux_driver_is_replaced() -> None:
    from textual.drivers.headless_driver import HeadlessDriver
    from textual.drivers.linux_driver import LinuxDriver

    assert paste_safe(HeadlessDriver) is HeadlessDriver
    assert issubclass(paste_safe(LinuxDriver), LinuxDriver)


class FieldsApp(App[None]):
    BINDINGS = [Binding("ctrl+s", "saved", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.saves = 0

    def compose(self) -> ComposeResult:
        yield DeskInput(id="one")
        yield DeskTextArea(id="many")

    def action_saved(self) -> None:
        self.saves += 1


NASTY = "first \x1b\x13 line\u0085after NEL\r\nsecond\tline\u2028third \u202eend"


async def test_a_paste_into_a_line_keeps_every_line_as_spaces() -> None:
    app = FieldsApp()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one("#one", DeskInput)
        field.focus()
        await pilot.press("a", "b")
        field.post_message(events.Paste(NASTY))
        await pilot.pause()
        await pilot.press("z")
        assert field.value == "ab" + neutralise(NASTY) + "z"
        assert "after NEL" in field.value and "third end" in field.value
        assert app.saves == 0


async def test_a_paste_into_a_box_keeps_its_lines() -> None:
    app = FieldsApp()
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.query_one("#many", DeskTextArea)
        box.focus()
        box.post_message(events.Paste(NASTY))
        await pilot.pause()
        assert box.text == neutralise(NASTY, multiline=True)
        assert box.text.split("\n") == ["first \ufffd\ufffd line\ufffdafter NEL", "second\tline", "third end"]
        await pilot.press("tab")  # tab moves on, it does not type
        assert app.focused is not box


async def test_textuals_own_input_loses_a_paste_after_its_first_line() -> None:
    """Why DeskInput exists."""

    class Plain(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="plain")

    app = Plain()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(Input)
        field.focus()
        field.post_message(events.Paste("kept\u0085lost"))
        await pilot.pause()
        assert field.value == "kept"
