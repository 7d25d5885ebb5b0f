"""Commands: ``users add|list|edit|disable|enable`` and ``teams add|list`` (administrators)."""

from __future__ import annotations

import click

from dutydesk.access import users
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import main_group, users_group
from dutydesk.access.desk import Desk
from dutydesk.errors import UnknownUser

_ROLES = "|".join(r for r in ("duty_worker", "manager", "admin", "viewer"))


def _desk(cli: CliContext, *, allow_bootstrap: bool = False) -> Desk:
    """The desk as the signed-in user; on a store with no users yet, as the OS login setting it up."""
    db = cli.database()
    if allow_bootstrap and not cli.as_user and not users.has_users(db):
        return Desk(db, users.bootstrap_actor(db))
    try:
        return Desk(db, cli.actor())
    except UnknownUser:
        if users.has_users(db):
            raise
        raise UnknownUser(
            "This store has no users yet. Add the first administrator with: "
            'dutydesk users add USERNAME --name "Full Name" --role admin'
        ) from None


def _user_line(u: users.UserInfo) -> str:
    team = u.team_code or "-"
    state = "" if u.active else "  (disabled)"
    return f"{u.username:<16} {u.role.value:<12} {team:<8} {u.full_name}{state}"


@users_group.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", required=True, metavar=_ROLES, help="What they may do.")
@click.option("--team", "team_code", metavar="CODE", help="Their team's code (see: dutydesk teams list).")
@pass_cli
def add_cmd(cli: CliContext, username: str, full_name: str, role: str, team_code: str | None) -> None:
    """Add a worker. USERNAME is their operating-system login.

    On a new store with no users, the first one must be an administrator.
    """
    desk = _desk(cli, allow_bootstrap=True)
    info = users.add_user(desk, username, full_name, role, team_code)
    team = f" in {info.team_code}" if info.team_code else ""
    click.echo(f"Added {info.username} ({info.full_name}) as {info.role.value}{team}.")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--all", "include_disabled", is_flag=True, help="Include disabled users.")
@pass_cli
def list_cmd(cli: CliContext, as_json: bool, include_disabled: bool) -> None:
    """List workers with their role and team (managers and administrators)."""
    rows = users.list_users(_desk(cli), include_disabled=include_disabled)
    if as_json:
        emit_json([u.to_json() for u in rows])
        return
    if not rows:
        click.echo("No users." if include_disabled else "No active users (--all shows disabled ones).")
        return
    click.echo(f"{'USERNAME':<16} {'ROLE':<12} {'TEAM':<8} NAME")
    for u in rows:
        click.echo(_user_line(u))


@users_group.command("edit")
@click.argument("username")
@click.option("--name", "full_name", help="Their full name.")
@click.option("--role", metavar=_ROLES, help="What they may do.")
@click.option("--team", "team_code", metavar="CODE", help="Their team's code (see: dutydesk teams list).")
@click.option("--no-team", is_flag=True, help="Take them out of any team.")
@pass_cli
def edit_cmd(cli: CliContext, username: str, full_name: str | None, role: str | None, team_code: str | None,
             no_team: bool) -> None:
    """Change USERNAME's name, role or team (administrators). It applies at their next action."""
    change = users.edit_user(_desk(cli), username, full_name=full_name, role=role, team_code=team_code,
                             no_team=no_team)
    if change.changed:
        u = change.user
        click.echo(f"Changed {u.username}: now {u.full_name}, {u.role.value}, team {u.team_code or '-'}.")
    else:
        click.echo(f"{change.user.username} already had those details; nothing changed.")


@users_group.command("disable")
@click.argument("username")
@pass_cli
def disable_cmd(cli: CliContext, username: str) -> None:
    """Stop USERNAME signing in. Their records and history stay."""
    change = users.disable_user(_desk(cli), username)
    if change.changed:
        click.echo(f"Disabled {change.user.username}: they can no longer sign in.")
    else:
        click.echo(f"{change.user.username} was already disabled; nothing changed.")


@users_group.command("enable")
@click.argument("username")
@pass_cli
def enable_cmd(cli: CliContext, username: str) -> None:
    """Let a disabled USERNAME sign in again."""
    change = users.enable_user(_desk(cli), username)
    if change.changed:
        click.echo(f"Enabled {change.user.username}: they can sign in again.")
    else:
        click.echo(f"{change.user.username} was already enabled; nothing changed.")


@main_group.group("teams")
def teams_group() -> None:
    """Area and out-of-hours teams (administrators add them)."""


@teams_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The team's name.")
@click.option("--area", metavar="North|East|South|West", help="The area the team covers.")
@click.option("--out-of-hours", is_flag=True, help="This is the out-of-hours (emergency duty) team.")
@pass_cli
def teams_add_cmd(cli: CliContext, code: str, name: str, area: str | None, out_of_hours: bool) -> None:
    """Add a team with a short CODE such as EAST or OOH."""
    info = users.add_team(_desk(cli, allow_bootstrap=True), code, name, area=area, out_of_hours=out_of_hours)
    click.echo(f"Added team {info.code} ({info.name}).")


@teams_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_cli
def teams_list_cmd(cli: CliContext, as_json: bool) -> None:
    """List teams and how many active workers each has."""
    rows = users.list_teams(_desk(cli))
    if as_json:
        emit_json([t.to_json() for t in rows])
        return
    if not rows:
        click.echo('No teams yet. Add one with: dutydesk teams add CODE --name "Team name"')
        return
    click.echo(f"{'CODE':<8} {'AREA':<6} {'USERS':>5}  NAME")
    for t in rows:
        area = t.area.value if t.area else ("OOH" if t.out_of_hours else "-")
        click.echo(f"{t.code:<8} {area:<6} {t.active_users:>5}  {t.name}")
