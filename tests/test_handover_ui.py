"""The handover screen at 80x24: scenario 11 (shift change) and scenario 1 (the night's emergency placement)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.engine import Database
from db.enums import Gender, HouseholdStatus, PlacementType, Urgency
from db.models import AuditEvent, HandoverNote, Household, Team, User
from dutydesk.requests import placements
from dutydesk.requests import decisions, steps
from dutydesk.calls.callbacks import add_callback
from dutydesk.calls.call_log import CallbackInput
from dutydesk.access.desk import Desk
from dutydesk.access.identity import actor_for
from process_support import make_household, make_request, save_search
from ui_helpers import desk_app, flat_text, open_desk, screen_text, seed_store, settle

SHIFT_CHANGE = "2026-11-24T17:00:00"  # Tuesday; London is on GMT in November, so local = UTC
NIGHT = "2026-11-24T02:10:00"
MORNING = "2026-11-24T08:45:00"


def at(hhmm: str, day: str = "2026-11-24") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


@pytest.fixture(autouse=True)
def _no_personal_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def said(app) -> str:
    return " ".join(n.message for n in app.notices)


async def type_text(pilot, text: str) -> None:
    keys = {" ": "space", "\n": "enter", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash",
            ":": "colon", ".": "full_stop", "'": "apostrophe", ",": "comma"}
    for ch in text:
        await pilot.press(keys.get(ch, ch))


def _ids(db: Database) -> dict[str, int]:
    with db.read() as s:
        users = {u.username: u.id for u in s.exec(select(User)).all()}
        teams = {t.code: t.id for t in s.exec(select(Team)).all()}
    return {**users, **{f"team:{k}": v for k, v in teams.items()}}


@pytest.fixture
def shift_change(tmp_path, monkeypatch):
    """Scenario 11 at 17:00: two open requests, a callback due at 19:30, a household on hold since noon;
    plus things from before 08:00 that are not this shift's news."""
    monkeypatch.setenv("DUTYDESK_NOW", SHIFT_CHANGE)
    url = seed_store(tmp_path)
    db = Database(url)
    dana = actor_for(db, "dana")
    ids = _ids(db)
    make_request(db, dana, children=[("Ann [/]", 9, Gender.FEMALE)], urgency=Urgency.URGENT,
                 placement_type=PlacementType.SHORT_TERM, at=at("09:00"))
    make_request(db, dana, children=[("[bold red]X[/]", 14, Gender.MALE)], urgency=Urgency.PLANNED,
                 placement_type=PlacementType.LONG_TERM, at=at("11:00"))
    add_callback(Desk(db, dana), CallbackInput(due_at=at("19:30"), summary="Ring SW O'Brien [Jr] back",
                                               team_id=ids["team:OOH"]))
    held = make_household(db, "Kemp [Jr], Susan [/]", status=HouseholdStatus.ON_HOLD)
    old_hold = make_household(db, "Held last week", status=HouseholdStatus.ON_HOLD)
    with db.write() as s:
        s.execute(sa.update(Household).where(Household.id == held).values(status_changed_at=at("12:00")))
        s.execute(sa.update(Household).where(Household.id == old_hold)
                  .values(status_changed_at=at("12:00", "2026-11-17")))
    db.dispose()
    return url, held, ids


