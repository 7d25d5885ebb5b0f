"""Intake: opening a placement request and recording a child on the spot.

``open_request`` is the one way a placement request comes into being, from the
call form, the command line, the duty process or matching. It runs inside the
caller's write transaction (so a call and its request commit together), makes a
unique reference such as ``REQ-2026-00123`` (from the store's counter, see
``dutydesk.references``), links the child or each child of a
sibling group, writes the first step of the duty process (nothing -> logged)
and audits it.

``create_child`` records the minimum the desk needs when the case management
reference is not to hand: a name, a date of birth or an age, a gender. An
unknown reference becomes a ``TEMP-2026-00001`` style placeholder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.enums import Gender, LegalStatus, PlacementType, RequestState, Specialism, Urgency
from db.models import Child, Place, PlacementRequest, RequestChild, RequestTransition
from dutydesk import clock, integrity, references
from dutydesk.access import audit
from dutydesk.errors import Conflict, InvalidInput, NotFound
from dutydesk.access.identity import Actor, Permission, require
from dutydesk.calls.families import one_family
from dutydesk.calls.limits import MAX_AGE, MAX_DISTANCE_KM, MAX_PARENT_AGE
from dutydesk.text import field_text

MAX_SIBLINGS = 8
EXPECTED_AHEAD_DAYS = 300  # an unborn baby's expected date of birth: at most this far ahead
EXPECTED_PAST_DAYS = 30  # or just passed, when the note of the birth has not reached the desk
MAX_DAYS_AHEAD = 366 * 2
# Longest typed values, in characters.
NAME_MAX = 80
CHILD_NOTES_MAX = 4000
CASE_REFERENCE_MAX = 32
ORGANISATION_MAX = 120  # placing authority, allocated social worker
LANGUAGES_MAX = 200
WORD_MAX = 60  # a language, religion or ethnicity
FAMILY_KEY_MAX = 32
REQUEST_NOTES_MAX = 20000

E = TypeVar("E", bound=Enum)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class ChildInput:
    """A child recorded on the spot. Give a date of birth, or an age when that is all the caller knows."""

    first_name: str
    last_name: str = ""
    date_of_birth: dt.date | None = None
    age: int | None = None
    gender: Gender | str = Gender.UNKNOWN
    case_reference: str = ""  # blank: a TEMP- reference is made
    needs: frozenset[Specialism] = frozenset()
    needs_wheelchair_access: bool = False
    legal_status: LegalStatus | str = LegalStatus.OTHER
    placing_authority: str = ""
    allocated_social_worker: str = ""
    school_place_id: int | None = None
    home_place_id: int | None = None
    languages: str = ""
    religion: str = ""
    ethnicity: str = ""
    family_key: str | None = None
    notes: str = ""
    # A baby not born yet (parent and child): date_of_birth is the expected date, which may be ahead.
    expected: bool = False


@dataclass(frozen=True)
class RequestInput:
    """A placement request: existing children by id and/or children recorded now."""

    placement_type: PlacementType | str
    urgency: Urgency | str
    needed_from: dt.date
    child_ids: tuple[int, ...] = ()
    new_children: tuple[ChildInput, ...] = ()
    needed_until: dt.date | None = None
    needs: frozenset[Specialism] = frozenset()
    needs_wheelchair_access: bool = False
    near_place_id: int | None = None
    max_distance_km: float | None = None
    no_younger_children: bool = False
    no_other_children: bool = False
    no_pets: bool = False
    no_smokers: bool = False
    language: str = ""
    religion: str = ""
    notes: str = ""
    worker_id: int | None = None  # who holds it; default the actor
    team_id: int | None = None  # default the actor's team
    at: dt.datetime | None = None  # when it was logged; default now


# ---------------------------------------------------------------- helpers


def as_enum(enum_cls: type[E], value: Any, what: str) -> E:
    """An enum member from a member or its value/name, or InvalidInput listing the choices."""
    if isinstance(value, enum_cls):
        return value
    text = str(value or "").strip().lower().replace("-", "_").replace(" ", "_")
    for m in enum_cls:
        if text in (str(m.value).lower(), m.name.lower()):
            return m
    choices = ", ".join(str(m.value) for m in enum_cls)
    raise InvalidInput(f"{what} {value!r} is not one of the choices; type one of: {choices}.")


def as_enum_set(enum_cls: type[E], values: Iterable[Any] | None, what: str) -> frozenset[E]:
    return frozenset(as_enum(enum_cls, v, what) for v in (values or ()))


def _save(session: Session, row: Any, what: str, clash: str | None = None) -> Any:
    """Add and flush ``row``; a refused insert becomes one sentence (``clash`` for a taken case reference)."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:
        if clash is not None and integrity.violation(err).is_unique("children", "case_reference"):
            raise Conflict(clash) from err
        raise Conflict(integrity.refused(what, err)) from err
    return row


