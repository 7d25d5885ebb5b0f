"""Dashboard queries: open requests by urgency, callbacks, vacancies, calls today, waiting items."""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import (
    DecisionKind,
    DecisionStatus,
    HouseholdKind,
    HouseholdStatus,
    RequestState,
    Urgency,
)
from db.models import Decision, Household, PlacementRequest
from dutydesk.overview import dashboard
from dutydesk.calls.callbacks import add_callback
from dutydesk.calls.call_log import log_call
from dutydesk.calls.inputs import CallbackInput, CallInput
from dutydesk.access.desk import Desk
from dutydesk.calls.intake import ChildInput, RequestInput, open_request


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:00:00")


def at(hhmm: str, day: str = "2026-11-22") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


def req(database, actor, urgency, when, kids=(("Amy", 13),)):
    with database.write() as s:
        r = open_request(s, actor, RequestInput(
            placement_type="short_term", urgency=urgency, needed_from=dt.date(2026, 11, 23), at=when,
            new_children=tuple(ChildInput(first_name=n, last_name="Smith", age=a) for n, a in kids)))
        return r.id


def hh(s, ref, places, occupied, since, status=HouseholdStatus.APPROVED):
    s.add(Household(reference=ref, name=f"Household {ref}", kind=HouseholdKind.IN_HOUSE, status=status,
                    places=places, occupied_places=occupied, vacant_since=since))


def test_dashboard_lists(database, people):
    w, mgr = people["worker"], people["manager"]
    planned = req(database, w, Urgency.PLANNED, at("09:00"))
    emergency = req(database, w, Urgency.EMERGENCY, at("16:00"), kids=(("Al", 4), ("Bo", 7)))
    urgent = req(database, people["ooh"], Urgency.URGENT, at("10:00"))
    closed = req(database, w, Urgency.EMERGENCY, at("08:00"))
    with database.write() as s:
        r = s.get(PlacementRequest, closed)
        r.state = RequestState.WITHDRAWN
        s.add(r)
        hh(s, "H1", 2, 1, dt.date(2026, 10, 6))
        hh(s, "H2", 3, 0, dt.date(2026, 11, 1))
        hh(s, "H3", 1, 1, None)
        hh(s, "H4", 2, 0, dt.date(2026, 1, 1), status=HouseholdStatus.ON_HOLD)
        s.add(Decision(request_id=urgent, kind=DecisionKind.PLACE, rationale="r", status=DecisionStatus.PROPOSED,
                       proposed_by_id=people["ooh"].user_id, retrospective=True))
    dw = Desk(database, w)
    add_callback(dw, CallbackInput(due_at=at("19:30"), summary="Ring SW"))
    add_callback(Desk(database, people["ooh"]), CallbackInput(due_at=at("18:00"), summary="OOH only"))
    log_call(dw, CallInput(caller_type="carer", category="information", summary="Today", received_at=at("09:00")))
    log_call(dw, CallInput(caller_type="carer", category="information", summary="Yesterday",
                           received_at=at("23:00", "2026-11-21")))

    data = dashboard.load(dw)
    assert [r.id for r in data.requests] == [emergency, urgent, planned]
    assert data.requests_total == 3
    assert data.requests[0].children == "Al (4), Bo (7)" and data.requests[0].child_count == 2
    assert data.requests[2].children == "Amy Smith (13)"
    assert dashboard.fmt_wait(data.requests[2].waited(data.at)) == "8h00m"
    assert [c.summary for c in data.callbacks] == ["Ring SW"] and data.callbacks_overdue == 0
    assert data.households_with_vacancy == 2 and data.vacant_places == 4
    assert [v.reference for v in data.vacancies] == ["H1", "H2"]
    assert data.vacancies[0].days_waiting(dt.date(2026, 11, 22)) == 47
    assert data.calls_today_count == 1 and data.calls_today[0].summary == "Today"
    assert {i.title for i in data.waiting} >= {"Yours: " + data.requests[0].reference}
    assert not any(i.kind == "decision" for i in data.waiting)  # a worker signs nothing off

    mdata = dashboard.load(Desk(database, mgr))
    decisions = [i for i in mdata.waiting if i.kind == "decision"]
    assert len(decisions) == 1 and decisions[0].id == urgent and "retrospective" in decisions[0].detail


def test_overdue_callbacks_counted(database, people, monkeypatch):
    dw = Desk(database, people["worker"])
    add_callback(dw, CallbackInput(due_at=at("17:10"), summary="Soon", assigned_to_id=people["worker"].user_id))
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:30:00")
    data = dashboard.load(dw)
    assert data.callbacks_overdue == 1 and data.callbacks[0].overdue(data.at)
    assert dashboard.fmt_left(data.callbacks[0].due_at - data.at) == "overdue 20m"
    assert any(i.kind == "callback" for i in data.waiting)


def test_manager_does_not_sign_own(database, people):
    mgr = people["manager"]
    rid = req(database, people["worker"], Urgency.URGENT, at("10:00"))
    with database.write() as s:
        s.add(Decision(request_id=rid, kind=DecisionKind.PLACE, rationale="r", proposed_by_id=mgr.user_id))
    assert not [i for i in dashboard.load(Desk(database, mgr)).waiting if i.kind == "decision"]


def test_fmt():
    assert dashboard.fmt_wait(dt.timedelta(minutes=5)) == "5m"
    assert dashboard.fmt_wait(dt.timedelta(hours=50, minutes=3)) == "2d2h"
    assert dashboard.fmt_left(dt.timedelta(hours=2, minutes=30)) == "in 2h30m"


# ---------------------------------------------------------------- handover (scenario 11)


def test_handover_at_shift_change(database, people):
    from dutydesk.overview import handover
    from dutydesk.errors import InvalidInput

    day, ooh = people["worker"], people["ooh"]
    req(database, day, Urgency.URGENT, at("09:00"))
    req(database, day, Urgency.PLANNED, at("11:00"))
    add_callback(Desk(database, day), CallbackInput(due_at=at("19:30"), summary="Ring SW [/] back",
                                                    team_id=ooh.team_id))
    with database.write() as s:
        hh(s, "H9", 2, 0, None, status=HouseholdStatus.ON_HOLD)
        s.flush()
        h = s.exec(__import__("sqlmodel").select(Household).where(Household.reference == "H9")).one()
        h.status_changed_at = at("12:00")
        s.add(h)
    note = handover.write_note(Desk(database, day), "Two open requests.\nH9 on hold since noon.",
                               to_team_id=ooh.team_id)
    assert note.to_team.lower().startswith("ooh")
    with pytest.raises(InvalidInput, match="needs some text"):
        handover.write_note(Desk(database, day), "  \n\t ")

    ho = handover.summary(Desk(database, ooh), since=at("08:00"))
    assert len(ho.open_requests) == 2
    assert [c.summary for c in ho.callbacks_due] == ["Ring SW [/] back"]
    assert [h.title for h in ho.households_on_hold] == ["Household H9"]
    assert "since 12:00" in ho.households_on_hold[0].detail
    assert [n.body for n in ho.notes] == ["Two open requests.\nH9 on hold since noon."]
