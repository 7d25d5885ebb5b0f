"""Placing at the same moment, for real, in separate processes, on SQLite and PostgreSQL.

Scenario 12: several processes place different children in one household's last
free place. Exactly one wins; the household is never over its terms; every
loser is told at once and is back to contacting carers.

And the everyday case: several processes place children in *different*
households at once. Every one of them succeeds (a reference computed as max+1
made most of them fail on PostgreSQL, issue 11).

Each racer is a separate process (multiprocessing, spawn) with its own engine,
released together by a barrier, for several rounds. The harness also runs a
read-check-write placer (the check in a read, the write after it) and must
catch it on both stores: a test that passes whatever the placing code does
would protect nothing. That placer waits at a second barrier between its check
and its write, so the interleaving that breaks it happens every time, not by
luck of timing.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.enums import Gender, PlacementType, RequestState, Urgency
from db.models import Household, Placement, PlacementRequest
from dutydesk.access.desk import Desk
from dutydesk.requests import decisions, lookup, placements
from process_support import make_household, make_request, save_search

RACERS = 6
DAYTIME = "2026-11-24T11:00:00+00:00"
LOST_WORDS = ("no free place any more", "return to the search")


# ---------------------------------------------------------------- the placers


def _service_place(desk: Desk, rid: int, _gate) -> int:
    return placements.place(desk, rid).placements[0].place_number


def _read_check_write_place(desk: Desk, rid: int, gate) -> int:
    """A mutant of the placing code: checks for a free place in a read, writes afterwards.

    Everything else is as the service does it (lowest free number, the request
    moves to placed), so only the check-then-write gap is different.
    """
    from dutydesk import clock
    from dutydesk.errors import Conflict
    from dutydesk.requests import transitions

    with desk.db.read() as s:
        decision = lookup.current_decision(s, rid)
        h = s.get(Household, decision.household_id)
        free, hid, name = h.places - h.occupied_places, h.id, h.name
    gate.wait(timeout=60)  # every racer has checked before anyone writes
    if free < 1:
        raise Conflict(f"{name} has no free place any more; return to the search.")
    with desk.db.write() as s:
        s.execute(sa.update(Household.__table__).where(Household.__table__.c.id == hid)
                  .values(occupied_places=Household.__table__.c.occupied_places + 1))
        (number,) = placements._lowest_free_numbers(s, hid, 1)
        req = s.get(PlacementRequest, rid)
        (cid,) = lookup.request_child_ids(s, rid)
        s.add(Placement(reference=f"PL-MUTANT-{rid}", child_id=cid, household_id=hid, request_id=rid,
                        decision_id=decision.id, placement_type=req.placement_type, place_number=number,
                        starts_on=clock.today(), created_by_id=desk.actor.user_id))
        transitions.move(s, desk.actor, req, RequestState.PLACED, "placed (mutant)")
    return number


PLACERS = {"service": _service_place, "read_check_write": _read_check_write_place}


def _racer(url: str, actor, plan: list[int], placer: str, barrier, gate, results) -> None:
    """One worker's process: for each round, wait for the others, then try to place."""
    from db.engine import Database

    db = Database(url)
    desk = Desk(db, actor)
    place = PLACERS[placer]
    with db.read() as s:  # connect before the race, so the start is tight
        s.exec(select(Household.id).limit(1)).all()
    for rnd, rid in enumerate(plan):
        barrier.wait(timeout=120)
        try:
            results.put((rnd, rid, "placed", place(desk, rid, gate)))
        except Exception as err:  # noqa: BLE001 - reported to the parent
            kind = type(err).__name__
            results.put((rnd, rid, kind, str(err) if kind == "Conflict" else traceback.format_exc()))
    db.dispose()


# ---------------------------------------------------------------- rounds


@dataclass(frozen=True)
class Round:
    """One race: ``free`` places left in one shared household, or (free=None) a household per racer."""

    free: int | None
    households: tuple[int, ...] = ()
    requests: tuple[int, ...] = ()


def _signed_request(db, people, hid: int, name: str, who: str) -> int:
    rid = make_request(db, people[who], children=[(name, 10, Gender.FEMALE)], urgency=Urgency.URGENT,
                       placement_type=PlacementType.SHORT_TERM)
    save_search(db, people[who], rid, [hid])
    dv = decisions.propose(Desk(db, people[who]), rid, "place", f"Best match for {name} in the saved search.",
                         household_id=hid)
    decisions.sign_off(Desk(db, people["manager"]), dv.id, "Agreed")
    return rid


def _who(i: int) -> str:
    return "worker" if i % 2 == 0 else "worker2"


