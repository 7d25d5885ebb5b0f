"""What a carer tells the desk about availability: unavailable periods, and places not available.

Duty workers record these during the call (a holiday from Friday for a
fortnight, a bedroom being decorated until the end of the month); matching
reads them on the next search (``dutydesk.matching.query``), and the profile's
week-by-week view shows them. Every change is audited with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from db.enums import UnavailableKind
from db.models import Household, UnavailablePeriod
from dutydesk import clock
from dutydesk.access import audit
from dutydesk.access.desk import Desk
from dutydesk.access.identity import Permission, require
from dutydesk.carers.holds import refuse_if_held
from dutydesk.carers.household_values import REASON_LIMIT
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.text import field_text

# A period longer than this is a status (on hold, resigned), not a break.
LONGEST_DAYS = 366


@dataclass(frozen=True, slots=True)
class Period:
    id: int
    household_id: int
    kind: UnavailableKind
    starts_on: dt.date
    ends_on: dt.date
    reason: str


def _reason(reason: str | None) -> str:
    return field_text(reason, "Reason", limit=REASON_LIMIT, required=True, multiline=True,
                      missing="Say why the household is not available (for example: family holiday)")


def _kind(kind: UnavailableKind | str) -> UnavailableKind:
    try:
        return UnavailableKind(str(kind).strip().lower())
    except ValueError:
        raise InvalidInput(f"{kind!r} is not a kind of unavailability; type one of "
                           f"{', '.join(k.value for k in UnavailableKind)}.") from None


def _dates(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> None:
    if ends_on < starts_on:
        raise InvalidInput(f"The period ends ({ends_on:%d %b %Y}) before it starts ({starts_on:%d %b %Y}); "
                           "swap the dates?")
    if ends_on < today:
        raise InvalidInput(f"The period ended on {ends_on:%d %b %Y}, before today: nothing to record.")
    if (ends_on - starts_on).days >= LONGEST_DAYS:
        raise InvalidInput("A period of more than a year is a change of status; ask a manager to put the "
                           "household on hold instead.")


def _period(p: UnavailablePeriod) -> Period:
    return Period(p.id, p.household_id, UnavailableKind(p.kind), p.starts_on, p.ends_on, p.reason)


def _household(s: Session, household_id: int) -> Household:
    h = s.get(Household, household_id)
    if h is None:
        raise NotFound(f"There is no household with id {household_id}.")
    return h


def add_period(desk: Desk, household_id: int, kind: UnavailableKind | str, starts_on: dt.date, ends_on: dt.date,
               reason: str) -> Period:
    """Declare the household unavailable from ``starts_on`` to ``ends_on`` (both days included)."""
    require(desk.actor, Permission.LOG, "record a household's availability")
    k, why = _kind(kind), _reason(reason)
    _dates(starts_on, ends_on, clock.today())
    with desk.db.write() as s:
        h = _household(s, household_id)
        p = UnavailablePeriod(household_id=household_id, kind=k, starts_on=starts_on, ends_on=ends_on, reason=why,
                              created_by_id=desk.actor.user_id)
        s.add(p)
        s.flush()
        audit.record(s, desk.actor, "household.unavailable_added", "households", household_id,
                     {"reference": h.reference, "period": p.id, "kind": k.value, "starts_on": starts_on.isoformat(),
                      "ends_on": ends_on.isoformat(), "reason": why})
        return _period(p)


def change_period(desk: Desk, period_id: int, *, starts_on: dt.date, ends_on: dt.date, reason: str,
                  kind: UnavailableKind | str | None = None) -> Period:
    require(desk.actor, Permission.LOG, "record a household's availability")
    why = _reason(reason)
    _dates(starts_on, ends_on, clock.today())
    with desk.db.write() as s:
        p = _get(s, period_id)
        before = {"kind": p.kind.value, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
        if p.kind is UnavailableKind.HOLD and (starts_on > p.starts_on or ends_on < p.ends_on):
            refuse_if_held(s, p.household_id, "made available")
        p.kind = _kind(kind) if kind is not None else p.kind
        p.starts_on, p.ends_on = starts_on, ends_on
        after = {"kind": p.kind.value, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
        s.add(p)
        audit.record(s, desk.actor, "household.unavailable_changed", "households", p.household_id,
                     {"period": p.id, "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
                      "reason": why})
        return _period(p)


def end_period(desk: Desk, period_id: int, *, reason: str, available_from: dt.date | None = None) -> Period | None:
    """The household is available again from ``available_from`` (default today). A period that had not
    started by then is cancelled (None back); its record stays in the audit trail."""
    require(desk.actor, Permission.LOG, "record a household's availability")
    why = _reason(reason)
    on = available_from or clock.today()
    with desk.db.write() as s:
        p = _get(s, period_id)
        if p.kind is UnavailableKind.HOLD:
            refuse_if_held(s, p.household_id, "made available")
        if p.ends_on < on:
            raise InvalidInput(f"That period already ended on {p.ends_on:%d %b %Y}.")
        detail = {"period": p.id, "kind": p.kind.value, "starts_on": p.starts_on.isoformat(),
                  "ends_on": [p.ends_on.isoformat(), None], "reason": why}
        if on <= p.starts_on:
            s.delete(p)
            audit.record(s, desk.actor, "household.unavailable_cancelled", "households", p.household_id, detail)
            return None
        p.ends_on = on - dt.timedelta(days=1)
        detail["ends_on"][1] = p.ends_on.isoformat()
        s.add(p)
        audit.record(s, desk.actor, "household.unavailable_ended", "households", p.household_id, detail)
        return _period(p)


def _get(s: Session, period_id: int) -> UnavailablePeriod:
    p = s.get(UnavailablePeriod, period_id)
    if p is None:
        raise NotFound(f"There is no unavailable period {period_id}; list them with "
                       "dutydesk households unavailable list REFERENCE.")
    return p


def periods(desk: Desk, household_id: int, *, past: bool = False) -> list[Period]:
    """The household's unavailable periods not yet over (``past``: all of them), soonest first."""
    with desk.db.read() as s:
        _household(s, household_id)
        q = sa.select(UnavailablePeriod).where(UnavailablePeriod.household_id == household_id)
        if not past:
            q = q.where(UnavailablePeriod.ends_on >= clock.today())
        return [_period(p) for p in s.execute(q.order_by(UnavailablePeriod.starts_on, UnavailablePeriod.id)).scalars()]


