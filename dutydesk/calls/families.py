"""Which family the children of one request are in, when the worker records them together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlmodel import Session

from db.models import Child


def one_family(session: Session, new: tuple[Any, ...], known_ids: Iterable[int],
               reference: str) -> tuple[Any, ...]:
    """Children recorded together on one request are one family (a sibling group, a parent and baby).

    New children with no family key take the family of the others (the key they share), or one
    named after the request, so matching sees them as siblings (the usual limit of three, where
    their brothers and sisters live). Children known to the desk in no one family are left as
    they are: which family a child is in is the worker's to say, not the desk's to guess.
    ``new`` holds ``intake.ChildInput``s (not imported: intake imports this).
    """
    known_ids = list(known_ids)
    if len(new) + len(known_ids) < 2 or all(c.family_key for c in new):
        return new
    known = {session.get(Child, cid).family_key for cid in known_ids}  # type: ignore[union-attr]
    keys = known | {c.family_key for c in new if c.family_key}
    if None in known or len(keys) > 1:
        return new
    key = keys.pop() if keys else reference
    return tuple(c if c.family_key else replace(c, family_key=key) for c in new)
