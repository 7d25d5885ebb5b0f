"""The consistency report's figures, counted by the database for each team, worker and month.

Four statements over the requests logged in the period, each grouped by (team,
worker, London month) or reduced to the few columns a figure needs:

- the requests: logged, searched before the first contact, outcomes, decisions with a rationale;
- the placements, by their delegated-authority text (a handful of distinct texts, judged by
  ``consistency_facts.authority_complete``, so the JSON is read the one way the drill-down reads it);
- the decisions awaiting a sign-off verdict: working days and London days are worked out here,
  with the same cached ``period`` helpers the drill-down uses;
- the hours from logged to placed, for the median and 90th percentile.

Each (team, worker, month) cell is then summed into the report's groups. The
drill-down counts the same figures request by request (``consistency_facts``);
a test holds the two to the same answers on both stores.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import String, type_coerce
from sqlmodel import Session

from db.enums import DecisionStatus, HouseholdKind, RequestState
from dutydesk.reports import consistency_facts as F
from dutydesk.reports.period import Period, month_index, on_time, quantile, stored_day, utc
from dutydesk.reports.shapes import Share

R, D, P = F.R, F.D, F.P
Key = tuple[int, int, int]  # team id, worker id, month index


@dataclass(frozen=True)
class Figures:
    logged: int = 0
    search_first: Share = Share()
    rationale: Share = Share()
    signoff: Share = Share()
    retro_signoff: Share = Share()
    placed_median_h: float | None = None
    placed_p90_h: float | None = None
    in_house: Share = Share()
    ifa: Share = Share()
    unmet: Share = Share()
    plans_overdue: int = 0
    da_incomplete: int = 0


COUNTS = ("logged", "sf", "sf_of", "ra", "ra_of", "so", "so_of", "re", "re_of", "in_house", "ifa", "unmet",
          "plans", "da")


@dataclass(slots=True)
class Tally:
    """The counts behind one group's figures; cells add up into groups."""

    logged: int = 0
    sf: int = 0
    sf_of: int = 0
    ra: int = 0
    ra_of: int = 0
    so: int = 0
    so_of: int = 0
    re: int = 0
    re_of: int = 0
    in_house: int = 0
    ifa: int = 0
    unmet: int = 0
    plans: int = 0
    da: int = 0
    hours: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.hours.extend(other.hours)

    def figures(self) -> Figures:
        decided = self.in_house + self.ifa + self.unmet
        return Figures(
            logged=self.logged, search_first=Share(self.sf, self.sf_of), rationale=Share(self.ra, self.ra_of),
            signoff=Share(self.so, self.so_of), retro_signoff=Share(self.re, self.re_of),
            placed_median_h=quantile(self.hours, 0.5), placed_p90_h=quantile(self.hours, 0.9),
            in_house=Share(self.in_house, decided), ifa=Share(self.ifa, decided), unmet=Share(self.unmet, decided),
            plans_overdue=self.plans, da_incomplete=self.da)


def _n(cond) -> sa.ColumnElement:
    return sa.func.sum(sa.case((cond, 1), else_=0))


def _state() -> sa.ColumnElement:
    return type_coerce(R.c.state, String)


