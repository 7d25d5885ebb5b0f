"""What the request screen shows, as ``rich.text.Text`` (user text is never markup).

Pure functions of a request's detail (``dutydesk.requests.views.RequestDetail``)
and its timeline, so the screen module holds only keys and loading. The
oversight screen shares the words for states and contact outcomes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from dutydesk.labels import contact_status, label, labels
from dutydesk.enums import Gender, PlacementType, UnmetNeed, UnmetResolution



def when(value: Any) -> str:
    from dutydesk.clock import fmt_local

    return fmt_local(value)


def head_text(d: Any) -> Text:
    kids = ", ".join(f"{c.name} ({c.age if c.age is not None else '?'})" for c in d.children)
    current = d.current_decision
    decision = ""
    if current is not None:
        decision = f"  decision: {label(current.kind)} {label(current.status)}"
        if current.retrospective and current.status.value == "proposed":
            decision += ", placed: awaiting sign-off"
    searches = (f"searched {when(d.searches[-1].run_at)}" if d.searches else "no search yet: press s")
    text = Text()
    text.append(d.reference, style="bold")
    text.append(f"  {label(d.state)}", style="bold")
    text.append(f"  {d.urgency.value}  {label(d.placement_type, PlacementType)}  from {d.needed_from:%d %b}\n")
    text.append(kids)
    text.append(f"  ·  {searches}{decision}")
    return text


def carer_cells(r: Any) -> list[Text]:
    return [
        Text(str(r.rank) if r.rank else "-"),
        Text(r.household_name, overflow="ellipsis", no_wrap=True),
        Text(f"{r.score:.0f}" if r.score is not None else ""),
        Text(contact_status(r.status)),
        Text(str(r.no_answer_tries) if r.no_answer_tries else ""),
        Text(str(r.free_places)),
    ]


def carer_detail_text(r: Any) -> Text:
    text = Text()
    text.append(f"{r.household_name} ({r.household_reference})", style="bold")
    if r.phone:
        text.append(f"  tel {r.phone}")
    if r.status_reason:
        text.append(f"\n{r.status_reason}")
    if getattr(r, "refused", ""):
        text.append(f"\nCannot be proposed now: {r.refused}", style="bold")
    if r.needs_exemption:
        text.append(f"\nNeeds an exemption: {r.needs_exemption}", style="bold")
    if r.why:
        text.append(f"\n{r.why}")
    return text


def no_carers_text(d: Any) -> Text:
    return Text("No carers yet: press s to run and save a search." if not d.searches
                else "The search ranked no household; close as unmet (c) or widen the search.")


def timeline_text(lines: Any) -> Text:
    text = Text()
    for t in lines:
        text.append(f"{when(t.at)} ", style="bold")
        text.append(f"{t.who}: {t.what}\n")
    return text


def criteria_text(d: Any) -> Text:
    text = Text()
    text.append("Criteria\n", style="bold")
    for k, v in d.criteria.items():
        text.append(f"  {k}: {v}\n")
    text.append("Children\n", style="bold")
    for c in d.children:
        text.append(f"  {c.name} ({c.case_reference}) {c.age if c.age is not None else '?'} "
                    f"{label(c.gender, Gender) if c.gender else ''}\n")
    text.append("Saved searches\n", style="bold")
    if not d.searches:
        text.append("  none yet (s runs one)\n")
    for srch in d.searches:
        text.append(f"  {when(srch.run_at)} by {srch.run_by}: {srch.ranked_count} ranked, "
                    f"{srch.excluded_count} ruled out\n")
    if d.unmet_needs:
        instead = label(d.unmet_resolution, UnmetResolution) if d.unmet_resolution else "nothing recorded"
        text.append(f"Unmet need: {labels(d.unmet_needs, UnmetNeed)}; done instead: {instead}\n")
    if d.closed_reason:
        text.append(f"Closing note: {d.closed_reason}\n")
    return text


def decisions_text(d: Any) -> Text:
    text = Text()
    if not d.decisions:
        text.append("No decision yet: p proposes one.\n")
    for dv in d.decisions:
        text.append(f"Decision {dv.id}: {label(dv.kind)}", style="bold")
        if dv.household_name:
            text.append(f" with {dv.household_name}")
        text.append(f"  [{label(dv.status)}]\n")
        text.append(f"  proposed {when(dv.proposed_at)} by {dv.proposed_by}\n")
        text.append(f"  {dv.rationale}\n")
        if dv.outside_terms:
            text.append(f"  outside terms: {dv.exemption_reason}\n")
        if dv.retrospective:
            text.append("  placed out of hours before sign-off\n")
        if dv.signed_off_at:
            how = "signed off retrospectively" if dv.retrospective else "signed off"
            said = f": {dv.signoff_comment}" if dv.signoff_comment else ""
            text.append(f"  {how} {when(dv.signed_off_at)} by {dv.signed_off_by}{said}\n")
        if dv.returned_at:
            text.append(f"  returned {when(dv.returned_at)} by {dv.returned_by}: {dv.returned_comment}\n")
        for who, at, body in dv.addenda:
            text.append(f"  addendum {when(at)} {who}: {body}\n")
    for p in d.placements:
        text.append(f"Placement {p.reference}: {p.child_name} with {p.household_name}, place {p.place_number}, "
                    f"from {p.starts_on:%d %b}")
        if p.plan_due_on:
            text.append(f"; placement plan due {p.plan_due_on:%d %b}")
        if p.ended_on:
            text.append(f"; ended {p.ended_on:%d %b}")
        text.append("\n")
    return text
