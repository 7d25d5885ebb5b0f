"""The app shell: opening the desk, identity, keys, help, palette, quitting, start-up problems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import Footer, Static

from db.engine import Database
from screens import actions
from screens.actions import DeskAction
from screens.app import ConfirmQuitScreen, LaunchScreen
from screens.base import DeskScreen
from screens.entry import fast_open_args
from screens.errors import ProblemScreen
from screens.help import HelpScreen
from ui_helpers import SeedUser, desk_app, flat_text, open_desk, screen_text, seed_store, settle

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


@pytest.fixture(autouse=True)
def _desk_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T09:30:00")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # crash files
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("DUTYDESK_KEYS", str(tmp_path / "no-keys.toml"))  # not the tester's own keys
    monkeypatch.delenv("DUTYDESK_THEME", raising=False)


@pytest.fixture
def store(tmp_path) -> str:
    return seed_store(tmp_path)


class ProbeScreen(Screen):
    """A trivial screen registered as a desk action in these tests."""

    BINDINGS = [Binding("x", "poke", "Poke the probe", id="probe.poke")]

    def __init__(self) -> None:
        super().__init__()
        self.pokes = 0
        self.unsaved: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Probe screen", id="probe-body", markup=False)
        yield Footer()

    def action_poke(self) -> None:
        self.pokes += 1

    def unsaved_changes(self) -> str | None:
        return self.unsaved


@pytest.fixture
def probe_action():
    """Register a desk action opening ProbeScreen for the test, then restore the registry."""
    saved = list(actions.DESK_ACTIONS)
    # Only these, so the footer has room whatever other screens exist by now.
    actions.DESK_ACTIONS[:] = [a for a in saved if a.id == "home"]
    actions.register(DeskAction("probe", "f7", "Probe", "Open the probe screen",
                                screen=f"{__name__}:ProbeScreen"))
    actions.register(DeskAction("managers_probe", "f8", "Manager probe", "Managers only",
                                screen=f"{__name__}:ProbeScreen", roles=actions.MANAGER_ROLES))
    yield
    actions.DESK_ACTIONS[:] = saved


# -- opening -----------------------------------------------------------------------------------


async def test_opens_on_the_dashboard_showing_name_team_and_role(store_url, tmp_path):
    url = seed_store(tmp_path, url=store_url)
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        from screens.dashboard import DashboardScreen

        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        assert "Dana Smith · East Kent duty team · Duty worker" in text
        assert "Sun 22 Nov 09:30" in text
        assert "DEMO" not in text
        assert app.desk.actor.username == "dana"
        assert app.role == "duty_worker"
        footer = text.splitlines()[-1]
        assert "Help" in footer and "Quit" in footer


async def test_first_frame_is_the_opening_screen(store):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        # Before any worker has run, the opening frame is what is on screen.
        first = app.screen
        assert isinstance(first, LaunchScreen)
        assert "Opening the desk…" in screen_text(app)
        await open_desk(pilot)
        assert app.screen is not first


def test_app_module_does_not_import_the_database_layer():
    code = ("import sys, screens.app, screens.launch, screens.entry; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'sqlmodel', 'alembic', 'db'}"
            " or m.startswith('dutydesk.cli') or m == 'dutydesk.access.identity'); print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_first_frame_stamp_comes_before_ready_and_before_the_database_layer(store, tmp_path):
    """The whole start-up path in a process: `dutydesk --db X`, headless, exiting when ready."""
    stamps = tmp_path / "stamps.txt"
    probe = (
        "import sys, screens.app as a\n"
        "orig = a.bench_stamp\n"
        "def stamp(event):\n"
        "    orig(event)\n"
        "    if event == 'first_frame':\n"
        "        with open(sys.argv[1], 'a') as fh:\n"
        "            fh.write('db_loaded %d\\n' % ('sqlalchemy' in sys.modules))\n"
        "a.bench_stamp = stamp\n"
        "from screens.entry import main\n"
        "main(['--db', sys.argv[2]])\n"
    )
    env = dict(os.environ, DUTYDESK_HEADLESS="1", DUTYDESK_EXIT_WHEN_READY="1",
               DUTYDESK_BENCH_FILE=str(stamps))
    result = subprocess.run([PY, "-c", probe, str(stamps), store.removeprefix("sqlite:///")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split() for line in stamps.read_text().splitlines())
    assert lines["db_loaded"] == "0"
    assert float(lines["first_frame"]) < float(lines["ready"])


# -- identity and problems -------------------------------------------------------------------


async def _left_with_one_line(app) -> list[str]:
    """Run the app until it ends by itself (no key pressed); the line it leaves for the terminal."""
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app._exit:
                break
            await pilot.pause(0.05)
    return [app.leave_line] if getattr(app, "leave_line", None) else []


async def test_unknown_login_gets_one_line_and_the_session_ends(store_url, tmp_path, monkeypatch):
    url = seed_store(tmp_path, url=store_url)
    monkeypatch.setenv("DUTYDESK_USER", "nobody")
    app = desk_app(url)
    lines = await _left_with_one_line(app)
    assert lines == ["dutydesk: There is no dutydesk user called 'nobody'. Ask an administrator to add you "
                     "(dutydesk users add)."]
    assert app.return_code == 6


async def test_disabled_user_is_refused(tmp_path, monkeypatch):
    url = seed_store(tmp_path, [SeedUser("dana", "Dana Smith", active=False)])
    app = desk_app(url)
    lines = await _left_with_one_line(app)
    assert len(lines) == 1 and "disabled" in lines[0] and app.return_code == 6


async def test_as_is_refused_on_a_store_that_is_not_a_demo(tmp_path):
    app = desk_app(seed_store(tmp_path, real=True), as_user="maya")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert isinstance(app.screen, ProblemScreen)
        text = flat_text(app)
        assert "--as works only on a demo database" in text
        assert app.desk is None
        await pilot.press("q")
    assert app.return_code == 3


async def test_as_picks_a_demo_user_on_a_demo_store(tmp_path):
    url = seed_store(tmp_path, demo=True)
    app = desk_app(url, as_user="maya")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = screen_text(app)
        assert "Maya Patel · East Kent duty team · Manager" in text
        assert "DEMO" in text


async def test_missing_store_file_names_the_commands_and_creates_nothing(tmp_path):
    where = tmp_path / "nowhere" / "desk.db"
    app = desk_app(f"sqlite:///{where}")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert "There is no dutydesk store at" in flat_text(app)
        problem = app.screen.problem
        assert problem.message == f"There is no dutydesk store at {where}."
        assert f"dutydesk --db {where} init" in problem.hint and f"dutydesk --db {where} demo" in problem.hint
        await pilot.press("q")
    assert app.return_code == 7
    assert not where.parent.exists()


async def test_empty_store_names_the_commands_to_create_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    (tmp_path / "empty.db").touch()
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app)
        assert "has no dutydesk tables yet" in text
        assert "dutydesk init" in text and "dutydesk demo" in text
        await pilot.press("q")
    assert app.return_code == 7


async def test_outdated_and_newer_stores_name_what_to_do(store):
    migrate = pytest.importorskip("db.migrate")
    if not hasattr(migrate, "SchemaOutdated"):
        pytest.skip("migrations not present")
    db = Database(store)
    head = migrate.head_revision()
    revisions = [r for r in migrate.known_revisions() if r != head]
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    db.dispose()
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app)
        assert "newer dutydesk" in text
    if revisions:
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revisions[0]})
        db.dispose()
        app = desk_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)
            text = flat_text(app)
            assert "dutydesk db upgrade" in text


async def test_unexpected_failure_is_a_message_and_a_crash_file(store, monkeypatch, tmp_path):
    import screens.launch

    def broken(*_args):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(screens.launch, "_open", broken)
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app)
        assert "Something went wrong that the desk did not expect (RuntimeError)" in text
        assert "Traceback" not in text
    crashes = list((tmp_path / "state").rglob("crash-*.txt"))
    assert len(crashes) == 1
    assert "the disk caught fire" in crashes[0].read_text()


async def test_unreachable_server_is_a_clear_message(tmp_path):
    app = desk_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app)
        assert "could not" in text.lower()
        assert "Traceback" not in text


@pytest.mark.parametrize("name", ["Ann [/]", "[bold red]X[/]", "O'Brien [Jr]", "[@click=app.quit]Bob"])
async def test_names_that_look_like_markup_display_literally(tmp_path, name):
    url = seed_store(tmp_path, [SeedUser("dana", name, "viewer", "OOH")])
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert f"{name} · Out of hours · Viewer" in screen_text(app)
        assert app.is_running


async def test_long_identity_is_cut_not_wrapped(tmp_path):
    long_name = "Bartholomew Fitzwilliam-Montgomery-Smythe the Third of Tunbridge Wells"
    url = seed_store(tmp_path, [SeedUser("dana", long_name)])
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        first, second = screen_text(app).splitlines()[:2]
        assert first.startswith(" dutydesk  Bartholomew")
        assert "Sun 22 Nov 09:30" in first
        assert "Tunbridge" not in second


# -- help, palette, quitting ------------------------------------------------------------------


async def test_f1_lists_every_key_of_the_dashboard_and_escape_closes(store):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        dashboard = app.screen
        expected = {b.binding.description for b in dashboard.active_bindings.values()
                    if b.binding.description}
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {row.description for row in app.screen.rows}
        assert expected <= listed
        text = screen_text(app)
        assert "Keys: Dashboard" in text
        for word in ("f1", "Help", "Quit", "^p", "Commands"):
            assert word in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard


async def test_help_lists_a_screens_own_keys(store, probe_action):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)
        await pilot.press("f1")
        await pilot.pause()
        rows = {(r.key, r.description, r.where) for r in app.screen.rows}
        assert ("x", "Poke the probe", "this screen") in rows
        assert ("f1", "Help", "everywhere") in rows
        await pilot.press("f1")  # F1 again closes too
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)


async def test_palette_opens_and_its_command_works(store):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"keys")
        await settle(pilot)
        assert "Keys (help)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_palette_lists_screen_and_desk_commands_for_the_role(store, probe_action):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f7")
        await pilot.pause()
        probe = app.screen
        await pilot.press("ctrl+p")
        await settle(pilot)
        text = screen_text(app)
        assert "Probe" in text
        assert "Manager probe" not in text  # dana is a duty worker
        await pilot.press(*"poke", "enter")
        await settle(pilot)
        assert app.screen is probe and probe.pokes == 1


async def test_desk_action_keys_open_registered_screens_with_identity(store, probe_action):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert "Probe" in screen_text(app).splitlines()[-1]  # in the footer
        await pilot.press("f8")  # a manager-only action: nothing for a duty worker
        await pilot.pause()
        assert not isinstance(app.screen, ProbeScreen)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)
        text = screen_text(app)
        assert "Probe screen" in text
        assert "Dana Smith · East Kent duty team · Duty worker" in text
        await pilot.press("f7")  # already there: no second copy
        await pilot.press("f9")  # home: back to the dashboard
        await pilot.pause()
        from screens.dashboard import DashboardScreen

        assert isinstance(app.screen, DashboardScreen)
        assert len(app.screen_stack) == 2


async def test_unbuilt_screens_are_not_offered(store):
    saved = list(actions.DESK_ACTIONS)
    actions.register(DeskAction("ghost", "f7", "Ghost", "Not built", screen="screens.no_such_module:Ghost"))
    try:
        app = desk_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)
            assert "Ghost" not in screen_text(app)
            await pilot.press("f7")
            await pilot.pause()
            assert app.is_running
    finally:
        actions.DESK_ACTIONS[:] = saved


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quit_keys_leave_cleanly(store, key):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press(key)
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_quitting_with_unsaved_work_asks_first(store, probe_action):
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f7")
        await pilot.pause()
        app.screen.unsaved = "The call you are typing is not saved."
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuitScreen)
        assert "The call you are typing is not saved." in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen) and app.is_running
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert app.return_code == 0


async def test_worker_errors_become_messages(store):
    from textual import work

    from dutydesk.errors import Conflict

    class Failing(DeskScreen):
        def compose(self) -> ComposeResult:
            yield Footer()

        @work(thread=True, exit_on_error=False)
        def desk_error(self) -> None:
            raise Conflict("Someone else took the last place. Search again.")

        @work(thread=True, exit_on_error=False)
        def bug(self) -> None:
            raise ZeroDivisionError("oops")

    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        screen = Failing()
        await app.push_screen(screen)
        screen.desk_error()
        await settle(pilot)
        screen.bug()
        await settle(pilot)
        messages = [n.message for n in app.notices]
        assert "Someone else took the last place. Search again." in messages
        assert any("ZeroDivisionError" in m and "crash-" in m for m in messages)
        assert app.is_running


# -- colours and themes ---------------------------------------------------------------------


async def _text_with(url: str, theme: str) -> str:
    app = desk_app(url, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert app.theme == theme
        return screen_text(app)


async def test_no_color_and_ansi_dark_show_the_same_text(store, monkeypatch):
    plain = await _text_with(store, "textual-dark")
    ansi = await _text_with(store, "ansi-dark")
    monkeypatch.setenv("NO_COLOR", "1")
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert app.no_color
        no_color = screen_text(app)
    assert "Dana Smith" in plain
    assert plain == ansi == no_color


def test_theme_from_environment_and_default(monkeypatch):
    from screens.settings import default_theme

    monkeypatch.setenv("COLORTERM", "truecolor")
    assert default_theme() == "textual-dark"
    monkeypatch.delenv("COLORTERM")
    assert default_theme() == "ansi-dark"  # what an SSH session usually looks like


async def test_unknown_theme_falls_back_with_a_warning(store, monkeypatch):
    monkeypatch.setenv("DUTYDESK_THEME", "no-such-theme")
    from screens.app import DutyDeskApp

    app = DutyDeskApp(url=store, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert app.theme in {"textual-dark", "ansi-dark"}
        assert any("no-such-theme" in n.message for n in app.notices)


# -- the entry point ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {}),
        (["--db", "x.db"], {"db_value": "x.db"}),
        (["--db=x.db", "--as", "dana"], {"db_value": "x.db", "as_user": "dana"}),
        (["--as=maya"], {"as_user": "maya"}),
        (["--help"], None),
        (["-h"], None),
        (["--version"], None),
        (["demo"], None),
        (["--db", "x.db", "demo", "--no-ui"], None),
        (["--db"], None),
        (["--db", "--help"], None),
        (["--db", "a", "--db", "b"], None),
        (["--db="], None),
    ],
)
def test_fast_path_only_for_opening_the_app(argv, expected):
    assert fast_open_args(argv) == expected


def test_help_still_goes_to_the_command_line():
    result = subprocess.run([PY, "-c", "from screens.entry import main; main(['--help'])"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "Usage" in result.stdout and "--db" in result.stdout


@pytest.mark.parametrize(("login", "code"), [("dana", 0), ("nobody", 6)])
def test_the_console_script_exits_with_the_apps_code_and_no_traceback(store, login, code):
    env = dict(os.environ, DUTYDESK_HEADLESS="1", DUTYDESK_EXIT_WHEN_READY="1", DUTYDESK_USER=login)
    result = subprocess.run([PY, "-m", "screens.entry", "--db", store.removeprefix("sqlite:///")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


async def test_a_broken_screen_module_is_a_message_not_a_crash(store, tmp_path, monkeypatch):
    broken = tmp_path / "mods"
    broken.mkdir()
    (broken / "broken_screen_mod.py").write_text("raise RuntimeError('half-written screen')\n")
    monkeypatch.syspath_prepend(str(broken))
    saved = list(actions.DESK_ACTIONS)
    actions.DESK_ACTIONS[:] = [DeskAction("broken", "f7", "Broken", "A screen that fails to import",
                                          screen="broken_screen_mod:Nothing")]
    try:
        app = desk_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_desk(pilot)
            await pilot.press("f7")
            await pilot.pause()
            assert app.is_running
            assert any("RuntimeError" in n.message for n in app.notices)
    finally:
        actions.DESK_ACTIONS[:] = saved


async def test_keys_can_be_remapped_by_binding_id(store, tmp_path, monkeypatch, probe_action):
    keys = tmp_path / "keys.toml"
    keys.write_text('"desk.probe" = "f10"\n"app.help" = "f1,f5"\n')
    monkeypatch.setenv("DUTYDESK_KEYS", str(keys))
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, ProbeScreen)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ProbeScreen)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_an_unreadable_key_file_is_a_warning(store, tmp_path, monkeypatch):
    keys = tmp_path / "keys.toml"
    keys.write_text("this is not toml = = =\n")
    monkeypatch.setenv("DUTYDESK_KEYS", str(keys))
    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        assert any("could not be read" in n.message for n in app.notices)


async def test_a_bad_url_is_named_without_its_password(tmp_path):
    app = desk_app("nosuchdialect://ann:s3cret@host/db")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        text = flat_text(app)
        assert "could not be opened" in text
        assert "s3cret" not in text
        await pilot.press("q")
    assert app.return_code == 2


async def test_palette_leaves_out_a_widgets_navigation_keys(store):
    from textual.widgets import DataTable

    class WithTable(DeskScreen):
        BINDINGS = [Binding("x", "noop", "Export the list", show=False, id="t.export")]

        def compose(self) -> ComposeResult:
            table = DataTable()
            table.add_column("Name")
            table.add_row("Ann")
            yield table
            yield Footer()

        def action_noop(self) -> None:
            pass

    app = desk_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await app.push_screen(WithTable())
        await pilot.pause()
        assert isinstance(app.focused, DataTable)
        await pilot.press("ctrl+p")
        await settle(pilot)
        text = screen_text(app)
        assert "Export the list" in text  # the screen's own command, even though hidden in the footer
        assert "Cursor up" not in text and "Page down" not in text
