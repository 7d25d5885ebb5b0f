"""Words for the allegations' stored values (``labels.py`` holds them with every other enum's)."""

from __future__ import annotations

from db.enums import (
    AllegationCategory,
    AllegationEventKind,
    AllegationOutcome,
    AllegationParty,
    AllegationStatus,
    AllegationStep,
    SafetyDecision,
)

ALLEGATION_STATUS: dict[AllegationStatus, str] = {
    AllegationStatus.OPEN: "open",
    AllegationStatus.CLOSED: "closed",
}

ALLEGATION_OUTCOME: dict[AllegationOutcome, str] = {
    AllegationOutcome.SUBSTANTIATED: "substantiated",
    AllegationOutcome.UNSUBSTANTIATED: "unsubstantiated",
    AllegationOutcome.UNFOUNDED: "unfounded",
    AllegationOutcome.FALSE: "false",
    AllegationOutcome.MALICIOUS: "malicious",
}

ALLEGATION_CATEGORY: dict[AllegationCategory, str] = {
    AllegationCategory.HARM: "allegation of harm",
    AllegationCategory.STANDARDS: "standards-of-care concern",
    AllegationCategory.COMPLAINT: "complaint",
}

ALLEGATION_PARTY: dict[AllegationParty, str] = {
    AllegationParty.LADO: "LADO",
    AllegationParty.SOCIAL_WORKER: "child's social worker",
    AllegationParty.POLICE: "police",
    AllegationParty.OFSTED: "Ofsted",
}

SAFETY_DECISION: dict[SafetyDecision, str] = {
    SafetyDecision.REMAIN: "remains in the household",
    SafetyDecision.MOVE: "moves",
    SafetyDecision.UNDER_REVIEW: "under review",
}

ALLEGATION_STEP: dict[AllegationStep, str] = {
    AllegationStep.LADO_REFERRAL: "LADO referral",
    AllegationStep.LADO_DECISION: "LADO decision",
    AllegationStep.STRATEGY_MEETING: "strategy or evaluation meeting",
    AllegationStep.CONCLUSION: "conclusion",
    AllegationStep.REVIEW: "monthly review",
}

ALLEGATION_EVENT: dict[AllegationEventKind, str] = {
    AllegationEventKind.RAISED: "raised",
    AllegationEventKind.LADO_REFERRAL: "LADO referral",
    AllegationEventKind.STRATEGY_MEETING: "strategy meeting",
    AllegationEventKind.NOTE: "note",
    AllegationEventKind.OUTCOME: "outcome",
    AllegationEventKind.LADO_DECISION: "LADO decision",
    AllegationEventKind.REVIEW: "monthly review",
    AllegationEventKind.CARER_SUPPORT: "carers' support",
    AllegationEventKind.HOLD_LIFTED: "hold lifted",
    AllegationEventKind.ADDENDUM: "addendum",
}
