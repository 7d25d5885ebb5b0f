"""A report as text for a terminal, CSV for a spreadsheet, JSON, Markdown or HTML.

Every format reads the same ``ReportView``. Typed text (team, worker and
household names) is escaped for Markdown and HTML; the CSV keeps every figure a
plain number (shares as percentages, the unit in the heading) so a spreadsheet
reads numbers, not text, and a text cell that a spreadsheet would run as a
formula is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as _html
import io
import json
from typing import Any

from dutydesk import clock
from dutydesk.reports.shapes import (
    COUNT,
    DATE,
    DAYS,
    HOURS,
    MIXED,
    SHARE,
    TEXT,
    Cell,
    Column,
    ReportView,
    Table,
)
from dutydesk.requests.record_export import md

FORMATS = ("table", "csv", "json", "md", "html")
UNITS = {SHARE: "%", HOURS: "hours", DAYS: "days", COUNT: "count", DATE: "date", TEXT: ""}


def kind_of(col: Column, cell: Cell) -> str:
    return cell.kind or (COUNT if col.kind == MIXED else col.kind)


def shown(col: Column, cell: Cell, *, counts: bool = False) -> str:
    """A cell as a person reads it: 67%, 26.0 h, 12; empty when there is nothing to show."""
    v = cell.value
    kind = kind_of(col, cell)
    if v is None:
        return "" if kind == TEXT else "-"
    if kind == SHARE:
        text = f"{v * 100:.0f}%"
        if counts and cell.share is not None:
            text += f" ({cell.share.met} of {cell.share.of})"
        return text
    if kind == HOURS:
        return f"{v:.1f} h"
    if kind == DATE and isinstance(v, dt.date):
        return v.strftime("%d %b %Y")
    if isinstance(v, float) and kind in (COUNT, DAYS):
        return f"{v:g}"
    return str(v)


def number(col: Column, cell: Cell) -> Any:
    """A cell for a spreadsheet: a plain number where it is a figure."""
    v = cell.value
    kind = kind_of(col, cell)
    if v is None:
        return ""
    if kind == SHARE:
        return round(v * 100, 1)
    if kind == HOURS:
        return round(v, 1)
    if kind == DATE and isinstance(v, dt.date):
        return v.isoformat()
    if kind == TEXT:
        text = str(v)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
    return v


def _made(view: ReportView) -> str:
    return f"Made {clock.fmt_local(view.made_at, '%d %b %Y %H:%M')} by {view.made_by}"


# --------------------------------------------------------------------------- terminal


def text_table(table: Table) -> list[str]:
    heads = [c.heading for c in table.columns]
    body = [[shown(c, cell) for c, cell in zip(table.columns, row)] for row in table.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(heads)]
    right = [c.kind != TEXT for c in table.columns]

    def line(cells: list[str]) -> str:
        return "  ".join(x.rjust(w) if r else x.ljust(w) for x, w, r in zip(cells, widths, right)).rstrip()

    out = [table.title, line(heads), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in body] or ["(nothing in this period)"]
    if table.note:
        out.append(table.note)
    return out


def text(view: ReportView) -> str:
    out = [f"{view.title}: {view.team_label}, {view.period_label}", _made(view), ""]
    out += list(view.intro) + [""]
    for t in view.tables:
        out += text_table(t) + [""]
    out += [f"* {n}" for n in view.notes]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- CSV and JSON


def csv_text(view: ReportView) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([view.title, view.team_label, view.params.start.isoformat(), view.params.end.isoformat()])
    for t in view.tables:
        w.writerow([])
        w.writerow([t.title])
        mixed = any(c.kind == MIXED for c in t.columns)
        heads = []
        for c in t.columns:
            unit = UNITS.get(c.kind, "")
            heads.append(c.title + (f" ({unit})" if unit and unit not in ("count", "") and unit not in c.title else ""))
        if mixed:
            heads.insert(1, "Unit")
        w.writerow(heads)
        for row in t.rows:
            cells = [number(c, cell) for c, cell in zip(t.columns, row)]
            if mixed:
                kinds = [kind_of(c, cell) for c, cell in zip(t.columns, row) if c.kind == MIXED]
                cells.insert(1, UNITS.get(kinds[0], "") if kinds else "")
            w.writerow(cells)
    return buf.getvalue()


def _json_cell(col: Column, cell: Cell) -> Any:
    if kind_of(col, cell) == SHARE and cell.share is not None:
        return {"share": None if cell.value is None else round(cell.value, 4), "met": cell.share.met,
                "of": cell.share.of}
    v = cell.value
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return round(v, 2)
    return v


def json_text(view: ReportView) -> str:
    data = {
        "report": view.params.kind, "title": view.title, "from": view.params.start.isoformat(),
        "to": view.params.end.isoformat(), "team": view.params.team, "made_at": view.made_at.isoformat(),
        "made_by": view.made_by, "intro": list(view.intro), "notes": list(view.notes),
        "tables": [{
            "key": t.key, "title": t.title,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in t.columns],
            "rows": [{c.key: _json_cell(c, cell) for c, cell in zip(t.columns, row)} for row in t.rows],
        } for t in view.tables],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- Markdown and HTML


def markdown(view: ReportView) -> str:
    out = [f"# {md(view.title)}", "", f"{md(view.team_label)}, {md(view.period_label)}. {md(_made(view))}.", ""]
    for para in view.intro:
        out += [md(para), ""]
    for t in view.tables:
        out += [f"## {md(t.title)}", ""]
        if not t.rows:
            out += ["Nothing in this period.", ""]
            continue
        out.append("| " + " | ".join(md(c.title) for c in t.columns) + " |")
        out.append("| " + " | ".join("---" if c.kind == TEXT else "---:" for c in t.columns) + " |")
        for row in t.rows:
            out.append("| " + " | ".join(md(shown(c, cell, counts=True)) for c, cell in zip(t.columns, row)) + " |")
        out.append("")
        if t.note:
            out += [md(t.note), ""]
    if view.notes:
        out += ["## How the figures are counted", ""] + [f"- {md(n)}" for n in view.notes] + [""]
    return "\n".join(out)


def html(view: ReportView) -> str:
    e = _html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(view.title)}</title>",
           "<style>body{font-family:sans-serif;max-width:70em;margin:1em auto}table{border-collapse:collapse;"
           "margin-bottom:1em}td,th{border:1px solid #999;padding:2px 6px;text-align:left}"
           "td.n{text-align:right}</style></head><body>",
           f"<h1>{e(view.title)}</h1>", f"<p>{e(view.team_label)}, {e(view.period_label)}. {e(_made(view))}.</p>"]
    out += [f"<p>{e(p)}</p>" for p in view.intro]
    for t in view.tables:
        out.append(f"<h2>{e(t.title)}</h2>")
        if not t.rows:
            out.append("<p>Nothing in this period.</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{e(c.title)}</th>" for c in t.columns) + "</tr></thead><tbody>")
        numeric = ' class="n"'
        for row in t.rows:
            out.append("<tr>" + "".join(
                f"<td{numeric if c.kind != TEXT else ''}>{e(shown(c, cell, counts=True))}</td>"
                for c, cell in zip(t.columns, row)) + "</tr>")
        out.append("</tbody></table>")
        if t.note:
            out.append(f"<p>{e(t.note)}</p>")
    if view.notes:
        out.append("<h2>How the figures are counted</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in view.notes)
                   + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(view: ReportView, fmt: str) -> str:
    return {"table": text, "csv": csv_text, "json": json_text, "md": markdown, "html": html}[fmt](view)
