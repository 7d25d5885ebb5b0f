"""The ``dutydesk`` console script.

It runs the command line from ``dutydesk.cli`` and hands it a way to open the
screens, so imports still flow screens -> dutydesk. Textual is imported only
when the app really opens.

Fast path: a bare ``dutydesk`` (optionally with ``--db`` and ``--as``) goes
straight to the app without importing the command line, which imports the
database layer; the app then paints its first frame before that import. Any
other arguments (a command, ``--help``, ``--version``, anything unusual) go to
click as before.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

_FAST_OPTIONS = {"--db": "db_value", "--as": "as_user"}


def fast_open_args(argv: list[str]) -> dict[str, str] | None:
    """``{"db_value": ..., "as_user": ...}`` when argv only opens the app, else None (use click)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name not in _FAST_OPTIONS:
            return None
        if not eq:
            if i + 1 >= len(argv):
                return None
            value = argv[i + 1]
            i += 1
        key = _FAST_OPTIONS[name]
        if not value or value.startswith("-") or key in found:
            return None
        found[key] = value
        i += 1
    return found


_app_opened = False


def open_app(ctx: Any) -> None:
    global _app_opened
    from screens.launch import run_app

    _app_opened = True
    run_app(ctx)


def _leave(code: int) -> NoReturn:
    """End the process once the app has closed, without tearing the interpreter down.

    The terminal is restored and the store closed by then; freeing every loaded
    module's objects one by one took 0.3-1.4 s on the bench machine, which the
    person would wait for before their shell prompt came back.
    """
    import atexit
    import logging

    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """The console script. Called with ``argv`` (tests), it returns or raises SystemExit as usual;
    as the real script (``argv`` None) it ends the process quickly once the app has closed."""
    if argv is None:
        _main(sys.argv[1:], fast_exit=True)
    else:
        _main(argv, fast_exit=False)


def _main(args: list[str], *, fast_exit: bool) -> None:
    leave = _leave if fast_exit else sys.exit
    fast = fast_open_args(args)
    if fast is not None:
        from dutydesk.config import database_url
        from screens.launch import LaunchRequest

        try:
            open_app(LaunchRequest(url=database_url(fast.get("db_value")), as_user=fast.get("as_user"),
                                  db_value=fast.get("db_value")))
        except SystemExit as done:
            leave(done.code if isinstance(done.code, int) else 1)
        except KeyboardInterrupt:
            print("dutydesk: stopped.", file=sys.stderr)
            sys.exit(130)
        except Exception as err:  # noqa: BLE001 - never a traceback
            from dutydesk.crash import report

            path = report(err)
            print(f"dutydesk: something went wrong that the desk did not expect ({type(err).__name__}). "
                  f"Details were written to {path}; please send them to your administrator.",
                  file=sys.stderr)
            sys.exit(70)
        if fast_exit:
            _leave(0)
        return

    from dutydesk.cli.main import main as cli_main

    try:
        cli_main(args, app_opener=open_app)
    except SystemExit as done:
        if fast_exit and _app_opened:
            _leave(done.code if isinstance(done.code, int) else 1)
        raise
    if fast_exit and _app_opened:
        _leave(0)


if __name__ == "__main__":
    main()
