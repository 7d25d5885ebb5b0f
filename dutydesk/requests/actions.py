"""The duty process's actions as the screens call them: one service call each, one sentence back.

Each function takes the desk and plain values and returns what to tell the
worker; refusals are the services' own ``DeskError``s. The request and
oversight screens run them through ``screens.loading.LoadingScreen.act``, which
then loads the fresh state in the same worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from dutydesk.access.desk import Desk
from dutydesk.requests import corrections, decisions, placements, steps
from dutydesk.requests.searches import run_and_save


def search(desk: Desk, request_id: int) -> str:
    saved = run_and_save(desk, request_id)
    steps.mark_searched(desk, request_id)
    return f"Search saved: {saved.ranked_count} ranked, {saved.excluded_count} ruled out."


def contact(desk: Desk, request_id: int, household_id: int, outcome: str, note: str = "") -> str:
    return steps.record_contact(desk, request_id, household_id, outcome, note).message


def correct(desk: Desk, request_id: int, household_id: int, reason: str) -> str:
    return corrections.correct_last_outcome(desk, request_id, household_id, reason).message


def propose(desk: Desk, request_id: int, kind: str, rationale: str, exemption: str = "",
            household_id: int | None = None) -> str:
    dv = decisions.propose(desk, request_id, kind, rationale, household_id=household_id, exemption_reason=exemption)
    return f"Decision {dv.id} proposed; it awaits a manager's sign-off."


def place(desk: Desk, request_id: int) -> str:
    return placements.place(desk, request_id).message


def close_unmet(desk: Desk, request_id: int, needs: Sequence[str], resolution: str, note: str) -> str:
    return steps.close_unmet(desk, request_id, needs, resolution, note).message


def withdraw(desk: Desk, request_id: int, reason: str) -> str:
    return steps.withdraw(desk, request_id, reason).message


def sign_off(desk: Desk, decision_id: int, comment: str, *, name_request: bool = False) -> str:
    dv = decisions.sign_off(desk, decision_id, comment)
    about = f" for {dv.request_reference}" if name_request else ""
    return f"Decision {dv.id}{about} signed off" + (" retrospectively." if dv.retrospective else ".")


def return_decision(desk: Desk, decision_id: int, comment: str) -> str:
    dv = decisions.return_decision(desk, decision_id, comment)
    return f"Decision {dv.id} returned to {dv.proposed_by}."
