"""Commands: ``requests list|show|search|contact|propose|signoff|place|close|withdraw|export|oversight`` (add-child and remove-child: ``request_children_cmds``).

Every command goes through the same duty-process services as the screens, so
every guard (saved search, rationale, second person's sign-off, atomic
placing) applies on the command line too.
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from sqlmodel import select

from db.enums import DecisionKind, PlacementEndReason, PlacementType, RequestState, UnmetNeed, UnmetResolution
from db.models import Household
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import requests_group
from dutydesk.cli.jsonable import to_jsonable
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.labels import label
from dutydesk.overview import oversight
from dutydesk.requests import decisions, lists, lookup, placements, record_export, steps, views
from dutydesk.requests.checklists import DELEGATED_AUTHORITY_ITEMS
from dutydesk.requests.searches import run_and_save

_KINDS = "|".join(k.value for k in DecisionKind)
_OUTCOMES = "accepted|declined|no_answer|ruled_out"
_NEEDS = "|".join(n.value for n in UnmetNeed)
_RESOLUTIONS = "|".join(r.value for r in UnmetResolution)
_ENDS = "|".join(r.value for r in PlacementEndReason)


def _desk(cli: CliContext) -> Desk:
    return Desk(cli.database(), cli.actor())


def _out(as_json: bool, value: object, line: str) -> None:
    if as_json:
        emit_json(to_jsonable(value))
    else:
        click.echo(line)


def household_id_for(desk: Desk, key: str) -> int:
    """A household by number or reference (HH-00012)."""
    text = str(key).strip()
    with desk.db.read() as s:
        h = s.get(Household, int(text)) if text.isdigit() else None
        if h is None:
            h = s.exec(select(Household).where(sa.func.upper(Household.reference) == text.upper())).first()
        if h is None:
            raise NotFound(f"There is no household {text!r}; use its number or reference (dutydesk households search).")
        return h.id


def _decision_for(desk: Desk, request_key: str) -> int:
    """The decision a command acts on: the request's current one."""
    with desk.db.read() as s:
        req = lookup.find_request(s, request_key)
        d = lookup.current_decision(s, req.id)
        if d is None:
            raise Conflict(f"{req.reference} has no decision yet; propose one first (dutydesk requests propose).")
        return d.id


