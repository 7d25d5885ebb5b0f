"""The command palette (ctrl+p): the current screen's commands, then app-wide ones.

One provider, whose commands depend on the screen the palette was opened on
(posting's pattern):

1. anything the screen offers through ``palette_commands(self) -> Iterable[PaletteCommand]``;
2. every key binding of that screen that has a description (and those of the
   focused widget that are shown in the footer), so each screen action is in
   the palette without extra code;
3. the app-wide desk actions from ``screens.actions.DESK_ACTIONS`` the user's role may use;
4. help (the keys of this screen), theme and quit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.actions import DESK_ACTIONS

# Screen-level housekeeping keys that would only clutter the palette (F1 still lists them).
_NOT_COMMANDS = {"app.focus_next", "app.focus_previous", "screen.copy_text", "focus_next", "focus_previous"}


class PaletteCommand(NamedTuple):
    title: str
    help: str
    callback: Callable[[], Any]


class DeskCommands(Provider):
    def _commands(self) -> Iterator[PaletteCommand]:
        screen = self.screen
        app: Any = self.app
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if (active.node is app or not binding.description or not active.enabled
                    or binding.action in _NOT_COMMANDS):
                continue
            if active.node is not screen and not binding.show:
                continue  # a widget's own navigation (cursor keys and the like): F1 lists it
            key = app.get_key_display(binding)
            yield PaletteCommand(binding.description, binding.tooltip or f"Key: {key}",
                                 partial(app.run_action, binding.action, active.node))
        role = getattr(app, "role", None)
        if getattr(app, "desk", None) is not None:
            for action in DESK_ACTIONS:
                if action.allowed_for(role) and app.check_action("desk", (action.id,)):
                    yield PaletteCommand(action.title, f"{action.help} ({action.key.upper()})",
                                         partial(app.run_action, f"desk('{action.id}')"))
        yield PaletteCommand("Keys (help)", "Every key on this screen (F1)",
                             partial(app.show_help, screen))
        yield PaletteCommand("Theme", "Change the colours", app.action_change_theme)
        yield PaletteCommand("Quit", "Leave dutydesk (q)", app.action_quit)

    def _unique(self) -> Iterable[PaletteCommand]:
        seen: set[str] = set()
        for command in self._commands():
            if command.title.casefold() not in seen:
                seen.add(command.title.casefold())
                yield command

    async def discover(self) -> Hits:
        for command in self._unique():
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._unique():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, help=command.help)
