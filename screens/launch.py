"""Starting the app, and opening the desk (off the UI thread).

``run_app`` needs only ``.url``, ``.as_user`` and optionally ``.db_value`` (a
``CliContext`` or the light ``LaunchRequest`` the entry point makes without
importing the command line).

``open_desk`` runs in the app's opening worker: it is where the database layer
is first imported, through ``dutydesk.access.opening`` (the same service the
command line uses). Every ``OpeningProblem`` becomes a ``StartProblem`` with the
service's own words; unexpected errors go to a crash file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Protocol

from dutydesk.errors import DeskError, OpeningProblem
from screens.messages import DeskOpened, DeskOpenFailed, StartProblem

ENV_HEADLESS = "DUTYDESK_HEADLESS"


class Launchable(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def as_user(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class LaunchRequest:
    url: str
    as_user: str | None = None
    db_value: str | None = None  # what was typed after --db, so hints name the same store


def run_app(ctx: Launchable) -> None:
    """Run the desk until the user quits; exit with the app's return code if it is not 0."""
    import sys

    headless = os.environ.get(ENV_HEADLESS) == "1"
    if not headless and not (sys.stdin.isatty() and sys.stdout.isatty()):
        # With no terminal the app read nothing and spun at 70% CPU: say what it needs instead.
        print("dutydesk: the desk needs a terminal (keyboard and screen); this one has none. Run it in a "
              "terminal or over 'ssh -t', or use a command such as 'dutydesk calls list'.", file=sys.stderr)
        raise SystemExit(2)
    from screens.app import DutyDeskApp

    app = DutyDeskApp(url=ctx.url, as_user=ctx.as_user, db_value=getattr(ctx, "db_value", None))
    try:
        app.run(headless=headless)
    finally:
        if app.desk is not None:
            app.desk.close()
    line = getattr(app, "leave_line", None)
    if line:
        # After Textual has given the terminal back, so nothing redraws over it.
        sys.stderr.write(f"\r{line}\n")
        sys.stderr.flush()
    code = app.return_code or 0
    if code:
        raise SystemExit(code)


def _crash(err: BaseException) -> StartProblem:
    from dutydesk.crash import report

    try:
        path: Any = report(err)
    except OSError:
        path = "nowhere (the crash file could not be written)"
    return StartProblem(
        "The desk could not open",
        f"Something went wrong that the desk did not expect ({type(err).__name__}). "
        f"Details were written to {path}; please send them to your administrator.",
        exit_code=70,
    )


def store_problem(err: BaseException, url: str) -> OpeningProblem | None:
    """A database error that is a store problem (read-only, not a database), in the service's words."""
    if not type(err).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    from dutydesk.access.opening import store_name
    from dutydesk.access.store_problems import problem_from

    try:
        shown = store_name(url)
    except Exception:  # noqa: BLE001 - naming the store is a courtesy
        shown = "the store"
    return problem_from(err, shown)


def desk_words(err: Any, url: str) -> str | None:
    """What to tell the worker about a failed worker: a DeskError's or a store problem's sentence."""
    if isinstance(err, DeskError):
        return str(err)
    found = store_problem(err, url) if isinstance(err, BaseException) else None
    return str(found) if found is not None else None


def open_desk(url: str, as_user: str | None, db_value: str | None = None) -> DeskOpened | DeskOpenFailed:
    """Open the store, check its schema, sign in, load the dashboard module."""
    try:
        return _open(url, as_user, db_value)
    except Exception as err:  # noqa: BLE001 - the last line of defence on the opening path
        found = store_problem(err, url)
        return DeskOpenFailed(problem_for(found) if found is not None else _crash(err))


def problem_for(err: OpeningProblem) -> StartProblem:
    """An opening problem as the screen shows it: the service's own title, words and hint."""
    from dutydesk.errors import UnknownUser

    return StartProblem(err.title, err.what, err.hint, exit_code=err.screen_exit_code or err.exit_code,
                        leave=isinstance(err, UnknownUser))


def _open(url: str, as_user: str | None, db_value: str | None = None) -> DeskOpened | DeskOpenFailed:
    from screens.settings import bench_stamp

    from dutydesk.access.opening import open_desk as open_the_desk

    bench_stamp("db_layer_imported")
    try:
        desk = open_the_desk(db_value, as_user, url=url, progress=bench_stamp)
    except OpeningProblem as err:
        return DeskOpenFailed(problem_for(err))
    except DeskError as err:
        return DeskOpenFailed(StartProblem("The desk could not open", str(err), exit_code=err.exit_code))
    try:
        from screens.dashboard import DashboardScreen
    except BaseException:
        desk.close()
        raise
    bench_stamp("dashboard_imported")
    return DeskOpened(desk, desk.demo, DashboardScreen)
