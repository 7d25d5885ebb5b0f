"""The decision record for the child's file: everything an inspector asks to see, in one document.

``build_record`` gathers the request, each saved search (households ranked and
ruled out and why), the contacts and their outcomes, the decisions with their
rationale, sign-off and addenda, the placements, and the timeline of every
transition. ``render_markdown`` and ``render_html`` write it out with every piece
of typed text escaped, so a name like ``[bold]X`` or ``<script>`` is shown as typed.

A search that ruled out 50,000 households is summarised: the count per rule,
then the households that came nearest (ruled out by a single rule) and any
ruled-out household that was contacted; the full ranked list is always given.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import Candidate, Household, Search, SearchResult
from dutydesk import clock
from dutydesk.requests import transitions
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput
from dutydesk.requests.process import RequestDetail, find_request, load_detail

RANKED_LIMIT = 200
EXCLUDED_LIST_LIMIT = 50
FULL_EXCLUSION_LIST_UPTO = 200  # list every ruled-out household when there are this few
MANY_RULES = "A household may fail several rules, so these counts add up to more than the households ruled out."


# --------------------------------------------------------------------------- reasons


def _rule_label(code: str, arg: Any = None) -> str:
    try:
        from dutydesk.matching.rules import rule_label

        return rule_label(code, arg)
    except Exception:  # noqa: BLE001 - a label is a nicety; the code itself is evidence enough
        return code.replace("_", " ") if arg in (None, "") else f"{code.replace('_', ' ')} ({arg})"


def _rule_title(code: str) -> str:
    try:
        from dutydesk.matching.rules import rule_title

        return rule_title(code)
    except Exception:  # noqa: BLE001
        return code.replace("_", " ")


def parse_reasons(text: str | None) -> list[tuple[str, str, float | None]]:
    """(code, words, points) from a saved search's reasons, whatever shape matching stored them in."""
    if not text:
        return []
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return [("note", str(text), None)]
    out: list[tuple[str, str, float | None]] = []
    if isinstance(data, dict) and any(k in data for k in ("f", "x", "w")):
        # The matching service's shape: {"f": [[code, points, label]], "x": [[code, arg?]], "w": [warning]}.
        for f in data.get("f", []):
            if f and len(f) >= 2 and isinstance(f[1], int | float) and f[1] != 0:
                out.append((str(f[0]), str(f[2]) if len(f) > 2 else str(f[0]), float(f[1])))
        for x in data.get("x", []):
            if x:
                arg = x[1] if len(x) > 1 else None
                out.append((str(x[0]), _rule_label(str(x[0]), tuple(arg) if isinstance(arg, list) else arg), None))
        for w in data.get("w", []):
            out.append(("warning", f"warning: {w}", None))
        return out
    if isinstance(data, dict):
        data = data.get("rules") or data.get("factors") or data.get("reasons") or [data]
    if not isinstance(data, list):
        data = [data]
    for item in data:
        if isinstance(item, str):
            out.append((item, _rule_label(item), None))
        elif isinstance(item, list | tuple) and item:
            code = str(item[0])
            points = item[1] if len(item) >= 3 and isinstance(item[1], int | float) else None
            if len(item) >= 3 and isinstance(item[-1], str):
                words = item[-1]
            else:
                arg = item[1] if len(item) > 1 else None
                words = _rule_label(code, tuple(arg) if isinstance(arg, list) else arg)
            out.append((code, words, float(points) if points is not None else None))
        elif isinstance(item, dict):
            code = str(item.get("code") or item.get("rule") or item.get("factor") or "?")
            words = item.get("label") or item.get("text") or _rule_label(code, item.get("arg"))
            pts = item.get("points")
            out.append((code, str(words), float(pts) if isinstance(pts, int | float) else None))
    return out


# --------------------------------------------------------------------------- gathering


@dataclass(frozen=True)
class RankedLine:
    rank: int
    household_reference: str
    household_name: str
    score: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ExcludedLine:
    household_reference: str
    household_name: str
    reasons: tuple[str, ...]
    contacted: bool = False


@dataclass(frozen=True)
class SearchRecord:
    id: int
    run_at: dt.datetime
    run_by: str
    criteria: dict[str, Any] | str
    ranked_total: int
    excluded_total: int
    ranked: tuple[RankedLine, ...]
    exclusion_counts: tuple[tuple[str, int], ...]  # rule title, households
    excluded: tuple[ExcludedLine, ...]
    excluded_listed_all: bool


@dataclass(frozen=True)
class TimelineLine:
    at: dt.datetime
    who: str
    what: str


