"""Benchmark: a full match (ranked list and every exclusion with its reasons) on a
large store, beside the floor measured in the same run (the bare SQL fetching the
same candidate rows).

    python bench/match.py --db /tmp/demo50k.db            # an existing store (e.g. the demo)
    python bench/match.py --synthetic /tmp/synth50k.db    # build a synthetic 50k store first

Prints medians in milliseconds and the ratio to the floor. Aim: <= 150 ms, <= 3x.
Each line ends with a digest of the whole result (every ranked household with its
score, inputs, free places and warnings, in order; every excluded household with its
rule mask, in order), so a change meant only for speed can be shown to give the same
output before and after on the same store and day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from db.engine import Database  # noqa: E402
from db.enums import Gender, PlacementType, Specialism  # noqa: E402
from db.models import Child, Household, Placement, Team, UnavailablePeriod, User  # noqa: E402

FIRST = ["Samina", "Imran", "Jo", "Pat", "Alex", "Chris", "Sam", "Lee", "Kim", "Robin", "Dana", "Ola", "Femi",
         "Agnieszka", "Tomasz", "Ruth", "Gary", "Linda", "Mo", "Priya"]
LAST = ["Akhtar", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Khan", "Patel", "Okafor", "Nowak",
        "O'Brien", "Hughes", "Walker", "Green", "Baker", "Hall", "Wood", "Clarke", "Ahmed"]
LANGS = ["english", "english", "english", "english,polish", "english,urdu", "english,pashto", "english,arabic",
         "english,romanian", "english,turkish"]
RELIGIONS = ["", "", "christian", "muslim", "none", "sikh", "hindu", "jewish"]


def synthetic_store(path: str, n: int = 50_000, seed: int = 7) -> Database:
    """A store with ``n`` households and placements, children, periods: realistic proportions."""
    from db.schema import create_schema
    from dutydesk.places import ensure_places

    p = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(p) + suffix).unlink(missing_ok=True)
    db = Database(f"sqlite:///{p}")
    create_schema(db, stamp=False)
    rnd = random.Random(seed)
    today = dt.date.today()
    with db.write() as s:
        places = list(ensure_places(s).values())
        team = Team(code="EAST", name="East duty team")
        s.add(team)
        s.flush()
        user = User(username="bench", full_name="Bench", role="duty_worker", team_id=team.id)
        s.add(user)
        s.flush()
        place_ids = [pl.id for pl in places]
        uid = user.id
    H, C, PL, U = Household.__table__, Child.__table__, Placement.__table__, UnavailablePeriod.__table__
    types = list(PlacementType)
    specs = list(Specialism)
    hh, kids, pls, unav = [], [], [], []
    child_id = 0
    for i in range(1, n + 1):
        kind = rnd.choices(["in_house", "ifa", "connected_person"], [60, 35, 5])[0]
        status = rnd.choices(["approved", "on_hold", "suspended", "in_assessment", "resigned"], [80, 6, 2, 6, 6])[0]
        places_n = rnd.choices([1, 2, 3, 4], [35, 35, 25, 5])[0]
        amin = rnd.choice([0, 0, 2, 5, 8, 11])
        amax = rnd.choice([x for x in [4, 10, 12, 17, 17, 17] if x >= amin] or [17])
        ptypes = set(rnd.sample(types, rnd.randint(1, 4)))
        sp = set(rnd.sample(specs, rnd.choice([0, 0, 1, 1, 2, 3])))
        occ = rnd.choices(range(places_n + 1), k=1)[0]
        vacant = today - dt.timedelta(days=rnd.randint(0, 200)) if occ < places_n else None
        hid = i
        hh.append(dict(
            id=hid, reference=f"H{i:06d}", name=f"{rnd.choice(LAST)}, {rnd.choice(FIRST)}", kind=kind,
            status=status, place_id=rnd.choice(place_ids), age_min=amin, age_max=amax, places=places_n,
            gender_terms=rnd.choices(["any", "female", "male"], [80, 10, 10])[0],
            placement_types=frozenset(ptypes), specialisms=frozenset(sp),
            bedrooms=places_n + 1, pets=rnd.random() < 0.4, smoker=rnd.random() < 0.1,
            other_children_ages=",".join(str(rnd.randint(0, 17)) for _ in range(rnd.choice([0, 0, 1, 2]))),
            languages=rnd.choice(LANGS), religion=rnd.choice(RELIGIONS), ethnicity=rnd.choice(["", "white british", "asian british", "black british", "mixed"]),
            wheelchair_access=rnd.random() < 0.08, occupied_places=occ, vacant_since=vacant,
            approval_expires_on=(today + dt.timedelta(days=rnd.randint(-30, 100))) if kind == "connected_person" else None,
            annual_review_due=today + dt.timedelta(days=rnd.randint(-60, 365)),
            dbs_expires_on=today + dt.timedelta(days=rnd.randint(-30, 900)), version=1, postcode="", phone="",
            supervising_social_worker="", approval_extended=False, created_at=dt.datetime.now(dt.UTC),
        ))
        # current placements fill occ places; a few past ones give experience
        for place_no in range(1, occ + 1):
            child_id += 1
            kids.append(_child(rnd, child_id, today, specs))
            pls.append(dict(reference=f"P{len(pls) + 1:07d}", child_id=child_id, household_id=hid,
                            placement_type=rnd.choice(types), place_number=place_no,
                            starts_on=today - dt.timedelta(days=rnd.randint(1, 700)), created_by_id=uid,
                            planned_end_on=None, ended_on=None, outside_terms=False, emergency=False,
                            delegated_authority="{}", notifications_due="[]", end_note="", exemption_reason="",
                            created_at=dt.datetime.now(dt.UTC)))
        if rnd.random() < 0.3:
            child_id += 1
            kids.append(_child(rnd, child_id, today, specs))
            start = today - dt.timedelta(days=rnd.randint(400, 2000))
            pls.append(dict(reference=f"P{len(pls) + 1:07d}", child_id=child_id, household_id=hid,
                            placement_type=rnd.choice(types), place_number=99,
                            starts_on=start, ended_on=start + dt.timedelta(days=rnd.randint(2, 300)),
                            created_by_id=uid, planned_end_on=None, outside_terms=False, emergency=False,
                            delegated_authority="{}", notifications_due="[]", end_note="", exemption_reason="",
                            created_at=dt.datetime.now(dt.UTC)))
        if rnd.random() < 0.1:
            st = today + dt.timedelta(days=rnd.randint(-10, 60))
            unav.append(dict(household_id=hid, kind=rnd.choice(["holiday", "break", "hold"]), starts_on=st,
                             ends_on=st + dt.timedelta(days=rnd.randint(1, 14)), reason="",
                             created_at=dt.datetime.now(dt.UTC)))
    with db.engine.begin() as conn:
        conn.execute(H.insert(), hh)
        conn.execute(C.insert(), kids)
        conn.execute(PL.insert(), pls)
        if unav:
            conn.execute(U.insert(), unav)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return db


def _child(rnd: random.Random, cid: int, today: dt.date, specs: list) -> dict:
    dob = today - dt.timedelta(days=rnd.randint(0, 17 * 365))
    return dict(id=cid, case_reference=f"C{cid:07d}", first_name=rnd.choice(FIRST), last_name=rnd.choice(LAST),
                date_of_birth=dob, gender=rnd.choice(["female", "male"]),
                needs=frozenset(rnd.sample(specs, rnd.choice([0, 0, 0, 1, 2]))),
                needs_wheelchair_access=False, legal_status="other", placing_authority="Kent County Council",
                allocated_social_worker="", languages="english", religion="", ethnicity="",
                family_key=f"F{cid // 2}", notes="", created_at=dt.datetime.now(dt.UTC))


def criteria_set(db: Database) -> list:
    from dutydesk.matching import MatchCriteria

    with db.read() as s:
        near = s.execute(sa.text("SELECT id FROM places WHERE name = 'Margate'")).scalar()
    today = dt.date.today()
    return [
        ("emergency girl 13 near Margate", MatchCriteria(from_on=today, placement_type=PlacementType.EMERGENCY,
                                                         ages=(13,), genders=(Gender.FEMALE,), near_place_id=near,
                                                         near_label="Margate")),
        ("3 brothers short term", MatchCriteria(from_on=today + dt.timedelta(days=10),
                                                until_on=today + dt.timedelta(days=100),
                                                placement_type=PlacementType.SHORT_TERM, ages=(4, 7, 9),
                                                genders=(Gender.MALE,) * 3, near_place_id=near, near_label="Margate")),
        ("UASC 16 Pashto", MatchCriteria(from_on=today, placement_type=PlacementType.LONG_TERM, ages=(16,),
                                         genders=(Gender.MALE,), needs=frozenset({Specialism.UASC}),
                                         language="pashto", near_place_id=near, near_label="Margate")),
        ("general look-up", MatchCriteria(from_on=today)),
    ] + ([("3 brothers of one family", MatchCriteria(  # the usual limit's sibling test: a subquery per household
        from_on=today, placement_type=PlacementType.SHORT_TERM, ages=(4, 7, 9), genders=(Gender.MALE,) * 3,
        family_keys=("F00001",), one_family=True, near_place_id=near, near_label="Margate"))]
        if "one_family" in MatchCriteria.__dataclass_fields__ else [])


def digest(res) -> str:
    """A short hash of everything the match returned, in order."""
    h = hashlib.sha256()
    for r in res.ranked:
        h.update(repr(tuple(r)).encode())
    h.update(b"|")
    for e in res.excluded:
        h.update(repr(tuple(e)).encode())
    return h.hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="an existing store (path or URL)")
    ap.add_argument("--synthetic", help="build a synthetic store at this path first")
    ap.add_argument("--households", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--save", action="store_true", help="also time saving a search (bulk insert of every result)")
    args = ap.parse_args()
    from dutydesk.config import to_url
    from dutydesk.matching.engine import match
    from dutydesk.matching.query import floor_select
    from dutydesk.matching.weights import load_weights

    if args.synthetic:
        t = time.perf_counter()
        db = synthetic_store(args.synthetic, args.households)
        print(f"built synthetic store of {args.households} households in {time.perf_counter() - t:.1f} s")
    elif args.db:
        db = Database(to_url(args.db))
    else:
        ap.error("give --db or --synthetic")
    with db.read() as s:
        n = s.execute(sa.select(sa.func.count()).select_from(Household)).scalar()
    print(f"store: {db!r}, {n} households")
    w = load_weights()
    for label, crit in criteria_set(db):
        floors, fulls, decoded = [], [], []
        for _ in range(args.repeat):
            with db.read() as s:
                t = time.perf_counter()
                cur = s.execute(floor_select(crit))
                rows = cur.cursor.fetchall()  # plain driver tuples, as the match reads its rows
                cur.close()
                floors.append(time.perf_counter() - t)
            assert len(rows) == n
            with db.read() as s:
                t = time.perf_counter()
                res = match(s, crit, weights=w)
                fulls.append(time.perf_counter() - t)
            assert res.total == n
            t = time.perf_counter()
            for e in res.excluded:
                e.codes
            for r in res.ranked[:50]:
                res.contributions(r)
            decoded.append(time.perf_counter() - t)
        f, m, d = (statistics.median(x) * 1000 for x in (floors, fulls, decoded))
        print(f"{label:32s} ranked {len(res.ranked):6d} excluded {len(res.excluded):6d} | floor {f:6.1f} ms | "
              f"match {m:6.1f} ms | ratio {m / f:4.2f}x | +codes of all exclusions, top 50 explained {d:5.1f} ms | "
              f"result {digest(res)}")
    if args.save:
        from dutydesk.matching.saved import save_result

        with db.read() as s:
            uid = s.execute(sa.text("SELECT id FROM users LIMIT 1")).scalar()
        times = []
        for _ in range(3):
            t = time.perf_counter()
            with db.read() as s:
                res = match(s, criteria_set(db)[0][1], weights=w, ranked_only=True)
            with db.write() as s:
                search = save_result(s, res, run_by_id=uid)
                rows = search.ranked_count + search.excluded_count
                s.rollback()  # leave the store as it was
            times.append(time.perf_counter() - t)
        print(f"run and save a search ({rows} result rows, one bulk insert of the ranked, one INSERT ... SELECT "
              f"of the exclusions): median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
