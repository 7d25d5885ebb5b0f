"""screens.loading: one truth per screen. Stale loads are dropped, actions bring their own fresh state."""

from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens.loading import Generation, LoadingScreen, Outcome
from ui_helpers import settle


def test_only_the_newest_generation_is_accepted():
    g = Generation()
    first, second = g.start(), g.start()
    assert not g.settled
    assert not g.accept(first)  # the older one arrives late: dropped
    assert not g.settled
    assert g.accept(second) and g.settled
    g.drop()
    assert g.settled and not g.accept(second)


class Counter(LoadingScreen):
    """Shows a value read by ``fetch``; the test controls when each fetch returns."""

    RELOAD_ON_RESUME = True

    def __init__(self) -> None:
        super().__init__()
        self.value = "first"
        self.gates: dict[str, threading.Event] = {}
        self.fetched: list[str] = []
        self.shown: list[str] = []
        self.told: list[Outcome] = []
        self.store: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="body")

    def on_mount(self) -> None:
        self.reload()

    def load_args(self) -> tuple[str]:
        return (self.value,)  # read on the UI thread

    def fetch(self, desk, value: str) -> str:
        gate = self.gates.get(value)
        if gate is not None:
            gate.wait(10)
        self.fetched.append(value)
        return f"{value}:{len(self.store)}"

    def show(self, data: str) -> None:
        self.shown.append(data)

    def acted(self, outcome: Outcome) -> None:
        self.told.append(outcome)


class Probe(App):
    def __init__(self, screen: Counter) -> None:
        super().__init__()
        self.counter = screen

    def on_mount(self) -> None:
        self.push_screen(self.counter)

    def show_error(self, error) -> None:  # the desk's app shows errors; this one records them
        self.counter.told.append(Outcome(str(error), False))


async def test_a_late_result_of_a_replaced_load_is_dropped():
    screen = Counter()
    async with Probe(screen).run_test() as pilot:
        await settle(pilot)
        screen.gates["old"] = threading.Event()
        screen.value = "old"
        screen.reload()  # blocks in fetch until released
        await pilot.pause()
        screen.value = "new"
        screen.reload()  # replaces it (exclusive) and returns at once
        await settle(pilot)
        assert screen.shown[-1] == "new:0"
        screen.gates["old"].set()  # the cancelled worker still finishes and posts its result
        await settle(pilot)
        assert "old" in screen.fetched  # it did deliver...
        assert screen.shown == ["first:0", "new:0"] and screen.settled  # ...and it was dropped


async def test_an_action_shows_its_own_fresh_state_and_actions_keep_their_order():
    screen = Counter()

    def write(desk, what: str) -> str:
        screen.store.append(what)
        return f"saved {what}"

    def refuse(desk) -> str:
        from dutydesk.errors import Conflict

        raise Conflict("Someone else took the last place.")

    async with Probe(screen).run_test() as pilot:
        await settle(pilot)
        screen.gates["first"] = threading.Event()
        screen.act(write, "a")  # held up in its fresh load
        screen.act(write, "b")
        screen.act(refuse)
        screen.reload()  # asked while acting: waits until the actions are done
        await pilot.pause()
        assert not screen.settled
        screen.gates["first"].set()
        await settle(pilot)
        assert screen.store == ["a", "b"]
        assert [o.message for o in screen.told] == ["saved a", "saved b", "Someone else took the last place."]
        assert [o.ok for o in screen.told] == [True, True, False]
        assert screen.shown[1:] == ["first:1", "first:2", "first:2", "first:2"]
        assert screen.settled


async def test_coming_back_from_a_dialog_does_not_reload_but_from_a_screen_does():
    screen = Counter()
    async with Probe(screen).run_test() as pilot:
        await settle(pilot)
        loads = len(screen.fetched)
        await pilot.app.push_screen(ModalScreen())
        await settle(pilot)
        pilot.app.pop_screen()
        await settle(pilot)
        assert len(screen.fetched) == loads  # its own dialog closed: the action, not a reload, refreshes
        await pilot.app.push_screen(Screen())
        await settle(pilot)
        pilot.app.pop_screen()
        await settle(pilot)
        assert len(screen.fetched) == loads + 1  # another screen may have changed what it shows
