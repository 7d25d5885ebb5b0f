"""The households CSV import obeys the edit service's rules: a stale --update cannot lift an
allegation hold nor resign a household with a child placed (refused row by row, naming each), and
references are the same whatever their case and surrounding spaces."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from db.enums import AllegationStatus, HouseholdStatus
from db.models import Allegation, Household
from dutydesk.access.desk import Desk
from dutydesk.carers import households_export
from dutydesk.carers.households_format import ImportRejected
from dutydesk.carers.households_import import import_households
from matching_builders import TODAY, child, household, placement, places


@pytest.fixture
def manager(database, people) -> Desk:
    places(database)
    return Desk(database, people["manager"])


def _export(desk: Desk) -> bytes:
    out = io.StringIO()
    households_export.write_csv(desk, out)
    return out.getvalue().encode()


def _status(db, hid: int) -> str:
    with db.read() as s:
        return s.execute(sa.select(Household.status).where(Household.id == hid)).scalar_one()


def test_a_stale_update_that_would_lift_a_hold_or_resign_with_a_child_placed_is_refused_row_by_row(
        manager, database, people):
    held = household(database, "HH-A")
    placed = household(database, "HH-B", status=HouseholdStatus.IN_ASSESSMENT)
    fine = household(database, "HH-C")
    stale = _export(manager)  # every household approved or in assessment
    with database.write() as s:
        s.execute(sa.update(Household).where(Household.id == held).values(status=HouseholdStatus.ON_HOLD))
        s.add(Allegation(reference="AL-2026-00004", household_id=held, raised_by_id=people["worker"].user_id,
                         summary="said", raised_at=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
                         status=AllegationStatus.OPEN, household_status_before=HouseholdStatus.APPROVED))
    placement(database, child(database, "C-9", first_name="Ann", last_name="Lee"), placed,
              people["worker"].user_id, starts_on=TODAY, count_now=False)  # the export's count stays right
    text = stale.decode().replace("HH-B,Household HH-B,in_house,,in_assessment", "HH-B,Household HH-B,in_house,,resigned")
    text = text.replace("HH-C,Household HH-C,in_house,,approved", "HH-C,Household HH-C,in_house,,suspended")
    with pytest.raises(ImportRejected) as err:
        import_households(manager, io.BufferedReader(io.BytesIO(text.encode())), update=True)
    said = [str(p) for p in err.value.problems]
    assert len(said) == 2
    assert "column status: HH-A cannot become approved" in said[0] and "AL-2026-00004" in said[0]
    assert "type on_hold to keep its status" in said[0]
    assert "HH-B cannot become resigned" in said[1] and "(Ann Lee)" in said[1]
    assert (_status(database, held), _status(database, placed), _status(database, fine)) == \
        ("on_hold", "in_assessment", "approved")  # nothing imported


def test_a_reference_differing_only_in_case_is_the_same_household(manager, database):
    household(database, "HH-D")
    header = "reference,name,kind,status,places,placement_types\n"
    with pytest.raises(ImportRejected, match="1 problem"):
        import_households(manager, io.BufferedReader(io.BytesIO(
            (header + " hh-d ,New one,in_house,approved,1,emergency\n").encode())))
    with pytest.raises(ImportRejected) as err:
        import_households(manager, io.BufferedReader(io.BytesIO(
            (header + "HH-E,One,in_house,approved,1,emergency\nhh-e,Two,in_house,approved,1,emergency\n").encode())))
    assert "hh-e is also on line 2" in str(err.value.problems[0])
