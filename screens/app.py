"""The dutydesk Textual app: opening the desk, identity, keys, palette, help, quitting.

Start-up is built for a fast first frame: this module imports Textual only. The app paints
"Opening the desk…" at once, then a thread worker imports the database layer, opens the store,
checks its schema, signs in and imports the dashboard, which then replaces the opening screen.

Extension points for other screens (see also ``screens.actions`` and ``screens.palette``):

- ``self.app.desk`` is the ``dutydesk.access.desk.Desk`` (store and signed-in actor);
  ``self.app.role`` the role value. Both are None until the desk has opened.
- App-wide actions (log a call, find a carer, oversight, ...) are registered in
  ``screens.actions.DESK_ACTIONS``; ``app.desk('<id>')`` runs one from anywhere.
- A screen's own ``BINDINGS`` (with descriptions) show in the footer, F1 help and the palette.
- The identity bar is docked on every full screen by the app; do not compose a ``Header``.
- ``unsaved_changes(self) -> str | None`` on a screen makes quitting ask first.
- A worker that fails with a ``DeskError`` becomes a notification with its message;
  any other failure is written to a crash file and named in a notification:
  subclass ``screens.base.DeskScreen`` (or call ``app.worker_failed(worker)``).

Every binding has an ``id``; a person may remap keys in ``keys.toml`` in the
config folder (or the file named by ``DUTYDESK_KEYS``), e.g. ``"desk.log_call" = "f5"``.

Environment: ``DUTYDESK_THEME`` picks a theme; ``DUTYDESK_EXIT_WHEN_READY=1`` and
``DUTYDESK_BENCH_FILE`` serve bench/startup.py (exit once ready; timestamps).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
from collections import deque
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Center, Middle
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from screens.actions import DESK_ACTIONS, find
from screens.dialogs import ConfirmQuitScreen
from screens.errors import ProblemScreen
from screens.help import HelpScreen, collect_keys, screen_title
from screens.identity_bar import Identity, IdentityBar
from screens.keygate import KeyGate
from screens.messages import DeskOpened, DeskOpenFailed, StartProblem
from screens.no_color import fit_no_color_filter
from screens.palette import DeskCommands
from screens.settings import (
    ENV_EXIT_WHEN_READY,
    ENV_THEME,
    bench_stamp,
    default_theme,
    keymap_path,
    read_keymap,
)
from screens.terminal_input import paste_safe


@dataclass(frozen=True, slots=True)
class Notice:
    """One message the desk showed the worker (a toast)."""

    message: str
    severity: str = "information"


NOTICES_KEPT = 100


class LaunchScreen(Screen[None]):
    """The first frame: painted before the database layer is imported."""

    SHOW_IDENTITY = False

    def compose(self) -> ComposeResult:
        yield IdentityBar(None)
        with Middle(), Center():
            yield Static("Opening the desk…", id="launch-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        # Start opening only once this frame is on screen, so it never waits for the database layer.
        self.call_after_refresh(self.app.begin_opening)


class DutyDeskApp(KeyGate, App[int]):
    """The duty desk. ``url`` is the store; ``as_user`` a demo user (demo stores only)."""

    # The dashboard's styles are read with the app's: pushed with its own CSS_PATH, the dashboard
    # made Textual re-parse every stylesheet and restyle every widget on the way to the first
    # useful screen. (A screen's CSS_PATH is not scoped to it, so this changes no rule.)
    CSS_PATH = ["app.tcss", "dashboard.tcss"]
    TITLE = "dutydesk"
    COMMANDS = {DeskCommands}
    COMMAND_PALETTE_DISPLAY = "ctrl+p"
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Every key on this screen", id="app.help"),
        Binding("q", "quit", "Quit", tooltip="Leave dutydesk", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_anywhere"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                tooltip="Search every command on this screen", id="app.palette"),
    ]

    def __init__(
        self,
        url: str,
        as_user: str | None = None,
        *,
        db_value: str | None = None,
        theme: str | None = None,
        cursor_blink: bool = True,
        exit_when_ready: bool | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.as_user = as_user
        self.db_value = db_value  # as typed after --db: problems name the same store in their commands
        self.desk: Any = None  # dutydesk.access.desk.Desk once open
        self.role: str | None = None
        self.identity: Identity | None = None
        self.cursor_blink = cursor_blink
        if exit_when_ready is None:
            exit_when_ready = os.environ.get(ENV_EXIT_WHEN_READY) == "1"
        self.exit_when_ready = exit_when_ready
        self.animation_level = "none"
        self._requested_theme = theme or os.environ.get(ENV_THEME) or default_theme()
        self._screen_ready: dict[str, bool] = {}
        self._opening_started = False
        # What the worker was told, newest last: toasts fade, this stays (tests read it; a
        # "messages" view could). Appended from any thread, as notify allows.
        self.notices: deque[Notice] = deque(maxlen=NOTICES_KEPT)
        desk_bindings = [
            Binding(a.key, f"desk('{a.id}')", a.title, show=a.show, tooltip=a.help, id=a.binding_id)
            for a in DESK_ACTIONS
        ]
        # Help, then the desk keys, then the rest: at 80 columns the footer cuts from the
        # right, and F2 Log call matters more than q Quit (ctrl+q works everywhere).
        first, rest = BindingsMap(), BindingsMap()
        for key, bindings in self._bindings.key_to_bindings.items():
            for b in bindings:
                (first if b.id == "app.help" else rest).key_to_bindings.setdefault(key, []).append(b)
        self._bindings = BindingsMap.merge([first, BindingsMap(desk_bindings), rest])
        # The theme is set before the first frame, so that frame is not restyled.
        self._theme_fallback = self._requested_theme not in self.available_themes
        self.theme = default_theme() if self._theme_fallback else self._requested_theme
        fit_no_color_filter(self)  # NO_COLOR with an ANSI theme: default colours, not black on black

    def get_driver_class(self) -> Any:
        return paste_safe(super().get_driver_class())  # a paste is read as text, never as keys

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        self.notices.append(Notice(str(message), str(severity)))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- opening the desk ---------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return LaunchScreen()

    def on_mount(self) -> None:
        self._load_keymap()
        if self._theme_fallback:
            self.notify(f"There is no theme called {self._requested_theme!r}; using {self.theme}.",
                        severity="warning", markup=False)
        self.screen_change_signal.subscribe(self, self._add_identity_bar)

    def _load_keymap(self) -> None:
        """Keys the person has remapped: ``keys.toml`` in the config folder, binding id = keys.

        For example ``"desk.log_call" = "f5"`` or ``"app.help" = "f1,question_mark"``.
        """
        path = keymap_path()
        if not os.path.exists(path):
            return
        try:
            keymap = read_keymap(path)
        except (OSError, ValueError) as err:  # tomllib.TOMLDecodeError is a ValueError
            self.notify(f"The key file {path} could not be read ({err}); using the usual keys.",
                        severity="warning", markup=False)
            return
        self.set_keymap(keymap)

    def begin_opening(self) -> None:
        """Called by the opening screen after its first frame: now load the database layer."""
        if self.desk is None and not self._opening_started:
            self._opening_started = True
            bench_stamp("first_frame")
            self.open_desk()

    @work(thread=True, exclusive=True, exit_on_error=False, group="open-desk", name="open the desk")
    def open_desk(self) -> None:
        from screens.launch import open_desk

        self.post_message(open_desk(self.url, self.as_user, self.db_value))

    async def on_desk_opened(self, message: DeskOpened) -> None:
        actor = message.desk.actor
        self.desk = message.desk
        self.role = str(actor.role.value)
        self.identity = Identity(actor.full_name, actor.username, actor.team_name, self.role, message.demo)
        self.refresh_bindings()
        dashboard = message.dashboard()
        await self.push_screen(dashboard)
        bench_stamp("dashboard_mounted")
        if self.exit_when_ready:
            self.run_worker(self._exit_when_ready(dashboard), group="bench", exit_on_error=False)

    async def on_desk_open_failed(self, message: DeskOpenFailed) -> None:
        await self.push_screen(ProblemScreen(message.problem))
        if self.exit_when_ready:
            self.exit(return_code=message.problem.exit_code)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """The safety net for worker errors no screen handled: a message, never a traceback.

        Screens call this for their own workers (``screens.base.DeskScreen`` does it for them).
        """
        if worker.group == "open-desk":
            text = self._report_bug(worker.error, notify=False)
            self.call_later(self.push_screen, ProblemScreen(StartProblem("The desk could not open", text,
                                                                         exit_code=70)))
            return
        self.show_error(worker.error)

    def show_error(self, error: Any) -> None:
        """A failure in a worker: a DeskError or a store problem as its sentence, anything else a crash file."""
        from screens.launch import desk_words  # light: no database imports
        if words := desk_words(error, self.url):
            self.notify(words, severity="error", markup=False)
            return
        self._report_bug(error)

    def _report_bug(self, error: Any, *, notify: bool = True) -> str:
        """Write the details to a crash file; tell the person in one readable sentence."""
        from dutydesk.crash import report

        try:
            path: Any = report(error) if isinstance(error, BaseException) else "nowhere"
        except OSError:
            path = "nowhere (the crash file could not be written)"
        text = (f"Something went wrong that the desk did not expect ({type(error).__name__}). "
                f"Details were written to {path}; please send them to your administrator.")
        if notify:
            self.notify(text, severity="error", timeout=30, markup=False)
        return text

    async def _exit_when_ready(self, screen: Screen) -> None:
        """For the start-up benchmark: leave once the dashboard's first load has finished."""
        busy_states = (WorkerState.PENDING, WorkerState.RUNNING)
        for _ in range(1000):
            await self._after_refresh(screen)
            busy = [w for w in self.workers if w.state in busy_states and w.group != "bench"]
            if not busy:
                break
            await self.workers.wait_for_complete(busy)
        bench_stamp("ready")
        self.exit(0)

    async def _after_refresh(self, node: Any) -> None:
        done = asyncio.get_running_loop().create_future()
        node.call_after_refresh(lambda: done.done() or done.set_result(None))
        await done

    # -- identity on every screen -----------------------------------------------------------

    def _add_identity_bar(self, screen: Screen) -> None:
        if isinstance(screen, ModalScreen) or not getattr(screen, "SHOW_IDENTITY", True):
            return
        if self.identity is None or screen.query("#identity-bar"):
            return
        bar = IdentityBar(self.identity)
        if screen.children:
            screen.mount(bar, before=0)
        else:
            screen.mount(bar)

    def on_descendant_focus(self, event: Any) -> None:
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "desk":
            desk_action = find(str(parameters[0])) if parameters else None
            if desk_action is None or self.desk is None or not desk_action.allowed_for(self.role):
                return False
            return self._screen_built(desk_action.screen)
        return True

    def _screen_built(self, target: str | None) -> bool:
        if not target:
            return False
        module = target.partition(":")[0]
        if module not in self._screen_ready:
            try:
                self._screen_ready[module] = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                self._screen_ready[module] = False
        return self._screen_ready[module]

    def action_desk(self, action_id: str) -> None:
        action = find(action_id)
        if action is None or self.desk is None:
            self.bell()
            return
        if not action.allowed_for(self.role):
            self.notify(f"{action.title}: your role cannot use this.", severity="warning", markup=False)
            return
        module_name, _, class_name = (action.screen or "").partition(":")
        try:
            screen_class = getattr(importlib.import_module(module_name), class_name, None)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                self._report_bug(err)
                return
            screen_class = None
        except Exception as err:  # noqa: BLE001 - a broken screen must not take the desk down
            self._report_bug(err)
            return
        if screen_class is None:
            self.notify(f"{action.title} is not ready yet.", markup=False)
            return
        if isinstance(self.screen, screen_class):
            return
        for index, open_screen in enumerate(self.screen_stack):
            if isinstance(open_screen, screen_class):
                above = self.screen_stack[index + 1:]
                if not any(_unsaved(s) for s in above):
                    for _ in above:
                        self.pop_screen()
                    return
                break
        try:
            screen = screen_class()
        except Exception as err:  # noqa: BLE001
            self._report_bug(err)
            return
        self.push_screen(screen)

    def open_request(self, request_id: int) -> None:
        """Open one placement request's screen (the dashboard, oversight and lists call this)."""
        from screens.request import RequestScreen

        self.push_screen(RequestScreen(request_id))

    def open_household(self, household_id: int) -> None:
        """Open one household's profile (the finder, requests and calls call this)."""
        from screens.household import HouseholdScreen

        self.push_screen(HouseholdScreen(household_id))

    def open_finder(self, request_id: int | None = None) -> None:
        """Open the carer finder, with the criteria of a request when one is given."""
        from screens.finder import FinderScreen

        self.push_screen(FinderScreen(request_id))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.show_help(self.screen)

    def show_help(self, screen: Screen) -> None:
        self.push_screen(HelpScreen(screen_title(self, screen), collect_keys(self, screen)))

    async def action_quit(self) -> None:
        problem = next((s for s in self.screen_stack if isinstance(s, ProblemScreen)), None)
        if problem is not None:
            self.exit(return_code=problem.problem.exit_code)
            return
        reasons = [r for s in self.screen_stack if (r := _unsaved(s))]
        if not reasons:
            self.exit(0)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit(0)

        if not isinstance(self.screen, ConfirmQuitScreen):
            self.push_screen(ConfirmQuitScreen(reasons), callback=answered)


def _unsaved(screen: Screen) -> str | None:
    check = getattr(screen, "unsaved_changes", None)
    return check() if callable(check) else None