async def test_scenario_11_shift_change(shift_change, monkeypatch):
    url, held, ids = shift_change
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"
        text = flat_text(app)
        assert "Handover since Tue 24 Nov 08:00 to 17:00 (last shift change)" in text
        assert "Open 2 · Callbacks 1 · Placed 0 · On hold 1 · Concerns 0" in text
        assert "REQUEST Tue 09:00 Ann [/] Test (9) urgent, logged, REQ-2026-00001" in text
        assert "REQUEST Tue 11:00 [bold red]X[/] Test (14) planned, logged" in text
        assert "CALLBACK Tue 19:30 Out of hours: Ring SW O'Brien [Jr] back" in text
        assert "ON HOLD Tue 12:00 Kemp [Jr], Susan [/]: HH-T" in text and "on hold since 12:00" in text
        assert "Held last week" not in text  # on hold before this shift began
        assert "No handover notes in this window" in text
        assert "⏎ Open  esc Back  s Since  w Write note" in screen_text(app)

        # The worker widens the window: last week's hold appears; blank goes back to the shift change.
        await pilot.press("s")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "17/11 08:00")
        await pilot.press("enter")
        await settle(pilot)
        text = flat_text(app)
        assert "Handover since Tue 17 Nov 08:00" in text and "Held last week" in text
        await pilot.press("s", "ctrl+a", "ctrl+k", "enter")
        await settle(pilot)
        assert "Held last week" not in flat_text(app)
        await pilot.press("s", "ctrl+a", "ctrl+k")
        await type_text(pilot, "yesterday-ish")
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a time; type HH:MM" in said(app)

        # Enter on the household's row opens its profile.
        await pilot.press("escape")  # leave the since box
        table = app.screen.query_one("#handover-table")
        target = next(i for i, r in enumerate(app.screen.rows) if r.kind == "ON HOLD")
        while table.cursor_row < target:
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "HouseholdScreen"
        assert "Kemp [Jr], Susan [/]" in flat_text(app)
        await pilot.press("escape")
        await settle(pilot)
        while table.cursor_row > 0:
            await pilot.press("up")
        await pilot.press("enter")  # the first open request
        await settle(pilot)
        assert type(app.screen).__name__ == "RequestScreen" and "Ann [/]" in flat_text(app)
        await pilot.press("escape")
        await settle(pilot)

        # The day worker writes the note for out of hours (the default team for a day team).
        await pilot.press("w")
        await settle(pilot)
        assert type(app.screen).__name__ == "NoteDialog"
        assert "Out of hours (OOH)" in flat_text(app)
        await pilot.press("ctrl+s")  # empty: refused in the dialog
        await settle(pilot)
        assert "Type what the next shift must know first" in flat_text(app)
        await type_text(pilot, "Callback 19:30 [/] to SW.\nKemp [Jr] on hold since noon.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"
        assert "Handover note saved for Out of hours." in said(app)
        text = flat_text(app)
        assert "Notes to and from my team (1)" in text
        assert "Dana Smith (East Kent duty team to Out of hours):" in text
        assert "Callback 19:30 [/] to SW." in text and "Kemp [Jr] on hold since noon." in text

    db = Database(url)
    with db.read() as s:
        note = s.exec(select(HandoverNote)).one()
        assert note.body == "Callback 19:30 [/] to SW.\nKemp [Jr] on hold since noon."
        assert note.written_by_id == ids["dana"] and note.team_id == ids["team:EAST"]
        assert note.to_team_id == ids["team:OOH"] and note.written_at == at("17:00")
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "handover.write")).one()
        assert event.user_id == ids["dana"] and event.entity == "handover_notes" and event.entity_id == str(note.id)
        assert json.loads(event.detail) == {"to_team_id": ids["team:OOH"]}
    db.dispose()

    # Out of hours comes on at 17:05 and reads it.
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T17:05:00")
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f10")
        await settle(pilot)
        text = flat_text(app)
        assert "Handover since Tue 24 Nov 08:00 to 17:05" in text
        assert "Open 2 · Callbacks 1 ·" in text
        assert "Dana Smith (East Kent duty team to Out of hours):" in text
        assert "Callback 19:30 [/] to SW." in text


async def test_a_viewer_reads_but_cannot_write(shift_change, monkeypatch, tmp_path):
    url, _held, _ids = shift_change
    db = Database(url)
    with db.write() as s:
        team = s.exec(select(Team).where(Team.code == "EAST")).one()
        s.add(User(username="vic", full_name="Vic Viewer", role="viewer", team_id=team.id))
    db.dispose()
    monkeypatch.setenv("DUTYDESK_USER", "vic")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "Open 2 ·" in flat_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandoverScreen"
        assert "write a handover note" in said(app)
    db = Database(url)
    with db.read() as s:
        assert s.exec(select(HandoverNote)).all() == []
    db.dispose()


async def test_scenario_1_the_handover_shows_the_night_placement(tmp_path, monkeypatch):
    """Placed at 02:30 out of hours before sign-off; at 08:45 the handover shows it awaiting sign-off."""
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    url = seed_store(tmp_path)
    db = Database(url)
    oliver, maya = actor_for(db, "oliver"), actor_for(db, "maya")
    ooh = Desk(db, oliver)
    rid = make_request(db, oliver, children=[("Lily", 13, Gender.FEMALE)], at=at("02:10"))
    first, second = make_household(db, "Akhtar, Samina [Jr]"), make_household(db, "Brown, Jo [/]")
    save_search(db, oliver, rid, [first, second])
    steps.record_contact(ooh, rid, first, "no_answer")
    steps.record_contact(ooh, rid, first, "no_answer", "second try")
    steps.record_contact(ooh, rid, second, "accepted")
    dv = decisions.propose(ooh, rid, "place", "First carer did not answer twice; Jo is near her school.",
                         household_id=second)
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T02:40:00")
    placed = placements.place(ooh, rid)
    assert placed.retrospective
    db.dispose()

    monkeypatch.setenv("DUTYDESK_NOW", MORNING)
    monkeypatch.setenv("DUTYDESK_USER", "maya")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f10")
        await settle(pilot)
        text = flat_text(app)
        assert "Handover since Mon 23 Nov 17:00 to 08:45" in text
        assert "Open 0 · Callbacks 0 · Placed 1 (1 unsigned) · On hold 0 · Concerns 0" in text
        assert ("PLACED Tue 02:40 PL-" in text and "Lily Test with Brown, Jo [/] "
                "(emergency, awaiting retrospective sign-off)" in text)
        # Enter opens the request the placement came from.
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "RequestScreen" and "Lily" in flat_text(app)
        await pilot.press("escape")
        await settle(pilot)
        # Signed off (from the oversight screen, say): the handover no longer says it waits.
        db = Database(url)
        decisions.sign_off(Desk(db, maya), dv.id, "Agreed retrospectively")
        db.dispose()
        await pilot.press("r")
        await settle(pilot)
        text = flat_text(app)
        assert "Lily Test with Brown, Jo [/] (emergency)" in text
        assert "awaiting" not in text


