"""Scenarios 1, 2, 5, 8 and 12 of the duty desk, end to end through the services (and the CLI)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.enums import (
    CallCategory,
    CallerType,
    CandidateStatus,
    DecisionStatus,
    Gender,
    HouseholdKind,
    LegalStatus,
    PlacementEndReason,
    PlacementType,
    RequestState,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from db.models import Call, Household, Placement, PlacementRequest
from dutydesk.overview import dashboard
from dutydesk.overview import oversight
from dutydesk.requests import placements
from dutydesk.requests import decisions, lookup, steps, views
from dutydesk.calls.call_log import log_call
from dutydesk.calls.inputs import CallInput
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict
from dutydesk.calls.intake import ChildInput, RequestInput
from process_support import make_household, make_request, save_search

S = RequestState


def _at(monkeypatch, iso: str) -> None:
    monkeypatch.setenv("DUTYDESK_NOW", iso)


def test_scenario_1_police_protection_at_night(database, people, monkeypatch):
    _at(monkeypatch, "2026-11-24T02:10:00+00:00")  # Tuesday 02:10
    ooh = Desk(database, people["ooh"])
    call = log_call(ooh, CallInput(
        caller_type=CallerType.POLICE, category=CallCategory.PLACEMENT_REQUEST,
        summary="Girl 13 in police protection, Margate; needs a bed tonight", caller_name="PC Ann [/]",
        new_child=ChildInput(first_name="Lily", last_name="O'Brien [Jr]", age=13, gender=Gender.FEMALE,
                             legal_status=LegalStatus.POLICE_PROTECTION),
        request=RequestInput(placement_type=PlacementType.EMERGENCY, urgency=Urgency.EMERGENCY,
                             needed_from=dt.date(2026, 11, 24)),
    ))
    rid = call.request_id
    first = make_household(database, "Akhtar, Samina and Imran")
    second = make_household(database, "Brown, Jo")
    teen_free = make_household(database, "Under fives only", age_max=5)
    save_search(database, people["ooh"], rid, [first, second], excluded={teen_free: ["age"]})
    # First carer: no answer after two tries.
    steps.record_contact(ooh, rid, first, "no_answer")
    r = steps.record_contact(ooh, rid, first, "no_answer", "second try 02:25")
    assert r.no_answer_tries == 2
    steps.record_contact(ooh, rid, second, "accepted", "Jo can collect from Margate police station")
    dv = decisions.propose(ooh, rid, "place", "First carer did not answer twice; Jo is 4 km from her school.",
                         household_id=second)
    placed = placements.place(ooh, rid)
    assert placed.retrospective and placed.placements[0].plan_due_on == dt.date(2026, 12, 1)
    # Overnight the oversight queue and the manager's dashboard show it.
    _at(monkeypatch, "2026-11-24T08:45:00+00:00")
    m = Desk(database, people["manager"])
    q = oversight.queue(m)
    assert [i.decision_id for i in q] == [dv.id] and q[0].retrospective
    waiting = dashboard.load(m).waiting
    assert any(w.kind == "decision" and w.id == rid and "retrospective" in w.detail for w in waiting)
    signed = decisions.sign_off(m, dv.id, "Agreed retrospectively; plan meeting booked")
    assert signed.status == DecisionStatus.SIGNED_OFF and signed.retrospective
    assert oversight.queue(m) == []
    assert not any(w.kind == "decision" for w in dashboard.load(m).waiting)
    detail = views.request_detail(m, rid)
    assert detail.state == S.PLACED
    assert [t.to_state for t in detail.transitions] == [S.LOGGED, S.SEARCHING, S.CONTACTING, S.PROPOSED, S.PLACED]
    with database.read() as s:
        assert s.get(Household, second).occupied_places == 1
        assert s.exec(select(Call)).one().request_id == rid


def test_scenario_2_sibling_group_unmet(database, people, monkeypatch, capsys):
    _at(monkeypatch, "2026-11-24T11:00:00+00:00")
    w = Desk(database, people["worker"])
    rid = make_request(database, people["worker"],
                       children=[("Tom", 4, Gender.MALE), ("Sam", 7, Gender.MALE), ("Joe", 9, Gender.MALE)],
                       urgency=Urgency.PLANNED, placement_type=PlacementType.SHORT_TERM,
                       needed_from=dt.date(2026, 12, 1), family_key="BROTHERS")
    two = make_household(database, "Two places", places=2)
    one = make_household(database, "One place", places=1)
    full = make_household(database, "Full", places=3, occupied=3)
    save_search(database, people["worker"], rid, [],
                excluded={two: ["siblings"], one: ["siblings"], full: ["vacancy"]})
    # Through the command line, as a worker would.
    url = database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "requests", "propose", str(rid), "--kind", "commission_ifa",
                           "--rationale", "No in-house household has three places; keep the brothers together via an IFA.",
                           "--json"], capsys)
    assert code == 0, err
    did = json.loads(out)["id"]
    code, out, err = _cli(["--db", url, "requests", "signoff", str(rid)], capsys)
    assert code == 3 and "manager" in err and "Traceback" not in err
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    code, out, err = _cli(["--db", url, "requests", "signoff", str(rid), "--comment", "Agreed"], capsys)
    assert code == 0, err
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "requests", "close", str(rid), "--resolution", "ifa_commissioned"], capsys)
    assert code == 2 and "unmet-need category" in err
    code, out, err = _cli(["--db", url, "requests", "close", str(rid), "--need", "sibling_group",
                           "--resolution", "ifa_commissioned", "--note", "IFA placement from 1 Dec", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["state"] == "closed_unmet"
    # Sufficiency data: the unmet need is recorded on the request.
    with database.read() as s:
        req = s.get(PlacementRequest, rid)
        assert req.state == S.CLOSED_UNMET and req.unmet_needs == frozenset({UnmetNeed.SIBLING_GROUP})
        assert req.unmet_resolution == UnmetResolution.IFA_COMMISSIONED
    assert views.get_decision(w, did).signed_off_by == "Maya"
    code, out, err = _cli(["--db", url, "requests", "export", str(rid), "--format", "md"], capsys)
    assert code == 0, err
    assert "Every household ruled out, and why" in out and "Two places" in out and "sibling\\_group" in out
    code, out, err = _cli(["--db", url, "requests", "list", "--all", "--json"], capsys)
    assert code == 0 and json.loads(out)[0]["state"] == "closed_unmet"


def test_scenario_5_teenager_placement_breakdown(database, people, monkeypatch):
    _at(monkeypatch, "2026-11-24T11:00:00+00:00")
    w = Desk(database, people["worker"])
    m = Desk(database, people["manager"])
    old_home = make_household(database, "Old home", places=2, types=frozenset({PlacementType.LONG_TERM}))
    rid = make_request(database, people["worker"], children=[("Kai", 15, Gender.MALE)], urgency=Urgency.PLANNED,
                       placement_type=PlacementType.LONG_TERM, needed_from=dt.date(2026, 11, 24))
    save_search(database, people["worker"], rid, [old_home])
    dv = decisions.propose(w, rid, "place", "Long-term match agreed at panel.", household_id=old_home)
    decisions.sign_off(m, dv.id)
    (old,) = placements.place(w, rid).placements
    # Days later the carer gives 24 hours' notice after an incident.
    _at(monkeypatch, "2026-12-03T16:00:00+00:00")
    with database.read() as s:
        child_id = lookup.request_child_ids(s, rid)[0]
    call = log_call(w, CallInput(
        caller_type=CallerType.CARER, category=CallCategory.PLACEMENT_UPDATE,
        summary="Placement breakdown after an incident; 24 hours' notice", household_id=old_home,
        placement_id=old.id, child_id=child_id,
        request=RequestInput(placement_type=PlacementType.SHORT_TERM, urgency=Urgency.URGENT,
                             needed_from=dt.date(2026, 12, 4), child_ids=(child_id,)),
    ))
    new_rid = call.request_id
    assert call.placement_id == old.id and new_rid != rid
    new_home = make_household(database, "New home", types=frozenset({PlacementType.SHORT_TERM}))
    save_search(database, people["worker"], new_rid, [new_home])
    dv2 = decisions.propose(w, new_rid, "place", "Experienced with teenagers, near his school.", household_id=new_home)
    decisions.sign_off(m, dv2.id)
    _at(monkeypatch, "2026-12-04T16:00:00+00:00")
    with pytest.raises(Conflict, match="still placed with Old home"):
        placements.place(w, new_rid)
    ended = placements.end_placement(w, old.id, dt.date(2026, 12, 4), "breakdown", "Carer's 24 hours' notice")
    assert ended.end_reason == PlacementEndReason.BREAKDOWN
    placements.place(w, new_rid)
    with database.read() as s:
        assert s.get(Household, old_home).occupied_places == 0
        assert s.get(Household, old_home).vacant_since == dt.date(2026, 12, 4)
        active = s.exec(select(Placement).where(Placement.child_id == child_id, Placement.ended_on.is_(None))).all()
        assert [p.household_id for p in active] == [new_home]


def test_scenario_8_connected_person_tonight(database, people, monkeypatch):
    _at(monkeypatch, "2026-11-24T21:30:00+00:00")  # evening, out of hours
    ooh = Desk(database, people["ooh"])
    today = dt.date(2026, 11, 24)
    with database.write() as s:
        gran = Household(reference="HH-GRAN1", name="Grandmother, Mrs Patel", kind=HouseholdKind.CONNECTED_PERSON,
                         status="approved", places=1, age_min=0, age_max=17,
                         placement_types=frozenset({PlacementType.EMERGENCY}), approved_on=today,
                         approval_expires_on=today + dt.timedelta(weeks=16),
                         annual_review_due=today + dt.timedelta(weeks=16))
        s.add(gran)
        s.flush()
        gid = gran.id
    rid = make_request(database, people["ooh"], children=[("Ravi", 6, Gender.MALE)])
    save_search(database, people["ooh"], rid, [gid])
    steps.record_contact(ooh, rid, gid, "accepted", "Grandmother offered to take him tonight")
    dv = decisions.propose(ooh, rid, "place", "Connected person: his grandmother, known and safe; temporary approval.",
                         household_id=gid)
    out = placements.place(ooh, rid)
    assert out.retrospective and out.household_name == "Grandmother, Mrs Patel"
    with database.read() as s:
        h = s.get(Household, gid)
        assert h.kind == HouseholdKind.CONNECTED_PERSON and h.approval_expires_on == dt.date(2027, 3, 16)
        assert h.occupied_places == 1
    _at(monkeypatch, "2026-11-25T09:00:00+00:00")
    assert decisions.sign_off(Desk(database, people["manager"]), dv.id).status == DecisionStatus.SIGNED_OFF


def test_scenario_12_two_workers_one_bed(database, people, monkeypatch):
    _at(monkeypatch, "2026-11-24T11:00:00+00:00")
    east, west = Desk(database, people["worker"]), Desk(database, people["worker2"])
    m = Desk(database, people["manager"])
    bed = make_household(database, "Last bed", places=2, occupied=1)
    spare = make_household(database, "Spare bed")
    a = make_request(database, people["worker"], children=[("Ann", 10, Gender.FEMALE)])
    b = make_request(database, people["worker2"], children=[("Bea", 11, Gender.FEMALE)])
    save_search(database, people["worker"], a, [bed])
    save_search(database, people["worker2"], b, [bed, spare])
    for d, rid in ((east, a), (west, b)):
        decisions.sign_off(m, decisions.propose(d, rid, "place", "Nearest carer with a free bed.", household_id=bed).id)
    placements.place(east, a)
    with pytest.raises(Conflict, match="Last bed has no free place any more.*return to the search"):
        placements.place(west, b)
    detail = views.request_detail(west, b)
    assert detail.state == S.CONTACTING
    assert {c.household_name: c.status for c in detail.candidates}["Last bed"] == CandidateStatus.RULED_OUT
    # The loser returns to the search and places with the next household.
    decisions.sign_off(m, decisions.propose(west, b, "place", "Next in the saved search.", household_id=spare).id)
    placements.place(west, b)
    with database.read() as s:
        assert s.get(Household, bed).occupied_places == 2
        assert s.exec(select(sa.func.count()).select_from(Placement)).one() == 2


def _cli(argv, capsys):
    from dutydesk.cli.main import main

    code = 0
    try:
        main(argv)
    except SystemExit as e:
        code = e.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_walks_the_whole_process(database, people, monkeypatch, capsys, tmp_path):
    _at(monkeypatch, "2026-11-24T11:00:00+00:00")
    url = database.url.render_as_string(hide_password=False)
    rid = make_request(database, people["worker"])
    h1 = make_household(database, "Carer [bold red]X[/]")
    h2 = make_household(database, "Second")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "requests", "contact", str(rid), str(h1), "accepted"], capsys)
    assert code == 5 and "No saved search yet" in err
    save_search(database, people["worker"], rid, [h1, h2])
    with database.read() as s:
        ref2 = s.get(Household, h2).reference
    code, out, err = _cli(["--db", url, "requests", "contact", str(rid), ref2, "declined"], capsys)
    assert code == 2 and "reason" in err
    code, out, err = _cli(["--db", url, "requests", "contact", str(rid), ref2, "declined", "--reason", "full", "--json"],
                          capsys)
    assert code == 0 and json.loads(out)["candidate_status"] == "declined_by_carer"
    code, out, err = _cli(["--db", url, "requests", "propose", str(rid), "--household", str(h1), "--rationale", ""], capsys)
    assert code == 2 and "rationale" in err
    code, out, err = _cli(["--db", url, "requests", "propose", str(rid), "--household", str(h1),
                           "--rationale", "Only carer who accepted."], capsys)
    assert code == 0, err
    code, out, err = _cli(["--db", url, "requests", "place", str(rid)], capsys)
    assert code == 5 and "not signed off" in err
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    code, out, err = _cli(["--db", url, "requests", "oversight", "--json"], capsys)
    assert code == 0 and json.loads(out)[0]["household_name"] == "Carer [bold red]X[/]"
    code, out, err = _cli(["--db", url, "requests", "signoff", str(rid), "--comment", "ok"], capsys)
    assert code == 0, err
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "requests", "place", str(rid), "--agreed", "haircuts", "--json"], capsys)
    assert code == 0, err
    placed = json.loads(out)
    assert placed["placements"][0]["delegated_authority"]["haircuts"] == {"agreed": True}
    code, out, err = _cli(["--db", url, "requests", "show", str(rid), "--json"], capsys)
    assert code == 0 and json.loads(out)["state"] == "placed"
    code, out, err = _cli(["--db", url, "requests", "show", str(rid)], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[1:] == ["placed", "(emergency,", "emergency)"], lines[0]
    decision = next(ln for ln in lines if ln.lstrip().startswith("decision"))
    assert "[signed off]" in decision and "signed_off" not in out  # the desk's words, not stored codes
    code, out, err = _cli(["--db", url, "requests", "withdraw", str(rid), "--reason", "x"], capsys)
    assert code == 5 and "already placed" in err
    target = tmp_path / "record.html"
    code, out, err = _cli(["--db", url, "requests", "export", str(rid), "--format", "html", "--out", str(target)],
                          capsys)
    assert code == 0, err
    assert "Carer [bold red]X[/]" in target.read_text() and "<script" not in target.read_text()
    pid = placed["placements"][0]["reference"]
    code, out, err = _cli(["--db", url, "requests", "end-placement", pid, "--on", "today", "--reason", "move"], capsys)
    assert code == 0, err
    code, out, err = _cli(["--db", url, "requests", "search", str(rid)], capsys)
    assert code != 0 and "Traceback" not in err


def test_cli_search_saves_a_real_match(database, people, monkeypatch, capsys):
    """``requests search`` runs the matching service and the process guards then see the saved search."""
    _at(monkeypatch, "2026-11-24T11:00:00+00:00")
    url = database.url.render_as_string(hide_password=False)
    rid = make_request(database, people["worker"], children=[("Mia", 13, Gender.FEMALE)])
    ok = make_household(database, "Takes teenagers", age_min=10, age_max=17)
    young = make_household(database, "Under fives", age_min=0, age_max=5)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "requests", "search", str(rid), "--json"], capsys)
    assert code == 0, err
    saved = json.loads(out)
    assert saved["request"]["state"] == "searching"
    assert saved["search"]["ranked_count"] >= 1
    rec = views.request_detail(Desk(database, people["worker"]), rid)
    assert len(rec.searches) == 1
    r = steps.record_contact(Desk(database, people["worker"]), rid, ok, "accepted")
    assert r.state == S.CONTACTING
    from dutydesk.requests import record_export
    text = record_export.export(Desk(database, people["worker"]), rid, "md")
    assert "Takes teenagers" in text and "Under fives" in text
