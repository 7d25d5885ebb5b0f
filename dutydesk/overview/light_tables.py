"""Light descriptions of the tables the dashboard reads: names and types, no mapper.

The dashboard is the first screen, and its first load is on the path from
process start to the desk being ready; building the models (``db.models``: about
0.15 s of SQLModel class building and mapper configuration) is kept off that
path. Each description names only the columns the dashboard selects, with the
models' own names and types; a test holds them to the models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from db.enums import (AllegationStatus, CallbackStatus, CallCategory, CallerType, DecisionKind, DecisionStatus,
                      HouseholdKind, HouseholdStatus, PlacementType, RequestState, Urgency)


class _UTC(TypeDecorator[dt.datetime]):
    """As db.models.base.UTCDateTime: stored naive in UTC, read back aware."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def _enum(enum_cls: type) -> sa.Enum:
    """As db.models.base.enum_column: the member's value in a VARCHAR."""
    return sa.Enum(enum_cls, native_enum=False, create_constraint=False, length=32,
                   values_callable=lambda e: [m.value for m in e], validate_strings=True)


class Table:
    """A table's columns as attributes (``Call.summary``), usable in select/join like a model."""

    def __init__(self, table: Any) -> None:
        self.__table__ = table
        for column in table.c:
            setattr(self, column.name, column)

    def __clause_element__(self) -> Any:
        return self.__table__

    def alias(self) -> Table:
        return Table(self.__table__.alias())


def table(table_name: str, /, **columns: Any) -> Table:
    return Table(sa.table(table_name, *(sa.column(n, t) for n, t in columns.items())))


_I, _S, _UT = sa.Integer, sa.String, _UTC()
Team = table("teams", id=_I, name=_S)
Household = table("households", id=_I, reference=_S, name=_S, kind=_enum(HouseholdKind),
                  status=_enum(HouseholdStatus), approval_expires_on=sa.Date)
User = table("users", id=_I, full_name=_S)
Child = table("children", id=_I, first_name=_S, last_name=_S, date_of_birth=sa.Date)
RequestChild = table("request_children", request_id=_I, child_id=_I)
PlacementRequest = table(
    "placement_requests", id=_I, reference=_S, team_id=_I, worker_id=_I, state=_enum(RequestState),
    placement_type=_enum(PlacementType), urgency=_enum(Urgency), needed_from=sa.Date, created_at=_UT,
    state_changed_at=_UT,
)
Decision = table(
    "decisions", id=_I, request_id=_I, kind=_enum(DecisionKind), status=_enum(DecisionStatus),
    proposed_by_id=_I, proposed_at=_UT, retrospective=sa.Boolean, returned_at=_UT,
)
Call = table(
    "calls", id=_I, received_at=_UT, taken_by_id=_I, team_id=_I, caller_type=_enum(CallerType), caller_name=_S,
    category=_enum(CallCategory), child_id=_I, summary=_S,
)
Callback = table(
    "callbacks", id=_I, due_at=_UT, team_id=_I, assigned_to_id=_I, call_id=_I, request_id=_I, household_id=_I,
    summary=_S, status=_enum(CallbackStatus), snooze_reason=_S, snooze_count=_I, done_at=_UT,
)
Draft = table("drafts", user_id=_I, kind=_S)

Allegation = table("allegations", id=_I, reference=_S, household_id=_I, status=_enum(AllegationStatus))
AllegationStepDue = table("allegation_steps", allegation_id=_I, due_on=sa.Date, done_at=_UT)
