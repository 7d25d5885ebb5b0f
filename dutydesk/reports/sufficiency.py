"""The sufficiency report: which placement needs the county's own carers could not meet (Kent review 2.3).

Written to be handed to the recruitment team and to staff as it is: no child or
carer is named in its tables, only the needs (age band, sibling group size,
disability, parent and child, unaccompanied asylum-seeking children, teenagers,
remand, where), how often each went unmet (closed unmet, or placed with an
independent agency), the trend by month, why in-house carers could not take
them (from the saved searches), and what the in-house register offers against
each need (approved households, places, free places today).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from db.models import Household
from db.enums import PlacementType
from dutydesk import clock, labels
from dutydesk.access.desk import Desk
from dutydesk.matching import capacity
from dutydesk.reports import reasons as RW
from dutydesk.reports import sufficiency_facts as SF
from dutydesk.reports.period import Period, month_label, month_of
from dutydesk.reports.scope import TeamRef, all_teams, report_team
from dutydesk.reports.shapes import (
    COUNT,
    Cell,
    Chart,
    Column,
    Drill,
    DrillResult,
    DrillRow,
    Params,
    ReportView,
    Table,
)

KIND = "sufficiency"
Progress = Callable[[str, int, int], None]

LABELS: dict[str, tuple[str, str]] = {  # key: (group, label)
    "age:0-4": ("Age", "Aged 0 to 4"),
    "age:5-10": ("Age", "Aged 5 to 10"),
    "age:11-15": ("Age", "Aged 11 to 15"),
    "age:16-17": ("Age", "Aged 16 or 17"),
    "age:unknown": ("Age", "Age not recorded"),
    "siblings:2": ("Sibling group", "Two brothers or sisters together"),
    "siblings:3": ("Sibling group", "Three together"),
    "siblings:4+": ("Sibling group", "Four or more together"),
    "disability": ("Needs", "Disability"),
    "parent_and_child": ("Needs", "Parent and child"),
    "uasc": ("Needs", "Unaccompanied asylum-seeking children"),
    "teenagers": ("Needs", "Teenagers (13 and over)"),
    "remand": ("Needs", "Remand"),
}
TREND = ("siblings", "teenagers", "disability", "parent_and_child", "uasc", "remand")
TREND_WORDS = {"siblings": "Sibling groups", "teenagers": "Teenagers", "disability": "Disability",
               "parent_and_child": "Parent and child", "uasc": "UASC", "remand": "Remand"}


def label(key: str) -> tuple[str, str]:
    if key.startswith("place:"):
        return "Where", key.removeprefix("place:")
    return LABELS.get(key, ("Other", key))


@dataclass(frozen=True)
class CategoryLine:
    key: str
    group: str
    label: str
    unmet: int
    ifa: int
    households: int | None  # approved in-house households whose terms cover it
    places: int | None
    free: int | None

    @property
    def total(self) -> int:
        return self.unmet + self.ifa


@dataclass(frozen=True)
class ReasonLine:
    key: str  # "rule:<code>", "eligible" or "nosearch"
    label: str
    requests: int
    alone: int | None  # in-house households this rule alone ruled out, over those requests
    ruled_out: int | None


@dataclass(frozen=True)
class MonthLine:
    month: dt.date
    unmet: int
    ifa: int
    by_trend: dict[str, int]


@dataclass(frozen=True)
class SufficiencyReport:
    period: Period
    team: TeamRef | None
    unmet: int
    ifa: int
    children: int
    categories: tuple[CategoryLine, ...]
    reasons: tuple[ReasonLine, ...]
    months: tuple[MonthLine, ...]
    register: tuple[int, int, int]  # households, places, free places
    made_at: dt.datetime
    made_by: str

    def category(self, key: str) -> CategoryLine:
        return next(c for c in self.categories if c.key == key)

    def reason(self, key: str) -> ReasonLine:
        return next(r for r in self.reasons if r.key == key)


def _reason_label(key: str) -> str:
    if key == "eligible":
        return "In-house carers were eligible but were not placed with (declined, no answer, or another choice)"
    if key == "nosearch":
        return "No saved search on file"
    if key == "none":
        return "No in-house household in the saved search"
    return RW.rule_words(key.removeprefix("rule:")).capitalize()


def build(desk: Desk, period: Period, team: str | int | None = None, *,
          progress: Progress | None = None) -> SufficiencyReport:
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, team)
        tid = chosen.id if chosen else None
        if progress:
            progress("Reading the unmet needs", 0, 3)
        needs = SF.load_needs(s, period, tid)
        if progress:
            progress("Reading the in-house register", 1, 3)
        # The register is the county's, whichever team's needs are shown.
        today = clock.today()
        reg, districts = SF.register_totals(s.connection().execute(SF.register_select(None, today)).mappings().all())
    cats = {f.request_id: f.categories() for f in needs}
    unmet = Counter(c for f in needs if f.source == "unmet" for c in cats[f.request_id])
    ifa = Counter(c for f in needs if f.source == "ifa" for c in cats[f.request_id])
    lines = []
    for key in LABELS:
        if key == "age:unknown" and not (unmet[key] or ifa[key]):
            continue
        group, words = LABELS[key]
        has_terms = key in SF.register_conditions()
        lines.append(CategoryLine(key, group, words, unmet[key], ifa[key],
                                  int(reg[SF.column_name("h", key)] or 0) if has_terms else None,
                                  int(reg[SF.column_name("p", key)] or 0) if has_terms else None,
                                  int(reg[SF.column_name("f", key)] or 0) if has_terms else None))
    places = sorted({c for c in set(unmet) | set(ifa) if c.startswith("place:")},
                    key=lambda c: (-(unmet[c] + ifa[c]), c))
    for key in places:
        h, p, f = districts.get(key.removeprefix("place:"), (0, 0, 0))
        lines.append(CategoryLine(key, "Where", key.removeprefix("place:"), unmet[key], ifa[key],
                                  int(h or 0), int(p or 0), int(f or 0)))
    reasons = _reasons(needs)
    per_month: dict[dt.date, list[SF.NeedFact]] = defaultdict(list)
    for f in needs:
        per_month[month_of(f.at)].append(f)
    months = []
    for m in period.months():
        fs = per_month.get(m, [])
        trend = {t: sum(1 for f in fs if any(c == t or c.startswith(t + ":") for c in cats[f.request_id]))
                 for t in TREND}
        months.append(MonthLine(m, sum(1 for f in fs if f.source == "unmet"),
                                sum(1 for f in fs if f.source == "ifa"), trend))
    if progress:
        progress("Done", 3, 3)
    return SufficiencyReport(
        period, chosen, sum(1 for f in needs if f.source == "unmet"), sum(1 for f in needs if f.source == "ifa"),
        sum(f.children for f in needs), tuple(lines), reasons, tuple(months),
        (int(reg["h_all"] or 0), int(reg["p_all"] or 0), int(reg["f_all"] or 0)), clock.now(), desk.actor.full_name)


def main_reason(f: SF.NeedFact) -> str:
    if f.search_id is None:
        return "nosearch"
    return f.in_house.main if f.in_house is not None else "none"


def _reasons(needs: list[SF.NeedFact]) -> tuple[ReasonLine, ...]:
    groups: dict[str, list[SF.NeedFact]] = defaultdict(list)
    for f in needs:
        groups[main_reason(f)].append(f)
    out = []
    for key, fs in groups.items():
        if key.startswith("rule:"):
            code = key.removeprefix("rule:")
            out.append(ReasonLine(key, _reason_label(key), len(fs), sum(f.in_house.alone[code] for f in fs),
                                  sum(f.in_house.by_rule[code] for f in fs)))
        else:
            out.append(ReasonLine(key, _reason_label(key), len(fs), None, None))
    return tuple(sorted(out, key=lambda r: (-r.requests, r.key)))


# --------------------------------------------------------------------------- the view


def view(report: SufficiencyReport, params: Params) -> ReportView:
    def need(key: str, fig: str) -> Drill:
        return Drill(KIND, fig, key=key)

    cat_rows = tuple(
        (Cell(c.group), Cell(c.label),
         Cell(c.unmet, need(c.key, "unmet") if c.unmet else None), Cell(c.ifa, need(c.key, "ifa") if c.ifa else None),
         Cell(c.total, need(c.key, "total") if c.total else None),
         Cell(c.households, need(c.key, "households") if c.households else None), Cell(c.places),
         Cell(c.free, need(c.key, "free") if c.free else None))
        for c in report.categories)
    categories = Table("needs", "Unmet needs by category, and what the in-house register offers", (
        Column("group", "Group"), Column("need", "Need"),
        Column("unmet", "Closed unmet", COUNT, "Unmet"), Column("ifa", "Placed with an IFA", COUNT, "IFA"),
        Column("total", "Not met in-house", COUNT, "Total"),
        Column("households", "In-house households approved for it", COUNT, "Homes"),
        Column("places", "Their places", COUNT, "Places"), Column("free", "Free today", COUNT, "Free"),
    ), cat_rows, note="A request may fall in several categories (a disabled teenager counts under both).")
    reasons = Table("reasons", "Why in-house carers could not take them", (
        Column("reason", "Reason"), Column("requests", "Requests", COUNT),
        Column("alone", "In-house households ruled out by this alone", COUNT, "Alone"),
        Column("ruled_out", "In-house households ruled out by it", COUNT, "In all"),
    ), tuple((Cell(r.label), Cell(r.requests, Drill(KIND, "reason", key=r.key)), Cell(r.alone), Cell(r.ruled_out))
             for r in report.reasons),
        note="From each request's latest saved search: the rule that, alone, ruled out the most in-house "
             "households (the nearest misses), or failing that the rule that ruled out the most.")
    trend_cols = tuple(Column(t, TREND_WORDS[t], COUNT) for t in TREND)
    months = Table("months", "By month", (
        Column("month", "Month"), Column("unmet", "Closed unmet", COUNT, "Unmet"),
        Column("ifa", "Placed with an IFA", COUNT, "IFA"), Column("total", "Total", COUNT)) + trend_cols,
        tuple((Cell(month_label(m.month)),
               Cell(m.unmet, Drill(KIND, "unmet", month=m.month) if m.unmet else None),
               Cell(m.ifa, Drill(KIND, "ifa", month=m.month) if m.ifa else None),
               Cell(m.unmet + m.ifa, Drill(KIND, "total", month=m.month) if m.unmet + m.ifa else None))
              + tuple(Cell(m.by_trend[t]) for t in TREND) for m in report.months))
    charts = {"months": Chart("Needs not met in-house, by month", tuple(m.month.strftime("%b") for m in report.months),
                              tuple(float(m.unmet + m.ifa) for m in report.months))}
    for t in TREND:
        charts[t] = Chart(f"{TREND_WORDS[t]} not met in-house, by month",
                          tuple(m.month.strftime("%b") for m in report.months),
                          tuple(float(m.by_trend[t]) for m in report.months))
    team_label = report.team.name if report.team else "All teams"
    total = report.unmet + report.ifa
    worst = sorted((c for c in report.categories if c.group != "Where" and c.total), key=lambda c: (-c.total, c.key))[:3]
    h, p, f = report.register
    intro = [
        f"From {report.period.label}, the county's own foster carers could not meet {total} placement "
        f"need{'s' if total != 1 else ''} ({report.children} child{'ren' if report.children != 1 else ''}): "
        f"{report.unmet} closed unmet and {report.ifa} placed with an independent fostering agency.",
    ]
    if worst:
        intro.append("The needs most often not met in-house: "
                     + "; ".join(f"{c.label.lower()} ({c.total})" for c in worst) + ".")
    intro.append(f"Today the in-house register holds {h} approved household{'s' if h != 1 else ''} "
                 f"with {p} place{'s' if p != 1 else ''}, {f} of them free.")
    notes = ("A need counts in the month its request was closed unmet, or placed with an agency.",
             "Categories come from the request: the children's ages on the day they were needed, how many "
             "were to live together, the needs and placement type asked for, and where (the child's school "
             "or home). No child or carer is named in this report.",
             "What the register offers counts the county's approved in-house households whose terms of approval "
             "cover the need, whether or not they have a place free; 'free today' is their empty places now.")
    return ReportView(params, "Sufficiency: needs the in-house register could not meet", report.period.label,
                      team_label, report.made_at, report.made_by, tuple(intro), (categories, reasons, months),
                      charts, notes)


# --------------------------------------------------------------------------- drill-down


def _describe(f: SF.NeedFact) -> str:
    what = "closed unmet" if f.source == "unmet" else "placed with an IFA"
    ages = sorted(a for a in f.ages if a is not None)
    kids = (f"{f.children} children aged {ages[0]}-{ages[-1]}" if f.children > 1 and ages
            else f"aged {ages[0]}" if ages else "age not recorded")
    return f"{what} {clock.fmt_local(f.at, '%d %b')}: {labels.label(f.placement_type, PlacementType)}, {kids}" + (
        f"; {f.district}" if f.district else "")


def drill(desk: Desk, params: Params, d: Drill, *, limit: int = 200) -> DrillResult:
    period = Period(params.start, params.end)
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, params.team)
        tid = chosen.id if chosen else None
        codes = {t.id: t.code for t in all_teams(s)}
        if d.figure in ("households", "free"):
            return _households(s, d, None, codes, limit)
        needs = SF.load_needs(s, period, tid)
    rows = []
    for f in needs:
        if d.month is not None and month_of(f.at) != d.month:
            continue
        if d.figure in ("unmet", "ifa") and f.source != d.figure:
            continue
        if d.figure == "reason":
            if main_reason(f) != d.key:
                continue
        elif d.key and d.key not in f.categories():
            continue
        rows.append(DrillRow("request", f.request_id, f.reference, f.at, codes.get(f.team_id, ""), _describe(f)))
    where = label(d.key)[1] if d.key and d.figure != "reason" else _reason_label(d.key) if d.key else ""
    title = {"unmet": "Closed unmet", "ifa": "Placed with an IFA", "total": "Not met in-house",
             "reason": "Requests"}.get(d.figure, d.figure)
    if d.month:
        where = (where + ", " if where else "") + month_label(d.month)
    return DrillResult(f"{title}: {where}" if where else title, tuple(rows[:limit]), len(rows))


def _households(s, d: Drill, team_id: int | None, codes: dict[int, str], limit: int) -> DrillResult:
    H = Household.__table__
    where = SF.in_house_approved(team_id)
    if d.key.startswith("place:"):
        from db.models import Place

        where.append(H.c.place_id.in_(sa.select(Place.id).where(Place.district == d.key.removeprefix("place:"))))
    else:
        where.append(SF.register_conditions()[d.key])
    today = clock.today()
    if d.figure == "free":
        where.append(capacity.vacancy_sql(H, today))
    total = s.execute(sa.select(sa.func.count()).select_from(H).where(*where)).scalar() or 0
    rows = [
        DrillRow("household", hid, ref, vacant, codes.get(team, "") if team else "",
                 f"ages {lo}-{hi}, {places} place{'s' if places != 1 else ''}, {free} free")
        for hid, ref, vacant, team, lo, hi, places, free in s.execute(
            sa.select(H.c.id, H.c.reference, H.c.vacant_since, H.c.team_id, H.c.age_min, H.c.age_max, H.c.places,
                      capacity.free_places_now_sql(H, today)).where(*where).order_by(H.c.reference).limit(limit))
    ]
    what = "In-house households with a free place" if d.figure == "free" else "In-house households approved"
    return DrillResult(f"{what}: {label(d.key)[1]}", tuple(rows), total)
