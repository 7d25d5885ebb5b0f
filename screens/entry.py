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

import sys
from typing import Any

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


def open_app(ctx: Any) -> None:
    from screens.launch import run_app

    run_app(ctx)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    fast = fast_open_args(args)
    if fast is not None:
        from dutydesk.config import database_url
        from screens.launch import LaunchRequest

        try:
            open_app(LaunchRequest(url=database_url(fast.get("db_value")), as_user=fast.get("as_user")))
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
        return

    from dutydesk.cli.main import main as cli_main

    cli_main(argv, app_opener=open_app)


if __name__ == "__main__":
    main()
