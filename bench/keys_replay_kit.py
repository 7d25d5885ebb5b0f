"""What every scenario replay of bench/keys_scenarios.py shares: counted keys, a desk on a fresh store.

Keys are counted one by one, each followed by waiting for the desk (``settle``);
free text (names, ages, summaries, dates, rationales, search words) is typed but
not counted. ``tab_to`` presses Tab until a field has the focus, counting each
press, so a replay stays honest when a form gains a field.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


@dataclass
class Row:
    """One line of the table: what was done, the keys it took, and whether the store shows it done."""

    what: str
    keys: int
    ok: bool
    why: str = ""


class Counted:
    """Keys (counted) and free text (not counted), each followed by waiting for the desk."""

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.count = 0
        self.log: list[str] = []

    async def __call__(self, pilot: Any, *names: str) -> None:  # the shape test_request_ui's Keys has
        from ui_helpers import settle

        for n in names:
            self.count += 1
            self.log.append(n)
            await pilot.press(n)
            await settle(pilot)

    async def key(self, *names: str) -> None:
        await self(self.pilot, *names)

    async def text(self, text: str) -> None:
        from ui_helpers import settle

        for ch in text:
            await self.pilot.press("space" if ch == " " else ch)
        await settle(self.pilot)

    async def tab_to(self, widget_id: str, limit: int = 60) -> None:
        """Tab (or shift+tab, whichever is fewer: a worker who knows the form goes the short way round),
        counted, until ``widget_id`` has the focus."""
        app = self.pilot.app
        for _ in range(limit):
            if app.focused is not None and app.focused.id == widget_id:
                return
            chain = [w.id for w in app.screen.focus_chain]
            here = chain.index(app.focused.id) if app.focused is not None and app.focused.id in chain else 0
            ahead = (chain.index(widget_id) - here) % len(chain) if widget_id in chain else 1
            await self.key("tab" if ahead <= len(chain) - ahead else "shift+tab")
        raise AssertionError(f"never reached {widget_id}")

    async def clear(self) -> None:
        """Empty the focused one-line field (ctrl+a, ctrl+k: two keys)."""
        await self.key("ctrl+a", "ctrl+k")

    @property
    def screen(self) -> str:
        return type(self.pilot.app.screen).__name__

    def shows(self, *words: str) -> bool:
        from ui_helpers import flat_text

        text = flat_text(self.pilot.app)
        return all(w in text for w in words)


def at(now: str, user: str) -> None:
    """The desk's clock and the signed-in worker for the next replay (no personal key map, no crash files)."""
    os.environ.update(DUTYDESK_NOW=now, DUTYDESK_USER=user)


@asynccontextmanager
async def desk(url: str, folder: Path) -> AsyncIterator[Counted]:
    """The desk at 80x24 on ``url``, opened on the dashboard; yields the key counter."""
    from ui_helpers import desk_app, open_desk

    os.environ["DUTYDESK_KEYS"] = str(folder / "no-keys.toml")
    os.environ["XDG_STATE_HOME"] = str(folder / "state")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        counted = Counted(pilot)
        yield counted
        if os.environ.get("KEYS_LOG"):  # KEYS_LOG=1: every counted key, to see where they go
            print(" ".join(counted.log))


def read(url: str, fn: Any) -> Any:
    """``fn(session)`` on a fresh read session of the store, then close it."""
    from db.engine import Database

    db = Database(url)
    try:
        with db.read() as s:
            return fn(s)
    finally:
        db.dispose()


def fresh_store(folder: Path) -> str:
    """Users, teams and the county's places; no households."""
    from db.engine import Database
    from dutydesk.places import ensure_places
    from ui_helpers import seed_store

    url = seed_store(folder)
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
    db.dispose()
    return url


def user_id(url: str, username: str) -> int:
    import sqlalchemy as sa

    from db.models import User

    return read(url, lambda s: s.execute(sa.select(User.id).where(User.username == username)).scalar_one())
