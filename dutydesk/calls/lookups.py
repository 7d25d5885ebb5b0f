"""Type-ahead look-ups for the call form's pickers: children, households and places, ranked in SQL, bounded."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import HouseholdStatus
from db.models import Child, Household, Place
from dutydesk import clock
from dutydesk.access.desk import Desk
from dutydesk.calls.intake import age_on
from dutydesk.labels import label
from dutydesk.matching import capacity
from dutydesk.text import clean, like_literal


@dataclass(frozen=True)
class Match:
    """One ranked type-ahead match: the record's id, a label and a detail line."""

    id: int
    label: str
    detail: str = ""


FIND_MAX = 20


def _like_terms(text: str | None) -> list[str]:
    out = []
    for word in clean(text).lower().split()[:4]:
        out.append(like_literal(word))  # typed % and _ are characters, not wildcards
    return out


def find_children(session: Session, text: str, limit: int = 8) -> list[Match]:
    """Children whose reference or name matches what was typed, best first (ranked in SQL, bounded)."""
    terms = _like_terms(text)
    if not terms:
        return []
    first, last, ref = sa.func.lower(Child.first_name), sa.func.lower(Child.last_name), sa.func.lower(Child.case_reference)
    conds = [sa.or_(first.like(f"%{t}%", escape="\\"), last.like(f"%{t}%", escape="\\"), ref.like(f"%{t}%", escape="\\")) for t in terms]
    t0 = terms[0]
    rank = sa.case(
        (ref == t0, 0),
        (first == t0, 1),
        (last == t0, 2),
        (sa.or_(first.like(f"{t0}%", escape="\\"), last.like(f"{t0}%", escape="\\"), ref.like(f"{t0}%", escape="\\")), 3),
        else_=4,
    )
    rows = session.execute(
        sa.select(Child.id, Child.first_name, Child.last_name, Child.case_reference, Child.date_of_birth, Child.gender)
        .where(*conds).order_by(rank, Child.last_name, Child.first_name, Child.id).limit(min(limit, FIND_MAX))
    ).all()
    today = clock.today()
    out = []
    for cid, f, la, r, dob, gender in rows:
        age = f"{age_on(dob, today)}" if dob else "age ?"
        out.append(Match(cid, f"{f} {la}".strip(), f"{r} · {age} · {getattr(gender, 'value', gender)}"))
    return out


def find_households(session: Session, text: str, limit: int = 8) -> list[Match]:
    """Households by reference or name, best first (bounded)."""
    terms = _like_terms(text)
    if not terms:
        return []
    name, ref = sa.func.lower(Household.name), sa.func.lower(Household.reference)
    conds = [sa.or_(name.like(f"%{t}%", escape="\\"), ref.like(f"%{t}%", escape="\\")) for t in terms]
    t0 = terms[0]
    rank = sa.case((ref == t0, 0), (sa.or_(name.like(f"{t0}%", escape="\\"), ref.like(f"{t0}%", escape="\\")), 1), else_=2)
    rows = session.execute(
        sa.select(Household.id, Household.name, Household.reference, Household.status,
                  capacity.free_places_now_sql(Household.__table__))
        .where(*conds).order_by(rank, Household.name, Household.id).limit(min(limit, FIND_MAX))
    ).all()
    return [Match(hid, n, f"{r} · {label(st, HouseholdStatus)} · {free} free") for hid, n, r, st, free in rows]


def find_places(session: Session, text: str, limit: int = 8) -> list[Match]:
    """Places (towns) by name or postcode district, best first."""
    terms = _like_terms(text)
    if not terms:
        return []
    name, pc = sa.func.lower(Place.name), sa.func.lower(Place.postcode_district)
    t0 = " ".join(terms)
    rank = sa.case((name == t0, 0), (pc == t0, 0), (name.like(f"{t0}%", escape="\\"), 1), else_=2)
    rows = session.execute(
        sa.select(Place.id, Place.name, Place.district, Place.postcode_district)
        .where(sa.or_(name.like(f"%{t0}%", escape="\\"), pc.like(f"{t0}%", escape="\\")))
        .order_by(rank, Place.name).limit(min(limit, FIND_MAX))
    ).all()
    return [Match(pid, n, f"{d} · {p}") for pid, n, d, p in rows]


KINDS = ("child", "household", "place")
_FINDERS = {"child": find_children, "household": find_households, "place": find_places}


def find(desk: Desk, kind: str, text: str, limit: int = 8) -> list[Match]:
    """Ranked matches of ``kind`` (child, household or place) for what was typed, in its own short read;
    the pickers call this from a worker."""
    finder = _FINDERS[kind]
    with desk.db.read() as s:
        return finder(s, text, limit=limit)
