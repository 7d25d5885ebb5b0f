"""``dutydesk audit verify`` and ``dutydesk audit list``."""

from __future__ import annotations

import json
from typing import Any

import click
import sqlalchemy as sa
from sqlmodel import select

from db.models import AuditEvent, AuditHead
from dutydesk.access import audit
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import audit_group
from dutydesk.clock import fmt_local
from dutydesk.errors import DeskError, InvalidInput
from dutydesk.access.identity import Permission, require
from dutydesk.text import clean

MAX_LIMIT = 1000


class AuditBroken(DeskError):
    """The hash chain does not hold: events were changed or removed outside dutydesk."""

    exit_code = 8


@audit_group.command("verify")
@pass_cli
def verify_cmd(cli: CliContext) -> None:
    """Check the audit trail's hash chain; exits 8 and names the event if it is broken.

    Needs no dutydesk account, so an administrator's scheduled job can run it:
    it reveals only event numbers.
    """
    db = cli.database()
    with db.read() as s:
        result = audit.verify(s)
        if result.ok:
            click.echo(f"The audit trail is intact: {result.events} events checked.")
            return
        if result.broken_at is None:
            head = s.get(AuditHead, 1)
            last = s.exec(select(sa.func.max(AuditEvent.id))).one()
            where = (f"after event {last or 0}: the trail ends there but event "
                     f"{head.last_event_id if head else '?'} was written")
        else:
            where = f"at event {result.broken_at}"
    raise AuditBroken(
        f"The audit trail is broken {where} ({result.problem}). Keep the database as it is and tell "
        "your administrator; restore from a backup only after they have looked."
    )


def _event_json(ev: AuditEvent) -> dict[str, Any]:
    try:
        detail: Any = json.loads(ev.detail)
    except ValueError:
        detail = ev.detail
    return {
        "id": ev.id, "at": ev.at.isoformat(), "username": ev.username, "action": ev.action,
        "entity": ev.entity, "entity_id": ev.entity_id, "detail": detail,
    }


@audit_group.command("list")
@click.option("--entity", metavar="TABLE", help="Only events on this kind of record, e.g. households.")
@click.option("--id", "entity_id", metavar="ID", help="Only events on this record (with --entity).")
@click.option("--limit", type=int, default=50, show_default=True, help=f"At most this many (up to {MAX_LIMIT}).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def list_cmd(cli: CliContext, entity: str | None, entity_id: str | None, limit: int, as_json: bool) -> None:
    """The newest audit events first (managers and administrators)."""
    require(cli.actor(), Permission.READ_AUDIT, "read the audit trail")
    if entity_id is not None and not entity:
        raise InvalidInput("--id needs --entity too, for example: dutydesk audit list --entity households --id 12")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"--limit must be between 1 and {MAX_LIMIT}.")
    query = select(AuditEvent).order_by(sa.desc(AuditEvent.id)).limit(limit)
    if entity:
        query = query.where(AuditEvent.entity == clean(entity))
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == clean(entity_id))
    with cli.database().read() as s:
        events = list(s.exec(query).all())
    if as_json:
        emit_json([_event_json(ev) for ev in events])
        return
    if not events:
        click.echo("No audit events match.")
        return
    for ev in events:
        # Stored text was cleaned on the way in; clean again so nothing reaches the terminal raw.
        click.echo(
            f"{ev.id:>7}  {fmt_local(ev.at, '%Y-%m-%d %H:%M')}  {clean(ev.username):<12} "
            f"{clean(ev.action):<22} {clean(ev.entity)}#{clean(ev.entity_id)}  {clean(ev.detail)[:120]}"
        )
