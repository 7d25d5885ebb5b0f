"""Limits the intake service enforces on a call's placement request, in a module that imports only the desk-wide ones (``dutydesk.child_limits``).

The call form checks them as the worker types (its validators import this, not
the models); ``dutydesk.calls.intake`` enforces them on save.
"""

from __future__ import annotations

from dutydesk.child_limits import MAX_AGE, MAX_DISTANCE_KM, MAX_PARENT_AGE  # noqa: F401 - one range for the desk
