"""Benchmark: the finder's filter-as-you-type on a large store.

    python bench/finder_filter.py --db /tmp/demo50k.db --as dana.e

1. The query per keystroke: the in-memory index page (what the finder's worker
   runs for each key) over the full match result, typed a character at a time,
   beside a floor measured in the same run (a bare ``str.find`` over the same text).
2. Keystroke to redrawn results: the real app at 80x24 under Pilot, the finder
   open on the store, one key at a time; the time from the key reaching the
   filter's key handler until the list draws the new page (the worker's query,
   the message, the page update and the render). Median and p90. Pilot's own
   press-and-settle time is printed beside a key that does nothing, for scale.
3. Peak memory (max RSS) of that process with the finder open.

Aims: query < 5 ms at 50,000 households; keystroke to redraw p90 < 100 ms; < 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

WORDS = ["kemp", "smith", "o'brien", "hh-0004", "ahmed", "zz"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def query_bench(url: str) -> None:
    from db.engine import Database
    from dutydesk import clock
    from dutydesk.matching import MatchCriteria, match
    from dutydesk.matching.filtering import index_for

    db = Database(url)
    with db.read() as s:
        res = match(s, MatchCriteria(from_on=clock.today()))
    t = time.perf_counter()
    idx = index_for(res.ranked)
    build = time.perf_counter() - t
    times, floors = [], []
    for word in WORDS:
        for n in range(1, len(word) + 1):
            typed = word[:n]
            for _ in range(5):
                t = time.perf_counter()
                idx.page(typed, 0, 50)
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                idx._text.find(typed)
                floors.append(time.perf_counter() - t)
    print(f"ranked households in the look-up: {len(res.ranked):,} (index built in {build * 1000:.0f} ms, once per match)")
    print(f"query per keystroke: median {statistics.median(times) * 1000:.2f} ms, p90 {pct(times, 0.9) * 1000:.2f} ms, "
          f"max {max(times) * 1000:.2f} ms  | floor (one str.find) median {statistics.median(floors) * 1000:.3f} ms")
    db.dispose()


async def redraw_bench(url: str, as_user: str | None) -> None:
    """Key arrival (the Input's key handler) to the list drawing the new page (ResultList.render),
    plus Pilot's whole press-and-settle time beside Pilot's own cost for a key that does nothing."""
    from textual.widgets import Input

    from screens import finder as F
    from ui_helpers import desk_app, open_desk, settle

    renders: list[tuple[float, int]] = []
    keys: list[float] = []
    orig_render = F.ResultList.render
    orig_key = Input._on_key

    def render(self):  # type: ignore[no-untyped-def]
        out = orig_render(self)
        renders.append((time.perf_counter(), id(self.rows)))
        return out

    async def on_key(self, event):  # type: ignore[no-untyped-def]
        keys.append(time.perf_counter())
        return await orig_key(self, event)

    F.ResultList.render = render
    Input._on_key = on_key
    app = desk_app(url, as_user=as_user)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        t = time.perf_counter()
        await pilot.press("f3")
        await settle(pilot, rounds=500)
        opened = time.perf_counter() - t
        screen = app.screen
        assert isinstance(screen, F.FinderScreen), screen
        lst = screen.query_one(F.ResultList)
        await pilot.press("slash")
        await settle(pilot)
        key_to_draw, press_settle = [], []
        for word in WORDS:
            for ch in word:
                renders.clear()
                keys.clear()
                before = id(lst.rows)
                t = time.perf_counter()
                await pilot.press(ch)
                await settle(pilot)
                press_settle.append(time.perf_counter() - t)
                drawn = next((r for r, rows in renders if rows != before), None)
                if drawn is not None and keys:
                    key_to_draw.append(drawn - keys[0])
            for _ in word:
                await pilot.press("backspace")
            await settle(pilot)
        floor = []
        for _ in range(10):
            t = time.perf_counter()
            await pilot.press("left")
            await settle(pilot)
            floor.append(time.perf_counter() - t)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"finder opened (match of every household + first page) in {opened * 1000:.0f} ms")
        print(f"keystroke to redrawn results (key handler -> new page drawn): median "
              f"{statistics.median(key_to_draw) * 1000:.1f} ms, p90 {pct(key_to_draw, 0.9) * 1000:.1f} ms "
              f"over {len(key_to_draw)} keys")
        print(f"Pilot press+settle per key: median {statistics.median(press_settle) * 1000:.1f} ms, p90 "
              f"{pct(press_settle, 0.9) * 1000:.1f} ms; Pilot floor (a key that only moves the cursor): "
              f"median {statistics.median(floor) * 1000:.1f} ms")
        print(f"peak RSS of the app with the finder open: {rss:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="the store (path or URL), e.g. a 50,000-household demo")
    ap.add_argument("--as", dest="as_user", help="a demo user to act as")
    ap.add_argument("--skip-ui", action="store_true")
    args = ap.parse_args()
    from dutydesk.config import to_url

    url = to_url(args.db)
    query_bench(url)
    if not args.skip_ui:
        asyncio.run(redraw_bench(url, args.as_user))


if __name__ == "__main__":
    main()
