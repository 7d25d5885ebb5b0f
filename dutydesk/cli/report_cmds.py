"""Commands: ``report consistency|sufficiency|vacancies|timescales`` and ``households letter REF``.

A report printed as a table to the terminal is a look at the desk; written as
CSV, JSON, Markdown or HTML, or to a file, it leaves the desk and is audited.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from dutydesk.access.desk import Desk
from dutydesk.cli.context import CliContext, pass_cli
from dutydesk.cli.groups import households_group, main_group
from dutydesk.errors import InvalidInput

FORMATS = ("table", "csv", "json", "md", "html")


@main_group.group("report")
def report_group() -> None:
    """Reports from the desk's records: consistency, sufficiency, vacancies, timescales."""


def _write(text: str, out: str | None, force: bool = False) -> str:
    """Print ``text``, or write it privately to a new ``out`` (replacing one only with ``force``); returns where."""
    if out is None or out == "-":
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(141) from None
        return ""
    from dutydesk.access import exports

    path = Path(out).expanduser()
    exports.write_private(path, lambda fh: fh.write(text), force=force)
    return str(path)


def _report(kind: str):
    @report_group.command(kind)
    @click.option("--from", "date_from", metavar="DATE", help="First day (DD/MM/YYYY, or a month YYYY-MM). "
                  "Default: the start of the month five months ago.")
    @click.option("--to", "date_to", metavar="DATE", help="Last day (DD/MM/YYYY, or a month YYYY-MM). Default: today.")
    @click.option("--team", metavar="CODE", help="One team (its code, for example EAST); default every team.")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help="table for the terminal; csv for a spreadsheet; json; md or html to print or send.")
    @click.option("--out", metavar="FILE", help="Write to FILE (readable by you only) instead of the screen.")
    @click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
    @click.option("--by-worker", is_flag=True, hidden=kind != "consistency",
                  help="Also each worker's figures (managers; consistency only).")
    @pass_cli
    def command(cli: CliContext, date_from: str | None, date_to: str | None, team: str | None, fmt: str,
                out: str | None, force: bool, by_worker: bool) -> None:
        from dutydesk.reports import render, run

        desk = Desk(cli.database(), cli.actor())
        view = run.run(desk, kind, date_from, date_to, team, by_worker=by_worker)
        if fmt == "table" and not out:
            text = render.render(view, fmt)
        else:
            text = run.export(desk, view, fmt, destination=str(Path(out).expanduser()) if out else "standard output")
        where = _write(text, out, force)
        if where:
            click.echo(f"Wrote the {kind} report to {where}.", err=True)

    command.__doc__ = {
        "consistency": "Does every team follow the same process? Per team and month (and worker, for a manager).",
        "sufficiency": "Needs the in-house register could not meet, by category and month, for recruitment.",
        "vacancies": "Every in-house household with a free place, and what decided each request it was considered for.",
        "timescales": "Each step of the process against its timescale, and what is overdue now.",
    }[kind]
    return command


for _kind in ("consistency", "sufficiency", "vacancies", "timescales"):
    _report(_kind)


@households_group.command("letter")
@click.argument("household", metavar="REF")
@click.option("--from", "date_from", metavar="DATE", help="First day (default: the day its place became free).")
@click.option("--to", "date_to", metavar="DATE", help="Last day (default today).")
@click.option("--format", "fmt", type=click.Choice(("md", "html")), default="md", show_default=True)
@click.option("--out", metavar="FILE", help="Write to FILE (readable by you only) instead of the screen.")
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@pass_cli
def letter_cmd(cli: CliContext, household: str, date_from: str | None, date_to: str | None, fmt: str,
               out: str | None, force: bool) -> None:
    """A letter for a carer: the requests their household was considered for and what kept it from each.

    It names no child and no other household. Printing it is recorded in the audit trail.
    """
    from dutydesk.reports import letter

    text = letter.export(Desk(cli.database(), cli.actor()), household, fmt, date_from, date_to)
    where = _write(text, out, force)
    if where:
        click.echo(f"Wrote the letter to {where}.", err=True)
