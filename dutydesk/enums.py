"""The desk's enumerations, for the screens and anyone above the services.

They are defined with the tables in ``db.enums`` (stored as their lower-case
strings); screens import them from here, so nothing above ``dutydesk`` reaches
into storage. ``db.enums`` imports only the standard library: this is cheap.
"""

from __future__ import annotations

from db.enums import (
    Role,
    HouseholdKind,
    HouseholdStatus,
    Gender,
    GenderTerms,
    PlacementType,
    Specialism,
    LegalStatus,
    CallDirection,
    CallerType,
    CallCategory,
    Urgency,
    RequestState,
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    PlacementEndReason,
    UnavailableKind,
    AllegationStatus,
    AllegationOutcome,
    AllegationEventKind,
    AllegationCategory,
    AllegationParty,
    SafetyDecision,
    AllegationStep,
    UnmetNeed,
    UnmetResolution,
    CallbackStatus,
    Area,
    CLOSED_REQUEST_STATES,
)

__all__ = [
    "Role",
    "HouseholdKind",
    "HouseholdStatus",
    "Gender",
    "GenderTerms",
    "PlacementType",
    "Specialism",
    "LegalStatus",
    "CallDirection",
    "CallerType",
    "CallCategory",
    "Urgency",
    "RequestState",
    "CandidateStatus",
    "DecisionKind",
    "DecisionStatus",
    "PlacementEndReason",
    "UnavailableKind",
    "AllegationStatus",
    "AllegationOutcome",
    "AllegationEventKind",
    "AllegationCategory",
    "AllegationParty",
    "SafetyDecision",
    "AllegationStep",
    "UnmetNeed",
    "UnmetResolution",
    "CallbackStatus",
    "Area",
    "CLOSED_REQUEST_STATES",
]