@dataclass(frozen=True)
class DecisionRecord:
    detail: RequestDetail
    searches: tuple[SearchRecord, ...]
    timeline: tuple[TimelineLine, ...]
    made_at: dt.datetime
    made_by: str
    extra: dict[str, Any] = field(default_factory=dict)


def summarise_search(
    s: Session,
    search: Search,
    *,
    run_by: str = "",
    contacted_ids: frozenset[int] = frozenset(),
    ranked_limit: int = RANKED_LIMIT,
    excluded_limit: int = EXCLUDED_LIST_LIMIT,
) -> SearchRecord:
    """One saved search as evidence: the ranked list, counts per exclusion rule, and the nearest misses."""
    ranked_rows = s.exec(
        select(SearchResult, Household).join(Household, Household.id == SearchResult.household_id)
        .where(SearchResult.search_id == search.id, SearchResult.rank.is_not(None))
        .order_by(SearchResult.rank).limit(ranked_limit)
    ).all()
    ranked = tuple(
        RankedLine(
            r.rank, h.reference, h.name, r.score,
            tuple(f"{w} ({p:+.1f})" if p is not None else w for _c, w, p in parse_reasons(r.reasons)),
        )
        for r, h in ranked_rows
    )
    excluded_q = (SearchResult.search_id == search.id) & SearchResult.rank.is_(None)
    excluded_total = s.exec(select(sa.func.count()).select_from(SearchResult).where(excluded_q)).one()
    ranked_total = s.exec(
        select(sa.func.count()).select_from(SearchResult)
        .where(SearchResult.search_id == search.id, SearchResult.rank.is_not(None))
    ).one()
    # Count per rule from the distinct reason texts (far fewer than the rows).
    counts: Counter[str] = Counter()
    for text, n in s.exec(
        select(SearchResult.reasons, sa.func.count()).where(excluded_q).group_by(SearchResult.reasons)
    ).all():
        for code in {c for c, _w, _p in parse_reasons(text)}:
            counts[_rule_title(code)] += n
    listed_all = excluded_total <= FULL_EXCLUSION_LIST_UPTO
    lines: list[ExcludedLine] = []
    seen: set[int] = set()
    base = (
        select(SearchResult, Household).join(Household, Household.id == SearchResult.household_id).where(excluded_q)
    )
    if contacted_ids:
        for r, h in s.exec(base.where(SearchResult.household_id.in_(list(contacted_ids))).order_by(Household.reference)).all():
            seen.add(h.id)
            lines.append(ExcludedLine(h.reference, h.name, tuple(w for _c, w, _p in parse_reasons(r.reasons)), True))
    if listed_all:
        rows = s.exec(base.order_by(Household.reference)).all()
    else:
        # The nearest misses: ruled out by one rule only (no comma in a one-rule JSON list is not reliable,
        # so read a bounded page and keep those with a single reason).
        rows = s.exec(base.order_by(sa.func.length(SearchResult.reasons), Household.reference).limit(excluded_limit * 4)).all()
    for r, h in rows:
        if h.id in seen:
            continue
        reasons = tuple(w for _c, w, _p in parse_reasons(r.reasons))
        if not listed_all and (len(reasons) != 1 or len(lines) >= excluded_limit + len(contacted_ids)):
            continue
        lines.append(ExcludedLine(h.reference, h.name, reasons, False))
    try:
        criteria: dict[str, Any] | str = json.loads(search.criteria)
    except (TypeError, ValueError):
        criteria = search.criteria
    return SearchRecord(
        id=search.id, run_at=search.run_at, run_by=run_by, criteria=criteria, ranked_total=ranked_total,
        excluded_total=excluded_total, ranked=ranked,
        exclusion_counts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        excluded=tuple(lines), excluded_listed_all=listed_all,
    )


def build_record(desk: Desk, request_id: int | str) -> DecisionRecord:
    with desk.db.read() as s:
        req = find_request(s, request_id)
        detail = load_detail(s, req, contacts_limit=1000)
        contacted = frozenset(
            s.exec(select(Candidate.household_id).where(Candidate.request_id == req.id)).all()
        )
        searches = tuple(
            summarise_search(s, x, run_by=line.run_by, contacted_ids=contacted)
            for x, line in zip(
                s.exec(select(Search).where(Search.request_id == req.id).order_by(Search.id)).all(),
                detail.searches, strict=True,
            )
        )
    return DecisionRecord(detail=detail, searches=searches, timeline=timeline(detail), made_at=clock.now(),
                          made_by=desk.actor.full_name)


