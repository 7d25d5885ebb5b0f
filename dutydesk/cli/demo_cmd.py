"""``dutydesk demo``: build the demo county into the store, then open the desk on it."""

from __future__ import annotations

import click

from db.engine import Database
from dutydesk.cli.context import CliContext, pass_cli
from dutydesk.cli.groups import main_group


@main_group.command("demo")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same county.")
@click.option("--households", type=click.IntRange(30, 200_000), default=400, show_default=True,
              help="How many foster carer households.")
@click.option("--children", type=click.IntRange(40, 400_000), default=None,
              help="How many children (default: 1.5 per household).")
@click.option("--no-ui", is_flag=True, help="Build the county and stop; do not open the desk.")
@click.option("--force", is_flag=True, help="Wipe a store that already holds data, then build.")
@pass_cli
def demo_cmd(cli: CliContext, seed: int, households: int, children: int | None, no_ui: bool, force: bool) -> None:
    """Build a realistic demo county (Kent): teams, workers, carers, children and 18 months of history.

    The store is the one --db or DUTYDESK_DATABASE_URL names (default: your data directory).
    A store that already holds data is refused unless --force is given; --force wipes it.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dutydesk.demo.build import build, prepare_store, store_counts

    err = Console(stderr=True)
    target = Database(cli.url)
    before = store_counts(target)
    database = prepare_store(target, force=force)
    if any(before.values()):
        what = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in before.items() if n)
        err.print(f"--force: wiped the store {_url_text(cli.url)} ({what}).", markup=False, highlight=False,
                  soft_wrap=True)
    bar = Progress(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[unit]}"), TimeElapsedColumn(), console=err, transient=False)
    with bar:
        task = bar.add_task("Building the county", total=None, unit="rows")

        def progress(label: str, done: int, total: int) -> None:
            # The builder counts rows; the saved searches at the end count searches.
            unit = "searches" if "search" in label.lower() else "rows"
            bar.update(task, description=label, completed=done, total=max(total, done, 1), unit=unit)

        summary = build(database, seed=seed, households=households, children=children, progress=progress)
        bar.update(task, description="Done", completed=summary_rows(summary), total=summary_rows(summary),
                   unit="rows")
    database.dispose()
    print_summary(cli, summary, households, children)
    if no_ui:
        return
    if cli.app_opener is None:
        click.echo("This build of dutydesk has no screens; the county is ready for the other commands.")
        return
    # Without --as the desk signs in as the OS login, which the demo made an East duty worker.
    cli.app_opener(cli)


def summary_rows(summary) -> int:
    return sum(v for k, v in summary.counts.items())


def print_summary(cli: CliContext, summary, households: int, children: int | None) -> None:
    from dutydesk.demo.people import SUGGESTED

    c = summary.counts
    out = click.echo
    out(f"Demo county built in {summary.seconds:.1f} s (seed {summary.seed}) into "
        f"{_url_text(cli.url)}:")
    out(f"  {c.get('households', 0):,} households, {c.get('children', 0):,} children, "
        f"{c.get('placements', 0):,} placements, {c.get('placement_requests', 0):,} requests, "
        f"{c.get('calls', 0):,} calls, {c.get('allegations', 0):,} allegations, "
        f"{c.get('users', 0)} workers in {c.get('teams', 0)} teams.")
    if not summary.searches_added:
        out("  (Saved searches were not added: this build has no demo searches module.)")
    out("")
    if summary.os_user:
        out(f"You ({summary.os_user}) are an East duty worker, so `dutydesk` opens as you. Or pick someone:")
    else:
        out("Pick a demo user with --as:")
    for username, what in SUGGESTED:
        out(f"  dutydesk --as {username:<10}  {what}")
    out("")
    out("Scenarios in the data (search for these references):")
    for number, title, where in summary.scenarios:
        out(f"  {number:>2}. {title}: {where}")


def _url_text(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
