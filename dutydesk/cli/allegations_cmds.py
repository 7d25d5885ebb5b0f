"""Commands: ``allegations log|show|list|step|review|support|note|outcome|lift-hold|export``.

They call the same services as the allegation screen, so the hold, the manager's
decision, the working-day due dates and the closed record's immutability hold
on the command line too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from db.enums import AllegationCategory, AllegationOutcome, AllegationParty, AllegationStep, SafetyDecision
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.allegations import export as allegation_export
from dutydesk.allegations import outcome, record, timeline, views
from dutydesk.allegations.inputs import AllegationInput, OutcomeInput, SafetyInput
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import allegations_group
from dutydesk.cli.jsonable import to_jsonable
from dutydesk.cli.requests_cmds import household_id_for
from dutydesk.days import parse_day
from dutydesk.errors import InvalidInput
from dutydesk.labels import label


def _desk(cli: CliContext) -> Desk:
    return Desk(cli.database(), cli.actor())


def _choice(enum_cls) -> click.Choice:
    return click.Choice([m.value for m in enum_cls])


def _safety(desk: Desk, items: tuple[str, ...]) -> tuple[SafetyInput, ...]:
    out = []
    for item in items:
        child, _, rest = item.partition("=")
        decision, _, reason = rest.partition(":")
        if not child or decision not in {d.value for d in SafetyDecision}:
            raise InvalidInput(f"--safety {item!r}: write CHILD=remain|move|under_review:reason, "
                               "for example CR-123=remain:safe with the other carer.")
        (cid,) = views.child_ids(desk, [child])
        out.append(SafetyInput(cid, SafetyDecision(decision), reason))
    return tuple(out)


def _show_line(a: views.AllegationView) -> str:
    nxt = a.next_step
    step = f"; next: {nxt.title} due {nxt.due_on:%a %d %b} ({nxt.state})" if nxt else ""
    hold = "; household on hold" if a.on_hold else ""
    return f"{a.reference} {a.category_words} against {a.household_name} ({a.household_reference}), {a.status.value}{hold}{step}"


@allegations_group.command("log")
@click.argument("household")
@click.option("--category", type=_choice(AllegationCategory), default=AllegationCategory.HARM.value,
              show_default=True, help="harm: an allegation of harm (holds the household at once).")
@click.option("--child", "children", multiple=True, required=True, metavar="CR-...",
              help="A child the allegation concerns (repeat for several).")
@click.option("--said", "summary", required=True, help="What was said.")
@click.option("--by", "said_by", required=True, help="Who said it.")
@click.option("--told", multiple=True, type=_choice(AllegationParty), help="Who has been told (repeat).")
@click.option("--safety", multiple=True, metavar="CHILD=DECISION:REASON",
              help="The initial safety decision for each child placed there (remain|move|under_review).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def log_cmd(cli: CliContext, household: str, category: str, children: tuple[str, ...], summary: str, said_by: str,
            told: tuple[str, ...], safety: tuple[str, ...], as_json: bool) -> None:
    """Record an allegation or concern against HOUSEHOLD (number or reference)."""
    desk = _desk(cli)
    ref = record.log_allegation(desk, AllegationInput(
        household_id=household_id_for(desk, household), category=AllegationCategory(category),
        summary=summary, said_by=said_by, children=tuple(views.child_ids(desk, list(children))),
        told=frozenset(AllegationParty(t) for t in told), safety=_safety(desk, safety)))
    a = views.get_allegation(desk, ref)
    if as_json:
        emit_json(to_jsonable(a))
    else:
        click.echo(f"Recorded {_show_line(a)}.")


@allegations_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Closed allegations too.")
@click.option("--household", metavar="HH-...", help="Only this household's.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, views.LIST_MAX))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def list_cmd(cli: CliContext, show_all: bool, household: str | None, limit: int, as_json: bool) -> None:
    """Open allegations, newest first, with the next step due."""
    desk = _desk(cli)
    hid = household_id_for(desk, household) if household else None
    rows = views.list_allegations(desk, open_only=not show_all, household_id=hid, limit=limit)
    if as_json:
        emit_json(to_jsonable(rows))
        return
    if not rows:
        click.echo("No allegations." if show_all else "No open allegations.")
    for r in rows:
        nxt = f"{r.next_step} due {r.next_due:%a %d %b} ({r.state})" if r.next_due else r.status.value
        click.echo(f"{r.reference}  {clock.fmt_local(r.raised_at, '%d %b %Y')}  {r.household_name} "
                   f"({r.household_reference})  {r.category_words}  {nxt}")


@allegations_group.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def show_cmd(cli: CliContext, reference: str, as_json: bool) -> None:
    """One allegation: what was said, the children, the timeline with due dates, the outcome."""
    a = views.get_allegation(_desk(cli), reference)
    if as_json:
        emit_json(to_jsonable(a))
        return
    click.echo(allegation_export.render_markdown(a), nl=False)


_STEPS = [s.value for s in timeline.RECORDABLE]


@allegations_group.command("step")
@click.argument("reference")
@click.argument("step", type=click.Choice(_STEPS))
@click.option("--note", required=True, help="What happened.")
@click.option("--delay", "delay_reason", default="", help="Why it was late (needed after its due day).")
@click.option("--at", "at_text", metavar="YYYY-MM-DDTHH:MM", help="When it happened (default now; London time).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def step_cmd(cli: CliContext, reference: str, step: str, note: str, delay_reason: str, at_text: str | None,
             as_json: bool) -> None:
    """Record a step of the timeline: lado_referral, lado_decision or strategy_meeting."""
    at = _at(at_text)
    verdict = timeline.record_step(_desk(cli), reference, AllegationStep(step), note, at=at, delay_reason=delay_reason)
    if as_json:
        emit_json({"reference": reference.upper(), "step": step, "state": verdict})
    else:
        click.echo(f"Recorded the {label(AllegationStep(step))} for {reference.upper()}: {verdict}.")


def _at(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--at {text!r}: write the time as YYYY-MM-DDTHH:MM, for example 2026-11-24T14:30.") from None
    return value.replace(tzinfo=clock.LOCAL_TZ) if value.tzinfo is None else value


@allegations_group.command("review")
@click.argument("reference")
@click.option("--delay", "delay_reason", required=True, help="The reason there is no conclusion yet.")
@click.option("--note", default="", help="Anything else from the review.")
@pass_cli
def review_cmd(cli: CliContext, reference: str, delay_reason: str, note: str) -> None:
    """Record a monthly review (past the 3-month conclusion date, or before it)."""
    nxt = timeline.record_review(_desk(cli), reference, delay_reason, note)
    click.echo(f"Review recorded for {reference.upper()}; the next is due {nxt:%a %d %b %Y}.")


@allegations_group.command("support")
@click.argument("reference")
@click.option("--offered", required=True, help="The independent support the carers were offered.")
@click.option("--told-at", "told_at", required=True, metavar="YYYY-MM-DDTHH:MM", help="When the carers were told.")
@pass_cli
def support_cmd(cli: CliContext, reference: str, offered: str, told_at: str) -> None:
    """Record the carers' support: when they were told, and the independent support offered."""
    timeline.record_support(_desk(cli), reference, offered, _at(told_at))
    click.echo(f"Carers' support recorded for {reference.upper()}.")


