"""Lengths the duty process accepts for what a worker types, in a module with no imports.

The screens' dialogs check them before they close (so the worker is told which
field and which limit, and keeps the text); ``dutydesk.requests.steps`` and
``dutydesk.requests.decisions`` enforce them. ``tests/test_limits.py`` holds the two together.
"""

from __future__ import annotations

REASON_MAX = 1000  # a contact note (declined, ruled out), a withdrawal reason, a closing note
TEXT_MAX = 2000  # a sign-off or return comment, an exemption reason, a rationale
RATIONALE_MIN = 10  # a proposal's rationale
