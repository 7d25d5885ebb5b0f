"""Drafts: a half-typed form kept per worker and form kind, so a dropped session loses nothing.

One draft per (user, kind), replaced as the worker types. Drafts are the
worker's scratch pad, not case records, so saving one is not audited (it would
add an audit event every two seconds of typing); discarding one is not either.
The saved fields are cleaned like any stored text.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from db.models import Draft
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from dutydesk.access.identity import Actor
from dutydesk.text import clean

MAX_PAYLOAD = 256_000
KIND_MAX = 32


@dataclass(frozen=True)
class DraftView:
    kind: str
    fields: dict[str, Any]
    updated_at: dt.datetime


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value, multiline=True)
    if isinstance(value, dict):
        return {clean(str(k)): _clean_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_value(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return clean(str(value), multiline=True)


def _owner(actor: Actor) -> int:
    if actor.user_id is None:
        raise InvalidInput("Drafts belong to a signed-in worker; the system account has none.")
    return actor.user_id


def _kind(kind: str) -> str:
    k = clean(kind)
    if not k or len(k) > KIND_MAX:
        raise InvalidInput(f"A draft kind is a short name such as 'call' (1 to {KIND_MAX} characters).")
    return k


def save_draft(desk: Desk, kind: str, fields: dict[str, Any]) -> DraftView:
    """Create or replace the worker's draft of this kind (synchronous; safe to call from a signal handler)."""
    user_id = _owner(desk.actor)
    kind = _kind(kind)
    data = _clean_value(fields)
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if len(payload) > MAX_PAYLOAD:
        raise InvalidInput("The draft is too large to keep; shorten the notes.")
    now = clock.now()
    for attempt in range(2):
        try:
            with desk.db.write() as s:
                row = s.exec(select(Draft).where(Draft.user_id == user_id, Draft.kind == kind)).first()
                if row is None:
                    row = Draft(user_id=user_id, kind=kind, payload=payload, updated_at=now)
                else:
                    row.payload = payload
                    row.updated_at = now
                s.add(row)
            break
        except IntegrityError:  # pragma: no cover - two sessions of one worker raced on PostgreSQL
            if attempt:
                raise
    return DraftView(kind=kind, fields=data, updated_at=now)


def load_draft(desk: Desk, kind: str) -> DraftView | None:
    user_id = _owner(desk.actor)
    kind = _kind(kind)
    with desk.db.read() as s:
        row = s.exec(select(Draft).where(Draft.user_id == user_id, Draft.kind == kind)).first()
    if row is None:
        return None
    try:
        fields = json.loads(row.payload)
    except ValueError:
        fields = {}
    if not isinstance(fields, dict):
        fields = {}
    return DraftView(kind=row.kind, fields=fields, updated_at=row.updated_at)


def discard_draft(desk: Desk, kind: str) -> bool:
    """Remove the worker's draft of this kind; True if there was one."""
    user_id = _owner(desk.actor)
    kind = _kind(kind)
    with desk.db.write() as s:
        row = s.exec(select(Draft).where(Draft.user_id == user_id, Draft.kind == kind)).first()
        if row is None:
            return False
        s.delete(row)
    return True


def has_content(fields: dict[str, Any]) -> bool:
    """Whether a draft holds anything typed (so an empty form is not offered back)."""
    def full(v: Any) -> bool:
        if isinstance(v, str):
            return bool(v.strip())
        if isinstance(v, dict):
            return any(full(x) for x in v.values())
        if isinstance(v, list):
            return any(full(x) for x in v)
        return False

    return any(full(v) for k, v in fields.items() if not k.startswith("_"))
