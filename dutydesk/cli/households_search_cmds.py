"""Commands: ``households search`` (the matching engine from the shell) and ``households show REF``."""

from __future__ import annotations

from typing import Any

import click
import sqlalchemy as sa

from db.enums import Gender, HouseholdStatus, PlacementType, Specialism
from db.models import Place, PlacementRequest
from dutydesk import clock
from dutydesk.cli.context import CliContext, emit_json, pass_cli
from dutydesk.cli.groups import households_group
from dutydesk.access.desk import Desk
from dutydesk.days import parse_day
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.access.identity import Permission, require
from dutydesk.labels import label, labels
from dutydesk.text import like_literal

_TYPES = "|".join(t.value for t in PlacementType)
_NEEDS = ",".join(n.value for n in Specialism)


def _needs(value: str | None) -> frozenset[Specialism]:
    out = set()
    for part in (value or "").replace(" ", "").split(","):
        if not part:
            continue
        try:
            out.add(Specialism(part.replace("-", "_")))
        except ValueError:
            raise InvalidInput(f"--needs {part!r} is not a need; give any of {_NEEDS}, separated by commas.") from None
    return frozenset(out)


def _place(session, name: str | None) -> tuple[int | None, str]:
    if not name:
        return None, ""
    row = session.execute(sa.select(Place.id, Place.name).where(sa.func.lower(Place.name) == name.strip().lower())).first()
    if row is None:
        start = like_literal(name.strip()[:3])  # a typed % is a character, not "every place"
        like = session.execute(sa.select(Place.name).where(Place.name.ilike(f"{start}%", escape="\\"))
                               .limit(5)).scalars().all() if start else []
        hint = f" Did you mean {', '.join(like)}?" if like else " Use a town name, for example Margate."
        raise InvalidInput(f"--near {name!r} is not a place dutydesk knows.{hint}")
    return row[0], row[1]


