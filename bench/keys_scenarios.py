"""Keys per scenario, beyond free text, from the dashboard at 80x24 (issue 9, point 7).

Replays with Pilot, each on a fresh store, every scenario of ../shared/SCENARIOS.md
that the screens can do, and prints for each the keys pressed that were not typed
free text (names, ages, summaries, dates, rationales, search words). The replays
live in a module per group:

- ``keys_replays_calls``: those that start with a call (1, 2, 4, 6, 7, 8);
- ``keys_replays_households``: a carer's household (3, 5, 13, 14, 15);
- ``keys_replays_oversight``: an allegation, the handover, reports and the letter (9, 11, 16, 17).

Each replay checks the store (or, for a read, the screen) afterwards; one that did
not do what it says prints FAILED and the script exits non-zero. Not replayed:
10 (another authority's placement with an IFA household has no screen to record
it) and 12 (two workers at once: ``tests/requests/test_scenarios_process.py`` and
bench/writers.py race it; keys are not the question there). Aim: none above 40;
scenario 1 placed in 20.

    .venv/bin/python bench/keys_scenarios.py [scenario numbers...]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keys_replay_kit import Row  # noqa: E402

AIM_ANY = 40
AIM_PLACED_1 = 20


def replays() -> list[tuple[str, object]]:
    import keys_replays_calls as calls
    import keys_replays_households as households
    import keys_replays_oversight as oversight

    out: list[tuple[str, object]] = []
    for module in (calls, households, oversight):
        out += list(module.REPLAYS)
    return sorted(out, key=lambda r: int(r[0]))


async def run(only: set[str]) -> int:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, replay in replays():
            if only and number not in only:
                continue
            folder = Path(tmp) / f"s{number}"
            folder.mkdir()
            try:
                rows += await replay(folder)  # type: ignore[operator]
            except Exception as err:  # noqa: BLE001 - one broken replay must not hide the others
                traceback.print_exc()
                rows.append(Row(f"{number} (replay broke: {type(err).__name__})", 0, False, str(err)))
    print("keys beyond free text, from the dashboard, 80x24")
    for r in rows:
        print(f"  {r.what:<52} {r.keys:>3}" + ("" if r.ok else "  FAILED: the store does not show it done"))
    counted = [r.keys for r in rows if r.ok]
    worst = max(counted, default=0)
    placed = next((r.keys for r in rows if r.what.startswith("1 police protection: logged and placed")), None)
    print(f"  aim: none above {AIM_ANY} ({'met' if worst <= AIM_ANY else 'NOT met'}, worst {worst})", end="")
    if placed is not None:
        print(f"; scenario 1 placed in {AIM_PLACED_1} ({'met' if placed <= AIM_PLACED_1 else 'NOT met'}, {placed})")
    else:
        print()
    return 1 if any(not r.ok for r in rows) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run(set(sys.argv[1:]))))
