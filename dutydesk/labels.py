"""Words for stored values, as a duty worker would say them: one map per enum of ``db.enums``.

Screens, the command line and the exports all take their words from here, so a
state reads the same everywhere. ``label(value)`` gives the words for any member
(or for its stored string, given the enum class); ``short=True`` gives the
narrow form that tables and choice lists use where there is one. A member with
no words is a bug, not a fall-back to its code: a test holds every member of
every enum to a label.

Light on purpose: it imports only ``db.enums``, so the dashboard and sign-in
(on the start-up path) can use it.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from db.enums import (
    AllegationCategory,
    AllegationEventKind,
    AllegationParty,
    AllegationStep,
    AllegationOutcome,
    AllegationStatus,
    Area,
    CallbackStatus,
    CallCategory,
    CallDirection,
    CallerType,
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    Gender,
    GenderTerms,
    HouseholdKind,
    HouseholdStatus,
    LegalStatus,
    PlacementEndReason,
    PlacementType,
    RequestState,
    SafetyDecision,
    Role,
    Specialism,
    UnavailableKind,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from dutydesk.labels_allegations import (
    ALLEGATION_CATEGORY,
    ALLEGATION_EVENT,
    ALLEGATION_OUTCOME,
    ALLEGATION_PARTY,
    ALLEGATION_STATUS,
    ALLEGATION_STEP,
    SAFETY_DECISION,
)

E = TypeVar("E", bound=Enum)

ROLE: dict[Role, str] = {
    Role.DUTY_WORKER: "duty worker",
    Role.MANAGER: "manager",
    Role.ADMIN: "administrator",
    Role.VIEWER: "viewer",
}

HOUSEHOLD_KIND: dict[HouseholdKind, str] = {
    HouseholdKind.IN_HOUSE: "in-house",
    HouseholdKind.CONNECTED_PERSON: "connected person",
    HouseholdKind.IFA: "independent agency (IFA)",
}

HOUSEHOLD_STATUS: dict[HouseholdStatus, str] = {
    HouseholdStatus.APPROVED: "approved",
    HouseholdStatus.ON_HOLD: "on hold",
    HouseholdStatus.SUSPENDED: "suspended",
    HouseholdStatus.IN_ASSESSMENT: "in assessment",
    HouseholdStatus.RESIGNED: "resigned",
    HouseholdStatus.DEREGISTERED: "de-registered",
}

GENDER: dict[Gender, str] = {
    Gender.FEMALE: "female",
    Gender.MALE: "male",
    Gender.NON_BINARY: "non-binary",
    Gender.UNKNOWN: "not known",
}

GENDER_TERMS: dict[GenderTerms, str] = {
    GenderTerms.ANY: "any",
    GenderTerms.FEMALE: "female",
    GenderTerms.MALE: "male",
}

PLACEMENT_TYPE: dict[PlacementType, str] = {
    PlacementType.EMERGENCY: "emergency",
    PlacementType.SHORT_TERM: "short term",
    PlacementType.LONG_TERM: "long term",
    PlacementType.SHORT_BREAKS: "short breaks",
    PlacementType.PARENT_AND_CHILD: "parent and child",
    PlacementType.REMAND: "remand",
}
PLACEMENT_TYPE_SHORT: dict[PlacementType, str] = {**PLACEMENT_TYPE, PlacementType.PARENT_AND_CHILD: "parent & child"}

SPECIALISM: dict[Specialism, str] = {
    Specialism.DISABILITY: "disability",
    Specialism.COMPLEX_HEALTH: "complex health",
    Specialism.SIBLING_GROUPS: "sibling groups",
    Specialism.TEENAGERS: "teenagers",
    Specialism.UASC: "unaccompanied asylum-seeking children",
    Specialism.THERAPEUTIC: "therapeutic",
    Specialism.BABIES: "babies",
}
# The call form's choice words (a child's needs, one key each).
SPECIALISM_SHORT: dict[Specialism, str] = {
    Specialism.DISABILITY: "disability",
    Specialism.COMPLEX_HEALTH: "health",
    Specialism.SIBLING_GROUPS: "siblings",
    Specialism.TEENAGERS: "teenager",
    Specialism.UASC: "UASC",
    Specialism.THERAPEUTIC: "therapeutic",
    Specialism.BABIES: "baby",
}

LEGAL_STATUS: dict[LegalStatus, str] = {
    LegalStatus.POLICE_PROTECTION: "police protection",
    LegalStatus.EMERGENCY_PROTECTION_ORDER: "emergency protection order",
    LegalStatus.INTERIM_CARE_ORDER: "interim care order",
    LegalStatus.CARE_ORDER: "care order",
    LegalStatus.SECTION_20: "section 20",
    LegalStatus.REMAND: "remand",
    LegalStatus.PLACEMENT_ORDER: "placement order",
    LegalStatus.CHILD_IN_NEED: "child in need",
    LegalStatus.OTHER: "other",
}

CALL_DIRECTION: dict[CallDirection, str] = {
    CallDirection.INCOMING: "incoming",
    CallDirection.OUTGOING: "outgoing",
}

CALLER_TYPE: dict[CallerType, str] = {
    CallerType.CHILDS_SOCIAL_WORKER: "child's social worker",
    CallerType.POLICE: "police",
    CallerType.OUT_OF_HOURS: "out of hours",
    CallerType.CARER: "carer",
    CallerType.IFA: "IFA",
    CallerType.OTHER_AUTHORITY: "other authority",
    CallerType.HOSPITAL: "hospital",
    CallerType.PARENT: "parent",
    CallerType.OTHER: "other",
}
# The dashboard's calls panel. (The call form and the calls list say "out of hours" for
# OUT_OF_HOURS where the dashboard says "OOH"; the screens keep their words until they
# switch to this module.)
CALLER_TYPE_SHORT: dict[CallerType, str] = {
    CallerType.CHILDS_SOCIAL_WORKER: "child's SW",
    CallerType.POLICE: "police",
    CallerType.OUT_OF_HOURS: "OOH",
    CallerType.CARER: "carer",
    CallerType.IFA: "IFA",
    CallerType.OTHER_AUTHORITY: "other LA",
    CallerType.HOSPITAL: "hospital",
    CallerType.PARENT: "parent",
    CallerType.OTHER: "other",
}

CALL_CATEGORY: dict[CallCategory, str] = {
    CallCategory.PLACEMENT_REQUEST: "placement request",
    CallCategory.PLACEMENT_UPDATE: "placement update or breakdown",
    CallCategory.CARER_AVAILABILITY: "carer availability",
    CallCategory.CARER_SUPPORT: "carer support",
    CallCategory.ALLEGATION: "allegation or concern",
    CallCategory.COMPLAINT: "complaint",
    CallCategory.INFORMATION: "information",
}
# The call form's choices and the calls list.
CALL_CATEGORY_SHORT: dict[CallCategory, str] = {
    CallCategory.PLACEMENT_REQUEST: "placement request",
    CallCategory.PLACEMENT_UPDATE: "update/breakdown",
    CallCategory.CARER_AVAILABILITY: "availability",
    CallCategory.CARER_SUPPORT: "carer support",
    CallCategory.ALLEGATION: "allegation/concern",
    CallCategory.COMPLAINT: "complaint",
    CallCategory.INFORMATION: "information",
}

URGENCY: dict[Urgency, str] = {
    Urgency.EMERGENCY: "emergency",
    Urgency.URGENT: "urgent",
    Urgency.PLANNED: "planned",
}
# The dashboard's requests panel.
URGENCY_SHORT: dict[Urgency, str] = {
    Urgency.EMERGENCY: "EMERG",
    Urgency.URGENT: "URGENT",
    Urgency.PLANNED: "plan",
}

REQUEST_STATE: dict[RequestState, str] = {
    RequestState.LOGGED: "logged",
    RequestState.SEARCHING: "searching",
    RequestState.CONTACTING: "contacting carers",
    RequestState.PROPOSED: "proposed",
    RequestState.SIGNED_OFF: "signed off",
    RequestState.PLACED: "placed",
    RequestState.CLOSED_UNMET: "closed unmet",
    RequestState.WITHDRAWN: "withdrawn",
}
# The dashboard's requests panel.
REQUEST_STATE_SHORT: dict[RequestState, str] = {**REQUEST_STATE, RequestState.CONTACTING: "contacting"}

CANDIDATE_STATUS: dict[CandidateStatus, str] = {
    CandidateStatus.SHORTLISTED: "shortlisted",
    CandidateStatus.CONTACTED: "contacted",
    CandidateStatus.NO_ANSWER: "no answer",
    CandidateStatus.DECLINED_BY_CARER: "declined by carer",
    CandidateStatus.RULED_OUT: "ruled out",
    CandidateStatus.OFFERED: "offered",
    CandidateStatus.ACCEPTED: "accepted",
    CandidateStatus.CHOSEN: "chosen",
}
# The request screen's list of carers to phone.
CANDIDATE_STATUS_SHORT: dict[CandidateStatus, str] = {**CANDIDATE_STATUS, CandidateStatus.DECLINED_BY_CARER: "declined"}
# A household ranked in the latest search that nobody has rung yet (not a stored status).
NOT_TRIED = "not tried"

DECISION_KIND: dict[DecisionKind, str] = {
    DecisionKind.PLACE: "place",
    DecisionKind.SPLIT_SIBLINGS: "split siblings",
    DecisionKind.COMMISSION_IFA: "commission IFA",
    DecisionKind.ESCALATE: "escalate",
}

DECISION_STATUS: dict[DecisionStatus, str] = {
    DecisionStatus.PROPOSED: "proposed",
    DecisionStatus.RETURNED: "returned",
    DecisionStatus.SIGNED_OFF: "signed off",
}

END_REASON: dict[PlacementEndReason, str] = {
    PlacementEndReason.PLANNED_END: "planned end",
    PlacementEndReason.BREAKDOWN: "breakdown",
    PlacementEndReason.MOVE: "move",
    PlacementEndReason.OTHER: "other",
}

UNAVAILABLE_KIND: dict[UnavailableKind, str] = {
    UnavailableKind.HOLIDAY: "holiday",
    UnavailableKind.BREAK: "break",
    UnavailableKind.HOLD: "hold",
    UnavailableKind.OTHER: "other",
}

UNMET_NEED: dict[UnmetNeed, str] = {
    UnmetNeed.AGE_BAND: "age band",
    UnmetNeed.SIBLING_GROUP: "sibling group",
    UnmetNeed.DISABILITY: "disability",
    UnmetNeed.PARENT_AND_CHILD: "parent and child",
    UnmetNeed.UASC: "unaccompanied asylum-seeking child",
    UnmetNeed.OTHER: "other",
}

UNMET_RESOLUTION: dict[UnmetResolution, str] = {
    UnmetResolution.IFA_COMMISSIONED: "IFA commissioned",
    UnmetResolution.ESCALATED: "escalated",
    UnmetResolution.OTHER: "other",
}

CALLBACK_STATUS: dict[CallbackStatus, str] = {
    CallbackStatus.OPEN: "open",
    CallbackStatus.DONE: "done",
    CallbackStatus.CANCELLED: "cancelled",
}

AREA: dict[Area, str] = {
    Area.NORTH: "North",
    Area.EAST: "East",
    Area.SOUTH: "South",
    Area.WEST: "West",
}

# Every enum's words, and its narrow words where a table or choice list uses them.
WORDS: dict[type[Enum], dict] = {
    Role: ROLE,
    HouseholdKind: HOUSEHOLD_KIND,
    HouseholdStatus: HOUSEHOLD_STATUS,
    Gender: GENDER,
    GenderTerms: GENDER_TERMS,
    PlacementType: PLACEMENT_TYPE,
    Specialism: SPECIALISM,
    LegalStatus: LEGAL_STATUS,
    CallDirection: CALL_DIRECTION,
    CallerType: CALLER_TYPE,
    CallCategory: CALL_CATEGORY,
    Urgency: URGENCY,
    RequestState: REQUEST_STATE,
    CandidateStatus: CANDIDATE_STATUS,
    DecisionKind: DECISION_KIND,
    DecisionStatus: DECISION_STATUS,
    PlacementEndReason: END_REASON,
    UnavailableKind: UNAVAILABLE_KIND,
    AllegationStatus: ALLEGATION_STATUS,
    AllegationOutcome: ALLEGATION_OUTCOME,
    AllegationEventKind: ALLEGATION_EVENT,
    AllegationCategory: ALLEGATION_CATEGORY,
    AllegationParty: ALLEGATION_PARTY,
    SafetyDecision: SAFETY_DECISION,
    AllegationStep: ALLEGATION_STEP,
    UnmetNeed: UNMET_NEED,
    UnmetResolution: UNMET_RESOLUTION,
    CallbackStatus: CALLBACK_STATUS,
    Area: AREA,
}
SHORT_WORDS: dict[type[Enum], dict] = {
    PlacementType: PLACEMENT_TYPE_SHORT,
    Specialism: SPECIALISM_SHORT,
    CallerType: CALLER_TYPE_SHORT,
    CallCategory: CALL_CATEGORY_SHORT,
    Urgency: URGENCY_SHORT,
    RequestState: REQUEST_STATE_SHORT,
    CandidateStatus: CANDIDATE_STATUS_SHORT,
}


def member(value: Enum | str, enum_cls: type[E] | None = None) -> E:
    """The member for ``value``: a member already, or its stored string given ``enum_cls``."""
    if isinstance(value, Enum):
        if enum_cls is not None and not isinstance(value, enum_cls):
            raise TypeError(f"{value!r} is not a {enum_cls.__name__}")
        return value  # type: ignore[return-value]
    if enum_cls is None:
        raise TypeError(f"label({value!r}) needs the enum class to read a stored string")
    return enum_cls(str(value))


def label(value: Enum | str, enum_cls: type[Enum] | None = None, *, short: bool = False) -> str:
    """The words for a stored value: ``label(RequestState.CONTACTING)`` is "contacting carers",
    ``label("contacting", RequestState, short=True)`` is "contacting".

    An unknown enum class or a string that is no member raises (a missing word is a bug to
    fix here, not something to paper over with the code)."""
    m = member(value, enum_cls)
    cls = type(m)
    if short:
        words = SHORT_WORDS.get(cls)
        if words is not None:
            return words[m]
    try:
        return WORDS[cls][m]
    except KeyError:
        raise KeyError(f"dutydesk.labels has no words for {cls.__name__}.{m.name}") from None


def labels(values, enum_cls: type[Enum] | None = None, *, short: bool = False, sep: str = ", ") -> str:
    """Several values' words joined, in the enum's own order (a set of needs, of placement types)."""
    members = {member(v, enum_cls) for v in values}
    if not members:
        return ""
    cls = type(next(iter(members)))
    return sep.join(label(m, short=short) for m in cls if m in members)


def contact_status(value: str, *, short: bool = True) -> str:
    """A carer's status on a request's list to phone: a candidate status, or "ranked" (not tried yet)."""
    if value == "ranked":
        return NOT_TRIED
    return label(value, CandidateStatus, short=short)


def specialism(value: str) -> str:
    """A stored specialism in words (the household profile's list)."""
    return label(value, Specialism)


# Languages known by their initials (sign languages): written in capitals, not as a name.
INITIALS = frozenset({"bsl", "asl", "isl", "lsf"})


def language(value: str) -> str:
    """``pashto`` -> ``Pashto``, ``bsl`` -> ``BSL``; languages are proper nouns in English."""
    return " ".join(w.upper() if w.lower() in INITIALS else w[:1].upper() + w[1:] for w in value.strip().split())


_JOINING = frozenset({"and", "or", "of", "the"})


def named(folded: str) -> str:
    """A religion or ethnicity that matching keeps in lower case, written as a name again:
    ``asian other - afghan`` -> ``Asian Other - Afghan``, ``mixed white and black caribbean`` ->
    ``Mixed White and Black Caribbean``."""
    words = folded.strip().split()
    return " ".join(w if (i and w in _JOINING) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def languages(stored: str) -> str:
    """The stored ``english,pashto`` as ``English, Pashto``."""
    return ", ".join(language(x) for x in stored.split(",") if x.strip())
