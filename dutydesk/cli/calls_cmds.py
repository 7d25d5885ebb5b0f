"""Commands: ``calls log`` and ``calls list``, through the same services as the screens."""

from __future__ import annotations

import click

from db.enums import CallCategory, CallerType, Gender, PlacementType, Specialism, Urgency
from dutydesk import clock
from dutydesk.labels import label
from dutydesk.calls.call_log import list_calls, log_call, team_id_for, user_id_for
from dutydesk.calls.inputs import CallbackInput, CallFilter, CallInput
from dutydesk.calls.typed import parse_day, parse_when
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import calls_group
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from dutydesk.calls.intake import ChildInput, RequestInput

_CALLERS = "|".join(c.value for c in CallerType)
_CATEGORIES = "|".join(c.value for c in CallCategory)
_TYPES = "|".join(p.value for p in PlacementType)
_URGENCIES = "|".join(u.value for u in Urgency)
_NEEDS = ",".join(n.value for n in Specialism)
# Options that only mean something on a placement request (parameter -> option).
_REQUEST_DETAILS = {"needed_until": "--needed-until", "needs": "--needs", "wheelchair": "--wheelchair",
                    "near_place_id": "--near-place", "max_distance_km": "--max-distance-km",
                    "no_younger_children": "--no-younger-children", "no_other_children": "--no-other-children",
                    "no_pets": "--no-pets", "no_smokers": "--no-smokers", "language": "--language",
                    "religion": "--religion", "request_notes": "--request-notes"}


