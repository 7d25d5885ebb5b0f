"""The references the desk makes: ``REQ-2026-00123``, ``PL-2026-00045``, ``TEMP-2026-00007``, ``AL-2026-00002``.

Each number comes from the store's own counter for that kind (``db.references``:
a sequence on PostgreSQL, a counter row bumped in the writing transaction on
SQLite), never from max+1 over the table, so references made at the same
moment by twenty workers never collide and no save has to be retried.

The year is the year the record was made; the number runs on across years (one
counter per kind, never reset), so a reference is unique whatever its year.
Numbers are zero-padded to five digits and simply grow longer past 99999. On
PostgreSQL a number taken by a transaction that then failed is not reused, so
there can be gaps; nobody should read meaning into them.
"""

from __future__ import annotations

from enum import Enum

from sqlmodel import Session

from db import references as counters

WIDTH = 5


class Kind(Enum):
    """A kind of reference: its prefix and the store counter behind it."""

    REQUEST = ("REQ", "requests")
    PLACEMENT = ("PL", "placements")
    TEMP_CHILD = ("TEMP", "temp_children")
    ALLEGATION = ("AL", "allegations")

    @property
    def prefix(self) -> str:
        return self.value[0]

    @property
    def counter(self) -> str:
        return self.value[1]


def format_reference(kind: Kind, year: int, number: int) -> str:
    return f"{kind.prefix}-{year:04d}-{number:0{WIDTH}d}"


def next_reference(session: Session, kind: Kind, year: int) -> str:
    """A new reference of ``kind`` for a record made in ``year``, in the session's write transaction."""
    return format_reference(kind, year, counters.next_value(session.connection(), kind.counter))
