"""Commands for the store itself: ``dutydesk init`` and ``dutydesk db upgrade|backup|restore|status``.

They open the store with ``check_schema=False``: their job is to create,
upgrade or inspect a store that may not be current.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import sqlalchemy as sa

from db.backup import BackupError
from db.engine import Database, sqlite_path
from db.migrate import (
    MigrationFailed,
    SchemaMissing,
    SchemaOutdated,
    SchemaProblem,
    UpgradeResult,
    check,
    current_revision,
    desk_tables,
    head_revision,
    upgrade,
)
from dutydesk.cli.context import CliContext, command_hint, emit_json, pass_cli, schema_mismatch, store_name
from dutydesk.cli.groups import db_group, main_group
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, DeskError, InvalidInput


def _upgrade(cli: CliContext, db: Database, backup_dir: Path | None) -> UpgradeResult:
    try:
        return upgrade(db, backup_dir)
    except SchemaProblem as problem:
        raise schema_mismatch(problem, db, cli.db_value) from None
    except BackupError as err:
        raise DeskError(f"Could not back up the store before upgrading: {err}. Nothing was changed.") from None
    except MigrationFailed as err:
        raise DeskError(f"The upgrade was stopped: {err}. Please send this message to your administrator.") from None


@main_group.command("init")
@click.option("--admin", "admin", metavar="USERNAME", help="Also add this login as the first administrator.")
@click.option("--name", "full_name", metavar='"FULL NAME"', help="The first administrator's full name.")
@click.option("--service-account", metavar="ACCOUNT",
              help="The OS account that owns the store; people reaching it through sudo sign in as themselves.")
@pass_cli
def init_cmd(cli: CliContext, admin: str | None, full_name: str | None, service_account: str | None) -> None:
    """Create an empty store (at --db, DUTYDESK_DATABASE_URL or the default file)."""
    if bool(admin) != bool(full_name):
        raise InvalidInput('Give both --admin USERNAME and --name "Full Name", or neither.')
    if service_account and not admin:
        raise InvalidInput('--service-account needs --admin USERNAME --name "Full Name" too.')
    db = cli.database(check_schema=False)
    where = store_name(db)
    try:
        revision = current_revision(db)
    except SchemaProblem:
        revision = None
    if revision is not None or desk_tables(db):
        state = f"at revision {revision}" if revision else "with tables not made by dutydesk"
        raise Conflict(
            f"There is already a store at {where} ({state}); nothing was changed. "
            f"To bring it up to date run `{command_hint(cli.db_value, 'db upgrade')}`."
        )
    path = sqlite_path(db.url)
    if path is not None:
        os.chmod(path, 0o600)  # children's data: the owner only, even if the file was made by hand
    result = _upgrade(cli, db, None)
    click.echo(f"Created a dutydesk store at {where} (revision {result.after}).")
    if admin and full_name:
        from db.enums import Role
        from dutydesk.access.users import add_user, bootstrap_actor, set_service_account

        try:
            if service_account:
                from dutydesk.access.identity import StoreKind, os_login

                # The person who ran `sudo -u ACCOUNT ... init` is the one recorded, not the account.
                setter = bootstrap_actor(db, os_login(StoreKind(service_account=service_account)))
                set_service_account(Desk(db, setter), service_account)
            info = add_user(Desk(db, bootstrap_actor(db)), admin, full_name, Role.ADMIN)
        except DeskError as err:
            raise type(err)(
                f"{err} The store was created; add the administrator with "
                f"`{command_hint(cli.db_value, 'users add')} USERNAME --name \"Full Name\" --role admin`."
            ) from None
        click.echo(f"Added {info.username} ({info.full_name}) as the first administrator.")
        if service_account:
            click.echo(f"The store's service account is {service_account}: people who reach it with "
                       f"`sudo -u {service_account}` sign in as themselves.")
    else:
        click.echo(
            f"Next: add the first administrator with "
            f"`{command_hint(cli.db_value, 'users add')} USERNAME --name \"Full Name\" --role admin`."
        )


@db_group.command("upgrade")
@click.option("--backup-dir", type=click.Path(file_okay=False, path_type=Path),
              help="SQLite: where the backup goes (default: a backups folder beside the store).")
@click.option("--yes", is_flag=True,
              help="PostgreSQL: confirm that a pg_dump backup has been taken.")
@pass_cli
def upgrade_cmd(cli: CliContext, backup_dir: Path | None, yes: bool) -> None:
    """Take the store to this dutydesk's schema, backing up a SQLite file first."""
    db = cli.database(check_schema=False)
    if not db.is_sqlite and not yes:
        try:
            current: str | None = check(db)
        except SchemaMissing:
            current = None  # an empty store: nothing to back up, so no confirmation needed
        except SchemaOutdated as problem:
            raise DeskError(
                f"{store_name(db)} is a PostgreSQL store at revision {problem.current}; this "
                f"dutydesk needs {problem.head}. dutydesk does not back up PostgreSQL: ask your database "
                f"administrator for a pg_dump backup, then run `{command_hint(cli.db_value, 'db upgrade --yes')}`."
            ) from None
        except SchemaProblem as problem:
            raise schema_mismatch(problem, db, cli.db_value) from None
        if current is not None:
            click.echo(f"{store_name(db)} is already at revision {current}; nothing to do.")
            return
    result = _upgrade(cli, db, backup_dir)
    if result.backup is not None:
        click.echo(f"Backed up {store_name(db)} to {result.backup} (integrity checked).")
    if not result.changed:
        click.echo(f"{store_name(db)} is already at revision {result.after}; nothing to do.")
    elif result.before is None:
        click.echo(f"Created every table in {store_name(db)} (revision {result.after}).")
    else:
        click.echo(f"Upgraded {store_name(db)} from revision {result.before} to {result.after}.")


