"""Limits the intake service enforces on a call's placement request, in a module with no imports.

The call form checks them as the worker types (its validators import this, not
the models); ``dutydesk.calls.intake`` enforces them on save.
"""

from __future__ import annotations

MAX_AGE = 17  # children; a parent in a parent-and-child request is a child too
MAX_DISTANCE_KM = 500  # the furthest "within" a request may ask for