def _int(value: str | None, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a number; type the record's number.") from None


def _needs(value: str | None) -> frozenset[str]:
    return frozenset(x.strip() for x in (value or "").split(",") if x.strip())


def child_option(text: str) -> ChildInput:
    """One --add-child: 'Tom Reed;4;male', 'Baby Moss;due 30/12/2026;unknown' (the call form's words)."""
    from dutydesk.calls.form import child_from_fields

    parts = [p.strip() for p in text.split(";")]
    if len(parts) != 3 or not parts[0]:
        raise InvalidInput(f"--add-child {text!r}: give 'FIRST LAST;AGE or DD/MM/YYYY or due DD/MM/YYYY;GENDER', "
                           "for example 'Tom Reed;4;male'.")
    words = parts[0].split()
    return child_from_fields({"child_first": words[0], "child_last": " ".join(words[1:]), "child_age": parts[1],
                              "child_gender": parts[2].lower() or None})


@calls_group.command("log")
@click.option("--caller-type", required=True, metavar=_CALLERS, help="Who called.")
@click.option("--category", required=True, metavar=_CATEGORIES, help="What the call is about.")
@click.option("--summary", required=True, help="One line saying what the call was about.")
@click.option("--received", metavar="WHEN", help="When it came in: HH:MM, 'DD/MM HH:MM', 'now' (default now).")
@click.option("--direction", default="incoming", metavar="incoming|outgoing", show_default=True)
@click.option("--caller-name", default="", help="The caller's name.")
@click.option("--caller-phone", default="", help="The caller's number (UK, or +international).")
@click.option("--notes", default="", help="Longer notes (newlines kept).")
@click.option("--child", "child_ids", metavar="ID", multiple=True,
              help="The child's record number; repeat it for a sibling group or a parent and baby.")
@click.option("--add-child", "added_children", metavar="'FIRST LAST;AGE|DD/MM/YYYY|due DD/MM/YYYY;GENDER'",
              multiple=True, help="Record a new child; repeat it for each child (siblings, parent and baby).")
@click.option("--household", "household_id", metavar="ID", help="The household's record number.")
@click.option("--request", "request_id", metavar="ID", help="An existing placement request's number.")
@click.option("--placement", "placement_id", metavar="ID", help="An existing placement's number.")
@click.option("--child-first-name", help="Record a new child: first name.")
@click.option("--child-last-name", default="", help="New child: last name.")
@click.option("--child-dob", metavar="DD/MM/YYYY", help="New child: date of birth.")
@click.option("--child-age", type=int, help="New child: age in years, when the date of birth is unknown.")
@click.option("--child-gender", default="unknown", metavar="|".join(g.value for g in Gender), show_default=True)
@click.option("--child-case-ref", default="", help="New child: case management reference (blank: TEMP-...).")
@click.option("--placement-type", metavar=_TYPES, help="Open a placement request: the placement type.")
@click.option("--urgency", metavar=_URGENCIES, help="Placement request: urgency.")
@click.option("--needed-from", metavar="DATE", help="Placement request: needed from (DD/MM/YYYY, today).")
@click.option("--needed-until", metavar="DATE", help="Placement request: needed until.")
@click.option("--needs", metavar=_NEEDS, help="Placement request: needs, comma separated.")
@click.option("--wheelchair", is_flag=True, help="Placement request: needs wheelchair access.")
@click.option("--near-place", "near_place_id", metavar="ID", help="Placement request: place number to stay near.")
@click.option("--max-distance-km", type=float, help="Placement request: how far from that place.")
@click.option("--no-younger-children", is_flag=True)
@click.option("--no-other-children", is_flag=True)
@click.option("--no-pets", is_flag=True)
@click.option("--no-smokers", is_flag=True)
@click.option("--language", default="", help="Placement request: language that matters.")
@click.option("--religion", default="", help="Placement request: religion that matters.")
@click.option("--request-notes", default="", help="Placement request: notes.")
@click.option("--callback-due", metavar="WHEN", help="Set a callback: HH:MM, 'DD/MM HH:MM' or '+30m'.")
@click.option("--callback-summary", default="", help="What the callback is for (default from the summary).")
@click.option("--callback-to", metavar="USERNAME", help="Give the callback to a worker (default the team).")
@click.option("--callback-team", metavar="CODE", help="Give the callback to another team.")
@click.option("--json", "as_json", is_flag=True, help="Print the created call as JSON.")
@pass_cli
def log_cmd(cli: CliContext, **o) -> None:  # noqa: ANN003 - click options
    """Log a call, attributed to you and your team.

    With --placement-type (and --urgency, --needed-from) a placement request is
    opened in the same step; with --child-first-name the child is recorded.
    """
    desk = Desk(cli.database(), cli.actor())
    new_child = None
    needs_first = [f"--child-{k.replace('_', '-')}" for k in ("last_name", "dob", "age", "gender", "case_ref")
                   if o[f"child_{k}"] not in (None, "") and not (k == "gender" and o[f"child_{k}"] == "unknown")]
    if o["child_first_name"] is None and needs_first:
        raise InvalidInput(f"{', '.join(needs_first)} {'describe' if len(needs_first) > 1 else 'describes'} a new child, which needs --child-first-name too "
                           "(type 'unknown' if it is not known); for a child already recorded give --child ID.")
    if o["child_first_name"] is not None:
        new_child = ChildInput(
            first_name=o["child_first_name"], last_name=o["child_last_name"],
            date_of_birth=parse_day(o["child_dob"], what="Date of birth"), age=o["child_age"],
            gender=o["child_gender"], case_reference=o["child_case_ref"],
        )
    added = [child_option(text) for text in o["added_children"]]
    child_ids = tuple(_int(c, "Child") for c in o["child_ids"])
    children = list(child_ids) + added + ([new_child] if new_child else [])
    request = None
    # The request's details, given without opening one, were dropped silently before.
    details = [flag for k, flag in _REQUEST_DETAILS.items() if o[k] not in (None, "", False)]
    if details and not any(o[k] for k in ("placement_type", "urgency", "needed_from")):
        raise InvalidInput(f"{', '.join(details)} {'describe' if len(details) > 1 else 'describes'} a placement "
                           "request: add --placement-type, --urgency and --needed-from to open one, or leave "
                           f"{'them' if len(details) > 1 else 'it'} out.")
    if any(o[k] for k in ("placement_type", "urgency", "needed_from")):
        missing = [f"--{k.replace('_', '-')}" for k in ("placement_type", "urgency", "needed_from") if not o[k]]
        if missing:
            raise InvalidInput(f"A placement request also needs {', '.join(missing)}.")
        request = RequestInput(
            placement_type=o["placement_type"], urgency=o["urgency"],
            needed_from=parse_day(o["needed_from"], what="Needed from"),
            needed_until=parse_day(o["needed_until"], what="Needed until"),
            needs=_needs(o["needs"]), needs_wheelchair_access=o["wheelchair"],
            near_place_id=_int(o["near_place_id"], "Near place"), max_distance_km=o["max_distance_km"],
            no_younger_children=o["no_younger_children"], no_other_children=o["no_other_children"],
            no_pets=o["no_pets"], no_smokers=o["no_smokers"], language=o["language"], religion=o["religion"],
            notes=o["request_notes"], child_ids=child_ids if len(children) > 1 else (),
            new_children=tuple(added + ([new_child] if new_child else [])) if len(children) > 1 else (),
        )
    if len(children) > 1 and request is None:
        raise InvalidInput("Several children go on a placement request: add --placement-type, --urgency and "
                           "--needed-from, or log the call about one child.")
    if request is not None and len(children) > 1:
        child_ids, added, new_child = (), [], None  # all of them are on the request; the call links the first
    callback = None
    if o["callback_due"]:
        callback = CallbackInput(
            due_at=parse_when(o["callback_due"], what="Callback due", prefer_future=True),
            summary=o["callback_summary"], assigned_to_id=user_id_for(desk, o["callback_to"]),
            team_id=team_id_for(desk, o["callback_team"]),
        )
    elif o["callback_to"] or o["callback_team"] or o["callback_summary"]:
        raise InvalidInput("A callback needs --callback-due (HH:MM, 'DD/MM HH:MM' or '+30m').")
    view = log_call(desk, CallInput(
        caller_type=o["caller_type"], category=o["category"], summary=o["summary"],
        received_at=parse_when(o["received"], what="Time received"),
        direction=o["direction"],
        caller_name=o["caller_name"], caller_phone=o["caller_phone"], notes=o["notes"],
        child_id=child_ids[0] if child_ids else None, household_id=_int(o["household_id"], "Household"),
        request_id=_int(o["request_id"], "Request"), placement_id=_int(o["placement_id"], "Placement"),
        new_child=new_child or (added[0] if added else None), request=request, callback=callback,
    ))
    if o["as_json"]:
        emit_json(view.to_json())
        return
    extra = f"; opened {view.request_reference}" if view.request_reference and request else ""
    cb = f"; callback due {clock.fmt_local(view.callbacks[0].due_at)}" if view.callbacks else ""
    click.echo(f"Logged call {view.id} at {clock.fmt_local(view.received_at)}{extra}{cb}.")


@calls_group.command("list")
@click.option("--from", "date_from", metavar="DATE", help="From this date (DD/MM/YYYY, today, yesterday).")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this date.")
@click.option("--team", metavar="CODE", help="Only this team's calls.")
@click.option("--category", metavar=_CATEGORIES)
@click.option("--caller-type", metavar=_CALLERS)
@click.option("--taken-by", metavar="USERNAME", help="Only calls this worker took.")
@click.option("--child", "child_id", metavar="ID")
@click.option("--household", "household_id", metavar="ID")
@click.option("--request", "request_id", metavar="ID")
@click.option("--search", default="", help="Words to find in summaries and notes.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 200))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_cli
def list_cmd(cli: CliContext, **o) -> None:  # noqa: ANN003
    """List calls, newest first."""
    desk = Desk(cli.database(), cli.actor())
    f = CallFilter(
        date_from=parse_day(o["date_from"], what="From"), date_to=parse_day(o["date_to"], what="To"),
        team_id=team_id_for(desk, o["team"]), category=o["category"], caller_type=o["caller_type"],
        taken_by_id=user_id_for(desk, o["taken_by"]), child_id=_int(o["child_id"], "Child"),
        household_id=_int(o["household_id"], "Household"), request_id=_int(o["request_id"], "Request"),
        search=o["search"],
    )
    page = list_calls(desk, f, limit=o["limit"], offset=o["offset"])
    if o["as_json"]:
        emit_json({"calls": [r.to_json() for r in page.rows], "offset": page.offset, "limit": page.limit,
                   "has_more": page.has_more})
        return
    if not page.rows:
        click.echo("No calls match.")
        return
    click.echo(f"{'ID':>6}  {'RECEIVED':<12} {'CALLER':<16} {'CATEGORY':<18} SUMMARY")
    for r in page.rows:
        click.echo(f"{r.id:>6}  {clock.fmt_local(r.received_at):<12} {label(r.caller_type)[:16]:<16} "
                   f"{r.category.value[:18]:<18} {r.summary[:60]}")
    if page.has_more:
        click.echo(f"More calls: add --offset {page.offset + page.limit}.")


@calls_group.command("handover")
@click.option("--since", metavar="WHEN", help="Start of the shift (HH:MM, 'DD/MM HH:MM'; default 12 hours ago).")
@click.option("--note", help="Write a handover note for the next shift (newlines kept).")
@click.option("--to", "to_team", metavar="CODE", help="The team the note is for (default your own), e.g. OOH.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_cli
def handover_cmd(cli: CliContext, since: str | None, note: str | None, to_team: str | None, as_json: bool) -> None:
    """What the next shift must know: open requests, callbacks due, placements, holds, allegations, notes."""
    from dataclasses import asdict

    from dutydesk.overview import handover
    desk = Desk(cli.database(), cli.actor())
    if note is not None:
        handover.write_note(desk, note, to_team_id=team_id_for(desk, to_team))
    elif to_team:
        raise InvalidInput("--to goes with --note: say what the next shift must know.")
    ho = handover.summary(desk, since=parse_when(since, what="Since"))
    if as_json:
        emit_json({
            "since": ho.since, "until": ho.until,
            "open_requests": [asdict(r) for r in ho.open_requests],
            "callbacks_due": [c.to_json() for c in ho.callbacks_due],
            "placements_made": [asdict(x) for x in ho.placements_made],
            "households_on_hold": [asdict(x) for x in ho.households_on_hold],
            "allegations_raised": [asdict(x) for x in ho.allegations_raised],
            "allegation_steps_due": [asdict(x) for x in ho.allegation_steps_due],
            "notes": [asdict(n) for n in ho.notes],
        })
        return
    click.echo(f"Handover, {clock.fmt_local(ho.since)} to {clock.fmt_local(ho.until)}")
    click.echo(f"\nOpen placement requests ({len(ho.open_requests)}):")
    for r in ho.open_requests:
        click.echo(f"  {r.reference:<15} {r.urgency.value:<9} {r.state.value:<11} {r.children}")
    click.echo(f"\nCallbacks due ({len(ho.callbacks_due)}):")
    for c in ho.callbacks_due:
        late = " OVERDUE" if c.overdue() else ""
        click.echo(f"  {clock.fmt_local(c.due_at)}{late}  {c.assigned_to_name or c.team_name}: {c.summary}")
    for title, lines in (("Placements made", ho.placements_made), ("Households put on hold", ho.households_on_hold),
                         ("Allegations raised", ho.allegations_raised),
                         ("Allegation steps overdue or due today", ho.allegation_steps_due)):
        click.echo(f"\n{title} ({len(lines)}):")
        for x in lines:
            click.echo(f"  {x.title}: {x.detail}")
    if ho.notes:
        click.echo("\nNotes:")
        for n in ho.notes:
            click.echo(f"  {clock.fmt_local(n.written_at)} {n.written_by} ({n.team} -> {n.to_team}):")
            for line in n.body.splitlines():
                click.echo(f"    {line}")
