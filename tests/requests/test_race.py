"""Scenario 12, for real: several processes place different children in one household's
last free place at the same moment. Exactly one wins; the household is never over
its terms; every loser is told at once and is back to contacting carers.

Each racer is a separate process (multiprocessing, spawn) with its own engine,
released together by a barrier, for several rounds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.enums import Gender, PlacementType, RequestState, Urgency
from db.models import Household, Placement, PlacementRequest
from dutydesk.requests import placements
from dutydesk.requests import decisions
from dutydesk.access.desk import Desk
from process_support import make_household, make_request, save_search

RACERS = 4
ROUNDS = 3
DAYTIME = "2026-11-24T11:00:00+00:00"


def _racer(url: str, actor, plan: list[int], barrier, results) -> None:
    """One worker's process: for each round, wait for the others, then try to place."""
    from db.engine import Database

    db = Database(url)
    desk = Desk(db, actor)
    with db.read() as s:  # connect before the race, so the start is tight
        s.exec(select(Household.id).limit(1)).all()
    for rnd, rid in enumerate(plan):
        barrier.wait(timeout=120)
        try:
            out = placements.place(desk, rid)
            results.put((rnd, rid, "placed", out.placements[0].place_number))
        except Exception as err:  # noqa: BLE001 - reported to the parent
            kind = type(err).__name__
            results.put((rnd, rid, kind, str(err) if kind == "Conflict" else traceback.format_exc()))
    db.dispose()


def _signed_request(db, people, hid: int, name: str, who: str) -> int:
    rid = make_request(db, people[who], children=[(name, 10, Gender.FEMALE)], urgency=Urgency.URGENT,
                       placement_type=PlacementType.SHORT_TERM)
    save_search(db, people[who], rid, [hid])
    dv = decisions.propose(Desk(db, people[who]), rid, "place", f"Best match for {name} in the saved search.",
                         household_id=hid)
    decisions.sign_off(Desk(db, people["manager"]), dv.id, "Agreed")
    return rid


def _setup_round(db, people, rnd: int, free: int) -> tuple[int, list[int]]:
    """A household of 3 places with ``free`` left (the others filled by real placements), and one signed request per racer."""
    hid = make_household(db, f"Round {rnd} last bed", places=3,
                         types=frozenset({PlacementType.SHORT_TERM}))
    for k in range(3 - free):
        rid = _signed_request(db, people, hid, f"Settled{rnd}x{k}", "worker")
        placements.place(Desk(db, people["worker"]), rid)
    racers = [
        _signed_request(db, people, hid, f"Racer{rnd}x{i}", "worker" if i % 2 == 0 else "worker2")
        for i in range(RACERS)
    ]
    return hid, racers


def _race(url: str, db, people, frees: list[int]) -> None:
    rounds = [_setup_round(db, people, rnd, free) for rnd, free in enumerate(frees)]
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(RACERS)
    results = ctx.Queue()
    actors = [people["worker"] if i % 2 == 0 else people["worker2"] for i in range(RACERS)]
    procs = [
        ctx.Process(target=_racer, args=(url, actors[i], [r[1][i] for r in rounds], barrier, results))
        for i in range(RACERS)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=300) for _ in range(RACERS * len(rounds))]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    for rnd, (hid, rids) in enumerate(rounds):
        free = frees[rnd]
        mine = [g for g in got if g[0] == rnd]
        won = [g for g in mine if g[2] == "placed"]
        lost = [g for g in mine if g[2] != "placed"]
        assert len(won) == free, mine
        assert all(g[2] == "Conflict" and "no free place any more" in g[3] and "return to the search" in g[3]
                   for g in lost), lost
        # The winners took the free place numbers, each once.
        assert sorted(g[3] for g in won) == list(range(3 - free + 1, 4))
        with db.read() as s:
            h = s.get(Household, hid)
            assert h.occupied_places == h.places == 3
            active = s.exec(select(sa.func.count()).select_from(Placement).where(
                Placement.household_id == hid, Placement.ended_on.is_(None))).one()
            assert active == h.places
            states = {rid: s.get(PlacementRequest, rid).state for rid in rids}
            winners = {g[1] for g in won}
            assert all(states[r] == RequestState.PLACED for r in winners)
            assert all(states[r] == RequestState.CONTACTING for r in rids if r not in winners)


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", DAYTIME)  # inherited by the spawned racers


def test_one_last_place_many_racers(database, people):
    """Three rounds of four racers for the last place, then a round for the last two places."""
    _race(str(database.url.render_as_string(hide_password=False)), database, people, [1] * ROUNDS + [2])
