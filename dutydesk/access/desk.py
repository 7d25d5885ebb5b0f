"""The desk as services see it: one store, the signed-in actor, and whether the store is a demo."""

from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from dutydesk.access.identity import Actor


@dataclass(frozen=True)
class Desk:
    db: Database
    actor: Actor
    demo: bool = False

    def close(self) -> None:
        """Let go of the store's connections (when the desk closes)."""
        self.db.dispose()
