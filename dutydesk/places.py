"""Places with coordinates, and the distances between them."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources

from sqlmodel import Session, select

from db.enums import Area
from db.models import Place

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class PlaceRow:
    name: str
    district: str
    area: Area | None
    postcode_district: str
    latitude: float
    longitude: float


def reference_places() -> list[PlaceRow]:
    """The county's towns shipped with dutydesk (Kent, for the demo)."""
    text = resources.files("dutydesk.data").joinpath("kent_places.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return [
        PlaceRow(
            name=r["place"],
            district=r["district"],
            area=Area(r["area"]) if r.get("area") else None,
            postcode_district=r["postcode_district"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
        )
        for r in rows
    ]


def ensure_places(session: Session, rows: list[PlaceRow] | None = None) -> dict[str, Place]:
    """Insert any missing places; return all places by name."""
    existing = {p.name: p for p in session.exec(select(Place)).all()}
    for r in rows if rows is not None else reference_places():
        if r.name not in existing:
            place = Place(
                name=r.name, district=r.district, area=r.area,
                postcode_district=r.postcode_district, latitude=r.latitude, longitude=r.longitude,
            )
            session.add(place)
            existing[r.name] = place
    session.flush()
    return existing


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))
