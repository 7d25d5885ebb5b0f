"""Helpers shared by tests in different folders: processes started together, the CLI run in-process."""

from __future__ import annotations

import multiprocessing


def run_processes(target, url: str, n: int, *args) -> list[str]:
    """Run ``target(url, start, errors, *args)`` in n processes started together; return their errors."""
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    start = ctx.Event()
    errors = ctx.Queue()
    procs = [ctx.Process(target=target, args=(url, start, errors, *args)) for _ in range(n)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert all(p.exitcode == 0 for p in procs), found
    return found


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from dutydesk.cli.main import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