def count_cells(session: Session, period: Period, team_id: int | None, today: dt.date) -> dict[Key, Tally]:
    """The tally of every (team, worker, month) with a request logged in the period."""
    conn = session.connection()  # Core rows: a few hundred cells and a few thousand decisions
    cells: dict[Key, Tally] = {}
    month = month_index(R.c.created_at, period).label("m")
    team, worker = R.c.team_id, F.worker_of()
    where = F.in_period(period, team_id)
    ids = F.request_ids_select(period, team_id).scalar_subquery()
    first_search, first_contact, placed, kind = F.parts(period, team_id)
    rationale = sa.func.length(sa.func.trim(sa.func.coalesce(D.c.rationale, ""))) > 0
    decided = (sa.select(D.c.request_id.label("rid"), sa.func.count().label("n"), _n(rationale).label("good"))
               .where(D.c.request_id.in_(ids)).group_by(D.c.request_id).subquery())
    contacted, searched = first_contact.c.at, first_search.c.at
    is_placed = _state() == RequestState.PLACED.value
    ifa = sa.func.coalesce(kind.c.kind, "") == HouseholdKind.IFA.value
    requests = (
        sa.select(team, worker, month, sa.func.count(), _n(contacted.is_not(None)),
                  _n(sa.and_(contacted.is_not(None), searched.is_not(None), searched <= contacted)),
                  sa.func.coalesce(sa.func.sum(decided.c.good), 0), sa.func.coalesce(sa.func.sum(decided.c.n), 0),
                  _n(sa.and_(is_placed, sa.not_(ifa))), _n(sa.and_(is_placed, ifa)),
                  _n(_state() == RequestState.CLOSED_UNMET.value))
        .select_from(R)
        .outerjoin(first_search, first_search.c.rid == R.c.id)
        .outerjoin(first_contact, first_contact.c.rid == R.c.id)
        .outerjoin(kind, kind.c.rid == R.c.id)
        .outerjoin(decided, decided.c.rid == R.c.id)
        .where(*where).group_by(team, worker, month)
    )
    for tid, wid, m, logged, sf_of, sf, ra, ra_of, in_house, n_ifa, unmet in conn.execute(requests).all():
        cells[(tid, wid, m)] = Tally(int(logged), int(sf), int(sf_of), int(ra), int(ra_of),
                                     in_house=int(in_house), ifa=int(n_ifa), unmet=int(unmet))

    def cell(key: Key) -> Tally:
        got = cells.get(key)
        if got is None:  # a row for a request logged while this ran: counted in a cell of its own
            got = cells[key] = Tally()
        return got

    # Placements: overdue plans and incomplete delegated authority, by the agreement's text.
    may_be_late = sa.and_(P.c.plan_due_on.is_not(None), P.c.plan_due_on < today,
                          sa.or_(P.c.ended_on.is_(None), P.c.ended_on > P.c.plan_due_on))
    placements = (sa.select(team, worker, month, P.c.delegated_authority, sa.func.count(), _n(may_be_late))
                  .select_from(P).join(R, R.c.id == P.c.request_id)
                  .where(*where).group_by(team, worker, month, P.c.delegated_authority))
    for tid, wid, m, authority, n, late in conn.execute(placements).all():
        if not F.authority_complete(authority or ""):
            c = cell((tid, wid, m))
            c.da += int(n)
            c.plans += int(late or 0)
    # Decisions: signed off within a working day (of the proposal, or of an out-of-hours placing).
    returned = type_coerce(D.c.status, String) == DecisionStatus.RETURNED.value
    waiting_counts = sa.or_(D.c.signed_off_at.is_not(None), D.c.retrospective,
                            _state() == RequestState.PROPOSED.value)
    decisions = (sa.select(team, worker, month, D.c.retrospective, F._raw(D.c.proposed_at),
                           F._raw(D.c.signed_off_at), F._raw(placed.c.at))
                 .select_from(D).join(R, R.c.id == D.c.request_id).outerjoin(placed, placed.c.rid == R.c.id)
                 .where(*where, sa.not_(returned), waiting_counts))
    for tid, wid, m, retro, proposed, signed, placed_at in conn.execute(decisions).all():
        start = stored_day(placed_at or proposed) if retro else stored_day(proposed)
        verdict = on_time(start, stored_day(signed), F.SIGN_OFF_WORKING_DAYS, today)
        if verdict is None:
            continue
        c = cell((tid, wid, m))
        if retro:
            c.re_of += 1
            c.re += verdict
        else:
            c.so_of += 1
            c.so += verdict
    # Hours from logged to placed.
    hours = (sa.select(team, worker, month, F._raw(R.c.created_at), F._raw(placed.c.at))
             .select_from(R).join(placed, placed.c.rid == R.c.id).where(*where, is_placed))
    for tid, wid, m, logged_at, placed_at in conn.execute(hours).all():
        cell((tid, wid, m)).hours.append((utc(placed_at) - utc(logged_at)).total_seconds() / 3600.0)
    return cells