def _setup_round(db, people, rnd: int, free: int | None) -> Round:
    """A household of 3 places with ``free`` left (the others filled by real placements) and a
    signed request per racer; or, for ``free=None``, a household with one free place per racer."""
    shorts = frozenset({PlacementType.SHORT_TERM})
    if free is None:
        hids = tuple(make_household(db, f"Round {rnd} home {i}", places=2, types=shorts) for i in range(RACERS))
        for i, hid in enumerate(hids):  # one place already taken, so each racer takes place 2
            placements.place(Desk(db, people["worker"]),
                             _signed_request(db, people, hid, f"Settled{rnd}x{i}", "worker"))
        rids = tuple(_signed_request(db, people, hid, f"Racer{rnd}x{i}", _who(i)) for i, hid in enumerate(hids))
        return Round(None, hids, rids)
    hid = make_household(db, f"Round {rnd} last bed", places=3, types=shorts)
    for k in range(3 - free):
        placements.place(Desk(db, people["worker"]), _signed_request(db, people, hid, f"Settled{rnd}x{k}", "worker"))
    rids = tuple(_signed_request(db, people, hid, f"Racer{rnd}x{i}", _who(i)) for i in range(RACERS))
    return Round(free, (hid,), rids)


def _race(db, people, rounds: list[Round], placer: str) -> list[tuple]:
    url = db.url.render_as_string(hide_password=False)
    ctx = mp.get_context("spawn")
    barrier, gate, results = ctx.Barrier(RACERS), ctx.Barrier(RACERS), ctx.Queue()
    procs = [
        ctx.Process(target=_racer, args=(url, people[_who(i)], [r.requests[i] for r in rounds], placer,
                                         barrier, gate, results))
        for i in range(RACERS)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=300) for _ in range(RACERS * len(rounds))]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return got


def _problems(db, rounds: list[Round], got: list[tuple]) -> list[str]:
    """What went wrong in the races (empty when every promise held)."""
    out: list[str] = []
    for rnd, r in enumerate(rounds):
        mine = [g for g in got if g[0] == rnd]
        won = [g for g in mine if g[2] == "placed"]
        lost = [g for g in mine if g[2] != "placed"]
        winners = {g[1] for g in won}
        with db.read() as s:
            states = {rid: s.get(PlacementRequest, rid).state for rid in r.requests}
            for hid in r.households:
                h = s.get(Household, hid)
                active = s.exec(select(sa.func.count()).select_from(Placement).where(
                    Placement.household_id == hid, Placement.ended_on.is_(None))).one()
                if not h.occupied_places == active == h.places:
                    out.append(f"round {rnd}: {h.name} holds {active} children, counts {h.occupied_places}, "
                               f"approved for {h.places}")
        if r.free is None:
            if lost:
                out.append(f"round {rnd}: {len(lost)} of {RACERS} placements into different households failed: "
                           f"{[g[2:] for g in lost]}")
            numbers = sorted(g[3] for g in won)
            if numbers != [2] * len(won):
                out.append(f"round {rnd}: place numbers {numbers}, expected place 2 in each household")
        else:
            if len(won) != r.free:
                out.append(f"round {rnd}: {len(won)} racers placed for {r.free} free place(s)")
            wrong = [g[2:] for g in lost if g[2] != "Conflict" or not all(w in g[3] for w in LOST_WORDS)]
            if wrong:
                out.append(f"round {rnd}: losers not told 'no free place any more': {wrong}")
            numbers = sorted(g[3] for g in won)
            if numbers != list(range(3 - r.free + 1, 4)):
                out.append(f"round {rnd}: winners took places {numbers}")
            back = [rid for rid in r.requests if rid not in winners and states[rid] != RequestState.CONTACTING]
            if back:
                out.append(f"round {rnd}: losers' requests not back to contacting: {[states[x] for x in back]}")
        if any(states[rid] != RequestState.PLACED for rid in winners):
            out.append(f"round {rnd}: a winner's request is not placed")
    return out


@pytest.fixture(autouse=True)
def _daytime(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", DAYTIME)  # inherited by the spawned racers


def test_last_places_and_different_households_at_once(database, people):
    """Two rounds for one last place, one for the last two places, and two rounds of
    every racer placing into a household of its own at the same moment."""
    rounds = [_setup_round(database, people, rnd, free) for rnd, free in enumerate([1, None, 1, 2, None])]
    got = _race(database, people, rounds, "service")
    assert _problems(database, rounds, got) == []
    with database.read() as s:  # every reference distinct and made by the desk
        refs = s.exec(select(Placement.reference)).all()
    assert len(set(refs)) == len(refs) and all(r.startswith("PL-2026-") for r in refs)


def test_the_race_catches_a_read_check_write_placer(database, people):
    rounds = [_setup_round(database, people, 0, 1)]
    got = _race(database, people, rounds, "read_check_write")
    found = _problems(database, rounds, got)
    assert any("racers placed for 1 free place" in p for p in found), found
