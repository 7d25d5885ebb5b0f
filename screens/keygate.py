"""The key gate: a key typed while the previous one is still on its way waits for it.

Textual hands each key to the focused widget's own queue and goes on to the next
key at once. A key that moves the focus (a one-letter choice, Tab, Enter) is
handled later, in that widget's turn and then, bubbling, in its parents' and the
app's; a key typed meanwhile was handed to the widget that was focused *before*
the move, and was lost or landed in the wrong field (Tab m r e typed 0.15 s
apart gave "emergency" for remand, 1 in 6 tries). The gate holds each key until
the one before it has been through every widget it could reach (the focused
widget, its ancestors, the app's own bindings), so a key always goes to the
field that is focused once the keys before it are done: typing fast gives the
same record as typing slowly.

A widget that never gets to the key (removed, or waiting on something) cannot
hold the desk up: after ``LONGEST_WAIT`` seconds the next key goes anyway (long enough for a loaded machine).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from textual import events
from textual.app import App

# A key waits for the one before it to be handled; only a stalled dispatch makes it wait this long.
# 2 s was passed on a loaded CI machine and keys landed in the wrong field, the very fault the gate exists for.
LONGEST_WAIT = 10.0


class KeyGate:
    """Mixed into the App before ``App``: ``class DeskApp(KeyGate, App)``."""

    _held_keys: deque[events.Key]
    _gate_closed: bool = False
    _gate_task: asyncio.Task[None] | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            held = self.__dict__.setdefault("_held_keys", deque())
            if self._gate_closed:
                held.append(event)
                return
            await self._deliver_key(event)
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver_key(self, event: events.Key) -> None:
        app: Any = self
        target = app.focused or app.screen
        await super().on_event(event)  # type: ignore[misc]
        if not event.is_forwarded:
            return  # a priority binding took it, here and now: nothing is in flight
        self._gate_closed = True
        chain = [node for node in target.ancestors_with_self if not isinstance(node, App)]
        self._gate_task = asyncio.create_task(self._follow(chain))

    async def _follow(self, chain: list[Any]) -> None:
        """Wait for each widget on the key's way up to have had its turn, then reopen in the app's."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LONGEST_WAIT
        for node in chain:
            if not node.is_attached or node._closing or node._closed:
                continue
            done = asyncio.Event()
            if not node.call_later(done.set):
                continue
            while not done.is_set():
                left = deadline - loop.time()
                if left <= 0 or not node.is_attached or node._closed:
                    break
                try:
                    await asyncio.wait_for(done.wait(), min(left, 0.02))
                except asyncio.TimeoutError:
                    pass
        app: Any = self
        if not app.call_later(self._reopen):
            self._gate_closed = False

    async def _reopen(self) -> None:
        # In the app's own turn: the key, bubbled up, has met the app's bindings by now.
        self._gate_closed = False
        held = self.__dict__.setdefault("_held_keys", deque())
        while held and not self._gate_closed:
            await self._deliver_key(held.popleft())

    @property
    def keys_settled(self) -> bool:
        """No key held or on its way (tests wait on it)."""
        return not self._gate_closed and not self.__dict__.get("_held_keys")
