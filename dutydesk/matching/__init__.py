"""Matching: hard rules exclude, soft factors rank, every result says why.

The names below are loaded when first asked for, not with the package, so that
importing a light module of it (``capacity``, ``rules``) does not build the
models: the dashboard reads ``capacity`` on the start-up path.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Excluded", "MatchCriteria", "MatchResult", "Ranked", "Weights", "criteria_for_request",
           "load_weights", "match"]


def __getattr__(name: str) -> Any:
    if name in ("MatchCriteria", "criteria_for_request"):
        from dutydesk.matching import criteria

        return getattr(criteria, name)
    if name in ("Excluded", "MatchResult", "Ranked"):
        from dutydesk.matching import result

        return getattr(result, name)
    if name == "match":
        from dutydesk.matching import engine

        return engine.match
    if name in ("Weights", "load_weights"):
        from dutydesk.matching import weights

        return getattr(weights, name)
    raise AttributeError(f"module 'dutydesk.matching' has no attribute {name!r}")
