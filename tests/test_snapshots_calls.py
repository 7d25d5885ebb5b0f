"""Snapshots of the dashboard and the call form at 80x24 (and the dashboard at 120x40), fixed data and clock.

The store is built here, through the services, so the pictures do not move
when the demo data changes. Update with
``pytest tests/test_snapshots_calls.py --snapshot-update`` and look at the SVGs first.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from db.enums import DecisionKind, HouseholdKind, HouseholdStatus
from db.models import Decision, Household
from dutydesk.calls.callbacks import add_callback
from dutydesk.calls.call_log import CallbackInput, CallInput, log_call
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.calls.intake import ChildInput, RequestInput, open_request
from dutydesk.places import ensure_places
from ui_helpers import desk_app, open_desk, seed_store
from ui_helpers import settle

NOW = "2026-11-22T17:00:00"


def utc(hhmm: str, day: str = "2026-11-22") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


@pytest.fixture
def desk_store(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("DUTYDESK_NOW", NOW)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.delenv("NO_COLOR", raising=False)
    url = seed_store(tmp_path)
    db = Database(url)
    dana, oliver = actor_for(db, "dana"), actor_for(db, "oliver")
    with db.write() as s:
        ensure_places(s)
        for ref, name, places, occ, since in [
            ("HH-0001", "Akhtar, Samina and Imran", 2, 1, dt.date(2026, 10, 6)),
            ("HH-0002", "O'Brien [Jr] household", 3, 1, dt.date(2026, 11, 1)),
            ("HH-0003", "[bold red]X[/] Carers", 1, 0, dt.date(2026, 11, 20)),
        ]:
            s.add(Household(reference=ref, name=name, kind=HouseholdKind.IN_HOUSE, status=HouseholdStatus.APPROVED,
                            places=places, occupied_places=occ, vacant_since=since))
        r1 = open_request(s, oliver, RequestInput("emergency", "emergency", dt.date(2026, 11, 22), at=utc("02:10"),
                                                  new_children=(ChildInput("Amy", "O'Brien [Jr]", age=13,
                                                                           gender="female"),)))
        open_request(s, dana, RequestInput("short_term", "planned", dt.date(2026, 12, 1), at=utc("10:30"),
                                           new_children=tuple(ChildInput(n, "Ward", age=a, gender="male")
                                                              for n, a in (("Al", 4), ("Bo", 7), ("Cy", 9)))))
        open_request(s, dana, RequestInput("short_breaks", "urgent", dt.date(2026, 11, 28), at=utc("14:05"),
                                           new_children=(ChildInput("Ann [/]", "Lee", age=10),)))
        s.flush()
        s.add(Decision(request_id=r1.id, kind=DecisionKind.PLACE, rationale="placed at night",
                       proposed_by_id=oliver.user_id, proposed_at=utc("03:00"), retrospective=True))
    d = Desk(db, dana)
    log_call(d, CallInput(caller_type="childs_social_worker", category="information", received_at=utc("09:15"),
                          summary="SW asks for update on the Ward brothers"))
    log_call(d, CallInput(caller_type="carer", category="carer_support", received_at=utc("16:40"),
                          summary="Carer \x1b[31mAnn [/] needs respite", caller_name="Ann [/]"))
    add_callback(d, CallbackInput(due_at=utc("17:30"), summary="Ring the Ward brothers' SW"))
    add_callback(d, CallbackInput(due_at=utc("19:30"), summary="Hand over: carer [bold]support[/bold] call"))
    db.dispose()
    return url




async def _opened(pilot) -> None:
    await open_desk(pilot)
    await settle(pilot)


def test_dashboard_worker(snap_compare, desk_store):
    assert snap_compare(desk_app(desk_store), terminal_size=(80, 24), run_before=_opened)


def test_dashboard_manager(snap_compare, desk_store, monkeypatch):
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    assert snap_compare(desk_app(desk_store), terminal_size=(80, 24), run_before=_opened)


def test_dashboard_large_terminal(snap_compare, desk_store):
    assert snap_compare(desk_app(desk_store), terminal_size=(120, 40), run_before=_opened)


def test_dashboard_ansi_dark(snap_compare, desk_store):
    assert snap_compare(desk_app(desk_store, theme="ansi-dark"), terminal_size=(80, 24), run_before=_opened)


def test_call_form_empty(snap_compare, desk_store):
    async def run(pilot):
        await _opened(pilot)
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(desk_app(desk_store), terminal_size=(80, 24), run_before=run)


def test_call_form_request_part(snap_compare, desk_store):
    async def run(pilot):
        await _opened(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("p", "r")
        for ch in "Girl 13 [/]":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("tab")
        for ch in "amy":
            await pilot.press(ch)
        await settle(pilot)

    assert snap_compare(desk_app(desk_store), terminal_size=(80, 24), run_before=run)
