"""Callbacks: queues per worker and team, done, reassign, snooze with a reason, overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from db.enums import CallbackStatus
from db.models import AuditEvent, Callback
from dutydesk.calls.callbacks import add_callback, mark_done, queue, reassign, snooze
from dutydesk.calls.inputs import CallbackInput
from dutydesk.access.desk import Desk
from dutydesk.errors import Conflict, InvalidInput, NotAllowed, NotFound


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:00:00")


def at(hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2026-11-22T{hhmm}:00+00:00")


def test_queues_per_worker_and_team(database, people):
    w, w2, ooh = people["worker"], people["worker2"], people["ooh"]
    d = Desk(database, w)
    team_cb = add_callback(d, CallbackInput(due_at=at("19:30"), summary="Ring SW back"))
    mine = add_callback(d, CallbackInput(due_at=at("18:00"), summary="Mine", assigned_to_id=w.user_id))
    other = add_callback(d, CallbackInput(due_at=at("18:30"), summary="For Wes", assigned_to_id=w2.user_id,
                                          team_id=w2.team_id))
    assert [c.id for c in queue(d, mine=True).items] == [mine.id, team_cb.id]
    assert [c.id for c in queue(d).items] == [mine.id, team_cb.id]  # my team's
    assert [c.id for c in queue(d, team_id=w2.team_id).items] == [other.id]
    assert [c.id for c in queue(d, worker_id=w2.user_id).items] == [other.id]
    assert queue(Desk(database, ooh), mine=True).items == []
    assert team_cb.assigned_to_name == "" and mine.assigned_to_name == "Dana"


def test_overdue_flag_and_count(database, people, monkeypatch):
    d = Desk(database, people["worker"])
    cb = add_callback(d, CallbackInput(due_at=at("17:30"), summary="Soon"))
    assert not cb.overdue() and cb.minutes_left() == 30
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:45:00")
    q = queue(d)
    assert q.overdue == 1 and q.items[0].overdue() and q.items[0].minutes_left() == -15


def test_mark_done(database, people):
    d = Desk(database, people["worker"])
    cb = add_callback(d, CallbackInput(due_at=at("19:30"), summary="x"))
    done = mark_done(d, cb.id)
    assert done.status == CallbackStatus.DONE and done.done_at is not None
    assert queue(d).items == []
    with pytest.raises(Conflict, match="already done"):
        mark_done(d, cb.id)
    with database.read() as s:
        assert s.get(Callback, cb.id).done_by_id == people["worker"].user_id
        assert "callback.done" in s.exec(select(AuditEvent.action)).all()


def test_reassign_to_worker_and_team(database, people):
    d = Desk(database, people["worker"])
    cb = add_callback(d, CallbackInput(due_at=at("19:30"), summary="x"))
    moved = reassign(d, cb.id, to_user_id=people["ooh"].user_id)
    assert moved.assigned_to_id == people["ooh"].user_id and moved.team_id == people["ooh"].team_id
    back = reassign(d, cb.id, to_team_id=people["worker"].team_id)
    assert back.assigned_to_id is None and back.team_id == people["worker"].team_id
    with pytest.raises(InvalidInput, match="choose a worker or a team"):
        reassign(d, cb.id)
    with pytest.raises(NotFound):
        reassign(d, cb.id, to_user_id=999)


def test_snooze_needs_a_reason_and_a_later_time(database, people):
    d = Desk(database, people["worker"])
    cb = add_callback(d, CallbackInput(due_at=at("19:30"), summary="x"))
    with pytest.raises(InvalidInput, match="needs a reason"):
        snooze(d, cb.id, at("20:00"), "   ")
    with pytest.raises(InvalidInput, match="after 19:30"):
        snooze(d, cb.id, at("19:00"), "no answer")
    with pytest.raises(InvalidInput, match="already past"):
        snooze(d, cb.id, at("16:00"), "no answer")
    s2 = snooze(d, cb.id, at("20:00"), "No answer [/] \x1b[31m")
    assert s2.due_at == at("20:00") and s2.snooze_count == 1 and s2.snooze_reason.startswith("No answer [/]")
    assert "\x1b" not in s2.snooze_reason
    with database.read() as s:
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == "callback.snooze")).one()
        assert "No answer" in ev.detail


def test_viewer_reads_but_cannot_change(database, people):
    cb = add_callback(Desk(database, people["worker"]), CallbackInput(due_at=at("19:30"), summary="x"))
    v = Desk(database, people["viewer"])
    assert len(queue(v).items) == 1
    for act in (lambda: mark_done(v, cb.id), lambda: snooze(v, cb.id, at("20:00"), "r"),
                lambda: reassign(v, cb.id, to_team_id=1)):
        with pytest.raises(NotAllowed):
            act()


def test_callback_needs_a_summary_and_future_time(database, people):
    d = Desk(database, people["worker"])
    with pytest.raises(InvalidInput, match="what the callback is for"):
        add_callback(d, CallbackInput(due_at=at("19:30")))
    with pytest.raises(InvalidInput, match="already past"):
        add_callback(d, CallbackInput(due_at=at("09:30"), summary="x"))
