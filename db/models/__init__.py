"""Every table of the desk. Import from here so the metadata is complete."""

from db.models.allegations import Allegation, AllegationChild, AllegationEvent, AllegationStepDue
from db.models.audit import AuditEvent, AuditHead
from db.models.base import utcnow
from db.models.calls import Call, Callback, Draft, HandoverNote
from db.models.children import Child
from db.models.households import Household, UnavailablePeriod
from db.models.org import Setting, Team, User
from db.models.placements import Placement
from db.models.places import Place
from db.models.requests import (
    Candidate,
    CandidateContact,
    Decision,
    DecisionAddendum,
    PlacementRequest,
    RequestChild,
    RequestTransition,
    Search,
    SearchResult,
)
from sqlmodel import SQLModel

metadata = SQLModel.metadata

__all__ = [
    "Allegation", "AllegationChild", "AllegationEvent", "AllegationStepDue", "AuditEvent", "AuditHead", "Call", "Callback",
    "Candidate", "CandidateContact", "Child", "Decision", "DecisionAddendum", "Draft",
    "HandoverNote", "Household", "Place", "Placement", "PlacementRequest", "RequestChild",
    "RequestTransition", "Search", "SearchResult", "Setting", "Team", "UnavailablePeriod",
    "User", "metadata", "utcnow",
]