@households_group.command("search")
@click.option("--request", "request_ref", metavar="REF", help="Take the criteria from this placement request.")
@click.option("--save", is_flag=True, help="With --request: save the search with the request (moves it to searching).")
@click.option("--age", "ages", type=int, multiple=True, metavar="YEARS", help="A child's age; repeat for a sibling group.")
@click.option("--gender", type=click.Choice([g.value for g in Gender]), help="The child's (or every child's) gender.")
@click.option("--type", "ptype", metavar=_TYPES, help="Placement type.")
@click.option("--siblings", type=int, default=None, help="How many children to place together.")
@click.option("--near", metavar="PLACE", help="Measure distance from this town (the child's school or home).")
@click.option("--within", type=float, metavar="KM", help="Rule out households further than this from --near.")
@click.option("--from", "from_", metavar="DATE", help="Needed from (DD/MM/YYYY; default today).")
@click.option("--until", metavar="DATE", help="Needed until (default open-ended).")
@click.option("--needs", metavar=_NEEDS, help="Needed specialisms, comma separated.")
@click.option("--wheelchair", is_flag=True, help="Needs wheelchair access.")
@click.option("--no-younger", is_flag=True, help="No younger children in the home.")
@click.option("--no-others", is_flag=True, help="No other children in the home.")
@click.option("--no-pets", is_flag=True, help="No pets.")
@click.option("--no-smokers", is_flag=True, help="No smokers.")
@click.option("--language", default="", help="A language the household should speak.")
@click.option("--religion", default="", help="The child's religion.")
@click.option("--limit", type=click.IntRange(0, 10000), default=20, show_default=True, help="How many to list.")
@click.option("--excluded", "show_excluded", is_flag=True, help="List the ruled-out households too.")
@click.option("--explain", is_flag=True, help="Show every contribution and every failed rule.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_cli
def search_cmd(cli: CliContext, request_ref: str | None, save: bool, ages: tuple[int, ...], gender: str | None,
               ptype: str | None, siblings: int | None, near: str | None, within: float | None, from_: str | None,
               until: str | None, needs: str | None, wheelchair: bool, no_younger: bool, no_others: bool,
               no_pets: bool, no_smokers: bool, language: str, religion: str, limit: int, show_excluded: bool,
               explain: bool, as_json: bool) -> None:
    """Rank every household for a child (or sibling group) and say why the others are ruled out."""
    from dutydesk.matching import MatchCriteria, criteria_for_request, match

    db = cli.database()
    actor = cli.actor()
    require(actor, Permission.READ, "search households")
    saved = None
    with db.read() as s:
        if request_ref:
            rid = s.execute(sa.select(PlacementRequest.id).where(
                sa.func.upper(PlacementRequest.reference) == request_ref.strip().upper())).scalar()
            if rid is None:
                raise NotFound(f"There is no placement request {request_ref!r}; see dutydesk requests list.")
            crit = criteria_for_request(s, rid)
        else:
            if save:
                raise InvalidInput("--save needs --request: a search is saved with a placement request.")
            try:
                pt = PlacementType(ptype.replace("-", "_")) if ptype else None
            except ValueError:
                raise InvalidInput(f"--type {ptype!r} is not a placement type; give one of {_TYPES}.") from None
            near_id, near_label = _place(s, near)
            n = siblings if siblings is not None else max(1, len(ages))
            crit = MatchCriteria(
                from_on=parse_day(from_, what="--from") or clock.today(), until_on=parse_day(until, what="--until"),
                placement_type=pt, ages=tuple(ages), genders=(Gender(gender),) * max(n, len(ages)) if gender else (),
                siblings=n, needs=_needs(needs), wheelchair=wheelchair, near_place_id=near_id, near_label=near_label,
                max_distance_km=within, no_younger_children=no_younger, no_other_children=no_others,
                no_pets=no_pets, no_smokers=no_smokers, language=language, religion=religion,
            )
    if save:
        from dutydesk.requests.searches import run_and_save

        saved = run_and_save(Desk(db, actor), crit.request_id, crit)
    with db.read() as s:
        result = match(s, crit)
        shown_x = list(result.excluded[:limit]) if (show_excluded or explain or as_json) else []
        rules = result.explain(s, shown_x) if shown_x else {}
    from dutydesk.matching.rules import rule_label

    ranked = result.ranked[:limit]
    if as_json:
        out: dict[str, Any] = {
            "criteria": crit.to_json(),
            "summary": crit.summary(),
            "ranked_count": len(result.ranked),
            "excluded_count": len(result.excluded),
            "rule_counts": result.rule_counts(),
            "ranked": [
                {"rank": i, "reference": r.reference, "name": r.name, "kind": r.kind, "score": r.score,
                 "free_places": r.free, "warnings": result.warning_words(r),
                 "contributions": [{"factor": c.code, "points": round(c.points, 2), "label": c.label}
                                   for c in result.contributions(r)]}
                for i, r in enumerate(ranked, start=1)
            ],
            "excluded": [
                {"reference": e.reference, "name": e.name, "kind": e.kind,
                 "rules": [{"rule": code, "label": rule_label(code, arg)} for code, arg in rules.get(e.household_id, [])]}
                for e in shown_x
            ],
        }
        if saved is not None:
            out["saved_search_id"] = saved.search_id
        emit_json(out)
        return
    click.echo(f"Looking for: {crit.summary()}")
    can, out = len(result.ranked), len(result.excluded)
    click.echo(f"{can} household{'' if can == 1 else 's'} can take {crit.who}; "
               f"{out} {'is' if out == 1 else 'are'} ruled out.")
    if saved is not None:
        click.echo(f"Saved as search {saved.search_id} with {saved.request_reference}.")
    if ranked:
        click.echo("")
        click.echo(f"{'#':>4}  {'reference':<12} {'score':>7}  {'free':>4}  name / top reasons")
    for i, r in enumerate(ranked, start=1):
        contribs = result.contributions(r)
        top = "; ".join(f"{c.label} {c.points:+.1f}" for c in result.top_reasons(r))
        click.echo(f"{i:>4}  {r.reference:<12} {r.score:>7.1f}  {r.free:>4}  {r.name}")
        click.echo(f"{'':>33}{top}")
        for w in result.warning_words(r):
            click.echo(f"{'':>33}! {w}")
        if explain:
            for c in contribs:
                click.echo(f"{'':>35}{c.points:+7.2f}  {c.label}")
    if len(result.ranked) > limit:
        click.echo(f"... and {len(result.ranked) - limit} more (--limit).")
    if result.excluded:
        click.echo("")
        counts = result.rule_counts()
        from dutydesk.matching.rules import rule_title

        click.echo("Ruled out by: " + ", ".join(f"{rule_title(k)} {v}" for k, v in counts.items()))
    if shown_x:
        click.echo("")
        for e in shown_x:
            click.echo(f"  {e.reference:<12} {e.name}")
            for code, arg in rules.get(e.household_id, []):
                click.echo(f"{'':>16}x {rule_label(code, arg)}")
        if len(result.excluded) > limit:
            click.echo(f"  ... and {len(result.excluded) - limit} more ruled out (--limit).")


@households_group.command("show")
@click.argument("ref", metavar="REF")
@click.option("--history", type=click.IntRange(0, 1000), default=20, show_default=True,
              help="How many searches it was considered in to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
@pass_cli
def show_cmd(cli: CliContext, ref: str, history: int, as_json: bool) -> None:
    """A household's terms, placements, free places, periods, allegations, warnings and search history."""
    from dutydesk.carers.profile import household_profile

    db = cli.database()
    require(cli.actor(), Permission.READ, "see a household")
    p = household_profile(db, ref, history_limit=history)
    from dutydesk.access import reads
    from dutydesk.access.desk import Desk

    reads.opened(Desk(db, cli.actor()), reads.HOUSEHOLD, p.id, reference=p.reference)
    if as_json:
        emit_json(p.to_json())
        return
    e = click.echo
    agency = f" ({p.agency})" if p.agency else ""
    e(f"{p.reference}  {p.name}")
    e(f"  {p.kind_label}{agency}, {label(p.status, HouseholdStatus)}; {p.place or 'place not recorded'} {p.postcode}".rstrip())
    if p.team or p.supervising_social_worker:
        e(f"  Team: {p.team or '-'}; supervising social worker: {p.supervising_social_worker or '-'}")
    e("Terms of approval:")
    e(f"  {p.places} place{'s' if p.places != 1 else ''}, ages {p.age_min}-{p.age_max}, gender {p.gender_terms}")
    e(f"  Types: {labels(p.placement_types, PlacementType) or 'none'}")
    e(f"  Specialisms: {labels(p.specialisms, Specialism) or 'none'}")
    facts = [f"{p.bedrooms} bedrooms", "pets" if p.pets else "no pets", "smoker" if p.smoker else "no smokers",
             "wheelchair access" if p.wheelchair_access else "no wheelchair access",
             f"own children aged {p.other_children_ages}" if p.other_children_ages else "no other children",
             f"speaks {p.languages}"]
    if p.religion:
        facts.append(p.religion)
    e("  " + "; ".join(facts))
    if p.warnings:
        e("Warnings:")
        for w in p.warnings:
            e(f"  ! {w}")
    e(f"Placements now ({p.occupied_places} of {p.places}):" if p.placements else "Placements now: none")
    for pl in p.placements:
        age = f", {pl.age}" if pl.age is not None else ""
        end = f" until {pl.planned_end_on:%d %b %Y}" if pl.planned_end_on else ""
        e(f"  {pl.reference}  {pl.child_name} ({pl.case_reference}{age}), {pl.placement_type} since {pl.starts_on:%d %b %Y}{end}")
    if p.vacant_days is not None:
        e(f"Place empty since {p.vacant_since:%d %b %Y} ({p.vacant_days} days)")
    e("Free places, week by week:")
    e("  " + "  ".join(f"{w.from_on:%d %b}: {w.free if not w.blocked else '-'}" for w in p.weeks))
    if p.unavailable:
        e("Unavailable:")
        for u in p.unavailable:
            e(f"  {u.kind} {u.starts_on:%d %b %Y} to {u.ends_on:%d %b %Y} {u.reason}".rstrip())
    if p.allegations:
        e("Allegations:")
        for a in p.allegations:
            out = f", {a.outcome}" if a.outcome else ""
            e(f"  {a.reference} {a.status}{out}, raised {a.raised_on:%d %b %Y}, {a.days_open} days: {a.summary}")
    if p.history:
        e(f"Considered for ({len(p.history)} most recent searches):")
        for h in p.history:
            e(f"  {clock.fmt_local(h.run_at, '%d %b %Y %H:%M')}  {h.request_reference} ({h.request_state}) {h.request_summary}")
            e(f"      {h.decided}")
    else:
        e("Not yet considered in any saved search.")