@dataclass(frozen=True, slots=True)
class PlacesHeld:
    household_id: int
    places: int
    until: dt.date | None
    reason: str


def hold_places(desk: Desk, household_id: int, places: int, *, until: dt.date | None, reason: str) -> PlacesHeld:
    """``places`` of the household's approved places are not available until ``until`` (0: all available again)."""
    require(desk.actor, Permission.LOG, "record a household's availability")
    why = _reason(reason)
    today = clock.today()
    with desk.db.write() as s:
        h = _household(s, household_id)
        if places < 0 or places > h.places:
            raise InvalidInput(f"The household is approved for {h.places} place{'s' if h.places != 1 else ''}; "
                               f"type a number from 0 to {h.places}.")
        if places and (until is None or until < today):
            raise InvalidInput("Say until when the places are not available (a date from today).")
        before = [h.places_unavailable, h.places_unavailable_until.isoformat() if h.places_unavailable_until else None,
                  h.places_unavailable_reason]
        h.places_unavailable = places
        h.places_unavailable_until = until if places else None
        h.places_unavailable_reason = why if places else None
        s.add(h)  # the version column moves: an editor who opened the record before is told
        audit.record(s, desk.actor, "household.places_unavailable", "households", household_id,
                     {"reference": h.reference, "before": before,
                      "after": [places, until.isoformat() if places and until else None], "reason": why})
        return PlacesHeld(household_id, places, h.places_unavailable_until, h.places_unavailable_reason or "")
