"""Commands: ``households add|edit|status`` and ``households unavailable add|end|list|places``.

The same service and rules as the screens (dutydesk.carers.household_edit and
availability_edit): roles per field group, a reason for every change, the
allegation hold, no resignation while a child is placed. Fields are named as
the households CSV's columns (docs/households-csv.md): ``places=3``,
``placement_types="emergency;short term"``, ``pets=yes``.
"""

from __future__ import annotations

from typing import Any

import click

from dutydesk.access.desk import Desk
from dutydesk.carers import availability_edit, household_edit
from dutydesk.carers.household_edit import HouseholdRecord, Saved
from dutydesk.carers.household_values import shown_value
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import households_group
from dutydesk.days import parse_day
from dutydesk.errors import InvalidInput

_REASON = click.option("--reason", required=True, help="Why (kept with the change in the audit trail).")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{pair!r}: give each field as NAME=VALUE, for example places=2 "
                               "(the names are the households CSV columns, docs/households-csv.md).")
        out[name.strip().lower().replace("-", "_").replace(" ", "_")] = value
    return out


def _record_json(rec: HouseholdRecord) -> dict[str, Any]:
    return {"id": rec.id, "reference": rec.reference, "version": rec.version,
            "values": {k: shown_value(v) for k, v in rec.values.items()}}


def _saved(saved: Saved, as_json: bool, did: str) -> None:
    if as_json:
        emit_json({**_record_json(saved.record), "changes": saved.changes})
        return
    if not saved.changed:
        click.echo(f"Household {saved.record.reference}: nothing to change (it already reads so).")
        return
    click.echo(f"{did} household {saved.record.reference}:")
    for field, (before, after) in saved.changes.items():
        click.echo(f"  {field}: {_words(before)} -> {_words(after)}")


def _words(value: Any) -> str:
    if value in (None, "", []):
        return "(blank)"
    return ";".join(map(str, value)) if isinstance(value, list) else str(value)


@households_group.command("add")
@click.argument("fields", nargs=-1, metavar="NAME=VALUE...")
@_REASON
@_JSON
@pass_cli
def add_cmd(cli: CliContext, fields: tuple[str, ...], reason: str, as_json: bool) -> None:
    """Add a household (managers): reference, name, kind, status and places at least."""
    desk = Desk(cli.database(), cli.actor())
    _saved(household_edit.add_household(desk, _pairs(fields), reason=reason), as_json, "Added")


@households_group.command("edit")
@click.argument("reference")
@click.argument("fields", nargs=-1, metavar="NAME=VALUE...")
@_REASON
@click.option("--version", "version", type=int, help="The version you read (households edit refuses if it moved).")
@click.option("--panel-on", "panel_on", default=None, metavar="DATE",
              help="With new terms of approval: the day the fostering panel approved them.")
@_JSON
@pass_cli
def edit_cmd(cli: CliContext, reference: str, fields: tuple[str, ...], reason: str, version: int | None,
             panel_on: str | None, as_json: bool) -> None:
    """Change some of a household's fields. Duty workers record facts; terms, status and dates need a manager."""
    desk = Desk(cli.database(), cli.actor())
    rec = household_edit.find(desk, reference)
    if not fields:
        raise InvalidInput("Say what to change, as NAME=VALUE (for example pets=yes).")
    saved = household_edit.edit_household(desk, rec.id, _pairs(fields), reason=reason,
                                          panel_on=parse_day(panel_on, what="--panel-on") if panel_on else None,
                                          version=rec.version if version is None else version)
    _saved(saved, as_json, "Changed")


@households_group.command("status")
@click.argument("reference")
@click.argument("status", metavar="approved|on_hold|suspended|in_assessment|resigned|deregistered")
@_REASON
@click.option("--on", "on", default=None, metavar="DATE",
              help="resigned or deregistered: the day it took effect, e.g. the panel's decision (default today).")
@_JSON
@pass_cli
def status_cmd(cli: CliContext, reference: str, status: str, reason: str, on: str | None, as_json: bool) -> None:
    """Change a household's status (managers). resigned: the carer gave notice; deregistered: the agency ended
    the approval. Either needs the household's current placements ended first; its history is kept."""
    desk = Desk(cli.database(), cli.actor())
    rec = household_edit.find(desk, reference)
    saved = household_edit.edit_household(desk, rec.id, {"status": status}, reason=reason, version=rec.version,
                                          left_on=parse_day(on, what="--on") if on else None)
    _saved(saved, as_json, "Changed")


