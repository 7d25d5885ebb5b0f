"""Commands: ``requests add-child`` and ``requests remove-child``: the children on an open request.

The same service as the request screen's k and x keys (``dutydesk.requests.request_children``),
so every guard applies here too: a duty worker's change, audited, refused once a decision
is proposed or the request is placed or closed, and over the group limit.
"""

from __future__ import annotations

import click

from dutydesk.access.desk import Desk
from dutydesk.cli.calls_cmds import child_option
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import requests_group
from dutydesk.errors import InvalidInput
from dutydesk.requests import request_children


def _done(as_json: bool, done: request_children.ChildrenChanged) -> None:
    if as_json:
        emit_json({"request": done.request_reference, "children": list(done.children), "message": done.message})
    else:
        click.echo(done.message)
        click.echo("Children now: " + ", ".join(done.children))


@requests_group.command("add-child")
@click.argument("request")
@click.option("--child", "child", metavar="ID|CASE-REF", help="A child the desk knows: record number or case reference.")
@click.option("--new", "new", metavar="'FIRST LAST;AGE|DD/MM/YYYY|due DD/MM/YYYY;GENDER'",
              help="Record a new child, in the call form's words: 'Sam Reed;13;male', 'Baby Moss;due 30/12/2026;unknown'.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def add_child_cmd(cli: CliContext, request: str, child: str | None, new: str | None, as_json: bool) -> None:
    """Add a child (a sibling, or a baby) to an open request (number or reference)."""
    if (child is None) == (new is None):
        raise InvalidInput("Give --child CASE-REF for a child the desk knows, or --new 'FIRST LAST;AGE;GENDER'.")
    desk = Desk(cli.database(), cli.actor())
    _done(as_json, request_children.add_child(desk, request, child=child,
                                              new_child=child_option(new) if new is not None else None))


@requests_group.command("remove-child")
@click.argument("request")
@click.argument("child", metavar="CHILD")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def remove_child_cmd(cli: CliContext, request: str, child: str, as_json: bool) -> None:
    """Take a child (record number or case reference) off an open request."""
    desk = Desk(cli.database(), cli.actor())
    _done(as_json, request_children.remove_child(desk, request, child))