# ---------------------------------------------------------------- the service additions the screen relies on


@pytest.mark.parametrize(("local", "expected"), [
    ("2026-11-24T17:00:00", "2026-11-24T08:00:00"),  # the day shift hands over
    ("2026-11-24T16:30:00", "2026-11-24T08:00:00"),
    ("2026-11-24T08:45:00", "2026-11-23T17:00:00"),  # out of hours hands over
    ("2026-11-24T02:10:00", "2026-11-23T17:00:00"),
    ("2026-11-24T23:00:00", "2026-11-24T17:00:00"),
    ("2026-07-01T17:00:00", "2026-07-01T08:00:00"),  # summer time: local 08:00 is 07:00 UTC
])
def test_default_since_is_the_last_shift_change(local, expected):
    from dutydesk import clock

    from dutydesk.overview import handover
    now = dt.datetime.fromisoformat(local).replace(tzinfo=clock.LOCAL_TZ)
    want = dt.datetime.fromisoformat(expected).replace(tzinfo=clock.LOCAL_TZ)
    assert handover.default_since(now.astimezone(dt.UTC)) == want.astimezone(dt.UTC)


def test_summary_links_and_flags_an_unsigned_placement(database, people, monkeypatch):
    """On SQLite and PostgreSQL: the placement line knows its request and household and whether it waits."""
    from dutydesk.overview import handover
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T02:10:00+00:00")
    ooh = Desk(database, people["ooh"])
    rid = make_request(database, people["ooh"], children=[("Lily", 13, Gender.FEMALE)])
    hid = make_household(database, "Brown, Jo")
    save_search(database, people["ooh"], rid, [hid])
    dv = decisions.propose(ooh, rid, "place", "Near her school.", household_id=hid)
    placements.place(ooh, rid)
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T08:45:00+00:00")
    manager = Desk(database, people["manager"])
    (line,) = handover.summary(manager, since=handover.default_since()).placements_made
    assert (line.request_id, line.household_id, line.awaiting_signoff) == (rid, hid, True)
    assert line.detail == "with Brown, Jo (emergency, awaiting retrospective sign-off)"
    decisions.sign_off(manager, dv.id, "Agreed")
    (line,) = handover.summary(manager, since=handover.default_since()).placements_made
    assert not line.awaiting_signoff and line.detail == "with Brown, Jo (emergency)"


# ---------------------------------------------------------------- snapshot (fixed clock, data and actions)


@pytest.fixture
def fixed_actions():
    """A fixed desk-action registry, so the snapshot does not change as other screens are added."""
    from screens import actions

    saved = list(actions.DESK_ACTIONS)
    actions.DESK_ACTIONS[:] = [
        actions.DeskAction("home", "f9", "Dashboard", "Back to the dashboard",
                           screen="screens.dashboard:DashboardScreen", show=False),
        actions.DeskAction("handover", "f10", "Handover", "What the next shift must know",
                           screen="screens.handover:HandoverScreen", show=False),
    ]
    yield
    actions.DESK_ACTIONS[:] = saved


def test_snapshot_handover_screen(snap_compare, tmp_path, monkeypatch, fixed_actions):
    """08:45, the day team reads the night's handover: an unsigned emergency placement, a request, a callback,
    a household put on hold, and out of hours' note."""
    from matching_builders import household

    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T02:10:00")
    url = seed_store(tmp_path)
    db = Database(url)
    oliver = actor_for(db, "oliver")
    ids = _ids(db)
    rid = make_request(db, oliver, children=[("Lily", 13, Gender.FEMALE)], at=at("02:10"))
    home = household(db, "HH-SNAP1", name="Brown, Jo [/]", place=None)
    save_search(db, oliver, rid, [home])
    decisions.propose(Desk(db, oliver), rid, "place", "Near her school.", household_id=home)
    placements.place(Desk(db, oliver), rid)
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T06:30:00")
    make_request(db, oliver, children=[("Ann [/]", 9, Gender.FEMALE)], urgency=Urgency.URGENT,
                 placement_type=PlacementType.SHORT_TERM, at=at("05:40"))
    add_callback(Desk(db, oliver), CallbackInput(due_at=at("10:00"), summary="Ring SW O'Brien [Jr] back",
                                                 team_id=ids["team:EAST"]))
    held = household(db, "HH-SNAP2", name="Kemp [Jr], Susan", place=None, status=HouseholdStatus.ON_HOLD)
    with db.write() as s:
        s.execute(sa.update(Household).where(Household.id == held).values(status_changed_at=at("23:15", "2026-11-23")))
    from dutydesk.overview import handover
    handover.write_note(Desk(db, oliver), "Lily placed with Jo: [bold red]sign-off[/] needed.\nKemp on hold.",
                        to_team_id=ids["team:EAST"])
    db.dispose()
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T08:45:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")

    async def opened(pilot) -> None:
        await open_desk(pilot)
        await pilot.press("f10")
        await settle(pilot)

    assert snap_compare(desk_app(url), terminal_size=(80, 24), run_before=opened)
