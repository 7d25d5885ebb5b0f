"""The vacancies report: every in-house household with a free place, and why no child came.

For each approved in-house household with a place free: how long the place has
stood empty, how many requests it was considered for in the period and what
decided each (``vacancies_facts``), grouped by the reason that decided most of
them. Kent's Thanet carers and Herefordshire's committee asked exactly this.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from db.models import Household, Place
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.matching import capacity
from dutydesk.matching.factors import FACTOR_TITLES
from dutydesk.matching.rules import rule_title
from dutydesk.reports import reasons as RW
from dutydesk.reports import vacancies_facts as VF
from dutydesk.reports.period import Period, quantile
from dutydesk.reports.scope import TeamRef, all_teams, report_team
from dutydesk.reports.shapes import (
    COUNT,
    DAYS,
    TEXT,
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

KIND = "vacancies"
LIST_LIMIT = 500
Progress = Callable[[str, int, int], None]
H = Household.__table__

OUTCOME_WORDS = {
    "declined": ("The carers declined when rung", "declined"),
    "no_answer": ("No answer when the carers were rung", "no answer"),
    "worker": ("Ruled out by the duty worker", "worker ruled out"),
    "top": ("Ranked first, yet the child went elsewhere", "ranked first"),
    "loose": ("Shortlisted or rung; another household chosen", "shortlisted"),
    "chosen": ("Chosen for a request (a place is still free)", "chosen"),
    "none": ("Not considered for any request in the period", "not considered"),
}


def reason_words(key: str) -> tuple[str, str]:
    """(words for a report, a short label for a chart) for a decisive-reason key."""
    if key.startswith("rule:"):
        code = key.removeprefix("rule:")
        return "Ruled out: " + RW.rule_words(code), rule_title(code)
    if key.startswith("factor:"):
        code = key.removeprefix("factor:")
        if code == "score":
            return "Ranked lower on the overall score", "lower: score"
        return "Ranked lower: the household first " + RW.factor_words(code), "lower: " + FACTOR_TITLES.get(code, code)
    return OUTCOME_WORDS.get(key, (key, key))


@dataclass(frozen=True)
class HouseholdLine:
    id: int
    reference: str
    name: str
    district: str
    team: str
    free: int
    days_empty: int | None
    counts: VF.Counts
    decisive: str


@dataclass(frozen=True)
class ReasonGroup:
    key: str
    label: str
    households: int
    free: int
    median_days: float | None
    longest_days: int | None


@dataclass(frozen=True)
class VacanciesReport:
    period: Period
    team: TeamRef | None
    households: int
    free: int
    groups: tuple[ReasonGroup, ...]
    lines: tuple[HouseholdLine, ...]  # the longest empty first, at most LIST_LIMIT
    made_at: dt.datetime
    made_by: str

    def group(self, key: str) -> ReasonGroup:
        return next(g for g in self.groups if g.key == key)

    def line(self, reference: str) -> HouseholdLine:
        return next(x for x in self.lines if x.reference == reference)


def vacant_households(s, team_id: int | None, today: dt.date) -> list[tuple]:
    codes = {t.id: t.code for t in all_teams(s)}
    rows = s.connection().execute(  # Core rows: 17,000 of them, no ORM result machinery needed
        sa.select(H.c.id, H.c.reference, H.c.name, Place.district, H.c.team_id,
                  capacity.free_places_now_sql(H, today), H.c.vacant_since)
        .outerjoin(Place, Place.id == H.c.place_id).where(*VF.vacant_where(team_id, today))
    ).all()
    return [(hid, ref, name, district or "", codes.get(team, "") if team else "", int(free),
             (today - since).days if since else None) for hid, ref, name, district, team, free, since in rows]


def _sort_key(line: HouseholdLine) -> tuple:
    return (line.days_empty is None, -(line.days_empty or 0), line.reference)


def build(desk: Desk, period: Period, team: str | int | None = None, *,
          progress: Progress | None = None) -> VacanciesReport:
    today = clock.today()
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, team)
        tid = chosen.id if chosen else None
        if progress:
            progress("Finding the empty places", 0, 3)
        homes = vacant_households(s, tid, today)
        if progress:
            progress("Reading the saved searches", 1, 3)
        counts = VF.household_counts(s, period, tid, today)
    # 17,000 households: grouped as plain tuples; only the LIST_LIMIT listed become HouseholdLines.
    none = VF.Counts()
    decided = []
    by_reason: dict[str, list[tuple]] = defaultdict(list)
    for home in homes:
        c = counts.get(home[0], none)
        key = c.decisive()
        decided.append((home, c, key))
        by_reason[key].append(home)
    groups = []
    for key, hs in by_reason.items():
        days = [h[6] for h in hs if h[6] is not None]
        groups.append(ReasonGroup(key, reason_words(key)[0], len(hs), sum(h[5] for h in hs),
                                  quantile(days, 0.5), max(days) if days else None))
    groups.sort(key=lambda g: (-g.households, g.key))
    listed = heapq.nsmallest(LIST_LIMIT, decided, key=lambda d: _home_key(d[0]))  # sorted()[:n], without sorting 17,000
    lines = [HouseholdLine(*home, c if c is not none else VF.Counts(), key) for home, c, key in listed]
    if progress:
        progress("Done", 3, 3)
    return VacanciesReport(period, chosen, len(decided), sum(h[5] for h in homes), tuple(groups),
                           tuple(lines), clock.now(), desk.actor.full_name)


def _home_key(home: tuple) -> tuple:
    """``_sort_key`` over a row of ``vacant_households``: the longest empty first."""
    days = home[6]
    return (days is None, -(days or 0), home[1])


def _summary(c: VF.Counts) -> str:
    if not c.considered:
        return ""
    parts = []
    if c.ruled_out:
        parts.append(f"ruled out {c.ruled_out}")
    if c.ranked:
        parts.append(f"ranked {c.ranked}" + (f" (best {c.best_rank})" if c.best_rank else ""))
    for n, words in ((c.declined, "declined"), (c.no_answer, "no answer"), (c.worker, "worker ruled out"),
                     (c.loose, "shortlisted"), (c.chosen, "chosen")):
        if n:
            parts.append(f"{words} {n}")
    return ", ".join(parts)


def view(report: VacanciesReport, params: Params) -> ReportView:
    groups = Table("groups", "Households with a free place, by the reason that decided most of their requests", (
        Column("reason", "Reason"), Column("households", "Households", COUNT, "Homes"),
        Column("free", "Free places", COUNT, "Free"), Column("median", "Median days empty", DAYS, "Median d"),
        Column("longest", "Longest empty (days)", DAYS, "Longest"),
    ), tuple((Cell(g.label), Cell(g.households, Drill(KIND, "group", key=g.key)), Cell(g.free),
              Cell(g.median_days), Cell(g.longest_days)) for g in report.groups))
    homes = Table("households", "Each household, the longest empty first", (
        Column("reference", "Household", TEXT, "Ref"), Column("name", "Name"), Column("district", "District"),
        Column("free", "Free places", COUNT, "Free"), Column("days", "Days empty", DAYS, "Days"),
        Column("considered", "Requests considered for", COUNT, "Reqs"),
        Column("decided", "What decided them"), Column("reason", "Most often"),
    ), tuple((Cell(x.reference, Drill(KIND, "household", key=str(x.id))), Cell(x.name), Cell(x.district),
              Cell(x.free), Cell(x.days_empty),
              Cell(x.counts.considered, Drill(KIND, "household", key=str(x.id)) if x.counts.considered else None),
              Cell(_summary(x.counts)), Cell(reason_words(x.decisive)[1])) for x in report.lines),
        note=(f"The {LIST_LIMIT} longest empty are listed; the groups above count all {report.households}."
              if report.households > len(report.lines) else ""))
    charts = {"groups": Chart("Households by the reason most often decisive",
                              tuple(reason_words(g.key)[1] for g in report.groups[:8]),
                              tuple(float(g.households) for g in report.groups[:8]))}
    team_label = report.team.name if report.team else "All teams"
    intro = (f"{report.households} approved in-house household{'s' if report.households != 1 else ''} "
             f"{'have' if report.households != 1 else 'has'} a place free today ({report.free} place"
             f"{'s' if report.free != 1 else ''}). For each, the requests it was considered for from "
             f"{report.period.label} and what decided them.",)
    notes = ("A household was considered for a request when it is in the request's latest saved search run in "
             "the period, or a carer's answer about it was recorded in the period.",
             "What decided each, first that applies: the carer's answer when rung (chosen, declined, no answer); "
             "the rules that ruled the household out; the duty worker ruling it out; its rank, and the factor on "
             "which the household ranked first did best against it.",
             "A household's reason is the one that decided most of its requests; a household ruled out by several "
             "rules at once counts each of them.")
    return ReportView(params, "Vacancies: empty places and why no child came", report.period.label, team_label,
                      report.made_at, report.made_by, intro, (groups, homes), charts, notes)


# --------------------------------------------------------------------------- drill-down


def pair_words(p: VF.Pair) -> str:
    """What decided one request, for a manager's screen (the letter has its own words)."""
    if p.decided == "rules":
        return "ruled out: " + "; ".join(RW.rule_words(code) for code, _a in p.rules)
    if p.decided == "ranked":
        return (f"ranked {p.rank} of {p.ranked_count}; the first "
                + (RW.factor_words(p.factor) if p.factor and p.factor != "score" else "scored higher overall"))
    if p.decided == "top":
        return f"ranked first of {p.ranked_count}; the child went elsewhere"
    return OUTCOME_WORDS.get({"worker": "worker"}.get(p.decided, p.decided), (p.decided, ""))[0].lower()


