"""The audit trail: every write says who did what to which record, and when.

Events form a hash chain: each stores the hash of the one before it, and the
single ``audit_head`` row is updated in the same transaction, which serialises
appends (a row lock on PostgreSQL; SQLite's writer lock already does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from db.enums import Role
from db.models import AuditEvent, AuditHead, User
from dutydesk import clock
from dutydesk.access.identity import Actor
from dutydesk.errors import AccountDisabled, NotAllowed
from dutydesk.labels import label

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _digest(prev_hash: str, at: dt.datetime, username: str, action: str, entity: str, entity_id: str, detail: str) -> str:
    body = "\x1f".join([prev_hash, at.isoformat(), username, action, entity, entity_id, detail])
    return hashlib.sha256(body.encode()).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    """The chain's head row, locked until the transaction ends; made on a store's first event.

    Two first events at once on PostgreSQL both found no head and both inserted
    it, and the second failed on its primary key; ON CONFLICT DO NOTHING makes
    the second wait for the first and then take the row it made.
    """
    query = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.exec(query).first()
    if head is None:
        session.execute(sa.text("INSERT INTO audit_head (id, last_hash) VALUES (1, :genesis) "
                                "ON CONFLICT (id) DO NOTHING"), {"genesis": GENESIS})
        head = session.exec(query.execution_options(populate_existing=True)).one()
    return head


def recheck(session: Session, actor: Actor) -> None:
    """Refuse the write if the actor's account was disabled, removed or given another role since sign-in.

    Every write is audited, so checking here makes a change to an account take
    effect at that person's next action, in an open desk as on the command line.
    It runs in the write's own transaction: a refusal rolls the change back.
    """
    if actor.user_id is None:
        return  # the system, or the first set-up of a store with no users
    row = session.execute(sa.select(User.active, User.role).where(User.id == actor.user_id)).first()
    if row is None or not row.active:
        raise AccountDisabled(f"The dutydesk account {actor.username!r} is disabled; nothing was saved.",
                              "Ask an administrator.")
    if Role(row.role) is not actor.role:
        raise NotAllowed(
            f"An administrator changed your role to {label(Role(row.role))}; nothing was saved. "
            "Close the desk and open it again to carry on with your new role."
        )


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    detail: dict[str, Any] | None = None,
    *,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (so it commits or rolls back with the change)."""
    recheck(session, actor)
    at = (at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    head = _locked_head(session)
    detail_json = _canonical(detail or {})
    event = AuditEvent(
        at=at,
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=detail_json,
        prev_hash=head.last_hash,
        hash=_digest(head.last_hash, at, actor.username, action, entity, str(entity_id), detail_json),
    )
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.last_hash = event.hash
    session.add(head)
    return event


@dataclass(frozen=True)
class ChainCheck:
    events: int
    ok: bool
    broken_at: int | None = None  # the first event id whose hash does not follow
    problem: str = ""


def verify(session: Session, batch: int = 5000) -> ChainCheck:
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for ev in rows:
            count += 1
            if ev.prev_hash != prev:
                return ChainCheck(count, False, ev.id, "an event before this one was removed or changed")
            expected = _digest(ev.prev_hash, ev.at, ev.username, ev.action, ev.entity, ev.entity_id, ev.detail)
            if expected != ev.hash:
                return ChainCheck(count, False, ev.id, "this event was changed after it was written")
            prev = ev.hash
            last_id = ev.id
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return ChainCheck(count, False, None, "the newest events were removed")
    return ChainCheck(count, True)


def history(session: Session, entity: str, entity_id: Any, limit: int = 200) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
            .order_by(sa.desc(AuditEvent.id))
            .limit(limit)
        ).all()
    )


def record_many(
    session: Session,
    actor: Actor,
    events: Iterable[tuple[str, str, Any, dict[str, Any] | None]],
    *,
    at: dt.datetime | None = None,
    batch: int = 2000,
) -> int:
    """Append many events (action, entity, entity_id, detail) in the caller's transaction.

    The same chain as :func:`record`, built in Python and inserted in batches, so a
    50,000-household import audits each household without 150,000 round trips.
    Rows go in with one executemany per batch, in chain order, so ids follow the
    chain as :func:`verify` expects (tested on SQLite and PostgreSQL).
    Returns the number of events written.
    """
    recheck(session, actor)
    at = (at or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    head = _locked_head(session)
    table = AuditEvent.__table__
    prev = head.last_hash
    rows: list[dict[str, Any]] = []
    count = 0

    def flush_rows() -> None:
        if rows:
            session.execute(table.insert(), rows)
            rows.clear()

    for action, entity, entity_id, detail in events:
        detail_json = _canonical(detail or {})
        digest = _digest(prev, at, actor.username, action, entity, str(entity_id), detail_json)
        rows.append({
            "at": at, "user_id": actor.user_id, "username": actor.username, "action": action,
            "entity": entity, "entity_id": str(entity_id), "detail": detail_json,
            "prev_hash": prev, "hash": digest,
        })
        prev = digest
        count += 1
        if len(rows) >= batch:
            flush_rows()
    flush_rows()
    if count:
        head.last_event_id = session.execute(sa.select(sa.func.max(table.c.id))).scalar_one()
        head.last_hash = prev
        session.add(head)
        session.flush()
    return count
