"""A writer killed with SIGKILL, again and again: nothing it reported saved is lost, on SQLite and PostgreSQL.

Each writer is a separate process (tests/storage/writer_process.py) logging calls
through the calls service, some with a new child and a placement request. The
test waits for a few "saved" reports, then kills it, usually in the middle of
its next transaction. The next writer is started while the current one is
still writing, so its start-up overlaps the round before and the test stays
short. Afterwards every call reported saved is in the store with its request,
the store's integrity check passes, the reference counters are ahead of every
reference in the store and the audit chain verifies.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlmodel import select

from db import references as counters
from db.models import Call, PlacementRequest
from dutydesk.access import audit

WRITER = Path(__file__).with_name("writer_process.py")
# (reports to wait for, then a pause before the kill): the kills land at different points
# of the next transaction (the writer starts it as soon as it has printed).
ROUNDS = [(1, 0.0), (3, 0.002), (2, 0.0), (4, 0.005), (2, 0.001)]
WAIT_S = 60  # per line, only ever reached if something is broken


class Writer:
    def __init__(self, url: str, username: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), url, username], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def line(self) -> str:
        try:
            return self.lines.get(timeout=WAIT_S)
        except queue.Empty:
            self.proc.kill()
            raise AssertionError(f"the writer said nothing for {WAIT_S} s: {self.proc.stderr.read()}") from None

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def kill(self) -> list[str]:
        """SIGKILL, then whatever it had already printed."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=WAIT_S)
        assert self.proc.returncode == -signal.SIGKILL, self.proc.stderr.read()
        self.proc.stdout.close()
        left = []
        while True:
            try:
                left.append(self.lines.get(timeout=0.5))
            except queue.Empty:
                return left


def test_killed_writers_lose_nothing_they_reported(database, people, monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T11:00:00+00:00")  # inherited by the writers
    url = database.url.render_as_string(hide_password=False)
    username = people["worker"].username
    reported: dict[int, str] = {}
    spare = Writer(url, username)
    for wanted, pause in ROUNDS:
        writer = spare
        assert writer.line() == "ready"
        writer.go()
        spare = Writer(url, username)  # starts up while this one writes
        lines = [writer.line() for _ in range(wanted)]
        time.sleep(pause)
        lines += writer.kill()
        for line in lines:
            word, call_id, ref = line.split(" ")
            assert word == "saved"
            reported[int(call_id)] = ref
    spare.proc.kill()
    spare.proc.wait(timeout=WAIT_S)

    assert len(reported) >= sum(w for w, _ in ROUNDS)
    with database.read() as s:
        rows = dict(s.exec(select(Call.id, Call.request_id).where(Call.id.in_(list(reported)))).all())
        assert sorted(rows) == sorted(reported)  # every call reported saved is there
        for call_id, ref in reported.items():
            if ref != "-":
                assert s.get(PlacementRequest, rows[call_id]).reference == ref
        refs = s.exec(select(PlacementRequest.reference)).all()
        assert len(refs) == len(set(refs))
        conn = s.connection()
        if database.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        for name in counters.COUNTERS:  # no number a killed writer took can be handed out again
            assert counters.current_value(conn, name) >= counters.highest_used(conn, name)
        check = audit.verify(s)
        assert check.ok, check