def drill(desk: Desk, params: Params, d: Drill, *, limit: int = 200) -> DrillResult:
    period = Period(params.start, params.end)
    today = clock.today()
    with desk.db.read() as s:
        chosen = report_team(s, desk.actor, KIND, params.team)
        codes = {t.id: t.code for t in all_teams(s)}
        if d.figure == "household":
            hid = int(d.key)
            ref, name = s.execute(sa.select(H.c.reference, H.c.name).where(H.c.id == hid)).one()
            ps = VF.pairs(s, hid, period)
            rows = tuple(DrillRow("request", p.request_id, p.reference, p.at, codes.get(p.team_id, ""),
                                  pair_words(p)) for p in ps[:limit])
            return DrillResult(f"{ref} {name}: requests considered for", rows, len(ps))
        homes = vacant_households(s, chosen.id if chosen else None, today)
        counts = VF.household_counts(s, period, chosen.id if chosen else None, today)
    lines = []
    for hid, ref, name, district, code, free, days in homes:
        c = counts.get(hid, VF.Counts())
        if c.decisive() == d.key:
            lines.append(HouseholdLine(hid, ref, name, district, code, free, days, c, d.key))
    lines.sort(key=_sort_key)
    rows = tuple(DrillRow("household", x.id, x.reference, None, x.team,
                          f"{x.name}; {x.free} free, " + (f"{x.days_empty} days empty" if x.days_empty is not None
                                                          else "empty since an unknown date")
                          + (f"; {_summary(x.counts)}" if x.counts.considered else ""))
                 for x in lines[:limit])
    return DrillResult(reason_words(d.key)[0], rows, len(lines))
