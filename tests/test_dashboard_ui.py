"""The dashboard at 80x24: live refresh, opening records, a manager's queue, drafts after a kill or SIGHUP."""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest
from sqlmodel import select

import screens.call_drafts
import screens.dashboard
from db.engine import Database
from db.enums import DecisionKind, HouseholdKind, HouseholdStatus
from db.models import Decision, Draft, Household
from dutydesk.calls.call_log import CallInput, log_call
from dutydesk.access.desk import Desk
from dutydesk.calls.drafts import load_draft, save_draft
from dutydesk.access.identity import actor_for
from dutydesk.calls.intake import ChildInput, RequestInput, open_request

from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store
from ui_helpers import settle




@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    return seed_store(tmp_path)


def desk_for(url: str, username: str) -> tuple[Database, Desk]:
    db = Database(url)
    return db, Desk(db, actor_for(db, username))


async def test_another_workers_change_appears_without_restart(store, monkeypatch):
    monkeypatch.setattr(screens.dashboard, "REFRESH_S", 0.2)
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert "No calls logged today" in screen_text(app)
        db, other = desk_for(store, "oliver")  # the same team, another terminal
        log_call(other, CallInput(caller_type="hospital", category="information", summary="Ward 3 [/] rang"))
        db.dispose()
        for _ in range(40):  # the screen's own timer reloads it; no key is pressed
            await pilot.pause(0.1)
            if "Ward 3 [/] rang" in screen_text(app):
                break
        assert "Ward 3 [/] rang" in screen_text(app)


async def test_enter_opens_records(store):
    db, d = desk_for(store, "oliver")
    with db.write() as s:
        open_request(s, d.actor, RequestInput("emergency", "emergency", dt.date(2026, 11, 22),
                                              new_children=(ChildInput("Amy", "O'Brien [Jr]", age=13),)))
        s.add(Household(reference="HH-0001", name="Akhtar [b]", kind=HouseholdKind.IN_HOUSE,
                        status=HouseholdStatus.APPROVED, places=2, occupied_places=1,
                        vacant_since=dt.date(2026, 10, 6)))
    log_call(d, CallInput(caller_type="police", category="information", summary="Police update"))
    db.dispose()
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app)
        assert "EMERG REQ-2026-00001 Amy O'Brien [Jr] (13) logged Oliver G. 0m" in text
        assert "Akhtar [b] 1 47d" in text
        await pilot.press("enter")  # the requests list has focus first
        await settle(pilot)
        # The request's own screen (duty process) when the app has one, else the read-only record.
        assert type(app.screen).__name__ != "DashboardScreen" and "REQ-2026-00001" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#p-calls").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallDetailScreen" and "Police update" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#p-vacancies").focus()
        await pilot.press("enter")
        await settle(pilot)
        # The household's own screen (matching) when the app has one, else the read-only record.
        assert type(app.screen).__name__ != "DashboardScreen" and "Akhtar [b]" in screen_text(app)


async def test_manager_sees_decisions_to_sign_off(store, monkeypatch):
    db, d = desk_for(store, "oliver")
    with db.write() as s:
        r = open_request(s, d.actor, RequestInput("emergency", "emergency", dt.date(2026, 11, 22),
                                                  new_children=(ChildInput("Amy", "Smith", age=13),)))
        s.add(Decision(request_id=r.id, kind=DecisionKind.PLACE, rationale="r", proposed_by_id=d.actor.user_id,
                       retrospective=True))
    db.dispose()
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert "Sign off REQ-2026-00001" in flat_text(app)


async def test_draft_survives_a_killed_process(store, monkeypatch):
    monkeypatch.setattr(screens.call_drafts, "DRAFT_DELAY_S", 0.05)
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("p", "r")
        for ch in "Girl [/] 13":
            await pilot.press("space" if ch == " " else ch)
        for _ in range(30):  # let the debounce timer fire and its worker save
            await pilot.pause(0.05)
            await settle(pilot)
            db, d = desk_for(store, "oliver")
            draft = load_draft(d, "call")
            db.dispose()
            if draft and draft.fields.get("summary") == "Girl [/] 13":
                break
        assert draft is not None and draft.fields["summary"] == "Girl [/] 13"
        # No save, no close: the process is simply gone.
    app2 = desk_app(store)
    async with app2.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await settle(pilot)
        assert "A call you were typing at 02:10 was not saved" in flat_text(app2)
        assert "Girl [/] 13" in screen_text(app2)
        await pilot.press("r")
        await settle(pilot)
        form = app2.screen
        assert type(form).__name__ == "CallFormScreen"
        assert form.query_one("#summary").value == "Girl [/] 13"
        assert form.query_one("#caller_type").value == "police"
        assert form.query_one("#request-part").display  # the request part came back too


async def test_sighup_flushes_the_draft_at_once(store, monkeypatch):
    monkeypatch.setattr(screens.call_drafts, "DRAFT_DELAY_S", 60)  # only the signal can save it
    before = signal.getsignal(signal.SIGHUP)
    seen = []
    signal.signal(signal.SIGHUP, lambda s, f: seen.append(s))  # stands for "the process ends"
    try:
        app = desk_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("c", "n")
            for ch in "Carer rang":
                await pilot.press("space" if ch == " " else ch)
            os.kill(os.getpid(), signal.SIGHUP)
            await pilot.pause()
        assert seen == [signal.SIGHUP]  # the previous handler still runs after the flush
    finally:
        signal.signal(signal.SIGHUP, before)
    db, d = desk_for(store, "oliver")
    draft = load_draft(d, "call")
    db.dispose()
    assert draft is not None and draft.fields["summary"] == "Carer rang" and draft.fields["caller_type"] == "carer"


async def test_discarding_the_offer(store):
    db, d = desk_for(store, "oliver")
    save_draft(d, "call", {"summary": "half typed"})
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
    with db.read() as s:
        assert s.exec(select(Draft)).first() is None
    db.dispose()


async def test_read_only_record_when_no_richer_screen(store, monkeypatch):
    from screens.app import DutyDeskApp

    for name in ("open_request", "action_open_request", "open_household", "action_open_household"):
        monkeypatch.setattr(DutyDeskApp, name, None, raising=False)
    db, d = desk_for(store, "oliver")
    with db.write() as s:
        open_request(s, d.actor, RequestInput("emergency", "emergency", dt.date(2026, 11, 22),
                                              new_children=(ChildInput("Amy", "[bold red]X[/]", age=13),),
                                              notes="Notes [/] here"))
    db.dispose()
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Placement request REQ-2026-00001" in text
        assert "Amy [bold red]X[/] (13)" in text and "Notes [/] here" in text


async def test_draft_saved_while_typing_goes_on(store, monkeypatch):
    monkeypatch.setattr(screens.call_drafts, "DRAFT_DELAY_S", 30)  # the pause never comes
    monkeypatch.setattr(screens.call_drafts, "DRAFT_MAX_WAIT_S", 0.2)
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("c", "n")
        for ch in "abcdef":
            await pilot.press(ch)
            await pilot.pause(0.1)
        await pilot.pause(0.3)
        await settle(pilot)
        db, d = desk_for(store, "oliver")
        draft = load_draft(d, "call")
        db.dispose()
        assert draft is not None and draft.fields["summary"].startswith("abc")
