"""The call form, calls list and callbacks screens, driven by keys at 80x24.

Scenario 1 (police at 02:10, a girl of 13 in Margate, emergency request, out of
hours) and scenario 11 (shift change: a callback due at 19:30 for out of hours)
from SCENARIOS.md, then what the store holds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from db.engine import Database
from db.enums import CallCategory, CallerType, Gender, PlacementType, RequestState, Urgency
from db.models import Call, Callback, Child, Draft, Place, PlacementRequest, RequestChild, Team
from dutydesk import clock
from dutydesk.places import ensure_places

from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store
from ui_helpers import settle




async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def make_store(tmp_path) -> str:
    url = seed_store(tmp_path)
    db = Database(url)
    with db.write() as s:
        ensure_places(s)
    db.dispose()
    return url


@pytest.fixture
def night(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T02:10:00")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")


async def log_scenario1(pilot, *, name: str = "Amy O'Brien [Jr]") -> int:
    """Log scenario 1 from the dashboard; returns the key presses that were not free text."""
    keys = 0

    async def key(*names: str) -> None:
        nonlocal keys
        for n in names:
            keys += 1
            await pilot.press(n)
            await settle(pilot)

    await key("f2")                     # open the call form
    await key("p", "r")                 # caller police, about a placement request
    await type_text(pilot, "Girl 13 police protection Margate, needs a bed tonight")
    await key("tab")                    # to the child finder
    await type_text(pilot, name)
    await settle(pilot)
    await key("enter")                  # no match: record a new child with that name
    await type_text(pilot, "13")
    await key("tab", "f")               # gender female
    await key("e")                      # emergency placement: urgency emergency, from today, on to Needs
    await key("t", "tab")               # needs: teenager
    await type_text(pilot, "Margate")
    await settle(pilot)
    await key("enter")                  # pick Margate
    await key("ctrl+s")
    return keys


async def test_scenario1_police_at_night(tmp_path, night):
    url = make_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        keys = await log_scenario1(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("r")
        await settle(pilot)
        text = flat_text(app)
        assert "REQ-2026-00001" in text and "Amy O'Brien [Jr] (13)" in text
    assert keys <= 25
    db = Database(url)
    with db.read() as s:
        call = s.exec(select(Call)).one()
        oliver_team = s.exec(select(Team).where(Team.code == "OOH")).one()
        assert call.caller_type == CallerType.POLICE and call.category == CallCategory.PLACEMENT_REQUEST
        assert call.team_id == oliver_team.id
        assert clock.fmt_local(call.received_at, "%d/%m %H:%M") == "22/11 02:10"
        assert call.summary == "Girl 13 police protection Margate, needs a bed tonight"
        child = s.exec(select(Child)).one()
        assert child.display_name == "Amy O'Brien [Jr]" and child.gender == Gender.FEMALE
        assert child.age_on(clock.today()) == 13 and child.case_reference.startswith("TEMP-")
        req = s.exec(select(PlacementRequest)).one()
        assert req.state == RequestState.LOGGED and req.urgency == Urgency.EMERGENCY
        assert req.placement_type == PlacementType.EMERGENCY and req.needed_from == dt.date(2026, 11, 22)
        assert s.get(Place, req.near_place_id).name == "Margate"
        assert {n.value for n in req.needs} == {"teenagers"}
        assert s.exec(select(RequestChild.child_id)).all() == [child.id]
        assert call.request_id == req.id and call.child_id == child.id
        assert s.exec(select(Draft)).first() is None  # the draft went when the call was saved
    db.dispose()


async def test_scenario11_callback_for_out_of_hours(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url = make_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("c")  # from the dashboard, c also opens the form
        await settle(pilot)
        await pilot.press("w", "n")  # child's social worker, information
        await type_text(pilot, "SW will confirm contact arrangements tonight")
        await pilot.press("tab", "tab", "tab")  # past child and household to "call back"
        await type_text(pilot, "19:30")
        await pilot.press("tab")
        await type_text(pilot, "OOH")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
    db = Database(url)
    with db.read() as s:
        cb = s.exec(select(Callback)).one()
        ooh = s.exec(select(Team).where(Team.code == "OOH")).one()
        assert cb.team_id == ooh.id and cb.assigned_to_id is None
        assert clock.fmt_local(cb.due_at, "%H:%M") == "19:30"
        call = s.exec(select(Call)).one()
        assert call.caller_type == CallerType.CHILDS_SOCIAL_WORKER and cb.call_id == call.id
    db.dispose()

    # The out-of-hours worker sees it on their dashboard after the handover.
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    app2 = desk_app(url)
    async with app2.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app2)
        assert "19:30 in 2h30m Call back: SW" in text, text


async def test_validation_as_you_type_and_on_save(tmp_path, night):
    url = make_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing chosen yet
        await settle(pilot)
        assert "Choose who called" in flat_text(app)
        await pilot.press("q")  # not a caller key: it must not reach the app (q quits elsewhere)
        await settle(pilot)
        assert type(app.screen).__name__ == "CallFormScreen"
        await pilot.press("c", "s")
        await type_text(pilot, "Carer needs support")
        app.screen.query_one("#caller_phone").focus()
        await type_text(pilot, "12345")
        await settle(pilot)
        assert "not a UK number" in flat_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallFormScreen"
        assert "not a UK number" in flat_text(app)
    db = Database(url)
    with db.read() as s:
        assert s.exec(select(Call)).first() is None
    db.dispose()


@pytest.mark.parametrize("name", ["O'Brien [Jr]", "Ann [/]", "[bold red]X[/]", "Eve\x1b[2J\x1b]0;t\x07 Moss"])
async def test_names_are_shown_literally(tmp_path, night, name):
    url = make_store(tmp_path)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("c", "s")
        app.screen.query_one("#summary").value = f"Carer {name} rang"
        app.screen.query_one("#caller_name").value = name
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("r")
        await settle(pilot)
        shown = name.replace("\x1b[2J", "\ufffd[2J").replace("\x1b]0;t\x07", "\ufffd]0;t\ufffd")
        assert f"Carer {shown}"[:20] in screen_text(app)  # the dashboard's narrow column
        await pilot.press("l")  # calls list
        await settle(pilot)
        assert f"Carer {shown} rang" in screen_text(app)
        await pilot.press("enter", "enter")  # Enter in the search goes to the table; Enter opens the call
        await settle(pilot)
        assert type(app.screen).__name__ == "CallDetailScreen"
        assert shown in screen_text(app)
    db = Database(url)
    with db.read() as s:
        call = s.exec(select(Call)).one()
        assert "\x1b" not in call.caller_name and "\x07" not in call.summary
    db.dispose()


async def test_calls_list_search(tmp_path, night):
    from dutydesk.calls.call_log import CallInput, log_call
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for

    url = make_store(tmp_path)
    db = Database(url)
    d = Desk(db, actor_for(db, "oliver"))
    log_call(d, CallInput(caller_type="police", category="information", summary="Margate incident update"))
    log_call(d, CallInput(caller_type="carer", category="carer_support", summary="Respite asked for",
                          notes="O'Brien [Jr] family"))
    db.dispose()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert "Margate incident" in screen_text(app) and "Respite asked" in screen_text(app)
        await type_text(pilot, "O'Brien [Jr")
        await settle(pilot)
        text = screen_text(app)
        assert "Respite asked" in text and "Margate incident" not in text
        await pilot.press("ctrl+t")  # caller type: child's social worker first
        await settle(pilot)
        assert "No calls match" in screen_text(app)
        await pilot.press("ctrl+t")  # police
        app.screen.query_one("#calls-search").value = ""
        app.screen.query_one("#calls-team").value = "NOPE"
        await settle(pilot)
        assert "There is no team 'NOPE'" in flat_text(app)
        app.screen.query_one("#calls-team").value = "ooh"
        await settle(pilot)
        text = screen_text(app)
        assert "Margate incident" in text and "Respite asked" not in text


async def test_callbacks_screen_done_and_snooze(tmp_path, monkeypatch):
    from dutydesk.calls.callbacks import add_callback
    from dutydesk.calls.call_log import CallbackInput
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for

    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    url = make_store(tmp_path)
    db = Database(url)
    d = Desk(db, actor_for(db, "dana"))
    first = add_callback(d, CallbackInput(due_at=clock.now() + dt.timedelta(minutes=30), summary="Ring SW [/]"))
    second = add_callback(d, CallbackInput(due_at=clock.now() + dt.timedelta(hours=2), summary="Ring carer"))
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert "Ring SW [/]" in screen_text(app)
        await pilot.press("d")  # the first (soonest) is done
        await settle(pilot)
        assert "Ring SW [/]" not in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        await type_text(pilot, "20:00")
        await pilot.press("enter", "ctrl+s")  # no reason given
        await settle(pilot)
        assert "needs a reason" in flat_text(app)
        await pilot.press("s")
        await settle(pilot)
        await type_text(pilot, "20:00")
        await pilot.press("enter")
        await type_text(pilot, "no answer")
        await pilot.press("enter")
        await settle(pilot)
    with db.read() as s:
        assert s.get(Callback, first.id).status.value == "done"
        cb = s.get(Callback, second.id)
        assert clock.fmt_local(cb.due_at, "%H:%M") == "20:00" and cb.snooze_reason == "no answer"
    db.dispose()
