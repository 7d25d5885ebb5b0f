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


# --- opening the desk (dutydesk.access.opening raises these; the CLI and the screens word them alike) ---


class OpeningProblem(DeskError):
    """The desk could not open. ``what`` is what is wrong, ``hint`` what to do, ``title`` a heading.

    The command line prints ``str(error)`` (what and hint on one line); the opening
    screen shows the title, then what, then the hint: the same words either way.
    """

    title = "The desk could not open"
    screen_exit_code: int | None = None  # when the screens exit otherwise than the command line

    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(f"{what} {hint}".strip())
        self.what = what
        self.hint = hint


class StoreMissing(OpeningProblem):
    """The SQLite file named does not exist (nothing is created)."""

    title = "There is no store yet"
    exit_code = 7


class StoreAddressInvalid(OpeningProblem):
    """Not a path or URL the desk can open (an unknown dialect, a malformed URL)."""

    title = "The store could not be opened"
    screen_exit_code = 2  # the screens have always exited 2 here; scripts may rely on it


# Each store problem a worker may meet has its own exit status (issue 11.6), the same from the
# command line and the screens, and never a crash file: 10-14 below, 7 missing, 1 unreachable.


class StoreDriverMissing(StoreAddressInvalid):
    """The URL needs a database driver that is not installed."""

    exit_code = 13
    screen_exit_code = None


class StoreNotADatabase(OpeningProblem):
    """The file named is not a database at all (or is damaged past reading)."""

    title = "That file is not a dutydesk store"
    exit_code = 10


class StoreReadOnly(OpeningProblem):
    """The store can be read but not written (the file or its folder)."""

    title = "The store cannot be written"
    exit_code = 11


class StoreIsDirectory(OpeningProblem):
    """The path names a folder, not a store file."""

    title = "That is a folder, not a store"
    exit_code = 12


class StorePermissionDenied(OpeningProblem):
    """The login may not open the store's file or folder."""

    title = "You may not open the store"
    exit_code = 14


class StoreNotCreatable(StoreAddressInvalid):
    """The SQLite file or its folder cannot be made."""


class StoreUnreachable(OpeningProblem):
    """The store is named correctly but cannot be reached (server down, file unreadable)."""

    title = "The store could not be reached"


class StoreSchemaProblem(OpeningProblem, SchemaMismatch):
    """The store's schema is not this dutydesk's."""

    title = "The store needs attention"


class StoreEmpty(StoreSchemaProblem):
    """No dutydesk tables yet."""


class SchemaOutdated(StoreSchemaProblem):
    """Made by an older dutydesk: ``dutydesk db upgrade`` brings it up to date."""


class SchemaNewer(StoreSchemaProblem):
    """Made by a newer dutydesk: this one must not touch it."""


class NotADeskStore(StoreSchemaProblem):
    """Tables, but not dutydesk's (or damaged)."""


class UnknownLogin(OpeningProblem, UnknownUser):
    title = "You are not a dutydesk user yet"


class AccountDisabled(OpeningProblem, UnknownUser):
    title = "Your dutydesk account is disabled"


class NotADemoStore(OpeningProblem, NotAllowed):
    """``--as`` was given on a real store."""

    title = "Not allowed"
