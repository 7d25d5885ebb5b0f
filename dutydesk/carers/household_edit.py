"""Households created and changed from the desk: the one service the screens, the command line
and (for its rules) the CSV import use.

Every change names its reason and is audited with each field's value before and
after. The record's version column guards against lost updates: an edit says
which version it started from, and if someone saved in between nothing is
written and the editor is told the record changed, what changed and by whom.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db.enums import HouseholdStatus
from db.household_keys import reference_key
from db.models import AuditEvent, Place, Team
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.carers import household_rules as rules
from dutydesk.carers.household_values import (
    FIELD_WORDS,
    REASON_LIMIT,
    FieldProblems,
    cross_problems,
    read_values,
    shown_value,
    typed_text,
)
from dutydesk.carers.households_export import export_select, row_values
from dutydesk.carers.households_format import DEFAULTS, HOUSEHOLDS
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.places import ensure_places
from dutydesk.text import field_text


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """One household's editable fields as stored (CSV column names: team code, place name) and its version."""

    id: int
    reference: str
    version: int
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Saved:
    record: HouseholdRecord
    changes: dict[str, list[Any]]  # field -> [before, after], as audited

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class RecordChanged(Conflict):
    """Someone saved the household after this editor opened it; nothing was written."""

    def __init__(self, reference: str, changed: list[tuple[str, Any, Any]], by: list[str]) -> None:
        self.changed = changed  # (field, what this editor saw, what is stored now)
        self.by = by
        what = "; ".join(f"{FIELD_WORDS.get(f, f)} is now {_said(now, f)} (you saw {_said(saw, f)})"
                         for f, saw, now in changed) or "its record was saved again"
        who = f" by {', '.join(by)}" if by else ""
        super().__init__(f"Household {reference} was changed{who} since you opened it: {what}. "
                         "Nothing of yours was saved; look at the record again and make your change on it.")


def _said(value: Any, field: str) -> str:
    return typed_text(value, field) or "blank"


def _record(session: Session, household_id: int) -> HouseholdRecord:
    row = session.execute(export_select().add_columns(HOUSEHOLDS.c.version)
                          .where(HOUSEHOLDS.c.id == household_id)).first()
    if row is None:
        raise NotFound(f"There is no household with id {household_id}.")
    return HouseholdRecord(household_id, row.reference, row.version, row_values(row))


def load(desk: Desk, household_id: int) -> HouseholdRecord:
    """The household's editable fields now, with the version an edit starts from."""
    with desk.db.read() as s:
        return _record(s, household_id)


def find(desk: Desk, reference: str) -> HouseholdRecord:
    """A household by its reference, whatever its case and surrounding spaces."""
    with desk.db.read() as s:
        hid = s.execute(sa.select(HOUSEHOLDS.c.id).where(
            sa.func.lower(sa.func.trim(HOUSEHOLDS.c.reference)) == reference_key(reference))).scalar()
        if hid is None:
            raise NotFound(f"There is no household {reference.strip()!r}. Check the reference "
                           "(dutydesk households search lists them).")
        return _record(s, hid)


def _reason(reason: str | None) -> str:
    return field_text(reason, "Reason", limit=REASON_LIMIT, required=True, multiline=True,
                      missing="Say why (the reason is kept with the change)")


