"""A desk writer for tests/storage/test_kill.py, run as its own process: ``python writer_process.py URL USERNAME``.

It connects, prints ``ready`` and waits for a line on stdin; then it logs calls
through the calls service for as long as it lives (every other one records a
new child and opens a placement request, so the reference counters are used),
printing ``saved <call id> <request reference or ->`` after each commit. The
test kills it with SIGKILL at some point and checks that whatever it said was
saved is in the store.
"""

from __future__ import annotations

import sys


def main(url: str, username: str) -> None:
    from db.engine import Database
    from dutydesk import clock
    from dutydesk.access.desk import Desk
    from dutydesk.access.identity import actor_for
    from dutydesk.calls.call_log import CallInput, log_call
    from dutydesk.calls.intake import ChildInput, RequestInput

    db = Database(url)
    desk = Desk(db, actor_for(db, username))
    print("ready", flush=True)
    sys.stdin.readline()
    n = 0
    while True:
        n += 1
        with_child = n % 2 == 1
        view = log_call(desk, CallInput(
            caller_type="police", category="placement_request" if with_child else "information",
            summary=f"Writer call {n}: O'Brien [Jr] needs a bed",
            new_child=ChildInput(first_name=f"Kid{n}", last_name="O'Brien [Jr]", age=9) if with_child else None,
            request=RequestInput(placement_type="emergency", urgency="emergency", needed_from=clock.today())
            if with_child else None,
        ))
        print(f"saved {view.id} {view.request_reference or '-'}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
