"""Children: only what matching needs; the case file lives elsewhere."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from db.enums import Gender, LegalStatus, Specialism
from db.models.base import created_at_field, enum_column, fk, set_column


class Child(SQLModel, table=True):
    __tablename__ = "children"

    id: int | None = Field(default=None, primary_key=True)
    # The reference in the case management system.
    case_reference: str = Field(max_length=32, unique=True, index=True)
    first_name: str = Field(max_length=80, index=True)
    last_name: str = Field(max_length=80, index=True)
    date_of_birth: dt.date | None = None  # unborn or unknown
    gender: Gender = Field(default=Gender.UNKNOWN, sa_column=enum_column(Gender))
    needs: frozenset[Specialism] = Field(default_factory=frozenset, sa_column=set_column(Specialism))
    needs_wheelchair_access: bool = Field(default=False)
    legal_status: LegalStatus = Field(default=LegalStatus.OTHER, sa_column=enum_column(LegalStatus))
    placing_authority: str = Field(default="Kent County Council", max_length=120)
    allocated_social_worker: str = Field(default="", max_length=120)
    school_place_id: int | None = fk("places.id", index=False)
    home_place_id: int | None = fk("places.id", index=False)
    languages: str = Field(default="english", max_length=200)
    religion: str = Field(default="", max_length=60)
    ethnicity: str = Field(default="", max_length=60)
    # Children sharing a family key are siblings (continuity in matching).
    family_key: str | None = Field(default=None, max_length=32, index=True)
    notes: str = Field(default="", max_length=4000)
    created_at: dt.datetime = created_at_field()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        # An unborn baby (expected date of birth ahead) is 0, never a negative age.
        return max(0, day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)))