def estimate_dob(age: int, on: dt.date) -> dt.date:
    """A date of birth half a year past the ``age``-th birthday before ``on`` (age holds for months either way)."""
    try:
        base = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        base = on.replace(year=on.year - age, day=28)
    return base - dt.timedelta(days=182)


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _place_exists(session: Session, place_id: int | None, what: str) -> None:
    if place_id is not None and session.get(Place, place_id) is None:
        raise InvalidInput(f"{what}: there is no place number {place_id}; choose a place from the list.")


# ---------------------------------------------------------------- children


def age_limit_words(top: int) -> str:
    """The ages the desk records, in the words of a refusal."""
    if top > MAX_AGE:
        return f"a child aged 0 to {MAX_AGE}, or a young parent up to {top} on a parent-and-child request"
    return f"children aged 0 to {MAX_AGE} (a young parent up to {MAX_PARENT_AGE} on a parent-and-child request)"


def validate_child(inp: ChildInput, today: dt.date | None = None, *, max_age: int = MAX_AGE) -> dict[str, Any]:
    """Check a ChildInput and return the cleaned column values (no database needed).

    ``max_age`` is MAX_PARENT_AGE for a parent-and-child request (the parent may be a young adult)."""
    today = today or clock.today()
    first = field_text(inp.first_name, "Child's first name", limit=NAME_MAX, required=True,
                       missing="The child's first name is required; type it (or 'unknown')")
    last = field_text(inp.last_name, "Child's last name", limit=NAME_MAX)
    dob = inp.date_of_birth
    notes = field_text(inp.notes, "Notes about the child", limit=CHILD_NOTES_MAX, multiline=True)
    if dob is not None and inp.expected:
        if not today - dt.timedelta(days=EXPECTED_PAST_DAYS) <= dob <= today + dt.timedelta(days=EXPECTED_AHEAD_DAYS):
            raise InvalidInput(
                f"Expected date of birth {dob:%d/%m/%Y} is not within the next {EXPECTED_AHEAD_DAYS // 30} months; "
                "check the date (a baby already born: type the date of birth without 'due')."
            )
        said = f"Expected date of birth {dob:%d/%m/%Y} (unborn when recorded on {today:%d/%m/%Y})."
        notes = f"{said}\n{notes}".strip() if notes else said
    elif dob is not None:
        if dob > today:
            raise InvalidInput(
                f"Date of birth {dob:%d/%m/%Y} is in the future; type the child's date of birth as DD/MM/YYYY "
                "(an unborn baby: 'due DD/MM/YYYY')."
            )
        if age_on(dob, today) > max_age:
            raise InvalidInput(
                f"Date of birth {dob:%d/%m/%Y} makes the child {age_on(dob, today)}; "
                f"the desk places {age_limit_words(max_age)}. Check the date."
            )
        if inp.age is not None and age_on(dob, today) != inp.age:
            raise InvalidInput(
                f"Age {inp.age} does not match the date of birth {dob:%d/%m/%Y} "
                f"(which makes {age_on(dob, today)}); give one or the other."
            )
    elif inp.age is not None:
        if not isinstance(inp.age, int) or isinstance(inp.age, bool) or not 0 <= inp.age <= max_age:
            raise InvalidInput(f"Age {inp.age!r} is not a child's age; the desk places {age_limit_words(max_age)}.")
        dob = estimate_dob(inp.age, today)
        estimate = f"Date of birth estimated from age {inp.age} given on {today:%d/%m/%Y}."
        notes = f"{estimate}\n{notes}".strip() if notes else estimate
    else:
        raise InvalidInput("Give the child's date of birth (DD/MM/YYYY) or, if unknown, their age in years.")
    ref = field_text(inp.case_reference, "Case reference", limit=CASE_REFERENCE_MAX).upper().replace(" ", "")
    if ref.startswith("TEMP-"):
        raise InvalidInput("References starting TEMP- are made by the desk; leave the case reference blank instead.")
    return {
        "case_reference": ref,
        "first_name": first,
        "last_name": last,
        "date_of_birth": dob,
        "gender": as_enum(Gender, inp.gender, "Gender"),
        "needs": frozenset(as_enum_set(Specialism, inp.needs, "Need")),
        "needs_wheelchair_access": bool(inp.needs_wheelchair_access),
        "legal_status": as_enum(LegalStatus, inp.legal_status, "Legal status"),
        "placing_authority": field_text(inp.placing_authority, "Placing authority", limit=ORGANISATION_MAX) or "Kent County Council",
        "allocated_social_worker": field_text(inp.allocated_social_worker, "Allocated social worker", limit=ORGANISATION_MAX),
        "school_place_id": inp.school_place_id,
        "home_place_id": inp.home_place_id,
        "languages": field_text(inp.languages, "Languages", limit=LANGUAGES_MAX).lower() or "english",
        "religion": field_text(inp.religion, "Religion", limit=WORD_MAX),
        "ethnicity": field_text(inp.ethnicity, "Ethnicity", limit=WORD_MAX),
        "family_key": field_text(inp.family_key, "Family key", limit=FAMILY_KEY_MAX) or None,
        "notes": notes,
    }


