"""The key gate: a key (or paste) typed while the desk is still acting on the one before waits for it.

Textual hands each key to the focused widget's queue and goes on to the next key
at once. What a key sets off is handled later, often several hops away: Enter
in the child picker posts ``Input.Submitted`` to the picker, which posts
``NewRequested`` to the form, which moves the focus to Age, and ``focus()``
itself happens later still, in the app's turn. A key typed meanwhile went to
the field focused *before* all that ("13" typed straight after Enter landed in
the child picker, 2 runs in 80 with the turns shuffled; Tab m r e 0.15 s apart
gave "emergency" for remand).

So the gate lets a key through only once the desk is quiet: no message queued
or being handled anywhere in the app or its screens, no layout of the screen
still to come (the focus order is read from where fields are), and no widget holding the
keys (``holds_keys``: the child picker while Enter waits for the newest
look-up). Waiting on the chain the key started was not enough, because a
message a handler posts is not on that chain. Then the key goes to whatever
is focused by then, so typing fast gives the same record as typing slowly.

Only a desk that never gets quiet (a handler stuck on something) lets a key
through unwaited, after ``LONGEST_WAIT``: stuck keys would freeze the desk.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from typing import Any

from textual import events

GATED = (events.Key, events.Paste)

# Only a stuck handler makes a key wait this long; a loaded machine gets quiet well within it.
LONGEST_WAIT = 30.0


def _pumps(app: Any) -> Iterator[Any]:
    yield app
    for screen in app.screen_stack:
        yield from screen.walk_children(with_self=True)


def _acting(pump: Any) -> bool:
    """A message pump with a message queued, or one in hand (its task waits on anything but its queue).

    Textual says neither (its queue does not count messages done), so this reads
    its loop: an idle pump's task is parked on its queue's ready event.
    """
    if pump._closed or pump._closing:
        return False
    queue = pump._message_queue
    if queue.qsize() or pump._next_callbacks or getattr(pump, "holds_keys", False):
        return True
    task = pump._task
    if task is None or task.done():
        return False
    parked_on = getattr(task, "_fut_waiter", None)  # None: about to run, so acting
    return parked_on is None or parked_on not in queue.ready_event._waiters


def _laying_out(app: Any) -> Any | None:
    """The current screen, while a layout it was asked for is still to come (Textual does it on a timer).

    Focus order is screen position, so until then a field just shown sorts as if at the top:
    Gender's choice moved the focus on to Caller, not Type, when it came before the new child's layout.
    """
    screen = app.screen if app.screen_stack else None
    if screen is not None and (screen._layout_required or screen._recompose_required):
        return screen
    return None


def _busy(app: Any) -> Any | None:
    return next((pump for pump in _pumps(app) if _acting(pump)), None) or _laying_out(app)


async def wait_until_quiet(app: Any, longest: float = LONGEST_WAIT) -> bool:
    """Wait until nothing in the app is acting; False if it was still busy after ``longest`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + longest
    while (pump := _busy(app)) is not None:
        left = deadline - loop.time()
        if left <= 0:
            return False
        done = asyncio.Event()
        if getattr(pump, "holds_keys", False) or not pump.call_later(done.set):
            await asyncio.sleep(0.005)  # a look-up Enter waits for is in a thread: nothing to wait on here
            continue
        try:
            await asyncio.wait_for(done.wait(), min(left, 0.05))  # all it had in hand, then this
        except asyncio.TimeoutError:
            pass
    return True


class KeyGate:
    """Mixed into the App before ``App``: ``class DeskApp(KeyGate, App)``."""

    _held_keys: deque[events.Event]
    _gate_closed: bool = False
    _released: events.Event | None = None
    _gate_task: asyncio.Task[None] | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, GATED) and not event.is_forwarded:
            if event is self._released:
                self._released = None
            elif self._gate_closed:
                self.__dict__.setdefault("_held_keys", deque()).append(event)
                return
            self._gate_closed = True
            try:
                await super().on_event(event)  # type: ignore[misc]
            finally:
                self._gate_task = asyncio.create_task(self._next_when_quiet())
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _next_when_quiet(self) -> None:
        await wait_until_quiet(self)
        held = self.__dict__.setdefault("_held_keys", deque())
        while held:
            # Back through the app's queue, so it is handled in the app's own turn like a typed key.
            self._released = held.popleft()
            app: Any = self
            if app.post_message(self._released):
                return
            self._released = None  # the app is closing: nothing will take keys any more
            held.clear()
        self._gate_closed = False

    @property
    def keys_settled(self) -> bool:
        """No key held or on its way (tests wait on it)."""
        return not self._gate_closed and not self.__dict__.get("_held_keys")
