"""The ``dutydesk`` console script.

It runs the command line from ``dutydesk.cli`` and hands it a way to open the
screens, so imports still flow screens -> dutydesk. Textual is imported only
when the app really opens.
"""

from __future__ import annotations

from dutydesk.cli.context import CliContext
from dutydesk.cli.main import main as cli_main


def open_app(ctx: CliContext) -> None:
    from screens.launch import run_app

    run_app(ctx)


def main(argv: list[str] | None = None) -> None:
    cli_main(argv, app_opener=open_app)


if __name__ == "__main__":
    main()
