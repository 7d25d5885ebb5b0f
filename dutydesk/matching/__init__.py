"""Matching: hard rules exclude, soft factors rank, every result says why."""

from dutydesk.matching.criteria import MatchCriteria, criteria_for_request
from dutydesk.matching.engine import Excluded, MatchResult, Ranked, match
from dutydesk.matching.weights import Weights, load_weights

__all__ = ["Excluded", "MatchCriteria", "MatchResult", "Ranked", "Weights", "criteria_for_request",
           "load_weights", "match"]
