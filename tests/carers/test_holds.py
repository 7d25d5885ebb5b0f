"""The allegation hold rule that every route making a household available obeys."""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import AllegationStatus, HouseholdStatus
from db.models import Allegation
from dutydesk.carers import holds
from dutydesk.errors import Conflict
from process_support import make_household


def _allegation(db, household_id: int, ref: str, by: int, status=AllegationStatus.OPEN, hours: int = 0) -> None:
    with db.write() as s:
        s.add(Allegation(reference=ref, household_id=household_id, raised_by_id=by, summary="said",
                         raised_at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC) + dt.timedelta(hours=hours),
                         status=status, household_status_before=HouseholdStatus.APPROVED))


def test_an_open_allegation_holds_and_a_closed_one_does_not(database, people):
    held = make_household(database, "Bell", status=HouseholdStatus.ON_HOLD)
    free = make_household(database, "Shaw")
    by = people["worker"].user_id
    _allegation(database, held, "AL-2026-00002", by, hours=2)
    _allegation(database, held, "AL-2026-00001", by)
    _allegation(database, free, "AL-2026-00003", by, status=AllegationStatus.CLOSED)
    with database.read() as s:
        assert holds.holding_allegation(s, held) == "AL-2026-00001"  # the oldest open one
        assert holds.holding_allegation(s, free) is None
        assert holds.held_households(s, [held, free]) == {held: "AL-2026-00001"}
        assert holds.held_households(s, []) == {}
        with pytest.raises(Conflict, match="AL-2026-00001.*cannot be made available"):
            holds.refuse_if_held(s, held, "made available")
        holds.refuse_if_held(s, free, "made available")
