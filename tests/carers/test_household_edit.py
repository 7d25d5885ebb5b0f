"""The household edit service: roles per field group, the allegation hold, lost updates, references,
resignation with a child placed, and the audit of every change (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from db.enums import AllegationStatus, HouseholdStatus, PlacementType
from db.models import Allegation, AuditEvent, Household
from dutydesk.access.desk import Desk
from dutydesk.carers import household_edit as edit
from dutydesk.carers.household_values import FieldProblems, check_field
from dutydesk.errors import Conflict, NotAllowed
from matching_builders import TODAY, child, household, placement, places

NEW = {"reference": "HH-900", "name": "Okafor, Grace", "kind": "in house", "status": "approved", "places": "2",
       "placement_types": "emergency; short term", "age_min": "0", "age_max": "12", "postcode": "CT9 1AB"}


@pytest.fixture
def desks(database, people):
    places(database)
    return {k: Desk(database, a) for k, a in people.items()}


def _events(db, hid: int) -> list[dict]:
    with db.read() as s:
        rows = s.execute(sa.select(AuditEvent.action, AuditEvent.username, AuditEvent.detail)
                         .where(AuditEvent.entity == "households", AuditEvent.entity_id == str(hid))
                         .order_by(AuditEvent.id)).all()
    return [{"action": a, "by": u, **json.loads(d)} for a, u, d in rows]


def test_a_manager_adds_a_household_and_the_audit_keeps_values_and_reason(desks, database):
    saved = edit.add_household(desks["manager"], NEW, reason="approved at panel on 1 December")
    rec = saved.record
    assert rec.reference == "HH-900" and rec.version == 1
    assert rec.values["place"] == "Cliftonville"  # from the postcode district, as the import reads it
    assert rec.values["placement_types"] == frozenset({PlacementType.EMERGENCY, PlacementType.SHORT_TERM})
    [event] = _events(database, rec.id)
    assert event["action"] == "household.added" and event["by"] == "maya"
    assert event["reason"] == "approved at panel on 1 December" and event["values"]["age_max"] == 12


def test_a_duty_worker_cannot_add_a_household_nor_change_terms_or_status(desks, database):
    with pytest.raises(NotAllowed, match="Only a manager or administrator can add a household"):
        edit.add_household(desks["worker"], NEW, reason="x")
    hid = household(database, "HH-1")
    rec = edit.load(desks["worker"], hid)
    for typed, doing in [({"places": "3"}, "terms of approval"), ({"status": "on hold"}, "status"),
                         ({"dbs_expires_on": "2027-01-01"}, "DBS dates"), ({"name": "Other"}, "name")]:
        with pytest.raises(NotAllowed, match=doing):
            edit.edit_household(desks["worker"], hid, typed, reason="carer rang", version=rec.version)
    # What a carer reports, a duty worker records.
    saved = edit.edit_household(desks["worker"], hid, {"pets": "yes", "other_children_ages": "3; 7"},
                                reason="carer rang: new dog", version=rec.version)
    assert saved.changes == {"pets": [False, True], "other_children_ages": ["", "3,7"]}
    assert saved.record.version == rec.version + 1
    with pytest.raises(NotAllowed):
        edit.edit_household(desks["viewer"], hid, {"pets": "no"}, reason="x", version=saved.record.version)


def test_every_change_needs_a_reason_and_bad_values_are_named(desks, database):
    hid = household(database, "HH-2")
    rec = edit.load(desks["manager"], hid)
    with pytest.raises(Exception, match="Say why"):
        edit.edit_household(desks["manager"], hid, {"places": "3"}, reason="  ", version=rec.version)
    with pytest.raises(FieldProblems) as err:
        edit.edit_household(desks["manager"], hid, {"places": "lots", "age_min": "19"}, reason="panel",
                            version=rec.version)
    assert set(err.value.problems) == {"places", "age_min"}
    with pytest.raises(FieldProblems, match="more than the oldest age"):
        edit.edit_household(desks["manager"], hid, {"age_min": "12", "age_max": "10"}, reason="panel",
                            version=rec.version)
    assert check_field("postcode", "ZZ") is not None and check_field("postcode", "CT9") is None
    assert edit.load(desks["manager"], hid).version == rec.version  # nothing saved


def test_a_second_editor_is_told_the_record_changed_and_what(desks, database):
    hid = household(database, "HH-3", places=2)
    first = edit.load(desks["manager"], hid)
    second = edit.load(desks["manager2"], hid)
    edit.edit_household(desks["manager"], hid, {"places": "3"}, reason="panel varied terms", version=first.version)
    with pytest.raises(edit.RecordChanged) as err:
        edit.edit_household(desks["manager2"], hid, {"age_max": "15"}, reason="panel", version=second.version,
                            seen=second.values)
    assert err.value.changed == [("places", 2, 3)]
    assert "by maya" in str(err.value) and "Places is now 3 (you saw 2)" in str(err.value)
    # Without the snapshot, the audit trail says what changed.
    with pytest.raises(edit.RecordChanged) as err:
        edit.edit_household(desks["manager2"], hid, {"age_max": "15"}, reason="panel", version=second.version)
    assert err.value.changed == [("places", 2, 3)]
    assert edit.load(desks["manager"], hid).values["age_max"] == 17


def test_references_are_unique_whatever_their_case_and_spaces(desks, database):
    edit.add_household(desks["manager"], NEW, reason="panel")
    with pytest.raises(FieldProblems, match="HH-900 is already in dutydesk"):
        edit.add_household(desks["manager"], {**NEW, "reference": "  hh-900 "}, reason="panel")
    assert edit.find(desks["worker"], " hh-900").reference == "HH-900"
    with pytest.raises(sa.exc.IntegrityError), database.write() as s:  # the store refuses it too
        s.add(Household(reference="Hh-900 ", name="x", kind="in_house", status="approved"))
        s.flush()


def test_an_allegation_hold_cannot_be_lifted_by_an_edit(desks, database, people):
    hid = household(database, "HH-4", status=HouseholdStatus.ON_HOLD)
    with database.write() as s:
        s.add(Allegation(reference="AL-2026-00009", household_id=hid, raised_by_id=people["worker"].user_id,
                         summary="said", raised_at=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
                         status=AllegationStatus.OPEN, household_status_before=HouseholdStatus.APPROVED))
    rec = edit.load(desks["manager"], hid)
    with pytest.raises(Conflict, match="open allegation AL-2026-00009; it cannot be made available"):
        edit.edit_household(desks["manager"], hid, {"status": "approved"}, reason="stale", version=rec.version)
    assert edit.load(desks["manager"], hid).values["status"] == HouseholdStatus.ON_HOLD
    # Other changes are still recorded while it is held.
    edit.edit_household(desks["manager"], hid, {"status": "suspended"}, reason="panel", version=rec.version)


def test_resignation_is_refused_while_a_child_is_placed_and_keeps_history(desks, database, people):
    hid = household(database, "HH-5")
    pl = placement(database, child(database, "C-1", first_name="Sam", last_name="Green"), hid,
                   people["worker"].user_id, starts_on=TODAY)
    rec = edit.load(desks["manager"], hid)
    with pytest.raises(Conflict, match=r"still placed there \(PL\d+ \(Sam Green\)\); end that placement first"):
        edit.edit_household(desks["manager"], hid, {"status": "resigned"}, reason="gave notice", version=rec.version)
    with database.write() as s:
        s.execute(sa.text("UPDATE placements SET ended_on = :d WHERE id = :id"), {"d": TODAY, "id": pl})
    saved = edit.edit_household(desks["manager"], hid, {"status": "resigned"}, reason="gave notice",
                                version=rec.version)
    assert saved.record.values["status"] == HouseholdStatus.RESIGNED
    with database.read() as s:  # history stays
        assert s.execute(sa.text("SELECT count(*) FROM placements WHERE household_id = :h"), {"h": hid}).scalar() == 1
    assert _events(database, hid)[-1]["changes"] == {"status": ["approved", "resigned"]}