@requests_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Closed requests too.")
@click.option("--state", metavar="|".join(s.value for s in RequestState), help="Only requests in this state.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def list_cmd(cli: CliContext, show_all: bool, state: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Open placement requests, most urgent and oldest first."""
    if state:
        try:
            RequestState(state)
        except ValueError:
            raise InvalidInput("The state is one of: " + ", ".join(s.value for s in RequestState) + ".") from None
    rows = lists.list_requests(_desk(cli), open_only=not show_all, state=state, limit=limit, offset=offset)
    if as_json:
        emit_json(to_jsonable(rows))
        return
    if not rows:
        click.echo("No requests.")
    for r in rows:
        click.echo(f"{r.id:>5}  {r.reference:<15} {r.urgency.value:<9} {label(r.state):<18} "
                   f"{r.children[:30]:<30} {r.worker}")


@requests_group.command("show")
@click.argument("request")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def show_cmd(cli: CliContext, request: str, as_json: bool) -> None:
    """One request: criteria, searches, candidates, decisions, timeline (the opening is audited)."""
    from dutydesk.access import reads

    desk = _desk(cli)
    d = views.request_detail(desk, request)
    reads.opened(desk, reads.REQUEST, d.id, reference=d.reference, children=[c.id for c in d.children])
    if as_json:
        emit_json(to_jsonable(d))
        return
    click.echo(f"{d.reference}  {label(d.state)}  ({label(d.urgency)}, {label(d.placement_type, PlacementType)})")
    click.echo(f"Children: {', '.join(c.name for c in d.children)}")
    click.echo("Criteria: " + "; ".join(f"{k}: {v}" for k, v in d.criteria.items()))
    click.echo(f"Searches: {len(d.searches)}" + (f" (latest {d.searches[-1].ranked_count} ranked, "
                                                  f"{d.searches[-1].excluded_count} ruled out)" if d.searches else ""))
    for c in d.candidates:
        click.echo(f"  candidate {c.household_id:>5} {c.household_name}: {label(c.status)}"
                   + (f" ({c.status_reason})" if c.status_reason else ""))
    for dv in d.decisions:
        click.echo(f"  decision {dv.id}: {label(dv.kind)} {dv.household_name} [{label(dv.status)}] {dv.rationale}")
    for t in d.transitions:
        click.echo(f"  {clock.fmt_local(t.at)} {t.by}: -> {label(t.to_state)} {t.note}")


@requests_group.command("search")
@click.argument("request")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def search_cmd(cli: CliContext, request: str, as_json: bool) -> None:
    """Run the match for a request and save it with the request (the evidence)."""
    desk = _desk(cli)
    with desk.db.read() as s:
        rid = lookup.find_request(s, request).id
    saved = run_and_save(desk, rid)
    step = steps.mark_searched(desk, rid)  # a no-op when matching moved it already
    _out(as_json, {"search": saved, "request": step},
         f"Search {saved.search_id} saved for {step.reference}: {saved.ranked_count} ranked, "
         f"{saved.excluded_count} ruled out; the request is {label(step.state)}.")


@requests_group.command("contact")
@click.argument("request")
@click.argument("household")
@click.argument("outcome", metavar=_OUTCOMES)
@click.option("--note", "--reason", "note", default="", help="Why (needed when declined or ruled out).")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def contact_cmd(cli: CliContext, request: str, household: str, outcome: str, note: str, as_json: bool) -> None:
    """Record the outcome of trying a carer."""
    desk = _desk(cli)
    out = steps.record_contact(desk, request, household_id_for(desk, household), outcome, note)
    _out(as_json, out, out.message)


@requests_group.command("propose")
@click.argument("request")
@click.option("--kind", default="place", show_default=True, metavar=_KINDS)
@click.option("--household", help="The household (number or reference), for a placement.")
@click.option("--rationale", required=True, help="Why this is the right decision.")
@click.option("--exemption", default="", help="Why placing outside the household's terms of approval is right.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def propose_cmd(cli: CliContext, request: str, kind: str, household: str | None, rationale: str, exemption: str,
                as_json: bool) -> None:
    """Propose a decision with its rationale (a manager signs it off)."""
    desk = _desk(cli)
    hid = household_id_for(desk, household) if household else None
    dv = decisions.propose(desk, request, kind, rationale, household_id=hid, exemption_reason=exemption)
    _out(as_json, dv, f"Decision {dv.id} proposed for {dv.request_reference}; it awaits a manager's sign-off.")


@requests_group.command("signoff")
@click.argument("request")
@click.option("--comment", default="", help="Your comments (needed when returning).")
@click.option("--return", "send_back", is_flag=True, help="Return it to the worker instead of signing it off.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def signoff_cmd(cli: CliContext, request: str, comment: str, send_back: bool, as_json: bool) -> None:
    """Sign off (or return) the request's current decision. Managers only; never your own."""
    desk = _desk(cli)
    did = _decision_for(desk, request)
    if send_back:
        dv = decisions.return_decision(desk, did, comment)
        _out(as_json, dv, f"Decision {dv.id} returned to {dv.proposed_by}.")
    else:
        dv = decisions.sign_off(desk, did, comment)
        _out(as_json, dv, f"Decision {dv.id} for {dv.request_reference} signed off"
             + (" retrospectively." if dv.retrospective else "."))


@requests_group.command("place")
@click.argument("request")
@click.option("--starts-on", metavar="DATE", help="The day the child moved in (default today).")
@click.option("--agreed", "agreed", multiple=True, metavar="ITEM",
              help="A delegated-authority item already agreed (repeat): "
              + "; ".join(DELEGATED_AUTHORITY_ITEMS))
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def place_cmd(cli: CliContext, request: str, starts_on: str | None, agreed: tuple[str, ...], as_json: bool) -> None:
    """Place the child(ren) with the household of the decision (atomic: never a place twice)."""
    from dutydesk.calls.typed import parse_day

    desk = _desk(cli)
    day = parse_day(starts_on, what="Start date") if starts_on else None
    out = placements.place(desk, request, starts_on=day, delegated_authority={a: True for a in agreed})
    _out(as_json, out, out.message)


@requests_group.command("close")
@click.argument("request")
@click.option("--need", "needs", multiple=True, metavar=_NEEDS, help="An unmet-need category (repeat).")
@click.option("--resolution", metavar=_RESOLUTIONS, help="What was done instead.")
@click.option("--note", default="", help="More about what was done.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def close_cmd(cli: CliContext, request: str, needs: tuple[str, ...], resolution: str | None, note: str,
              as_json: bool) -> None:
    """Close a request as unmet need, with the categories and what was done instead."""
    out = steps.close_unmet(_desk(cli), request, needs, resolution, note)
    _out(as_json, out, out.message)


@requests_group.command("withdraw")
@click.argument("request")
@click.option("--reason", default="", help="Why the request is withdrawn (required).")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def withdraw_cmd(cli: CliContext, request: str, reason: str, as_json: bool) -> None:
    """Withdraw an open request."""
    out = steps.withdraw(_desk(cli), request, reason)
    _out(as_json, out, out.message)


@requests_group.command("addendum")
@click.argument("request")
@click.option("--text", required=True, help="The correction or later fact.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def addendum_cmd(cli: CliContext, request: str, text: str, as_json: bool) -> None:
    """Add an addendum to the request's current decision (signed decisions never change)."""
    desk = _desk(cli)
    dv = decisions.add_addendum(desk, _decision_for(desk, request), text)
    _out(as_json, dv, f"Addendum added to decision {dv.id}.")


@requests_group.command("end-placement")
@click.argument("placement")
@click.option("--on", "ended_on", metavar="DATE", help="The day it ended (required).")
@click.option("--reason", metavar=_ENDS, help="Why it ended (required).")
@click.option("--note", default="", help="More about why.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def end_cmd(cli: CliContext, placement: str, ended_on: str | None, reason: str | None, note: str,
            as_json: bool) -> None:
    """End a placement with a date and reason; the place is freed."""
    from dutydesk.calls.typed import parse_day

    day = parse_day(ended_on, what="End date") if ended_on else None
    out = placements.end_placement(_desk(cli), placement, day, reason, note)
    _out(as_json, out, f"Placement {out.reference} ended; {out.household_name} has a place free.")


@requests_group.command("export")
@click.argument("request")
@click.option("--format", "fmt", default="md", show_default=True, type=click.Choice(["md", "html"]))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this new file, readable by you only (default: print).")
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@pass_cli
def export_cmd(cli: CliContext, request: str, fmt: str, out_path: Path | None, force: bool) -> None:
    """The whole decision record for the child's file (audited: who, which record, where to)."""
    from dutydesk.access import exports

    desk = _desk(cli)
    require(desk.actor, Permission.EXPORT, "export a decision record")
    if out_path is not None:
        exports.check_target(out_path, force=force)  # before the work: refuse a link or a file at once
    with desk.db.read() as s:
        req = lookup.find_request(s, request)
        rid, reference = req.id, req.reference
    text = record_export.export(desk, rid, fmt)
    if out_path is None:
        exports.record_taken(desk, "request.exported", "placement_requests", rid, exports.STDOUT,
                             format=fmt, reference=reference)
        click.echo(text, nl=False)
        return
    try:
        exports.write_private(out_path, lambda fh: fh.write(text), force=force)
    except OSError as err:
        raise InvalidInput(f"Could not write {out_path}: {err.strerror}. Choose another file.") from None
    exports.record_taken(desk, "request.exported", "placement_requests", rid, exports.where(out_path),
                         format=fmt, reference=reference)
    click.echo(f"Decision record written to {out_path} (readable by you only).", err=True)


@requests_group.command("oversight")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def oversight_cmd(cli: CliContext, limit: int, as_json: bool) -> None:
    """Decisions awaiting sign-off, oldest first."""
    rows = oversight.queue(_desk(cli), limit=limit)
    if as_json:
        emit_json(to_jsonable(rows))
        return
    if not rows:
        click.echo("Nothing awaits sign-off.")
    for q in rows:
        click.echo(f"{q.reference:<15} {clock.fmt_local(q.proposed_at)} {q.kind:<15} {q.household_name[:28]:<28} "
                   f"{q.proposed_by:<14} {q.flags}")


__all__ = ["household_id_for"]
