"""Shared column types and the metadata naming convention.

The naming convention lets Alembic's batch mode on SQLite find and drop
constraints by name (see PITFALLS.md).
"""

from __future__ import annotations

import datetime as dt
import functools
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Column, Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

E = TypeVar("E", bound=Enum)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime, stored naive in UTC so SQLite and PostgreSQL agree.

    Naive values handed in are refused: a duty record with an ambiguous time
    is worse than an error.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class EnumSet(TypeDecorator[frozenset]):
    """A set of enum members stored as an integer bit mask.

    Bits follow the enum's declaration order, so new members go at the end.
    Matching reads the raw integer (``type_coerce(col, Integer)``) to test
    membership without decoding 50,000 rows.
    """

    impl = sa.Integer
    cache_ok = True

    def __init__(self, enum_cls: type[Enum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return 0
        return mask_of(self.enum_cls, value)

    def process_result_value(self, value: int | None, dialect: Any) -> frozenset:
        return members_of(self.enum_cls, value or 0)


@functools.cache
def _bits(enum_cls: type[Enum]) -> dict[Enum, int]:
    return {m: 1 << i for i, m in enumerate(enum_cls)}


def bit_of(member: Enum) -> int:
    return _bits(type(member))[member]


def mask_of(enum_cls: type[Enum], members: Any) -> int:
    mask = 0
    for m in members:
        mask |= bit_of(enum_cls(m))
    return mask


def members_of(enum_cls: type[E], mask: int) -> frozenset[E]:
    return frozenset(m for m, bit in _bits(enum_cls).items() if mask & bit)


def enum_column(enum_cls: type[Enum], *, nullable: bool = False, index: bool = False, **kw: Any) -> Any:
    """A column holding an enum's string value (VARCHAR, no native enum type)."""
    return Column(
        sa.Enum(
            enum_cls,
            native_enum=False,
            create_constraint=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        nullable=nullable,
        index=index,
        **kw,
    )


def set_column(enum_cls: type[Enum]) -> Any:
    return Column(EnumSet(enum_cls), nullable=False, server_default="0")


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def ts_field(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def fk(target: str, *, nullable: bool = True, index: bool = True, ondelete: str | None = None) -> Any:
    kw: dict[str, Any] = {"default": None, "foreign_key": target, "nullable": nullable, "index": index}
    if ondelete:
        kw["ondelete"] = ondelete
    return Field(**kw)


def version_column() -> Column:
    """A fresh shared Column for ``version_id_col`` (a string name fails at flush)."""
    return Column("version", sa.Integer, nullable=False, server_default="1")
