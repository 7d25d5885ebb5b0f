"""Commands: ``households import`` and ``households export`` (managers and administrators).

The column format is in docs/households-csv.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from dutydesk.carers import households_export, households_format, households_import
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import households_group
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput

_STATUSES = "approved|on_hold|suspended|in_assessment|resigned|deregistered"


@households_group.command("import")
@click.argument("file", metavar="FILE.csv")
@click.option("--dry-run", is_flag=True, help="Check the whole file and say what would change; write nothing.")
@click.option("--update", is_flag=True, help="Change households whose reference is already in dutydesk.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_cli
def import_cmd(cli: CliContext, file: str, dry_run: bool, update: bool, as_json: bool) -> None:
    """Import households from FILE.csv (use - for standard input).

    Every row is checked first; if any is wrong, each problem is listed as
    "line N, column X: ..." and nothing is imported.
    """
    desk = Desk(cli.database(), cli.actor())
    source = sys.stdin.buffer if file == "-" else file
    name = "standard input" if file == "-" else file
    try:
        result = households_import.import_households(desk, source, update=update, dry_run=dry_run, source_name=name)
    except households_format.ImportRejected as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        if err.more:
            click.echo(f"... and {err.more} more problem{'s' if err.more != 1 else ''} not listed.", err=True)
        raise
    if as_json:
        emit_json(result.to_json())
        return
    if result.rows == 0:
        click.echo(f"{name} has no households after the first line; nothing was imported.")
    elif result.dry_run:
        existing = (f"; {result.updated} already in dutydesk would be updated where they differ"
                    if result.updated else "")
        click.echo(f"Checked {result.rows} households in {name}: no problems. Would add {result.added}"
                   f"{existing}. Nothing was written (--dry-run).")
    else:
        parts = [f"added {result.added}"]
        if update:
            parts.append(f"updated {result.updated}")
            parts.append(f"{result.unchanged} unchanged")
        click.echo(f"Imported {result.rows} households from {name}: {', '.join(parts)}.")


@households_group.command("export")
@click.option("--out", "out", metavar="FILE", help="Write to FILE instead of the screen (made readable by you only).")
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of CSV.")
@click.option("--status", "statuses", multiple=True, metavar=_STATUSES,
              help="Only households with this status (repeat for several).")
@pass_cli
def export_cmd(cli: CliContext, out: str | None, force: bool, as_json: bool, statuses: tuple[str, ...]) -> None:
    """Export households in the import format (CSV), or as JSON (audited: who, how many, where to)."""
    from dutydesk.access import exports

    desk = Desk(cli.database(), cli.actor())
    write = households_export.write_json if as_json else households_export.write_csv
    if out is None or out == "-":
        try:
            n = write(desk, sys.stdout, statuses)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (for example `| head`): stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(141) from None
        exports.record_taken(desk, "households.exported", "households", "*", exports.STDOUT,
                             households=n, format="json" if as_json else "csv", statuses=list(statuses))
        return

    path = Path(out).expanduser()
    # Carers' personal details: written privately, whole, never over a file or through a link.
    n = exports.write_private(path, lambda fh: write(desk, fh, statuses), force=force)
    exports.record_taken(desk, "households.exported", "households", "*", exports.where(path),
                         households=n, format="json" if as_json else "csv", statuses=list(statuses))
    click.echo(f"Wrote {n} households to {path}.", err=True)