@households_group.group("unavailable")
def unavailable_group() -> None:
    """Declared breaks, holidays and places not available (duty workers)."""


def _period_json(p: availability_edit.Period) -> dict[str, Any]:
    return {"id": p.id, "kind": p.kind.value, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat(),
            "reason": p.reason}


def _period_line(p: availability_edit.Period) -> str:
    return f"{p.id}  {p.kind.value:<8} {p.starts_on:%a %d %b %Y} to {p.ends_on:%a %d %b %Y}  {p.reason}"


@unavailable_group.command("add")
@click.argument("reference")
@click.option("--kind", default="holiday", show_default=True, metavar="holiday|break|hold|other")
@click.option("--from", "from_", required=True, metavar="DATE", help="First day away (DD/MM/YYYY, today, tomorrow).")
@click.option("--until", "until", required=True, metavar="DATE", help="Last day away.")
@_REASON
@_JSON
@pass_cli
def unavailable_add(cli: CliContext, reference: str, kind: str, from_: str, until: str, reason: str,
                    as_json: bool) -> None:
    """Declare a household unavailable for some dates; searches for them rule it out."""
    desk = Desk(cli.database(), cli.actor())
    rec = household_edit.find(desk, reference)
    p = availability_edit.add_period(desk, rec.id, kind, parse_day(from_, what="--from"), parse_day(until, what="--until"), reason)
    if as_json:
        emit_json(_period_json(p))
    else:
        click.echo(f"Household {rec.reference} unavailable: {_period_line(p)}")


@unavailable_group.command("end")
@click.argument("period_id", type=int)
@click.option("--from", "from_", metavar="DATE", help="Available again from this day (default today).")
@_REASON
@_JSON
@pass_cli
def unavailable_end(cli: CliContext, period_id: int, from_: str | None, reason: str, as_json: bool) -> None:
    """End an unavailable period early (one not started yet is cancelled)."""
    desk = Desk(cli.database(), cli.actor())
    p = availability_edit.end_period(desk, period_id, reason=reason, available_from=parse_day(from_, what="--from"))
    if as_json:
        emit_json({"id": period_id, "cancelled": p is None, **({"period": _period_json(p)} if p else {})})
    elif p is None:
        click.echo(f"Cancelled unavailable period {period_id}.")
    else:
        click.echo(f"Ended: {_period_line(p)}")


@unavailable_group.command("list")
@click.argument("reference")
@click.option("--all", "past", is_flag=True, help="Past periods too.")
@_JSON
@pass_cli
def unavailable_list(cli: CliContext, reference: str, past: bool, as_json: bool) -> None:
    """A household's unavailable periods not yet over (--all: every one)."""
    desk = Desk(cli.database(), cli.actor())
    rec = household_edit.find(desk, reference)
    found = availability_edit.periods(desk, rec.id, past=past)
    if as_json:
        emit_json([_period_json(p) for p in found])
        return
    if not found:
        click.echo(f"Household {rec.reference} has no unavailable periods{'' if past else ' ahead'}.")
    for p in found:
        click.echo(_period_line(p))


@unavailable_group.command("places")
@click.argument("reference")
@click.argument("places", type=int)
@click.option("--until", "until", metavar="DATE", help="Last day the places are not available.")
@_REASON
@_JSON
@pass_cli
def unavailable_places(cli: CliContext, reference: str, places: int, until: str | None, reason: str,
                       as_json: bool) -> None:
    """PLACES of the household's places are not available until a date (0: all available again)."""
    desk = Desk(cli.database(), cli.actor())
    rec = household_edit.find(desk, reference)
    held = availability_edit.hold_places(desk, rec.id, places, until=parse_day(until, what="--until"), reason=reason)
    if as_json:
        emit_json({"reference": rec.reference, "places": held.places,
                   "until": held.until.isoformat() if held.until else None, "reason": held.reason})
    elif held.places:
        click.echo(f"Household {rec.reference}: {held.places} place{'s' if held.places != 1 else ''} not available "
                   f"until {held.until:%a %d %b %Y} ({held.reason}).")
    else:
        click.echo(f"Household {rec.reference}: every approved place is available again.")
