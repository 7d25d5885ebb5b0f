"""Proposing from the request screen: whatever refuses the proposal, the dialog comes back with the text.

The service's refusals (outside terms without an exemption, a household on hold or
no longer free, a request moved on, a role that may not propose) are its own
sentences; a store that went away (locked, gone read-only) is told as the desk's
words for it; anything else is a crash file and a sentence. In every case the
proposal as typed travels back, so the rationale is never typed twice.
"""

from __future__ import annotations

from typing import Any

from screens.dialogs import Proposal
from screens.loading import Outcome


def propose_keeping_text(desk: Any, proposal: Proposal, *args: Any, **kwargs: Any) -> Outcome:
    """Propose; a refusal of any kind carries the proposal back so the dialog can reopen with its text."""
    from dutydesk.errors import DeskError
    from dutydesk.requests import actions as steps

    try:
        return Outcome(steps.propose(desk, *args, **kwargs))
    except DeskError as err:
        return Outcome(str(err), False, proposal)
    except Exception as err:  # noqa: BLE001 - told in a sentence; the typed text must not be lost
        return Outcome(_words(desk, err), False, proposal)


def _words(desk: Any, err: Exception) -> str:
    from screens.launch import desk_words

    words = desk_words(err, str(desk.db.url)) if desk is not None else None
    if words:
        return f"The proposal was not saved: {words} Your text is kept below."
    from dutydesk.crash import report

    try:
        path: Any = report(err)
    except OSError:
        path = "nowhere (the crash file could not be written)"
    return (f"The proposal was not saved: something went wrong that the desk did not expect "
            f"({type(err).__name__}); details were written to {path}. Your text is kept below; try again.")
