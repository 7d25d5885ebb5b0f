"""``dutydesk audit verify`` and ``dutydesk audit list``."""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from sqlmodel import select

from db.models import AuditEvent, AuditHead
from dutydesk.access import audit
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import audit_group
from dutydesk.clock import fmt_local
from dutydesk.errors import DeskError, InvalidInput
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


def _day(value: str | None, what: str) -> dt.date | None:
    from dutydesk.calls.typed import parse_day

    return parse_day(value, what=what) if value is not None else None


@audit_group.command("list")
@click.option("--user", "username", metavar="USERNAME", help="Only what this person did or opened.")
@click.option("--record", metavar="REF|TABLE#ID", help="Only events on this record: a request, household or "
              "child reference, or table#id such as households#12.")
@click.option("--from", "day_from", metavar="DATE", help="From this day, DD/MM/YYYY (London time; also today).")
@click.option("--to", "day_to", metavar="DATE", help="Up to and including this day.")
@click.option("--entity", metavar="TABLE", hidden=True, help="Older form of --record TABLE#ID (with --id).")
@click.option("--id", "entity_id", metavar="ID", hidden=True, help="With --entity.")
@click.option("--before", type=int, metavar="EVENT", help="The next page: events older than this event number.")
@click.option("--limit", type=int, default=50, show_default=True, help=f"At most this many (up to {MAX_LIMIT}).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def list_cmd(cli: CliContext, username: str | None, record: str | None, day_from: str | None, day_to: str | None,
             entity: str | None, entity_id: str | None, before: int | None, limit: int, as_json: bool) -> None:
    """The newest audit events first, filtered and paged (managers and administrators)."""
    from dutydesk.access import trail
    from dutydesk.access.desk import Desk

    if entity_id is not None and not entity:
        raise InvalidInput("--id needs --entity too; better: dutydesk audit list --record households#12")
    if entity and entity_id is not None and not record:
        record, entity = f"{entity}#{entity_id}", None
    desk = Desk(cli.database(), cli.actor())
    flt = trail.TrailFilter(username=username, record=record, day_from=_day(day_from, "--from"),
                            day_to=_day(day_to, "--to"), entity=entity)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"--limit must be between 1 and {MAX_LIMIT}.")
    page = trail.events(desk, flt, before=before, limit=limit)
    rows = page.events
    if as_json:
        emit_json([e.to_json() for e in rows])
        return
    if not rows:
        click.echo("No audit events match.")
        return
    for ev in rows:
        # Stored text was cleaned on the way in; clean again so nothing reaches the terminal raw.
        click.echo(
            f"{ev.id:>7}  {fmt_local(ev.at, '%Y-%m-%d %H:%M')}  {clean(ev.username):<12} "
            f"{clean(ev.action):<22} {clean(ev.record)}  {clean(ev.detail)[:120]}"
        )
    if page.more:
        click.echo(f"More: add --before {rows[-1].id} for the next page.", err=True)
