"""The command groups. Command modules attach to these; ``main`` loads them all.

Nothing here, nor in any command module at import time, imports Textual: only
the bare ``dutydesk`` command opens the app.
"""

from __future__ import annotations

import click

from dutydesk.cli.context import CliContext


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_value", metavar="PATH|URL", envvar=None,
              help="The store: a SQLite file path or a database URL (default: DUTYDESK_DATABASE_URL, "
              "then a file in your data directory).")
@click.option("--as", "as_user", metavar="USERNAME", help="On a demo database only: act as this demo user.")
@click.version_option(package_name="dutydesk")
@click.pass_context
def main_group(ctx: click.Context, db_value: str | None, as_user: str | None) -> None:
    """dutydesk: the fostering duty desk. Run with no command to open the desk."""
    opener = ctx.obj.app_opener if isinstance(ctx.obj, CliContext) else None
    ctx.obj = CliContext(db_value=db_value, as_user=as_user, app_opener=opener)
    if ctx.invoked_subcommand is None:
        if opener is None:
            raise click.UsageError("This build of dutydesk has no screens; give a command (see --help).")
        opener(ctx.obj)


@main_group.group("db")
def db_group() -> None:
    """The store: create, upgrade, back up."""


@main_group.group("users")
def users_group() -> None:
    """Workers and their roles (administrators)."""


@main_group.group("households")
def households_group() -> None:
    """Foster carer households: add, edit, status, availability, import, export, search, show."""


@main_group.group("calls")
def calls_group() -> None:
    """Log and list calls."""


@main_group.group("requests")
def requests_group() -> None:
    """Placement requests through the duty process."""


@main_group.group("allegations")
def allegations_group() -> None:
    """Allegations and concerns against households: log, timeline, outcome, the hold."""


@main_group.group("audit")
def audit_group() -> None:
    """The audit trail."""
