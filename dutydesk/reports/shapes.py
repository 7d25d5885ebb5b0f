"""The shapes every report is shown in: tables of cells, charts, and the drill-down behind a figure.

Each report builds its own typed result (for example ``ConsistencyReport``) and
turns it into a ``ReportView``: the screen, the command line and every export
format read only this, so a figure reads the same everywhere. A cell that
counts records carries a ``Drill`` naming them; ``reports.drill`` lists them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Column kinds: how a value is written (the CSV keeps plain numbers for every kind but text).
TEXT = "text"
COUNT = "count"
SHARE = "share"  # a fraction 0..1, shown as a percentage
HOURS = "hours"
DAYS = "days"
DATE = "date"
MIXED = "mixed"  # each cell says its own kind


@dataclass(frozen=True)
class Share:
    """``met`` of ``of`` counted records; the value is None when nothing was counted."""

    met: int = 0
    of: int = 0

    @property
    def value(self) -> float | None:
        return self.met / self.of if self.of else None

    def __add__(self, other: Share) -> Share:
        return Share(self.met + other.met, self.of + other.of)


@dataclass(frozen=True)
class Drill:
    """Which records stand behind a figure: the report, the figure and the slice of it."""

    report: str
    figure: str
    team_id: int | None = None
    worker_id: int | None = None
    month: dt.date | None = None
    key: str = ""  # a report's own narrowing: a rule code, a household id, a category


@dataclass(frozen=True)
class Cell:
    value: Any = None
    drill: Drill | None = None
    share: Share | None = None  # for SHARE cells: the counts behind the fraction
    kind: str | None = None  # when a column holds figures of different kinds (figures as rows)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT
    short: str = ""  # a narrow heading for 80 columns

    @property
    def heading(self) -> str:
        return self.short or self.title


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    row_keys: tuple[str, ...] = ()  # what each row is (a figure's code), where rows are figures

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


@dataclass(frozen=True)
class Chart:
    """One series of bars: labels and values (None where there is nothing to show)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    kind: str = COUNT


@dataclass(frozen=True)
class Params:
    """What a report was asked for, so a drill-down runs over the same records."""

    kind: str
    start: dt.date
    end: dt.date
    team: str | None = None  # team code, or None for every team
    by_worker: bool = False


@dataclass(frozen=True)
class ReportView:
    params: Params
    title: str
    period_label: str
    team_label: str
    made_at: dt.datetime
    made_by: str
    intro: tuple[str, ...]
    tables: tuple[Table, ...]
    charts: dict[str, Chart] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


@dataclass(frozen=True)
class DrillRow:
    kind: str  # "request" or "household": what Enter opens
    id: int
    reference: str
    when: dt.datetime | dt.date | None
    team: str
    text: str  # what this record shows about the figure, in the desk's words
    met: bool | None = None  # for a share: whether this record met it


@dataclass(frozen=True)
class DrillResult:
    title: str
    rows: tuple[DrillRow, ...]
    total: int  # records behind the figure; rows stops at the limit