def create_child(session: Session, actor: Actor, inp: ChildInput, *, max_age: int = MAX_AGE) -> Child:
    """Record a child in the caller's write transaction; audited. Returns the flushed row."""
    require(actor, Permission.LOG, "record a child")
    values = validate_child(inp, max_age=max_age)
    _place_exists(session, values["school_place_id"], "School")
    _place_exists(session, values["home_place_id"], "Home")
    ref = values.pop("case_reference")
    if ref:
        clash = session.exec(select(Child).where(Child.case_reference == ref)).first()
        if clash is not None:
            raise InvalidInput(
                f"Case reference {ref} is already recorded for {clash.display_name}; "
                "choose that child instead of creating a new one."
            )
        child = _save(session, Child(case_reference=ref, **values), "The child's record", clash=(
            f"Case reference {ref} was recorded for another child at the same moment; "
            "find that child and choose them instead of creating a new one."))
    else:
        ref = references.next_reference(session, references.Kind.TEMP_CHILD, clock.today().year)
        child = _save(session, Child(case_reference=ref, **values), "The child's record")
    audit.record(
        session, actor, "child.create", "children", child.id,
        {"case_reference": child.case_reference, "name": child.display_name},
    )
    return child


# ---------------------------------------------------------------- requests


def validate_request(inp: RequestInput, today: dt.date | None = None) -> dict[str, Any]:
    """Check a RequestInput's own fields and return cleaned column values."""
    today = today or clock.today()
    ptype = as_enum(PlacementType, inp.placement_type, "Placement type")
    urgency = as_enum(Urgency, inp.urgency, "Urgency")
    if not isinstance(inp.needed_from, dt.date) or isinstance(inp.needed_from, dt.datetime):
        raise InvalidInput("Type the date the placement is needed from as DD/MM/YYYY.")
    if inp.needed_from > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(
            f"Needed from {inp.needed_from:%d/%m/%Y} is more than two years ahead; check the date (DD/MM/YYYY)."
        )
    if inp.needed_from < today - dt.timedelta(days=31):
        raise InvalidInput(
            f"Needed from {inp.needed_from:%d/%m/%Y} is more than a month ago; type the date the "
            "placement is needed from (today or later)."
        )
    if inp.needed_until is not None and inp.needed_until < inp.needed_from:
        raise InvalidInput(
            f"Needed until {inp.needed_until:%d/%m/%Y} is before needed from {inp.needed_from:%d/%m/%Y}; "
            "type an end date on or after the start, or leave it blank."
        )
    if inp.max_distance_km is not None and not 0 < float(inp.max_distance_km) <= MAX_DISTANCE_KM:
        raise InvalidInput(
            f"Maximum distance must be a number of kilometres between 1 and {MAX_DISTANCE_KM}, or blank."
        )
    if inp.max_distance_km is not None and inp.near_place_id is None:
        raise InvalidInput("A maximum distance needs a place to measure from; choose the school or home place.")
    count = len(set(inp.child_ids)) + len(inp.new_children)
    if count == 0:
        raise InvalidInput("A placement request needs a child: find the child by name or reference, or record them.")
    if count > MAX_SIBLINGS:
        raise InvalidInput(f"A request can hold up to {MAX_SIBLINGS} siblings; split the group into two requests.")
    if len(set(inp.child_ids)) != len(inp.child_ids):
        raise InvalidInput("The same child is listed twice; remove the repeat.")
    return {
        "placement_type": ptype,
        "urgency": urgency,
        "needed_from": inp.needed_from,
        "needed_until": inp.needed_until,
        "needs": frozenset(as_enum_set(Specialism, inp.needs, "Need")),
        "needs_wheelchair_access": bool(inp.needs_wheelchair_access),
        "near_place_id": inp.near_place_id,
        "max_distance_km": float(inp.max_distance_km) if inp.max_distance_km is not None else None,
        "no_younger_children": bool(inp.no_younger_children),
        "no_other_children": bool(inp.no_other_children),
        "no_pets": bool(inp.no_pets),
        "no_smokers": bool(inp.no_smokers),
        "language": field_text(inp.language, "Language", limit=WORD_MAX).lower(),
        "religion": field_text(inp.religion, "Religion", limit=WORD_MAX),
        "notes": field_text(inp.notes, "Request notes", limit=REQUEST_NOTES_MAX, multiline=True),
    }


