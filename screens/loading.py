"""One truth per screen: its data comes from one load, and every load carries a generation.

Textual's exclusive workers cancel the older worker, but a message it already
posted still arrives; a handler that took any result showed data older than
what the screen had just written (after "Decision 1 proposed" the request
screen said "Propose a household first"). So:

- ``reload()`` starts a load with the next generation number; the handler shows
  a result only if it carries the newest number started (``Generation``).
- ``act(fn, ...)`` runs a service call in a worker, then loads the fresh state in
  the same worker and posts both with a new generation: no second reload races it.
  Actions run one after another, in the order the keys were pressed; a reload
  asked for while one runs waits for it.
- Workers take plain values and post messages; they never read or write
  widgets. ``load_args()`` reads what the load needs from widgets on the UI thread
  before the worker starts; ``show()`` puts the result on screen.
- Coming back from a dialog of its own does not reload a screen; coming back
  from another full screen does when ``RELOAD_ON_RESUME`` is set.

A screen subclasses ``LoadingScreen`` and defines ``fetch`` (in the worker:
services only) and ``show`` (on the UI thread). ``settled`` is true once the
newest load has been shown and no action is waiting: tests wait on it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.message import Message
from textual.screen import ModalScreen

from screens.base import DeskScreen


class Generation:
    """Numbers the loads of one screen (or widget); only the newest one started is shown."""

    def __init__(self) -> None:
        self.started = 0
        self.shown = 0

    def start(self) -> int:
        self.started += 1
        return self.started

    def accept(self, number: int) -> bool:
        """True if ``number`` is the newest load started (and mark it shown); False for a stale one."""
        if number != self.started:
            return False
        self.shown = number
        return True

    def drop(self) -> None:
        """Nothing needs loading now: any load still in flight is stale."""
        self.shown = self.start()

    @property
    def settled(self) -> bool:
        return self.shown == self.started


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an action said: its sentence for the worker, and whether it was done."""

    message: str
    ok: bool = True
    value: Any = None


class DataLoaded(Message):
    """A load (or an action and the fresh state after it) has finished in a worker."""

    bubble = False

    def __init__(self, generation: int, data: Any = None, outcome: Outcome | None = None,
                 error: BaseException | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.data = data
        self.outcome = outcome
        self.error = error


Action = Callable[..., Any]


class LoadingScreen(DeskScreen):
    """A screen whose data comes from ``fetch`` in a worker, tagged with a generation."""

    RELOAD_ON_RESUME = False  # reload when another full screen on top of this one closes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loads = Generation()
        self._actions: deque[tuple[Action, tuple[Any, ...], dict[str, Any]]] = deque()
        self._acting = False
        self._reload_after_action = False
        self._covered_by: str | None = None  # "dialog" or "screen" while another screen is on top

    # -- for subclasses ---------------------------------------------------------------------

    def load_args(self) -> tuple[Any, ...]:
        """Plain values the load needs, read from widgets here, on the UI thread."""
        return ()

    def fetch(self, desk: Any, *args: Any) -> Any:
        """In the worker: read the screen's data through the services. No widgets here."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """On the UI thread: put the newest data on screen."""
        raise NotImplementedError

    def acted(self, outcome: Outcome) -> None:
        """On the UI thread, after ``show``: tell the worker what the action did."""
        self.notify(outcome.message, severity="information" if outcome.ok else "error", markup=False,
                    timeout=6 if outcome.ok else 10)

    def load_failed(self, error: BaseException) -> None:
        """A load failed: a DeskError is shown as its message, anything else goes to a crash file."""
        shown = getattr(self.app, "show_error", None)
        if shown is not None:
            shown(error)

    # -- loading ------------------------------------------------------------------------------

    @property
    def settled(self) -> bool:
        """The newest load is on screen and no action is running or waiting."""
        return self.loads.settled and not self._acting and not self._actions

    def reload(self) -> None:
        """Load the screen's data again (after any action that is running)."""
        if self._acting or self._actions:
            self._reload_after_action = True
            return
        self._load(self.loads.start(), self.load_args())

    @work(thread=True, exclusive=True, exit_on_error=False, group="screen-load")
    def _load(self, generation: int, args: tuple[Any, ...]) -> None:
        try:
            data = self.fetch(self.desk, *args)
        except Exception as err:  # noqa: BLE001 - shown on the UI thread, never a traceback
            self.post_message(DataLoaded(generation, error=err))
            return
        self.post_message(DataLoaded(generation, data))

    def act(self, fn: Action, *args: Any, **kwargs: Any) -> None:
        """Run ``fn(desk, *args, **kwargs)`` in a worker, then show the fresh state.

        ``fn`` returns the sentence to tell the worker (or an ``Outcome``); a
        ``DeskError`` it raises is told as a refusal. Actions queue in order.
        """
        self._actions.append((fn, args, kwargs))
        if not self._acting:
            self._next_action()

    def _next_action(self) -> None:
        if not self._actions:
            self._acting = False
            if self._reload_after_action:
                self._reload_after_action = False
                self.reload()
            return
        fn, args, kwargs = self._actions.popleft()
        self._acting = True
        self._act(self.loads.start(), fn, args, kwargs, self.load_args())

    @work(thread=True, exclusive=False, exit_on_error=False, group="screen-act")
    def _act(self, generation: int, fn: Action, args: tuple[Any, ...], kwargs: dict[str, Any],
             load_args: tuple[Any, ...]) -> None:
        from dutydesk.errors import DeskError

        desk = self.desk
        try:
            said = fn(desk, *args, **kwargs)
            outcome = said if isinstance(said, Outcome) else Outcome(str(said), True)
        except DeskError as err:
            outcome = Outcome(str(err), False)
        except Exception as err:  # noqa: BLE001 - a bug: the crash file, and the screen reloads
            self.post_message(DataLoaded(generation, outcome=Outcome("", False), error=err))
            return
        try:
            data = self.fetch(desk, *load_args)
        except Exception as err:  # noqa: BLE001
            self.post_message(DataLoaded(generation, outcome=outcome, error=err))
            return
        self.post_message(DataLoaded(generation, data, outcome))

    def on_data_loaded(self, message: DataLoaded) -> None:
        fresh = self.loads.accept(message.generation)
        if fresh and message.error is None:
            self.show(message.data)
        if message.outcome is not None:
            if message.outcome.message:
                self.acted(message.outcome)
        if message.error is not None and (fresh or message.outcome is not None):
            self.load_failed(message.error)
        if message.outcome is not None:
            self._next_action()

    # -- coming back to the screen ----------------------------------------------------------------

    def on_screen_suspend(self) -> None:
        self._covered_by = "dialog" if isinstance(self.app.screen, ModalScreen) else "screen"

    def on_screen_resume(self) -> None:
        covered, self._covered_by = self._covered_by, None
        if covered == "screen" and self.RELOAD_ON_RESUME and self.loads.started:
            self.reload()
