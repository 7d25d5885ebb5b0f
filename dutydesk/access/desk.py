"""The desk as services see it: one store and the signed-in actor."""

from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from dutydesk.access.identity import Actor


@dataclass(frozen=True)
class Desk:
    db: Database
    actor: Actor
