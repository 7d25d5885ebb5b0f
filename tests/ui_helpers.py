"""Shared helpers for UI tests: a small seeded store, an app factory, waiting without sleeping.

Use::

    from ui_helpers import SeedUser, seed_store, desk_app, open_desk, screen_text

    async def test_something(tmp_path, monkeypatch):
        url = seed_store(tmp_path, users=[SeedUser("dana", "Dana Smith", "duty_worker")])
        monkeypatch.setenv("DUTYDESK_USER", "dana")   # the OS login the desk sees
        app = desk_app(url)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)          # the dashboard (or problem screen) is up
            assert "Dana Smith" in screen_text(app)

``settle(pilot)`` waits until no worker is running and every screen shows the
newest data it loaded: call it after a key press that starts database work.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerState

from db.engine import Database
from db.enums import Role
from db.models import Setting, Team, User
from db.schema import create_schema


@dataclass(frozen=True)
class SeedUser:
    username: str
    full_name: str
    role: str = "duty_worker"
    team_code: str = "EAST"
    active: bool = True


DEFAULT_TEAMS = {"EAST": "East Kent duty team", "WEST": "West Kent duty team", "OOH": "Out of hours"}
DEFAULT_USERS = [
    SeedUser("dana", "Dana Smith", "duty_worker", "EAST"),
    SeedUser("maya", "Maya Patel", "manager", "EAST"),
    SeedUser("oliver", "Oliver Grant", "duty_worker", "OOH"),
]


def make_schema(db: Database) -> None:
    """The current schema, stamped when the migrations are present."""
    try:
        create_schema(db)
    except ImportError:
        create_schema(db, stamp=False)


def seed_store(
    folder: Path,
    users: Iterable[SeedUser] = DEFAULT_USERS,
    *,
    demo: bool = False,
    real: bool = False,
    name: str = "desk.db",
    url: str | None = None,
) -> str:
    """A test store with teams and users (and the demo flag if asked). Returns its URL.

    A test store honours DUTYDESK_USER and DUTYDESK_NOW; ``real=True`` makes a
    store that, like one in service, does not.
    """
    url = url or f"sqlite:///{folder / name}"
    db = Database(url)
    try:
        make_schema(db)
        with db.write() as s:
            teams: dict[str, Team] = {}
            for code, team_name in DEFAULT_TEAMS.items():
                teams[code] = Team(code=code, name=team_name, out_of_hours=code == "OOH")
                s.add(teams[code])
            s.flush()
            for u in users:
                if u.team_code not in teams:
                    teams[u.team_code] = Team(code=u.team_code, name=f"{u.team_code.title()} duty team")
                    s.add(teams[u.team_code])
                    s.flush()
                s.add(User(username=u.username, full_name=u.full_name, role=Role(u.role),
                           team_id=teams[u.team_code].id, active=u.active))
            if demo:
                s.add(Setting(key="demo", value="true"))
            if not real:
                s.add(Setting(key="test_store", value="true"))
    finally:
        db.dispose()
    return url


@contextmanager
def env(**values: str | None) -> Iterator[None]:
    """Set (or with None, remove) environment variables for the block."""
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def desk_app(url: str, *, as_user: str | None = None, theme: str = "textual-dark", **kw: Any):
    """The real app, set up for tests: no cursor blink, no animation, a fixed theme."""
    from screens.app import DutyDeskApp

    return DutyDeskApp(url=url, as_user=as_user, theme=theme, cursor_blink=False, **kw)


def unsettled(app: Any) -> list[str]:
    """Screens and widgets whose newest load is not on screen yet (``screens.loading``'s ``settled``)."""
    waiting = [] if getattr(app, "keys_settled", True) else ["keys held by the key gate"]
    for screen in app.screen_stack:
        for node in (screen, *screen.walk_children()):
            if getattr(node, "settled", True) is False:
                waiting.append(type(node).__name__)
    return waiting


async def settle(pilot: Pilot, rounds: int = 200) -> None:
    """Wait until no worker is running and every screen shows its newest load (no sleeping).

    "Done" is real, not a count of quiet rounds: every worker has finished and
    every ``LoadingScreen`` (and picker) has shown the newest generation it
    started, with no action queued. It is checked twice, one pause apart, so a
    dialog's result callback or a message a handler has just posted gets its turn.
    """
    app = pilot.app
    confirmed = False
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if busy:
            confirmed = False
            try:
                await app.workers.wait_for_complete(busy)
            except WorkerCancelled:
                pass  # an exclusive worker was replaced by a newer one: the next round waits for that
            continue
        if unsettled(app):
            confirmed = False
            continue
        if confirmed:
            return
        confirmed = True
    raise AssertionError(f"not settled after {rounds} rounds: workers {list(app.workers)}, "
                         f"waiting {unsettled(app)}")


async def open_desk(pilot: Pilot) -> None:
    """Wait until the opening worker has finished and its screen is up."""
    from screens.app import LaunchScreen

    for _ in range(50):
        await settle(pilot)
        if not isinstance(pilot.app.screen, LaunchScreen):
            return
    raise AssertionError("the desk never left the opening screen")


def screen_text(app: Any) -> str:
    """The current screen as plain text, one line per terminal row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def flat_text(app: Any) -> str:
    """The screen's words on one line: box drawing removed, whitespace collapsed (wrapped text joins up)."""
    text = re.sub(r"[\u2500-\u259f]", " ", screen_text(app))
    return " ".join(text.split())
