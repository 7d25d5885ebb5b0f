"""De-registration (the agency ends the approval) beside resignation (the carer's notice): a manager, with a
reason and the day of the decision; refused while a child is placed, naming the placement; the household
leaves matching and keeps its placements, searches and allegations; the CSV import obeys the same rules;
and nothing in the desk deletes a household's history (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.enums import AllegationStatus, HouseholdStatus
from db.models import Allegation, AuditEvent, Household
from dutydesk.access.desk import Desk
from dutydesk.carers import household_edit as edit
from dutydesk.carers import households_export
from dutydesk.carers.availability import household_warnings
from dutydesk.carers.household_values import FieldProblems
from dutydesk.carers.households_format import ImportRejected
from dutydesk.carers.households_import import import_households
from dutydesk.errors import Conflict, NotAllowed
from dutydesk.labels import label
from dutydesk.matching import MatchCriteria, match
from matching_builders import TODAY, child, household, placement, places

PANEL = TODAY - dt.timedelta(days=6)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", f"{TODAY.isoformat()}T11:00:00+00:00")


@pytest.fixture
def desks(database, people):
    places(database)
    return {k: Desk(database, a) for k, a in people.items()}


def _row(db, hid: int) -> Household:
    with db.read() as s:
        h = s.get(Household, hid)
        s.expunge(h)
        return h


def test_de_registration_after_panel_refused_while_placed_then_leaves_matching_and_keeps_history(
        desks, database, people):
    hid = household(database, "HH-7", name="Wells, Ann")
    pl = placement(database, child(database, "C-7", first_name="Sam", last_name="Green"), hid,
                   people["worker"].user_id, starts_on=TODAY - dt.timedelta(days=40))
    with database.write() as s:
        s.add(Allegation(reference="AL-2026-00031", household_id=hid, raised_by_id=people["worker"].user_id,
                         summary="said", raised_at=dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC),
                         status=AllegationStatus.CLOSED, household_status_before=HouseholdStatus.APPROVED))
    rec = edit.load(desks["manager"], hid)
    with pytest.raises(NotAllowed, match="change a household's status"):
        edit.edit_household(desks["worker"], hid, {"status": "deregistered"}, reason="panel", version=rec.version)
    with pytest.raises(Conflict, match=r"still placed there \(PL\d+ \(Sam Green\)\); end that placement first, "
                                       r"then record the de-registration"):
        edit.edit_household(desks["manager"], hid, {"status": "deregistered"}, reason="panel",
                            version=rec.version, left_on=PANEL)
    with database.write() as s:  # the placement ends (as the end-placement service leaves it)
        s.execute(sa.text("UPDATE placements SET ended_on = :d WHERE id = :id"), {"d": TODAY, "id": pl})
        s.execute(sa.update(Household).where(Household.id == hid).values(occupied_places=0))
    with pytest.raises(FieldProblems, match="Left the register on: .* is in the future"):
        edit.edit_household(desks["manager"], hid, {"status": "deregistered"}, reason="panel",
                            version=rec.version, left_on=TODAY + dt.timedelta(days=1))
    saved = edit.edit_household(desks["manager"], hid, {"status": "de-registered"},
                                reason="Panel recommended de-registration; agency decision maker agreed",
                                version=rec.version, left_on=PANEL)
    assert saved.record.values["status"] is HouseholdStatus.DEREGISTERED
    h = _row(database, hid)
    assert (h.left_on, h.left_reason) == (PANEL, "Panel recommended de-registration; agency decision maker agreed")
    with database.read() as s:
        last = json.loads(s.execute(sa.select(AuditEvent.detail).where(AuditEvent.entity_id == str(hid))
                                    .order_by(AuditEvent.id.desc()).limit(1)).scalar_one())
        assert (last["left_on"], last["left_as"], last["changes"]) == \
            (PANEL.isoformat(), "deregistered", {"status": ["approved", "deregistered"]})
        res = match(s, MatchCriteria(from_on=TODAY))
        assert hid not in {r.household_id for r in res.ranked}
        (ex,) = [e for e in res.excluded if e.household_id == hid]
        assert [code for code, _ in res.explain(s, [ex])[hid]] == ["status"]
        for table in ("placements", "allegations"):  # its history stays
            assert s.execute(sa.text(f"SELECT count(*) FROM {table} WHERE household_id = :h"), {"h": hid}).scalar() == 1
    (warning,) = [w for w in household_warnings(h, TODAY) if w.code == "status"]
    assert warning.label == (f"De-registered on {PANEL:%d %b %Y}: left matching, history kept (Panel recommended "
                             "de-registration; agency decision maker agreed)")
    assert label(HouseholdStatus.DEREGISTERED) == "de-registered"
    # Re-approved later (a new assessment): back on the register; the trail keeps when it left.
    rec = edit.load(desks["manager"], hid)
    edit.edit_household(desks["manager"], hid, {"status": "approved"}, reason="re-approved at panel",
                        version=rec.version)
    assert (_row(database, hid).left_on, _row(database, hid).left_reason) == (None, None)


def test_resignation_is_the_carers_notice_and_keeps_its_own_word(desks, database):
    hid = household(database, "HH-8")
    rec = edit.load(desks["manager"], hid)
    with pytest.raises(FieldProblems, match="give it only with status resigned or deregistered"):
        edit.edit_household(desks["manager"], hid, {"status": "suspended"}, reason="x", version=rec.version,
                            left_on=TODAY)
    edit.edit_household(desks["manager"], hid, {"status": "resigned"}, reason="retiring; gave notice",
                        version=rec.version)
    h = _row(database, hid)
    assert (h.status, h.left_on) == (HouseholdStatus.RESIGNED, TODAY)
    assert [w.label for w in household_warnings(h, TODAY) if w.code == "status"] == \
        [f"Resigned on {TODAY:%d %b %Y}: left matching, history kept (retiring; gave notice)"]


def test_the_import_de_registers_by_the_same_rules(desks, database, people):
    placed = household(database, "HH-P")
    free = household(database, "HH-F")
    out = io.StringIO()
    households_export.write_csv(desks["manager"], out)
    stale = out.getvalue()
    placement(database, child(database, "C-P", first_name="Ann", last_name="Lee"), placed,
              people["worker"].user_id, starts_on=TODAY, count_now=False)
    text = stale
    text = re.sub(r"^(HH-P,[^,]*,[^,]*,[^,]*,)approved", r"\1deregistered", text, flags=re.M)
    with pytest.raises(ImportRejected) as err:
        import_households(desks["manager"], io.BufferedReader(io.BytesIO(text.encode())), update=True)
    (said,) = [str(p) for p in err.value.problems]
    assert "HH-P cannot become deregistered" in said and "(Ann Lee)" in said and "de-registration" in said
    text = re.sub(r"^(HH-P,[^,]*,[^,]*,[^,]*,)deregistered", r"\1approved", text, flags=re.M)
    text = re.sub(r"^(HH-F,[^,]*,[^,]*,[^,]*,)approved", r"\1de-registered", text, flags=re.M)
    import_households(desks["manager"], io.BufferedReader(io.BytesIO(text.encode())), update=True)
    h = _row(database, free)
    assert (h.status, h.left_on) == (HouseholdStatus.DEREGISTERED, TODAY) and "households import" in h.left_reason


# Tables whose rows are a household's history: a resigned or de-registered household keeps them for at
# least ten years, so no code of the desk's (the demo builder aside) deletes from them.
HISTORY = ("Household", "Placement", "Search", "SearchResult", "Candidate", "CandidateContact", "Allegation",
           "Decision", "AuditEvent", "households", "placements", "searches", "search_results", "candidates",
           "allegations", "decisions", "audit_events")


def test_nothing_in_the_desk_deletes_a_households_history():
    root = Path(__file__).resolve().parents[2]
    found = []
    for path in [*(root / "dutydesk").rglob("*.py"), *(root / "db").glob("*.py"), *(root / "db" / "models").glob("*.py")]:
        if "demo" in path.parts:
            continue  # builds a fresh demo county
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"(sa\.delete\(\s*(\w+)|DELETE\s+FROM\s+(\w+)|\.delete\((\w+)\))", text, re.I):
            name = m.group(2) or m.group(3) or m.group(4)
            if name in HISTORY:
                found.append(f"{path.relative_to(root)}: {m.group(0)}")
    assert found == []


def test_new_terms_carry_the_panel_date_and_only_with_new_terms(desks, database):
    hid = household(database, "HH-9", age_max=10)
    rec = edit.load(desks["manager"], hid)
    with pytest.raises(FieldProblems, match="Terms from panel on: is the day panel approved new terms"):
        edit.edit_household(desks["manager"], hid, {"pets": "yes"}, reason="x", version=rec.version, panel_on=PANEL)
    with pytest.raises(FieldProblems, match="Terms from panel on: .* is in the future"):
        edit.edit_household(desks["manager"], hid, {"age_max": "15"}, reason="x", version=rec.version,
                            panel_on=TODAY + dt.timedelta(days=2))
    edit.edit_household(desks["manager"], hid, {"age_max": "15", "specialisms": "sibling groups"},
                        reason="panel approved sibling groups", version=rec.version, panel_on=PANEL)
    h = _row(database, hid)
    assert (h.age_max, h.terms_approved_on) == (15, PANEL)
    with database.read() as s:
        last = json.loads(s.execute(sa.select(AuditEvent.detail).where(AuditEvent.entity_id == str(hid))
                                    .order_by(AuditEvent.id.desc()).limit(1)).scalar_one())
    assert last["panel_on"] == PANEL.isoformat() and last["reason"] == "panel approved sibling groups"
