"""Enumerations of the duty desk's domain words.

Values are stored as their lower-case strings, so the database reads plainly
and PostgreSQL needs no enum types (which Alembic handles poorly).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DUTY_WORKER = "duty_worker"
    MANAGER = "manager"
    ADMIN = "admin"
    VIEWER = "viewer"


class HouseholdKind(StrEnum):
    IN_HOUSE = "in_house"
    CONNECTED_PERSON = "connected_person"
    IFA = "ifa"


class HouseholdStatus(StrEnum):
    APPROVED = "approved"
    ON_HOLD = "on_hold"
    SUSPENDED = "suspended"
    IN_ASSESSMENT = "in_assessment"
    RESIGNED = "resigned"  # the carer gave notice
    DEREGISTERED = "deregistered"  # the agency ended the approval (a manager's decision, often after panel)


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    UNKNOWN = "unknown"


class GenderTerms(StrEnum):
    """The genders a household is approved to care for."""

    ANY = "any"
    FEMALE = "female"
    MALE = "male"


class PlacementType(StrEnum):
    EMERGENCY = "emergency"
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    SHORT_BREAKS = "short_breaks"
    PARENT_AND_CHILD = "parent_and_child"
    REMAND = "remand"


class Specialism(StrEnum):
    """What a household is approved and experienced to meet; also a child's needs."""

    DISABILITY = "disability"
    COMPLEX_HEALTH = "complex_health"
    SIBLING_GROUPS = "sibling_groups"
    TEENAGERS = "teenagers"
    UASC = "uasc"
    THERAPEUTIC = "therapeutic"
    BABIES = "babies"


class LegalStatus(StrEnum):
    POLICE_PROTECTION = "police_protection"
    EMERGENCY_PROTECTION_ORDER = "emergency_protection_order"
    INTERIM_CARE_ORDER = "interim_care_order"
    CARE_ORDER = "care_order"
    SECTION_20 = "section_20"
    REMAND = "remand"
    PLACEMENT_ORDER = "placement_order"
    CHILD_IN_NEED = "child_in_need"
    OTHER = "other"


class CallDirection(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class CallerType(StrEnum):
    CHILDS_SOCIAL_WORKER = "childs_social_worker"
    POLICE = "police"
    OUT_OF_HOURS = "out_of_hours"
    CARER = "carer"
    IFA = "ifa"
    OTHER_AUTHORITY = "other_authority"
    HOSPITAL = "hospital"
    PARENT = "parent"
    OTHER = "other"


class CallCategory(StrEnum):
    PLACEMENT_REQUEST = "placement_request"
    PLACEMENT_UPDATE = "placement_update"
    CARER_AVAILABILITY = "carer_availability"
    CARER_SUPPORT = "carer_support"
    ALLEGATION = "allegation"
    COMPLAINT = "complaint"
    INFORMATION = "information"


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # a bed tonight
    URGENT = "urgent"  # within days
    PLANNED = "planned"


class RequestState(StrEnum):
    LOGGED = "logged"
    SEARCHING = "searching"
    CONTACTING = "contacting"
    PROPOSED = "proposed"
    SIGNED_OFF = "signed_off"
    PLACED = "placed"
    CLOSED_UNMET = "closed_unmet"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_REQUEST_STATES


CLOSED_REQUEST_STATES = frozenset(
    {RequestState.PLACED, RequestState.CLOSED_UNMET, RequestState.WITHDRAWN}
)


class CandidateStatus(StrEnum):
    SHORTLISTED = "shortlisted"
    CONTACTED = "contacted"
    NO_ANSWER = "no_answer"
    DECLINED_BY_CARER = "declined_by_carer"
    RULED_OUT = "ruled_out"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    CHOSEN = "chosen"


class DecisionKind(StrEnum):
    PLACE = "place"  # with a named household
    SPLIT_SIBLINGS = "split_siblings"
    COMMISSION_IFA = "commission_ifa"
    ESCALATE = "escalate"


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"


class PlacementEndReason(StrEnum):
    PLANNED_END = "planned_end"
    BREAKDOWN = "breakdown"
    MOVE = "move"
    OTHER = "other"


class UnavailableKind(StrEnum):
    HOLIDAY = "holiday"
    BREAK = "break"
    HOLD = "hold"
    OTHER = "other"


class AllegationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AllegationOutcome(StrEnum):
    SUBSTANTIATED = "substantiated"
    UNSUBSTANTIATED = "unsubstantiated"
    UNFOUNDED = "unfounded"
    FALSE = "false"
    MALICIOUS = "malicious"


class AllegationEventKind(StrEnum):
    RAISED = "raised"
    LADO_REFERRAL = "lado_referral"
    STRATEGY_MEETING = "strategy_meeting"
    NOTE = "note"
    OUTCOME = "outcome"
    LADO_DECISION = "lado_decision"
    REVIEW = "review"
    CARER_SUPPORT = "carer_support"
    HOLD_LIFTED = "hold_lifted"
    ADDENDUM = "addendum"


class AllegationCategory(StrEnum):
    HARM = "harm"  # an allegation of harm: the household is held at once
    STANDARDS = "standards"  # a standards-of-care concern
    COMPLAINT = "complaint"


class AllegationParty(StrEnum):
    """Who has been told of an allegation."""

    LADO = "lado"
    SOCIAL_WORKER = "social_worker"
    POLICE = "police"
    OFSTED = "ofsted"


class SafetyDecision(StrEnum):
    """The initial safety decision for a child placed in the household."""

    REMAIN = "remain"
    MOVE = "move"
    UNDER_REVIEW = "under_review"


class AllegationStep(StrEnum):
    """The steps of an allegation's timeline, each with a due date in working days."""

    LADO_REFERRAL = "lado_referral"
    LADO_DECISION = "lado_decision"
    STRATEGY_MEETING = "strategy_meeting"
    CONCLUSION = "conclusion"
    REVIEW = "review"


class UnmetNeed(StrEnum):
    AGE_BAND = "age_band"
    SIBLING_GROUP = "sibling_group"
    DISABILITY = "disability"
    PARENT_AND_CHILD = "parent_and_child"
    UASC = "uasc"
    OTHER = "other"


class UnmetResolution(StrEnum):
    IFA_COMMISSIONED = "ifa_commissioned"
    ESCALATED = "escalated"
    OTHER = "other"


class CallbackStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Area(StrEnum):
    NORTH = "North"
    EAST = "East"
    SOUTH = "South"
    WEST = "West"