def _admin_desk(cli: CliContext) -> Desk:
    """The signed-in administrator's desk on a store that may be older than this code (backups, restores)."""
    from dutydesk.access import opening

    db = cli.database(check_schema=False)
    if sqlite_path(db.url) is None:  # said before signing in: it is true for anyone
        raise DeskError(
            "This store is not a SQLite file: back up and restore PostgreSQL with pg_dump and pg_restore "
            "(your database administrator's job); dutydesk does it for SQLite files only."
        )
    if not desk_tables(db):
        raise DeskError(f"There is nothing at {store_name(db)} to work on: it holds no dutydesk tables.")
    return Desk(db, opening.sign_in(db, cli.as_user))


@db_group.command("backup")
@click.option("--to", "dest", type=click.Path(path_type=Path), metavar="PATH",
              help="A new file, or an existing folder (default: a backups folder beside the store).")
@click.option("--force", is_flag=True, help="Replace the --to file if it exists (never through a link).")
@pass_cli
def backup_cmd(cli: CliContext, dest: Path | None, force: bool) -> None:
    """Copy a SQLite store to a new file (mode 0600) and check the copy (administrators; audited)."""
    from dutydesk.access import safekeeping

    if cli.missing_file() is not None:
        raise DeskError(f"There is nothing to back up: {cli.missing_file()} does not exist.")
    desk = _admin_desk(cli)
    path = safekeeping.back_up(desk, dest, force=force)
    revision = safekeeping.revision_of(desk.db)
    click.echo(f"Backed up {store_name(desk.db)} to {path} (revision {revision or 'none'}, integrity checked).")


@db_group.command("restore")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the live store (it is backed up first).")
@pass_cli
def restore_cmd(cli: CliContext, src: Path, yes: bool) -> None:
    """Replace the live SQLite store with the backup SRC (administrators; audited).

    SRC is checked first (integrity, schema, audit chain); the live store is
    backed up beside itself before it is replaced.
    """
    from dutydesk.access import safekeeping

    if cli.missing_file() is not None:
        raise DeskError(f"There is no live store at {cli.missing_file()}; "
                        f"`{command_hint(cli.db_value, 'init')}` makes one.")
    desk = _admin_desk(cli)
    confirmed = yes
    if not yes:
        try:
            safekeeping.restore(desk, src, confirmed=False)
        except Conflict as ask:  # checked, not confirmed: ask, if there is someone to ask
            if not click.get_text_stream("stdin").isatty():
                raise
            click.echo(str(ask))
            confirmed = click.confirm(f"Replace {store_name(desk.db)} with {src}?", default=False)
            if not confirmed:
                click.echo("Nothing was changed.")
                return
    done = safekeeping.restore(desk, src, confirmed=confirmed)
    click.echo(f"Restored {store_name(desk.db)} from {src} (revision {done.source.revision}, "
               f"{done.source.events} audit events verified). The store it replaced is kept at {done.kept}.")
    if done.source.revision != head_revision():
        click.echo(f"Run `{command_hint(cli.db_value, 'db upgrade')}` before opening the desk.")


def _state(db: Database) -> tuple[str | None, str]:
    try:
        return check(db), "current"
    except SchemaOutdated as p:
        return p.current, "needs upgrade"
    except SchemaMissing:
        return None, "empty"
    except SchemaProblem as p:
        label = "newer than this dutydesk" if p.current else "not a dutydesk store"
        return p.current, label


def _counts(db: Database) -> dict[str, int]:
    from db.models import metadata

    present = set(desk_tables(db))
    counts: dict[str, int] = {}
    with db.read() as s:
        for table in metadata.sorted_tables:
            if table.name in present:
                counts[table.name] = s.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return counts


@db_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def status_cmd(cli: CliContext, as_json: bool) -> None:
    """Where the store is, its revision against this dutydesk's, and how many rows each table holds."""
    missing = cli.missing_file()
    url = sa.make_url(cli.url)
    if missing is not None:  # report it without creating the file
        revision, state, counts, where = None, "empty", {}, str(missing)
    else:
        db = cli.database(check_schema=False)
        revision, state = _state(db)
        counts = _counts(db) if state == "current" else {}
        where = store_name(db)
    info = {
        "store": where,
        "url": url.render_as_string(hide_password=True),
        "backend": url.get_backend_name(),
        "revision": revision,
        "head": head_revision(),
        "state": state,
        "tables": counts,
    }
    if as_json:
        emit_json(info)
        return
    click.echo(f"Store:    {info['store']} ({info['backend']})")
    click.echo(f"Revision: {revision or 'none'} ({state}; this dutydesk: {info['head']})")
    if state == "needs upgrade":
        click.echo(f"Run `{command_hint(cli.db_value, 'db upgrade')}` to bring it up to date.")
    elif state == "empty":
        click.echo(f"Run `{command_hint(cli.db_value, 'init')}` or `{command_hint(cli.db_value, 'demo')}`.")
    for name, n in counts.items():
        click.echo(f"  {name:<22} {n:>8}")
