"""The ``dutydesk`` console script: loads every command module, turns desk errors into one line."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from dutydesk.cli.context import CliContext

from dutydesk.cli.groups import main_group
from dutydesk.errors import DeskError

# Each module attaches its commands to a group on import.
from dutydesk.cli import (  # noqa: F401,E402
    allegations_cmds,
    audit_cmds,
    calls_cmds,
    db_cmds,
    demo_cmd,
    households_cmds,
    households_edit_cmds,
    households_search_cmds,
    report_cmds,
    request_children_cmds,
    requests_cmds,
    users_cmds,
)


def main(argv: list[str] | None = None, app_opener: Callable[[CliContext], None] | None = None) -> None:
    """Run a command. ``app_opener`` opens the screens when no command is given."""
    ctx = CliContext(app_opener=app_opener)
    try:
        main_group.main(args=argv, prog_name="dutydesk", standalone_mode=False, obj=ctx)
    except DeskError as err:
        click.echo(f"dutydesk: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("dutydesk: stopped.", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("dutydesk: stopped.", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        from dutydesk.access.store_problems import problem_from
        from dutydesk.crash import report

        problem = problem_from(err, _store_shown(ctx))
        if problem is not None:  # a store problem met mid-command (a read-only file): the desk's words
            click.echo(f"dutydesk: {problem}", err=True)
            sys.exit(problem.exit_code)

        path = report(err)
        click.echo(f"dutydesk: something went wrong that the desk did not expect ({type(err).__name__}). "
                   f"Details were written to {path}; please send them to your administrator.", err=True)
        sys.exit(70)


def _store_shown(ctx: CliContext) -> str:
    from dutydesk.access.opening import store_name

    try:
        return store_name(ctx.url)
    except Exception:  # noqa: BLE001 - naming the store is a courtesy
        return "the store"


if __name__ == "__main__":
    main()