def _resolve(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """CSV-style values (team code, place name or postcode district) to table columns."""
    out = {k: v for k, v in values.items() if k not in ("team", "place")}
    if "team" in values:
        code = values["team"]
        tid = session.execute(sa.select(Team.id).where(sa.func.upper(Team.code) == code)).scalar() if code else None
        if code and tid is None:
            known = ", ".join(sorted(session.execute(sa.select(Team.code)).scalars()))
            raise FieldProblems({"team": f"there is no team {code!r} (type one of {known})"})
        out["team_id"] = tid
    place = values.get("place")
    if "place" in values or values.get("postcode"):
        names = {n.lower(): pid for pid, n in session.execute(sa.select(Place.id, Place.name)).all()}
        if not names:
            names = {n.lower(): p.id for n, p in ensure_places(session).items()}
        districts = {d.upper(): pid for pid, d in session.execute(
            sa.select(Place.id, Place.postcode_district).order_by(Place.name.desc())).all() if d}
        if place:
            pid = names.get(place.lower()) or districts.get(place.upper().replace(" ", ""))
            if pid is None:
                raise FieldProblems({"place": f"{place!r} is not a town dutydesk knows (type a town from the "
                                              "places list, or a postcode district such as CT9)"})
            out["place_id"] = pid
        elif "place" in values:
            out["place_id"] = None
        elif values.get("postcode"):
            out["place_id"] = districts.get(values["postcode"].split(" ")[0])
    return out


def _taken(session: Session, reference: str, but: int | None = None) -> str | None:
    q = sa.select(HOUSEHOLDS.c.reference).where(
        sa.func.lower(sa.func.trim(HOUSEHOLDS.c.reference)) == reference_key(reference))
    if but is not None:
        q = q.where(HOUSEHOLDS.c.id != but)
    return session.execute(q).scalar()


def add_household(desk: Desk, typed: dict[str, Any], *, reason: str) -> Saved:
    """A new household (a manager); ``typed`` holds CSV-style values (reference, name, kind, status, places ...)."""
    require(desk.actor, Permission.MANAGE_HOUSEHOLDS, "add a household")
    why = _reason(reason)
    values = read_values(typed)
    missing = {f: "is needed for a new household" for f in ("reference", "name", "kind", "status", "places")
               if values.get(f) in (None, "")}
    whole = {**DEFAULTS, **values}
    problems = {**cross_problems(whole), **missing}
    if problems:
        raise FieldProblems(problems)
    now = clock.now()
    try:
        with desk.db.write() as s:
            clash = _taken(s, values["reference"])
            if clash is not None:
                raise FieldProblems({"reference": f"{clash} is already in dutydesk (references are the same "
                                                  "whatever their case); give this household another"})
            row = _resolve(s, {k: v for k, v in whole.items() if k != "place" or values.get("place")})
            row.update(created_at=now, version=1, status_changed_at=now)
            hid = s.execute(sa.insert(HOUSEHOLDS).values(**row).returning(HOUSEHOLDS.c.id)).scalar_one()
            after = {k: shown_value(v) for k, v in values.items()}
            audit.record(s, desk.actor, "household.added", "households", hid,
                         {"reference": values["reference"], "values": after, "reason": why, "version": 1}, at=now)
            record = _record(s, hid)
    except IntegrityError:
        raise Conflict(f"Household {values['reference']} was added by someone else a moment ago; "
                       "nothing was saved. Look it up, or give this one another reference.") from None
    return Saved(record, {k: [None, v] for k, v in after.items()})


def edit_household(desk: Desk, household_id: int, typed: dict[str, Any], *, reason: str, version: int,
                   seen: dict[str, Any] | None = None, left_on: dt.date | None = None,
                   panel_on: dt.date | None = None) -> Saved:
    """Change some fields; ``version`` is the one the editor started from (``seen`` what they saw then).
    ``left_on``: for a resignation or de-registration, the day it took effect (today if not given);
    ``panel_on``: with new terms of approval, the day the fostering panel approved them."""
    unknown = set(typed) - set(rules.EDITABLE)
    if unknown:
        raise InvalidInput(f"{', '.join(sorted(unknown))}: not a field a household edit can change "
                           "(placements move the children living there).")
    rules.require_fields(desk.actor, set(typed))
    values = read_values(typed)
    why = _reason(reason)
    now = clock.now()
    with desk.db.write() as s:
        current = _record(s, household_id)
        if current.version != version:
            raise _changed(s, current, version, seen)
        before = current.values
        changes = {k: [shown_value(before[k]), shown_value(v)] for k, v in values.items()
                   if shown_value(before[k]) != shown_value(v)}
        if not changes:
            return Saved(current, {})
        problems = cross_problems({**before, **values})
        problems = {k: v for k, v in problems.items() if _touches(k, changes)}
        if problems:
            raise FieldProblems(problems)
        if "reference" in changes:
            clash = _taken(s, values["reference"], but=household_id)
            if clash is not None:
                raise FieldProblems({"reference": f"{clash} is already in dutydesk; references are the same "
                                                  "whatever their case"})
        after = values["status"] if "status" in changes else None
        leaving = after in rules.LEAVING
        if left_on is not None and not leaving:
            raise FieldProblems({"left_on": "is the day a household resigned or was de-registered; give it only "
                                            "with status resigned or deregistered"})
        if "status" in changes:
            rules.refuse_status(s, household_id, HouseholdStatus(before["status"]), after)
        cols = _resolve(s, {k: values[k] for k in changes})
        left: dict[str, Any] = {}
        if panel_on is not None:
            problem = rules.panel_on_problem(panel_on, set(changes), clock.today())
            if problem:
                raise FieldProblems({"panel_on": problem})
            cols["terms_approved_on"] = panel_on
            left["panel_on"] = panel_on.isoformat()
        if "status" in changes:
            cols["status_changed_at"] = now
            if leaving:
                day = left_on or clock.today()
                approved = values.get("approved_on", before.get("approved_on"))
                problem = rules.left_on_problem(day, approved if isinstance(approved, dt.date) else None,
                                                clock.today())
                if problem:
                    raise FieldProblems({"left_on": problem})
                cols.update(left_on=day, left_reason=why)
                left = {"left_on": day.isoformat(), "left_as": after.value}
            elif HouseholdStatus(before["status"]) in rules.LEAVING:
                cols.update(left_on=None, left_reason=None)  # back on the register; the trail keeps when it left
        update = sa.update(HOUSEHOLDS).where(HOUSEHOLDS.c.id == household_id, HOUSEHOLDS.c.version == version)
        if leaving:
            # A child placed since the check above (placing moves the counter, not the version) wins.
            update = update.where(HOUSEHOLDS.c.occupied_places == before["occupied_places"])
        done = s.execute(update.values(**cols, version=version + 1))
        if done.rowcount != 1:
            if leaving:
                rules.refuse_status(s, household_id, HouseholdStatus(before["status"]), after)
            raise _changed(s, _record(s, household_id), version, seen)
        audit.record(s, desk.actor, "household.updated", "households", household_id,
                     {"reference": current.reference, "changes": changes, "reason": why, "version": version + 1,
                      **left}, at=now)
        return Saved(_record(s, household_id), changes)


def _touches(problem_field: str, changes: dict[str, Any]) -> bool:
    """A rule across fields is this edit's problem only if the edit touched one of its fields."""
    related = {"age_min": {"age_min", "age_max"}, "agency": {"agency", "kind"},
               "approval_expires_on": {"approved_on", "approval_expires_on"},
               "placement_types": {"placement_types", "status"}}
    return bool(related.get(problem_field, {problem_field}) & set(changes))


def _changed(s: Session, current: HouseholdRecord, version: int, seen: dict[str, Any] | None) -> RecordChanged:
    events = s.execute(
        sa.select(AuditEvent.username, AuditEvent.detail)
        .where(AuditEvent.entity == "households", AuditEvent.entity_id == str(current.id))
        .order_by(AuditEvent.id.desc()).limit(50)
    ).all()
    by: list[str] = []
    fields: list[str] = []
    for username, detail in events:
        d = json.loads(detail or "{}")
        if d.get("version", version + 1) <= version:
            break
        by.append(username) if username not in by else None
        fields += [f for f in d.get("changes", {}) if f not in fields]
    if seen is not None:
        fields = [f for f in current.values if f in seen and shown_value(seen[f]) != shown_value(current.values[f])]
        saw = seen
    else:
        saw = {}
        for username, detail in events:
            d = json.loads(detail or "{}")
            if d.get("version", version + 1) <= version:
                break
            for f, (old, _new) in d.get("changes", {}).items():
                saw[f] = old  # oldest change wins: the value this editor saw
    changed = [(f, saw.get(f), current.values.get(f)) for f in fields]
    return RecordChanged(current.reference, changed, by)
