"""Named places with coordinates, so distance means something."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from db.enums import Area
from db.models.base import enum_column


class Place(SQLModel, table=True):
    __tablename__ = "places"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    district: str = Field(max_length=80)
    area: Area | None = Field(default=None, sa_column=enum_column(Area, nullable=True))
    postcode_district: str = Field(default="", max_length=8)
    latitude: float
    longitude: float
