"""An allegation's record written out for the file: Markdown, or HTML to print.

One list of sections feeds both formats, so they never disagree; every piece of
typed text is escaped (``[bold]X`` and ``<script>`` come out as typed).
"""

from __future__ import annotations

import datetime as dt
import html

from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.allegations.views import AllegationView, get_allegation
from dutydesk.errors import InvalidInput
from dutydesk.requests.record_export import md, md_block

FORMATS = ("md", "html")


def _when(value: dt.datetime | None) -> str:
    return clock.fmt_local(value, "%d %b %Y %H:%M") if value else ""


def _day(value: dt.date | None) -> str:
    return value.strftime("%a %d %b %Y") if value else ""


def sections(a: AllegationView) -> list[tuple[str, list[tuple[str, str]] | list[list[str]], list[str] | None]]:
    """(heading, rows, table header or None for label/value pairs)."""
    facts = [
        ("Household", f"{a.household_name} ({a.household_reference})"),
        ("Category", a.category_words), ("Status", str(a.status.value)),
        ("Raised", f"{_when(a.raised_at)} by {a.raised_by}"), ("Said by", a.said_by),
        ("What was said", a.summary), ("Who has been told", ", ".join(a.told) or "nobody recorded"),
        ("Days open", str(a.days_open)),
    ]
    hold = [("On hold for new placements", "yes" if a.on_hold else "no")]
    if a.hold_lifted_at:
        hold += [("Hold lifted", f"{_when(a.hold_lifted_at)} by {a.hold_lifted_by}"), ("Decision", a.hold_decision)]
    children = [[c.name, c.case_reference, "yes" if c.concerned else "", c.safety, c.reason] for c in a.children]
    steps = [[st.title, _day(st.due_on), _when(st.done_at), st.done_by, st.state, st.note, st.delay_reason]
             for st in a.steps]
    support = [("Carers told", _when(a.carers_told_at) or "not recorded"),
               ("Independent support", a.carers_support or "not recorded")]
    out: list = [("Allegation", facts, None), ("The hold", hold, None),
                 ("Children", children, ["child", "case reference", "concerned", "safety decision", "reason"]),
                 ("Timeline", steps, ["step", "due", "done", "by", "state", "note", "reason for delay"]),
                 ("The carers", support, None)]
    if a.outcome:
        review = f"needed by {_day(a.approval_review_on)}" if a.approval_review_needed else "not needed"
        out.append(("Outcome", [("Outcome", a.outcome), ("Date", _day(a.outcome_on)),
                                ("Rationale", a.outcome_rationale), ("Review of approval", review),
                                ("Closed", f"{_when(a.closed_at)} by {a.closed_by}")], None))
    out.append(("Record", [[_when(e.at), e.by, e.title, e.text] for e in a.events], ["when", "by", "what", "text"]))
    return out


def render_markdown(a: AllegationView) -> str:
    lines = [f"# Allegation {md(a.reference)}", ""]
    for heading, rows, header in sections(a):
        lines += [f"## {heading}", ""]
        if header is None:
            lines += [f"- **{k}:** {md_block(v)}" for k, v in rows]
        elif not rows:
            lines.append("None recorded.")
        else:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + " --- |" * len(header))
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
        lines.append("")
    lines.append(f"Written {_when(clock.now())}.")
    return "\n".join(lines) + "\n"


def render_html(a: AllegationView) -> str:
    e = html.escape
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Allegation {e(a.reference)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em}td,th{border:1px solid #999;padding:2px 6px;"
             "vertical-align:top}table{border-collapse:collapse}</style></head><body>",
             f"<h1>Allegation {e(a.reference)}</h1>"]
    for heading, rows, header in sections(a):
        parts.append(f"<h2>{e(heading)}</h2>")
        if header is None:
            parts.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>")
        elif not rows:
            parts.append("<p>None recorded.</p>")
        else:
            parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>"
                         + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
                         + "</table>")
    parts.append(f"<p>Written {e(_when(clock.now()))}.</p></body></html>")
    return "\n".join(parts) + "\n"


def export(desk: Desk, reference: str, fmt: str = "md") -> str:
    fmt = (fmt or "md").lower()
    if fmt not in FORMATS:
        raise InvalidInput("Choose the format md or html.")
    a = get_allegation(desk, reference)
    return render_markdown(a) if fmt == "md" else render_html(a)