def timeline(d: RequestDetail) -> tuple[TimelineLine, ...]:
    items: list[TimelineLine] = []
    for t in d.transitions:
        frm = transitions.LABELS[t.from_state] if t.from_state else "new"
        items.append(TimelineLine(t.at, t.by, f"{frm} -> {transitions.LABELS[t.to_state]}" + (f": {t.note}" if t.note else "")))
    for c in d.candidates:
        for k in c.contacts:
            items.append(TimelineLine(k.at, k.by, f"contact {c.household_name}: {k.outcome.value.replace('_', ' ')}"
                                      + (f" ({k.note})" if k.note else "")))
    for dv in d.decisions:
        items.append(TimelineLine(dv.proposed_at, dv.proposed_by, f"decision {dv.id} proposed: {dv.kind.value}"))
        if dv.signed_off_at:
            items.append(TimelineLine(dv.signed_off_at, dv.signed_off_by, f"decision {dv.id} signed off"
                                      + (" retrospectively" if dv.retrospective else "")))
        if dv.returned_at:
            items.append(TimelineLine(dv.returned_at, dv.returned_by, f"decision {dv.id} returned: {dv.returned_comment}"))
        for who, at, text in dv.addenda:
            items.append(TimelineLine(at, who, f"addendum to decision {dv.id}: {text}"))
    return tuple(sorted(items, key=lambda x: x.at))


# --------------------------------------------------------------------------- rendering

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
    w(f"- State: {md(transitions.LABELS[d.state])}")
    w(f"- Urgency: {md(d.urgency.value)}; placement type: {md(d.placement_type)}")
    w(f"- Needed from {md(_day(d.needed_from))}" + (f" until {md(_day(d.needed_until))}" if d.needed_until else ""))
    w(f"- Team: {md(d.team)}; worker: {md(d.worker)}")
    w(f"- Logged: {md(_when(d.created_at))}")
    if d.unmet_needs:
        w(f"- Unmet need: {md(', '.join(d.unmet_needs))}; done instead: {md(d.unmet_resolution or '')}")
    if d.closed_reason:
        w(f"- Closing note: {md(d.closed_reason)}")
    w("")
    w("### Children")
    w("")
    for c in d.children:
        age = f"{c.age}" if c.age is not None else "age unknown"
        w(f"- {md(c.name)} ({md(c.case_reference)}), {md(age)}, {md(c.gender)}")
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
        w(f"- {md(c.household_name)} ({md(c.household_reference)}): {md(c.status.value.replace('_', ' '))}"
          + (f", {md(c.status_reason)}" if c.status_reason else ""))
        for k in c.contacts:
            w(f"  - {md(_when(k.at))} {md(k.by)}: {md(k.outcome.value.replace('_', ' '))}"
              + (f", {md(k.note)}" if k.note else ""))
    w("")
    w("## Decisions")
    w("")
    if not d.decisions:
        w("No decision yet.")
    for dv in d.decisions:
        w(f"### Decision {dv.id}: {md(dv.kind.value.replace('_', ' '))}"
          + (f" with {md(dv.household_name)}" if dv.household_name else ""))
        w("")
        w(f"- Status: {md(dv.status.value.replace('_', ' '))}")
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
    rows = [["State", transitions.LABELS[d.state]], ["Urgency", d.urgency.value],
            ["Placement type", d.placement_type],
            ["Needed", _day(d.needed_from) + (f" to {_day(d.needed_until)}" if d.needed_until else "")],
            ["Team", d.team], ["Worker", d.worker], ["Logged", _when(d.created_at)]]
    if d.unmet_needs:
        rows.append(["Unmet need", ", ".join(d.unmet_needs)])
        rows.append(["Done instead", d.unmet_resolution or ""])
    if d.closed_reason:
        rows.append(["Closing note", d.closed_reason])
    table(["", ""], rows)
    w("<h3>Children</h3>")
    table(["name", "reference", "age", "gender"],
          [[c.name, c.case_reference, "" if c.age is None else str(c.age), c.gender] for c in d.children])
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
            rows.append([c.household_name, c.status.value.replace("_", " "), "", "", c.status_reason])
        for k in c.contacts:
            rows.append([c.household_name, k.outcome.value.replace("_", " "), _when(k.at), k.by, k.note])
    if rows:
        table(["household", "outcome", "when", "by", "note"], rows)
    else:
        para("No carer was contacted.")
    w("<h2>Decisions</h2>")
    if not d.decisions:
        para("No decision yet.")
    for dv in d.decisions:
        w(f"<h3>Decision {dv.id}: {e(dv.kind.value.replace('_', ' '))}"
          + (f" with {e(dv.household_name)}" if dv.household_name else "") + "</h3>")
        rows = [["Status", dv.status.value.replace("_", " ")], ["Proposed", f"{_when(dv.proposed_at)} by {dv.proposed_by}"]]
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