@allegations_group.command("note")
@click.argument("reference")
@click.argument("text")
@pass_cli
def note_cmd(cli: CliContext, reference: str, text: str) -> None:
    """Add a note (an addendum once the allegation is closed)."""
    kind = outcome.add_note(_desk(cli), reference, text)
    click.echo(f"Added {kind} to {reference.upper()}.")


@allegations_group.command("outcome")
@click.argument("reference")
@click.option("--outcome", "result", required=True, type=_choice(AllegationOutcome))
@click.option("--on", "on_text", metavar="DATE", help="The outcome's date, DD/MM/YYYY (default today).")
@click.option("--rationale", required=True)
@click.option("--approval-review", "review_on", metavar="DATE",
              help="A review of the household's approval is needed, by this date.")
@click.option("--hold", type=click.Choice(["lift", "continue"]), required=True,
              help="Lift the hold, or let it continue after closing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def outcome_cmd(cli: CliContext, reference: str, result: str, on_text: str | None, rationale: str,
                review_on: str | None, hold: str, as_json: bool) -> None:
    """Close an allegation with its outcome (managers). The record is then fixed; add addenda with `note`."""
    desk = _desk(cli)
    outcome.record_outcome(desk, reference, OutcomeInput(
        AllegationOutcome(result), parse_day(on_text, what="--on") or clock.today(), rationale,
        approval_review=review_on is not None, approval_review_on=parse_day(review_on, what="--approval-review"),
        lift_hold=hold == "lift"))
    a = views.get_allegation(desk, reference)
    if as_json:
        emit_json(to_jsonable(a))
    else:
        click.echo(f"Closed {a.reference}: {a.outcome}; hold {'lifted' if hold == 'lift' else 'continues'}.")


@allegations_group.command("lift-hold")
@click.argument("reference")
@click.option("--decision", required=True, help="The manager's recorded decision, and why.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def lift_cmd(cli: CliContext, reference: str, decision: str, as_json: bool) -> None:
    """Lift an allegation's hold on its household (managers), with a recorded decision."""
    available = record.lift_hold(_desk(cli), reference, decision)
    if as_json:
        emit_json({"reference": reference.upper(), "hold": "lifted", "household_available": available})
    else:
        click.echo(f"Hold lifted on {reference.upper()}" + ("; the household takes placements again." if available
                   else "; the household stays on hold (another allegation holds it, or its status was changed)."))


@allegations_group.command("export")
@click.argument("reference")
@click.option("--format", "fmt", type=click.Choice(allegation_export.FORMATS), default="md", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@pass_cli
def export_cmd(cli: CliContext, reference: str, fmt: str, out: Path | None) -> None:
    """The allegation's record for the file, as Markdown or HTML."""
    text = allegation_export.export(_desk(cli), reference, fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {reference.upper()} to {out}.", err=True)
