"""The carer list holds still, and a mistaken outcome can be corrected (issue 9, point 2), at 80x24.

The walk that went wrong: Down to row 3, ``n`` (no answer), Up, ``a``. The list
used to put contacted carers first, so ``n`` moved that carer to the top and
``a`` accepted a carer the worker had not meant. Now ``n`` leaves every row
where it was, the cursor stays on the row acted on, and ``u`` corrects an
outcome with a new entry that supersedes it (both in the timeline).
"""

from __future__ import annotations

from sqlmodel import select

from db.engine import Database
from db.enums import CandidateStatus
from db.models import Candidate, CandidateContact
from test_request_ui import _request, scenario1_store, type_text
from ui_helpers import desk_app, flat_text, open_desk, settle


async def test_outcomes_never_move_rows_and_a_mistake_is_corrected(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-23T11:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))
    url, ids = scenario1_store(tmp_path)
    rid, _Desk, _actor = _request(url, "dana")
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert app.desk is not None, flat_text(app)
        app.open_request(rid)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#carers-table")
        order = [r.household_id for r in screen.rows]
        assert len(order) == 3, ' '.join(n.message for n in app.notices)
        for k in ("down", "down", "n"):
            await pilot.press(k)
            await settle(pilot)
        assert [r.household_id for r in screen.rows] == order  # nothing moved
        assert table.cursor_row == 2
        third, second = order[2], order[1]
        assert screen.rows[2].status == "no_answer"
        for k in ("up", "a"):
            await pilot.press(k)
            await settle(pilot)
        assert [r.household_id for r in screen.rows] == order and table.cursor_row == 1
        assert screen.rows[1].status == "accepted" and screen.rows[1].household_id == second
        # The acceptance was a slip: u corrects it, with a reason, and the row shows what it was before.
        await pilot.press("u")
        await settle(pilot)
        assert "recorded by mistake" in flat_text(app)
        await type_text(pilot, "pressed a on the wrong row [x]")
        await pilot.press("ctrl+s")  # the reason is a multi-line box: ctrl+s saves
        await settle(pilot)
        assert [r.household_id for r in screen.rows] == order and table.cursor_row == 1
        assert screen.rows[1].status == "shortlisted"
        await pilot.press("2")  # the timeline keeps both entries
        await settle(pilot)
        text = flat_text(app)
        assert "superseded by a correction" in text and "pressed a on the wrong row [x]" in text
    db = Database(url)
    with db.read() as s:
        cands = {c.household_id: c for c in s.exec(select(Candidate)).all()}
        assert cands[third].status == CandidateStatus.NO_ANSWER
        assert cands[second].status == CandidateStatus.SHORTLISTED
        entries = s.exec(select(CandidateContact).where(CandidateContact.candidate_id == cands[second].id)
                         .order_by(CandidateContact.id)).all()
        assert [e.outcome for e in entries] == [CandidateStatus.ACCEPTED, CandidateStatus.SHORTLISTED]
        assert entries[1].supersedes_id == entries[0].id and "wrong row [x]" in entries[1].note
    db.dispose()
