"""The decision record written out: Markdown for the file, HTML to print.

Every piece of typed text is escaped, so a name like ``[bold]X`` or ``<script>``
is shown as typed; stored values are in the desk's words (``dutydesk.labels``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from db.enums import Gender, PlacementType, UnmetNeed, UnmetResolution
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from dutydesk.labels import label, labels
from dutydesk.requests.decision_record import DecisionRecord, build_record
from dutydesk.requests.views import RequestDetail

MANY_RULES = "A household may fail several rules, so these counts add up to more than the households ruled out."


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&])")
_MD_LEADING = re.compile(r"^(\s*)(?:([#+\-=>])|(\d+)([.)]))")


def md(text: Any) -> str:
    """User text as literal Markdown on one line: inline markup characters escaped, and a
    leading list, heading or quote marker too."""
    s = str(text if text is not None else "")
    s = " ".join(s.replace("\r", "\n").split("\n"))
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _MD_LEADING.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)), s
    )


def md_block(text: Any) -> str:
    """Multi-line user text: each line escaped, line breaks kept."""
    lines = str(text or "").replace("\r", "\n").split("\n")
    return "  \n".join(md(line) for line in lines)


def _when(value: dt.datetime | None) -> str:
    return clock.fmt_local(value, "%d %b %Y %H:%M") if value else ""


def _resolution(d: RequestDetail) -> str:
    return label(d.unmet_resolution, UnmetResolution) if d.unmet_resolution else ""


def _day(value: dt.date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _criteria_items(c: dict[str, Any] | str) -> list[tuple[str, str]]:
    if isinstance(c, dict):
        return [(str(k), json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v))
                for k, v in c.items()]
    return [("criteria", str(c))]


def render_markdown(rec: DecisionRecord) -> str:
    d = rec.detail
    out: list[str] = []
    w = out.append
    w(f"# Decision record: {md(d.reference)}")
    w("")
    w(f"Made {md(_when(rec.made_at))} by {md(rec.made_by)}.")
    w("")
    w("## Request")
    w("")
    w(f"- State: {md(label(d.state))}")
    w(f"- Urgency: {md(label(d.urgency))}; placement type: {md(label(d.placement_type, PlacementType))}")
    w(f"- Needed from {md(_day(d.needed_from))}" + (f" until {md(_day(d.needed_until))}" if d.needed_until else ""))
    w(f"- Team: {md(d.team)}; worker: {md(d.worker)}")
    w(f"- Logged: {md(_when(d.created_at))}")
    if d.unmet_needs:
        w(f"- Unmet need: {md(labels(d.unmet_needs, UnmetNeed))}; done instead: {md(_resolution(d))}")
    if d.closed_reason:
        w(f"- Closing note: {md(d.closed_reason)}")
    w("")
    w("### Children")
    w("")
    for c in d.children:
        age = f"{c.age}" if c.age is not None else "age unknown"
        w(f"- {md(c.name)} ({md(c.case_reference)}), {md(age)}, {md(label(c.gender, Gender))}")
    w("")
    w("### Criteria")
    w("")
    for k, v in d.criteria.items():
        w(f"- {md(k)}: {md(v)}")
    for srch in rec.searches:
        w("")
        w(f"## Search {srch.id}, {md(_when(srch.run_at))} by {md(srch.run_by)}")
        w("")
        w(f"{srch.ranked_total} households ranked, {srch.excluded_total} ruled out.")
        w("")
        w("Criteria used:")
        w("")
        for k, v in _criteria_items(srch.criteria):
            w(f"- {md(k)}: {md(v)}")
        w("")
        w("### Ranked")
        w("")
        if srch.ranked:
            w("| rank | household | score | reasons |")
            w("| ---: | --- | ---: | --- |")
            for r in srch.ranked:
                score = f"{r.score:.1f}" if r.score is not None else ""
                w(f"| {r.rank} | {md(r.household_name)} ({md(r.household_reference)}) | {score} | "
                  f"{md('; '.join(r.reasons))} |")
            if srch.ranked_total > len(srch.ranked):
                w("")
                w(f"(first {len(srch.ranked)} of {srch.ranked_total} shown)")
        else:
            w("No household was eligible.")
        w("")
        w("### Ruled out")
        w("")
        if srch.exclusion_counts:
            w("| rule | households |")
            w("| --- | ---: |")
            for rule, n in srch.exclusion_counts:
                w(f"| {md(rule)} | {n} |")
            w("")
            if sum(n for _r, n in srch.exclusion_counts) > srch.excluded_total:
                w(MANY_RULES)
                w("")
        if srch.excluded:
            w("Every household ruled out, and why:" if srch.excluded_listed_all
              else "Households contacted, and those ruled out by a single rule (the nearest misses):")
            w("")
            for e in srch.excluded:
                tag = " (contacted)" if e.contacted else ""
                w(f"- {md(e.household_name)} ({md(e.household_reference)}){tag}: {md('; '.join(e.reasons))}")
    w("")
    w("## Contacts and outcomes")
    w("")
    if not d.candidates:
        w("No carer was contacted.")
    for c in d.candidates:
        w(f"- {md(c.household_name)} ({md(c.household_reference)}): {md(label(c.status))}"
          + (f", {md(c.status_reason)}" if c.status_reason else ""))
        for k in c.contacts:
            w(f"  - {md(_when(k.at))} {md(k.by)}: {md(label(k.outcome))}"
              + (f", {md(k.note)}" if k.note else ""))
    w("")
    w("## Decisions")
    w("")
    if not d.decisions:
        w("No decision yet.")
    for dv in d.decisions:
        w(f"### Decision {dv.id}: {md(label(dv.kind))}"
          + (f" with {md(dv.household_name)}" if dv.household_name else ""))
        w("")
        w(f"- Status: {md(label(dv.status))}")
        w(f"- Proposed by {md(dv.proposed_by)} at {md(_when(dv.proposed_at))}")
        w("- Rationale:")
        w("")
        w("  " + md_block(dv.rationale).replace("\n", "\n  "))
        w("")
        if dv.outside_terms:
            w(f"- Outside the terms of approval; exemption reason: {md(dv.exemption_reason)}")
        if dv.retrospective:
            w("- Placed out of hours before sign-off (retrospective sign-off)")
        if dv.signed_off_at:
            w(f"- Signed off by {md(dv.signed_off_by)} at {md(_when(dv.signed_off_at))}"
              + (f": {md(dv.signoff_comment)}" if dv.signoff_comment else ""))
        if dv.returned_at:
            w(f"- Returned by {md(dv.returned_by)} at {md(_when(dv.returned_at))}: {md(dv.returned_comment)}")
        for who, at, text in dv.addenda:
            w(f"- Addendum by {md(who)} at {md(_when(at))}: {md(text)}")
        w("")
    if d.placements:
        w("## Placements")
        w("")
        for p in d.placements:
            w(f"- {md(p.reference)}: {md(p.child_name)} with {md(p.household_name)}, place {p.place_number}, "
              f"from {md(_day(p.starts_on))}" + (f" to {md(_day(p.ended_on))}" if p.ended_on else "")
              + (f"; placement plan due {md(_day(p.plan_due_on))}" if p.plan_due_on else "")
              + ("; outside terms" if p.outside_terms else ""))
        w("")
    w("## Timeline")
    w("")
    for t in rec.timeline:
        w(f"- {md(_when(t.at))} {md(t.who)}: {md(t.what)}")
    w("")
    return "\n".join(out)


def render_html(rec: DecisionRecord) -> str:
    e = html.escape
    d = rec.detail
    out: list[str] = []
    w = out.append

    def table(head: list[str], rows: list[list[str]]) -> None:
        w("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>")
        for r in rows:
            w("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>")
        w("</tbody></table>")

    def para(text: str) -> None:
        w(f"<p>{e(text)}</p>")

    w("<!DOCTYPE html>")
    w('<html lang="en"><head><meta charset="utf-8">')
    w(f"<title>Decision record {e(d.reference)}</title>")
    w("<style>body{font-family:sans-serif;max-width:60em;margin:1em auto}table{border-collapse:collapse}"
      "td,th{border:1px solid #999;padding:2px 6px;vertical-align:top;text-align:left}"
      ".rationale{white-space:pre-wrap}</style></head><body>")
    w(f"<h1>Decision record: {e(d.reference)}</h1>")
    para(f"Made {_when(rec.made_at)} by {rec.made_by}.")
    w("<h2>Request</h2>")
    rows = [["State", label(d.state)], ["Urgency", label(d.urgency)],
            ["Placement type", label(d.placement_type, PlacementType)],
            ["Needed", _day(d.needed_from) + (f" to {_day(d.needed_until)}" if d.needed_until else "")],
            ["Team", d.team], ["Worker", d.worker], ["Logged", _when(d.created_at)]]
    if d.unmet_needs:
        rows.append(["Unmet need", labels(d.unmet_needs, UnmetNeed)])
        rows.append(["Done instead", _resolution(d)])
    if d.closed_reason:
        rows.append(["Closing note", d.closed_reason])
    table(["", ""], rows)
    w("<h3>Children</h3>")
    table(["name", "reference", "age", "gender"],
          [[c.name, c.case_reference, "" if c.age is None else str(c.age), label(c.gender, Gender)] for c in d.children])
    w("<h3>Criteria</h3>")
    table(["criterion", "value"], [[k, str(v)] for k, v in d.criteria.items()])
    for srch in rec.searches:
        w(f"<h2>Search {srch.id}, {e(_when(srch.run_at))} by {e(srch.run_by)}</h2>")
        para(f"{srch.ranked_total} households ranked, {srch.excluded_total} ruled out.")
        table(["criterion", "value"], [list(x) for x in _criteria_items(srch.criteria)])
        w("<h3>Ranked</h3>")
        if srch.ranked:
            table(["rank", "household", "score", "reasons"],
                  [[str(r.rank), f"{r.household_name} ({r.household_reference})",
                    f"{r.score:.1f}" if r.score is not None else "", "; ".join(r.reasons)] for r in srch.ranked])
            if srch.ranked_total > len(srch.ranked):
                para(f"(first {len(srch.ranked)} of {srch.ranked_total} shown)")
        else:
            para("No household was eligible.")
        w("<h3>Ruled out</h3>")
        if srch.exclusion_counts:
            table(["rule", "households"], [[r, str(n)] for r, n in srch.exclusion_counts])
            if sum(n for _r, n in srch.exclusion_counts) > srch.excluded_total:
                para(MANY_RULES)
        if srch.excluded:
            para("Every household ruled out, and why:" if srch.excluded_listed_all
                 else "Households contacted, and those ruled out by a single rule (the nearest misses):")
            table(["household", "why", "contacted"],
                  [[f"{x.household_name} ({x.household_reference})", "; ".join(x.reasons),
                    "yes" if x.contacted else ""] for x in srch.excluded])
    w("<h2>Contacts and outcomes</h2>")
    rows = []
    for c in d.candidates:
        if not c.contacts:
            rows.append([c.household_name, label(c.status), "", "", c.status_reason])
        for k in c.contacts:
            rows.append([c.household_name, label(k.outcome), _when(k.at), k.by, k.note])
    if rows:
        table(["household", "outcome", "when", "by", "note"], rows)
    else:
        para("No carer was contacted.")
    w("<h2>Decisions</h2>")
    if not d.decisions:
        para("No decision yet.")
    for dv in d.decisions:
        w(f"<h3>Decision {dv.id}: {e(label(dv.kind))}"
          + (f" with {e(dv.household_name)}" if dv.household_name else "") + "</h3>")
        rows = [["Status", label(dv.status)], ["Proposed", f"{_when(dv.proposed_at)} by {dv.proposed_by}"]]
        if dv.outside_terms:
            rows.append(["Outside terms; exemption reason", dv.exemption_reason])
        if dv.retrospective:
            rows.append(["Retrospective", "placed out of hours before sign-off"])
        if dv.signed_off_at:
            rows.append(["Signed off", f"{_when(dv.signed_off_at)} by {dv.signed_off_by}"
                         + (f": {dv.signoff_comment}" if dv.signoff_comment else "")])
        if dv.returned_at:
            rows.append(["Returned", f"{_when(dv.returned_at)} by {dv.returned_by}: {dv.returned_comment}"])
        for who, at, text in dv.addenda:
            rows.append(["Addendum", f"{_when(at)} by {who}: {text}"])
        table(["", ""], rows)
        w("<h4>Rationale</h4>")
        w(f'<p class="rationale">{e(dv.rationale)}</p>')
    if d.placements:
        w("<h2>Placements</h2>")
        table(["reference", "child", "household", "place", "from", "to", "plan due", "outside terms"],
              [[p.reference, p.child_name, p.household_name, str(p.place_number), _day(p.starts_on),
                _day(p.ended_on), _day(p.plan_due_on), "yes" if p.outside_terms else ""] for p in d.placements])
    w("<h2>Timeline</h2>")
    table(["when", "who", "what"], [[_when(t.at), t.who, t.what] for t in rec.timeline])
    w("</body></html>")
    return "\n".join(out) + "\n"


FORMATS = ("md", "html")


def export(desk: Desk, request_id: int | str, fmt: str = "md") -> str:
    fmt = (fmt or "md").lower()
    if fmt not in FORMATS:
        raise InvalidInput("Choose the format md or html.")
    rec = build_record(desk, request_id)
    return render_markdown(rec) if fmt == "md" else render_html(rec)
