"""Teams, users (workers) and desk-wide settings."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from db.enums import Area, Role
from db.models.base import created_at_field, enum_column, fk


class Team(SQLModel, table=True):
    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)
    name: str = Field(max_length=80)
    area: Area | None = Field(default=None, sa_column=enum_column(Area, nullable=True))
    out_of_hours: bool = Field(default=False)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # The operating-system login: SSH has already authenticated the person.
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=120)
    role: Role = Field(sa_column=enum_column(Role))
    team_id: int | None = fk("teams.id")
    active: bool = Field(default=True)
    created_at: dt.datetime = created_at_field()


class Setting(SQLModel, table=True):
    """Desk-wide facts, for example whether this database holds demo data."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=1000)
