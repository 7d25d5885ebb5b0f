"""Reading is audited: opening a request or a household is one event; the dashboard's refresh
and a screen's own reloads write nothing. The trail is filtered and paged for managers and
administrators, on the screen (Pilot keys at 80x24) and with ``dutydesk audit list``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

import screens.dashboard
from db.engine import Database
from db.enums import HouseholdKind, HouseholdStatus
from db.models import AuditEvent, Household
from dutydesk.access import reads, trail
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from dutydesk.calls.intake import ChildInput, RequestInput, open_request
from dutydesk.errors import NotAllowed
from dutydesk.overview import dashboard
from screens.entry import main
from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    url = seed_store(tmp_path)
    db = Database(url)
    oliver = actor_for(db, "oliver")
    with db.write() as s:
        req = open_request(s, oliver, RequestInput("emergency", "emergency", dt.date(2026, 11, 22),
                                                   new_children=(ChildInput("Amy", "O'Brien [Jr]", age=13),)))
        s.add(Household(reference="HH-0001", name="Akhtar [b]", kind=HouseholdKind.IN_HOUSE,
                        status=HouseholdStatus.APPROVED, places=2, occupied_places=1,
                        vacant_since=dt.date(2026, 10, 6)))
    db.dispose()
    return url


def _events(url: str, action: str | None = None) -> list[AuditEvent]:
    db = Database(url)
    try:
        with db.read() as s:
            q = sa.select(AuditEvent).order_by(AuditEvent.id)
            if action:
                q = q.where(AuditEvent.action == action)
            return list(s.exec(q).scalars())
    finally:
        db.dispose()


async def test_opening_a_request_writes_one_read_event_and_refreshes_write_none(store, monkeypatch):
    monkeypatch.setattr(screens.dashboard, "REFRESH_S", 0.1)
    before = len(_events(store))
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        for _ in range(5):  # the dashboard reloads itself several times
            await pilot.pause(0.15)
        await settle(pilot)
        assert len(_events(store)) == before
        await pilot.press("enter")  # the requests panel has focus: open the request
        await settle(pilot)
        assert "REQ-2026-00001" in screen_text(app)
        app.screen.reload()  # what the screen's own polling does
        await settle(pilot)
        [event] = _events(store, "request.opened")
        assert (event.username, event.entity, event.entity_id) == ("oliver", "placement_requests", "1")
        assert json.loads(event.detail)["reference"] == "REQ-2026-00001"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # a second opening is a second event
        await settle(pilot)
    assert len(_events(store, "request.opened")) == 2
    assert len(_events(store)) == before + 2


def test_the_dashboard_load_writes_nothing(store) -> None:
    db = Database(store)
    try:
        before = len(_events(store))
        for _ in range(3):
            dashboard.load(Desk(db, actor_for(db, "oliver")))
        assert len(_events(store)) == before
    finally:
        db.dispose()


def test_trail_filters_by_user_record_and_day_and_pages(store, monkeypatch) -> None:
    db = Database(store)
    try:
        dana, maya = actor_for(db, "dana"), actor_for(db, "maya")
        for _ in range(3):
            reads.opened(Desk(db, dana), reads.HOUSEHOLD, 1, reference="HH-0001")
        reads.opened(Desk(db, maya), reads.REQUEST, 1, reference="REQ-2026-00001")
        desk = Desk(db, maya)
        mine = trail.events(desk, trail.TrailFilter(username="dana"), limit=2)
        assert [e.action for e in mine.events] == ["household.opened"] * 2 and mine.more
        rest = trail.events(desk, trail.TrailFilter(username="dana"), before=mine.events[-1].id, limit=2)
        assert len(rest.events) == 1 and not rest.more
        by_ref = trail.events(desk, trail.TrailFilter(record="req-2026-00001"))
        assert {e.action for e in by_ref.events} >= {"request.opened"}
        assert all(e.entity == "placement_requests" for e in by_ref.events)
        day = dt.date(2026, 11, 22)
        assert trail.events(desk, trail.TrailFilter(day_from=day, day_to=day)).events
        assert not trail.events(desk, trail.TrailFilter(day_to=day - dt.timedelta(days=1))).events
        with pytest.raises(NotAllowed, match="Only a manager or administrator can read the audit trail"):
            trail.events(Desk(db, dana))
    finally:
        db.dispose()


def test_audit_list_takes_the_same_filters(store, capsys, monkeypatch) -> None:
    db = Database(store)
    try:
        reads.opened(Desk(db, actor_for(db, "dana")), reads.HOUSEHOLD, 1, reference="HH-0001")
    finally:
        db.dispose()
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    try:
        main(["--db", store, "audit", "list", "--user", "dana", "--record", "HH-0001", "--from", "2026-11-22",
              "--json"])
    except SystemExit as done:
        assert not done.code
    rows = json.loads(capsys.readouterr().out)
    assert [(r["username"], r["action"], r["entity_id"], r["record"]) for r in rows] == \
        [("dana", "household.opened", "1", "HH-0001")]  # the record named as people know it


async def test_the_audit_screen_filters_pages_and_opens_the_record(store, monkeypatch):
    db = Database(store)
    try:
        for _ in range(60):
            reads.opened(Desk(db, actor_for(db, "dana")), reads.HOUSEHOLD, 1, reference="HH-0001")
    finally:
        db.dispose()
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ == "AuditScreen"
        assert "page 1: 50 events; n for older" in flat_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert "page 2:" in flat_text(app) and "p for newer" in flat_text(app)
        await pilot.press("slash", *"oliver", "enter")
        await settle(pilot)
        text = flat_text(app)
        assert "page 1:" in text and "household.opened" not in text
        assert "REQ-2026-00001" in text and "placement_requests#" not in text  # oliver's request, by reference
        await pilot.press("slash", "ctrl+u", *"dana", "enter")
        await settle(pilot)
        assert "household.opened" in screen_text(app)
        # Each record by its reference, not by its table and number.
        rows = [ln for ln in screen_text(app).splitlines() if "household.opened" in ln]
        assert rows and all("HH-0001" in ln and "households#" not in ln for ln in rows)
        reads_before = len(_events(store, "household.opened"))
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "HouseholdScreen" and "Akhtar [b]" in screen_text(app)
    assert len(_events(store, "household.opened")) == reads_before + 1
    opened = _events(store, "household.opened")[-1]
    assert opened.username == "maya"


async def test_a_duty_worker_has_no_audit_screen(store):
    app = desk_app(store)  # oliver, a duty worker
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ != "AuditScreen"
