"""Starting the app, and opening the desk (off the UI thread).

``run_app`` needs only ``.url`` and ``.as_user`` (a ``CliContext`` or the light
``LaunchRequest`` the entry point makes without importing the command line).

``open_desk`` runs in the app's opening worker: it is where the database layer
is first imported. Every way it can fail becomes a ``StartProblem`` that says
what to do; unexpected errors go to a crash file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Protocol

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


def run_app(ctx: Launchable) -> None:
    """Run the desk until the user quits; exit with the app's return code if it is not 0."""
    from screens.app import DutyDeskApp

    app = DutyDeskApp(url=ctx.url, as_user=ctx.as_user)
    try:
        app.run(headless=os.environ.get(ENV_HEADLESS) == "1")
    finally:
        if app.desk is not None:
            app.desk.db.dispose()
    code = app.return_code or 0
    if code:
        raise SystemExit(code)


def _shown(url: Any) -> str:
    try:
        return url.render_as_string(hide_password=True)
    except AttributeError:
        return str(url)


def _safe_url(url: str) -> str:
    """The URL as given, with any password hidden."""
    try:
        import sqlalchemy as sa

        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not even a URL: show it without anything after '@'
        return repr(url.split("@")[-1])


def _first_line(err: BaseException) -> str:
    orig = getattr(err, "orig", None) or err
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


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


def open_desk(url: str, as_user: str | None) -> DeskOpened | DeskOpenFailed:
    """Open the store, check its schema, sign in, load the dashboard module."""
    try:
        return _open(url, as_user)
    except Exception as err:  # noqa: BLE001 - the last line of defence on the opening path
        return DeskOpenFailed(_crash(err))


def _open(url: str, as_user: str | None) -> DeskOpened | DeskOpenFailed:
    from screens.app import bench_stamp

    import sqlalchemy as sa

    from db.engine import Database
    from dutydesk.access.desk import Desk
    from dutydesk.errors import DeskError, NotAllowed, SchemaMismatch, UnknownUser
    from dutydesk.access.identity import is_demo, sign_in

    bench_stamp("db_layer_imported")

    missing = _missing_sqlite_file(url)
    if missing is not None:
        return DeskOpenFailed(missing)
    try:
        db = Database(url)
    except ImportError as err:
        return DeskOpenFailed(StartProblem(
            "The store could not be opened",
            f"The database driver for {_safe_url(url)} is not installed ({err.name or err}).",
            "For PostgreSQL install dutydesk with its postgres extra: pip install 'dutydesk[postgres]'.",
            exit_code=2,
        ))
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError, OSError) as err:
        return DeskOpenFailed(StartProblem(
            "The store could not be opened",
            f"{_safe_url(url)} is not a store dutydesk can open: {_first_line(err)}",
            "Give a SQLite file path or a database URL with --db, or set DUTYDESK_DATABASE_URL.",
            exit_code=2,
        ))
    shown = _shown(db.url)
    try:
        with db.engine.connect():
            pass
        has_users = sa.inspect(db.engine).has_table("users")
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as err:
        db.dispose()
        return DeskOpenFailed(StartProblem(
            "The store could not be reached",
            f"dutydesk could not open the store at {shown}: {_first_line(err)}",
            "Check --db or DUTYDESK_DATABASE_URL, and that the database server is running.",
            exit_code=1,
        ))

    try:
        from db import migrate
    except ImportError:  # a build without migrations: the table check below still applies
        migrate = None

    try:
        if not has_users:
            raise SchemaMismatch(f"The store at {shown} has no dutydesk tables yet.")
        if migrate is not None and hasattr(migrate, "ensure_current"):
            migrate.ensure_current(db)
        bench_stamp("schema_checked")
        actor = sign_in(db, as_user)
        demo = is_demo(db)
        bench_stamp("signed_in")
        from screens.dashboard import DashboardScreen
        bench_stamp("dashboard_imported")
    except UnknownUser as err:
        db.dispose()
        return DeskOpenFailed(StartProblem("You are not a dutydesk user yet", str(err),
                                           exit_code=err.exit_code))
    except NotAllowed as err:
        db.dispose()
        return DeskOpenFailed(StartProblem("Not allowed", str(err), exit_code=err.exit_code))
    except DeskError as err:
        db.dispose()
        if isinstance(err, SchemaMismatch):
            return DeskOpenFailed(_schema_problem(err, shown, migrate))
        return DeskOpenFailed(StartProblem("The desk could not open", str(err), exit_code=err.exit_code))
    except Exception as err:
        db.dispose()
        base = getattr(migrate, "SchemaProblem", None)
        if base is not None and isinstance(err, base):
            return DeskOpenFailed(_schema_problem(err, shown, migrate))
        raise
    return DeskOpened(Desk(db, actor), demo, DashboardScreen)


def _missing_sqlite_file(url: str) -> StartProblem | None:
    """A SQLite path that does not exist: say how to make it, and create nothing."""
    from db.engine import sqlite_path
    from dutydesk.config import default_database_path

    try:
        path = sqlite_path(url)
    except Exception:  # noqa: BLE001 - a bad URL is reported when it is opened
        return None
    if path is None or path.exists():
        return None
    db_option = "" if path.resolve() == default_database_path().resolve() else f" --db {path}"
    return StartProblem(
        "There is no store yet",
        f"There is no dutydesk store at {path}.",
        f"Create it with `dutydesk{db_option} init`, or try the desk on demo data with "
        f"`dutydesk{db_option} demo`.",
        exit_code=7,
    )


def _schema_problem(err: Exception, shown: str, migrate: Any) -> StartProblem:
    """A schema that is missing, older, newer or foreign: say so and name the command."""
    kind = {getattr(migrate, name, None): name for name in
            ("SchemaMissing", "SchemaOutdated", "SchemaTooNew", "SchemaUnknown")}
    name = next((n for cls, n in kind.items() if cls is not None and isinstance(err, cls)), "")
    if not name and "no dutydesk tables" in str(err):
        name = "SchemaMissing"
    detail = str(err).rstrip(".")
    title = "The store needs attention"
    if name == "SchemaMissing":
        message = f"The store at {shown} has no dutydesk tables yet."
        hint = "Create it with `dutydesk init`, or try the desk on demo data with `dutydesk demo`."
    elif name == "SchemaOutdated":
        message = f"The store at {shown} was made by an older dutydesk: {detail}."
        hint = "Run `dutydesk db upgrade` (it backs the store up first), then open the desk again."
    elif name == "SchemaTooNew":
        message = f"The store at {shown} was made by a newer dutydesk: {detail}."
        hint = "Use the newer dutydesk, or ask an administrator to upgrade this one. Nothing was changed."
    elif name == "SchemaUnknown":
        message = f"The store at {shown} does not look like a dutydesk store: {detail}."
        hint = "Check --db or DUTYDESK_DATABASE_URL; if it is a dutydesk store, ask an administrator."
    else:
        message, hint = str(err), "If the store needs upgrading, run `dutydesk db upgrade`."
    return StartProblem(title, message, hint, exit_code=7)
