"""What placing a request's children would break that an exemption can cover, by the match's own SQL.

The terms of approval (ages, gender, placement type) are hard rules of the match;
the usual limit of three unless all are siblings is a warning on a ranked household.
A proposal may go outside them with an exemption reason and a manager's sign-off,
so the duty process asks this module, for the one household proposed or the carers
on the request screen, and gets the rules' own words: the finder, the request screen
and the proposal's refusal can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session

from dutydesk import clock
from dutydesk.matching import rules as R
from dutydesk.matching.criteria import MatchCriteria
from dutydesk.matching.query import DETAILS_AT, D_LOAD, I_ID, I_MASK, I_WARN, W_USUAL_LIMIT, candidate_select
from dutydesk.matching.result import _arg_getters


def outside_terms(session: Session, criteria: MatchCriteria, household_ids: Iterable[int],
                  today: dt.date | None = None) -> dict[int, list[str]]:
    """For each household: the exemptable rules it fails, in the rules' words (empty: within its terms)."""
    ids = sorted(set(household_ids))
    if not ids:
        return {}
    day = today or clock.today()
    getters = _arg_getters(criteria, {})
    out: dict[int, list[str]] = {}
    for row in session.execute(candidate_select(criteria, day, {}, household_ids=ids, with_details=True)):
        d = row[DETAILS_AT:]
        words = [R.rule_label(code, getters[code](d)) for code in R.codes_of(row[I_MASK]) if code in R.EXEMPTABLE]
        if row[I_WARN] & W_USUAL_LIMIT:
            words.append(R.usual_limit_text(d[D_LOAD] + criteria.children))
        out[row[I_ID]] = words
    return out
