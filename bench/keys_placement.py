"""Key presses from the dashboard to a placed emergency request (scenario 1), beyond free text.

Drives the real app headless at 80x24 with Pilot, exactly as
tests/test_request_ui.py does: log the police call (call form), open the
request from the dashboard, search, two unanswered tries, an acceptance,
propose with a rationale, place (out of hours, before sign-off). Counts every
key that is not part of typed free text (names, summary, rationale), and
checks the store really holds the placement. Aim: 60 or fewer.

    /work/venv/bin/python bench/keys_placement.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

AIM = 60


async def run() -> int:
    os.environ["DUTYDESK_NOW"] = "2026-11-22T02:10:00"
    os.environ["DUTYDESK_USER"] = "oliver"
    os.environ["DUTYDESK_KEYS"] = os.devnull + ".none"  # not the runner's own key file
    from sqlmodel import select

    from db.engine import Database
    from db.enums import RequestState
    from db.models import Placement, PlacementRequest
    from test_request_ui import Keys, log_scenario1_call, place_from_dashboard, scenario1_store
    from ui_helpers import desk_app, open_desk

    with tempfile.TemporaryDirectory() as folder:
        url, _ids = scenario1_store(Path(folder))
        app = desk_app(url)
        call, place = Keys(), Keys()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)
            await log_scenario1_call(pilot, call)
            await place_from_dashboard(pilot, place, "Akhtar, Samina [Jr]", "Brown, Jo")
        db = Database(url)
        with db.read() as s:
            state = s.exec(select(PlacementRequest.state)).one()
            placed = len(s.exec(select(Placement)).all())
        db.dispose()
    if state != RequestState.PLACED or placed != 1:
        print(f"FAILED: the request is {state} with {placed} placements")
        return 1
    total = call.count + place.count
    print("scenario 1, dashboard to placed emergency request (keys beyond free text)")
    print(f"  log the call (call form):            {call.count:3d}  {' '.join(call.log)}")
    print(f"  request: search, contacts, propose, place: {place.count:3d}  {' '.join(place.log)}")
    print(f"  total: {total}  (aim <= {AIM}; {'met' if total <= AIM else 'NOT met'})")
    return 0 if total <= AIM else 2


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
