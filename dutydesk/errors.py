"""Errors in the desk's words. Every message says what is wrong and what to do.

The CLI prints ``str(error)`` on one line and exits non-zero; the UI shows it in
a notification. Anything else reaching the top is a bug.
"""

from __future__ import annotations


class DeskError(Exception):
    """A problem the person at the desk can understand and act on."""

    exit_code = 1


class NotAllowed(DeskError):
    """The signed-in user's role does not permit this."""

    exit_code = 3


class NotFound(DeskError):
    exit_code = 4


class InvalidInput(DeskError):
    """Something typed or imported is not acceptable; nothing was saved."""

    exit_code = 2


class Conflict(DeskError):
    """The records changed under the worker (for example the last place was taken)."""

    exit_code = 5


class UnknownUser(DeskError):
    exit_code = 6


class SchemaMismatch(DeskError):
    """The database is older or newer than this version of dutydesk."""

    exit_code = 7