def max_age_for(placement_type: PlacementType) -> int:
    """The oldest a request's child may be: a young adult parent only on parent and child."""
    return MAX_PARENT_AGE if placement_type == PlacementType.PARENT_AND_CHILD else MAX_AGE


def check_one_parent(session: Session, placement_type: PlacementType, child_ids: Iterable[int], on: dt.date) -> None:
    """On a parent-and-child request only the parent may be over 17: one person, at most 21."""
    if placement_type != PlacementType.PARENT_AND_CHILD:
        return
    older = [c for c in (session.get(Child, cid) for cid in child_ids)
             if c is not None and c.date_of_birth is not None and age_on(c.date_of_birth, on) > MAX_AGE]
    if len(older) > 1:
        raise InvalidInput(f"{' and '.join(c.display_name for c in older)} are all over {MAX_AGE}; on a "
                           "parent-and-child request only the parent may be a young adult. Check the ages.")
    for c in older:
        if age_on(c.date_of_birth, on) > MAX_PARENT_AGE:
            raise InvalidInput(f"{c.display_name} is {age_on(c.date_of_birth, on)}; a parent on a parent-and-child "
                               f"request is at most {MAX_PARENT_AGE}.")


def open_request(session: Session, actor: Actor, inp: RequestInput) -> PlacementRequest:
    """Open a placement request (state logged) in the caller's write transaction.

    Creates any new children, links every child, writes the first transition
    (None -> logged) and audits both. Returns the flushed row (id and reference set).
    """
    require(actor, Permission.LOG, "open a placement request")
    when = inp.at or clock.now()
    values = validate_request(inp, clock.local(when).date())
    team_id = inp.team_id or actor.team_id
    if team_id is None:
        raise InvalidInput("Your account has no team; ask an administrator to put you in a team first.")
    _place_exists(session, values["near_place_id"], "Near place")
    child_ids: list[int] = []
    for cid in inp.child_ids:
        if session.get(Child, cid) is None:
            raise NotFound(f"There is no child number {cid}; find the child again by name or reference.")
        child_ids.append(cid)
    top = max_age_for(values["placement_type"])
    reference = references.next_reference(session, references.Kind.REQUEST, clock.local(when).year)
    for new in one_family(session, inp.new_children, child_ids, reference):
        child_ids.append(create_child(session, actor, new, max_age=top).id)
    if len(set(child_ids)) != len(child_ids):
        raise InvalidInput("The same child is listed twice; remove the repeat.")
    check_one_parent(session, values["placement_type"], child_ids, values["needed_from"])

    request = _save(
        session,
        PlacementRequest(
            reference=reference,
            team_id=team_id,
            created_by_id=actor.user_id,
            worker_id=inp.worker_id or actor.user_id,
            state=RequestState.LOGGED,
            created_at=when,
            state_changed_at=when,
            **values,
        ),
        "The placement request",
    )
    for cid in child_ids:
        session.add(RequestChild(request_id=request.id, child_id=cid))
    session.add(
        RequestTransition(
            request_id=request.id, from_state=None, to_state=RequestState.LOGGED, at=when,
            by_user_id=actor.user_id, note="opened",
        )
    )
    session.flush()
    audit.record(
        session, actor, "request.logged", "placement_requests", request.id,
        {
            "reference": request.reference,
            "children": child_ids,
            "placement_type": request.placement_type.value,
            "urgency": request.urgency.value,
            "needed_from": request.needed_from.isoformat(),
        },
        at=when,
    )
    return request
