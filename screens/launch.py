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

from dutydesk.errors import DeskError, OpeningProblem, StoreAddressInvalid
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
    from screens.app import DutyDeskApp

    app = DutyDeskApp(url=ctx.url, as_user=ctx.as_user, db_value=getattr(ctx, "db_value", None))
    try:
        app.run(headless=os.environ.get(ENV_HEADLESS) == "1")
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


def open_desk(url: str, as_user: str | None, db_value: str | None = None) -> DeskOpened | DeskOpenFailed:
    """Open the store, check its schema, sign in, load the dashboard module."""
    try:
        return _open(url, as_user, db_value)
    except Exception as err:  # noqa: BLE001 - the last line of defence on the opening path
        return DeskOpenFailed(_crash(err))


def problem_for(err: OpeningProblem) -> StartProblem:
    """An opening problem as the screen shows it: the service's own title, words and hint."""
    # The screens have always exited 2 for a store address they cannot use, the command line 1;
    # scripts may rely on either, so each keeps its own.
    from dutydesk.errors import UnknownUser

    code = 2 if isinstance(err, StoreAddressInvalid) else err.exit_code
    return StartProblem(err.title, err.what, err.hint, exit_code=code, leave=isinstance(err, UnknownUser))


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
