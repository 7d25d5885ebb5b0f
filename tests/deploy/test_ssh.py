"""The README's SSH deployment, done for real on this machine (root, OpenSSH, sudo, tmux).

It follows the README's steps: a service account owning the store (0700 home,
0600 file), groups for workers and administrators, the one-line wrapper, the
sudo rules, `init` run by the first administrator through sudo with
`--service-account`, teams and desk accounts, SSH keys in the workers' own
`~/.ssh/authorized_keys`, and the README's `Match Group` block. Then, through
`ssh -t` in tmux at 80x24 with TERM=xterm: a worker logs a call (the row and
its author checked); the link drops mid-call (the draft is offered back, no
desk process is left); a second worker writes after the first; NO_COLOR=1
reaches the desk; a login with no desk account gets one line and the session
ends; DUTYDESK_USER and DUTYDESK_NOW sent from the client change nothing.

One module (a little over 400 lines): the site it builds, its terminals and the
walk through them are one deployment, set up and torn down once.

Where it differs from the README, and why:

- the install is a venv on the system Python that sees this checkout's
  packages through a ``.pth`` file, not ``pip install /path/to/dutydesk``, which
  would fetch every dependency from the package index (minutes, and network);
- sshd is the test's own, on 127.0.0.1 at a free port with its own host key
  and config file (the README's block inside it), so the machine's sshd is
  untouched; the block also accepts ``DUTYDESK_*``, as an administrator might,
  to show that it changes nothing;
- names carry a random suffix; accounts, groups, homes and the sudoers file
  are removed afterwards.

Skipped, saying why, when not root or a tool is missing.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")
TOOLS = ("sshd", "ssh", "ssh-keygen", "sudo", "visudo", "tmux", "useradd", "userdel", "groupadd", "groupdel",
         "runuser")


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "the SSH deployment test needs root (it adds accounts, a sudoers file and runs sshd)"
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [t for t in TOOLS if shutil.which(t, path=path) is None]
    if missing:
        return f"the SSH deployment test needs {', '.join(missing)} (apt-get install openssh-server sudo tmux)"
    if not SYSTEM_PYTHON.exists():
        return "the SSH deployment test needs /usr/bin/python3 (the service account cannot run this Python)"
    done = subprocess.run([str(SYSTEM_PYTHON), "-c", "import sys; print(sys.version_info[:2])"],
                          capture_output=True, text=True)
    if done.stdout.strip() != str(tuple(sys.version_info[:2])):
        return "the SSH deployment test needs /usr/bin/python3 to be the same minor version as the tests' Python"
    return None


pytestmark = [pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")]


def sh(*args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("cwd", "/")
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=60, **kw)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}: {done.stdout}{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Site:
    root: Path
    sfx: str
    svc: str
    users_group: str
    admins_group: str
    admin: str
    w1: str
    w2: str
    stranger: str
    wrapper: Path
    store: Path
    port: int
    venv_python: Path

    def key(self, user: str) -> Path:
        return self.root / "keys" / user

    def as_admin(self, *args: str) -> subprocess.CompletedProcess:
        """An administrator's command, the README's way: their own login, sudo to the service account."""
        return sh("runuser", "-u", self.admin, "--", "sudo", "-n", "-u", self.svc, str(self.wrapper), *args)

    def query(self, sql: str) -> list[tuple]:
        """Read the store as the service account (root opening it would re-own its -wal/-shm files)."""
        code = f"import sqlite3,sys; c=sqlite3.connect({str(self.store)!r}); print(repr(c.execute(sys.argv[1]).fetchall()))"
        done = sh("runuser", "-u", self.svc, "--", str(self.venv_python), "-c", code, sql)
        return eval(done.stdout)  # noqa: S307 - our own repr of a list of tuples

    def desk_processes(self) -> list[str]:
        done = sh("pgrep", "-u", self.svc, "-a", "-f", "screens.entry|bin/dutydesk", check=False)
        return [line for line in done.stdout.splitlines() if line.strip()]


def _install(root: Path) -> Path:
    venv = root / "venv"
    sh(str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv))
    site = next((venv / "lib").glob("python3*/site-packages"))
    ours = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"), None) or Path(
        next(p for p in sys.path if p.endswith("site-packages")))
    (site / "dutydesk-checkout.pth").write_text(f"import site; site.addsitedir({str(ours)!r})\n{ROOT}\n")
    script = venv / "bin" / "dutydesk"
    script.write_text(f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom screens.entry import main\nsys.exit(main())\n")
    script.chmod(0o755)
    return venv


def _account(name: str, *groups: str, home: Path | None = None, system: bool = False) -> None:
    args = ["useradd", "--create-home", "--shell", "/usr/sbin/nologin" if system else "/bin/bash"]
    if system:
        args += ["--system", "--user-group", "--home-dir", str(home)]
    else:
        args += ["--user-group"]
    if groups:
        args += ["--groups", ",".join(groups)]
    sh(*args, name)
    sh("usermod", "-p", "*", name)  # no password at all; keys only (a '!' lock would refuse keys without PAM)


def _give_key(site: Site, user: str) -> None:
    key = site.key(user)
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user, "-f", str(key))
    home = Path(f"/home/{user}")
    ssh_dir = home / ".ssh"
    sh("install", "-d", "-m", "0700", "-o", user, "-g", user, str(ssh_dir))
    sh("install", "-m", "0600", "-o", user, "-g", user, f"{key}.pub", str(ssh_dir / "authorized_keys"))


SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {root}/hostkey
PidFile {root}/sshd.pid
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
AcceptEnv LANG LC_*

# The README's block; DUTYDESK_* is accepted too, as a careless administrator might, to show it changes nothing.
Match Group {users_group}
    ForceCommand sudo -n -u {svc} {wrapper}
    AcceptEnv NO_COLOR DUTYDESK_*
    PermitTTY yes
    X11Forwarding no
    AllowTcpForwarding no
    AllowAgentForwarding no
    PermitTunnel no
    ClientAliveInterval 30
    ClientAliveCountMax 4
"""

SUDOERS = """\
Defaults:%{users_group} env_keep += "NO_COLOR"
%{users_group}  ALL=({svc}) NOPASSWD: {wrapper} ""
%{admins_group} ALL=({svc}) NOPASSWD: {wrapper}
"""


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    sfx = secrets.token_hex(3)
    root = Path(tempfile.mkdtemp(prefix="dd-ssh-", dir="/tmp"))
    root.chmod(0o711)
    svc = f"dds{sfx}"
    s = Site(root=root, sfx=sfx, svc=svc, users_group=f"ddu{sfx}", admins_group=f"dda{sfx}",
             admin=f"ddadm{sfx}", w1=f"ddwa{sfx}", w2=f"ddwb{sfx}", stranger=f"ddno{sfx}",
             wrapper=root / "bin" / "dutydesk-desk", store=root / "svc" / "dutydesk.db", port=free_port(),
             venv_python=root / "venv" / "bin" / "python")
    sudoers = Path(f"/etc/sudoers.d/dutydesk-test-{sfx}")
    made: list[str] = []
    groups: list[str] = []
    sshd: subprocess.Popen | None = None
    try:
        # 1. the service account (home 0700: the store's directory) and the groups
        _account(svc, home=root / "svc", system=True)
        made.append(svc)
        (root / "svc").chmod(0o700)
        for g in (s.users_group, s.admins_group):
            sh("groupadd", g)
            groups.append(g)
        # 2. the install and the one command that opens the store
        venv = _install(root)
        (root / "bin").mkdir(mode=0o755)
        s.wrapper.write_text(f"#!/bin/sh\nexec {venv}/bin/dutydesk --db {s.store} \"$@\"\n")
        s.wrapper.chmod(0o755)
        # 3. sudo
        sudoers.write_text(SUDOERS.format(users_group=s.users_group, admins_group=s.admins_group, svc=svc,
                                          wrapper=s.wrapper))
        sudoers.chmod(0o440)
        sh("visudo", "-c", "-q", "-f", str(sudoers))
        # 4. the first administrator, the store, a team; 5. workers with keys and desk accounts
        _account(s.admin, s.admins_group)
        made.append(s.admin)
        (root / "keys").mkdir()
        for user in (s.w1, s.w2, s.stranger):
            _account(user, s.users_group)
            made.append(user)
            _give_key(s, user)
        s.as_admin("init", "--admin", s.admin, "--name", "Ada Admin", "--service-account", svc)
        s.as_admin("teams", "add", "OOH", "--name", "Out of hours", "--out-of-hours")
        s.as_admin("users", "add", s.w1, "--name", "Wendy Ashdown", "--role", "duty_worker", "--team", "OOH")
        s.as_admin("users", "add", s.w2, "--name", "Will Barton", "--role", "duty_worker", "--team", "OOH")
        # 6. sshd with the README's block
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(root / "hostkey"))
        (root / "sshd_config").write_text(SSHD_CONFIG.format(port=s.port, root=root, users_group=s.users_group,
                                                             svc=svc, wrapper=s.wrapper))
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        sshd_bin = shutil.which("sshd", path=os.environ.get("PATH", "") + ":/usr/sbin")
        sh(sshd_bin, "-t", "-f", str(root / "sshd_config"))
        sshd = subprocess.Popen([sshd_bin, "-D", "-e", "-f", str(root / "sshd_config")],
                                stdout=subprocess.DEVNULL, stderr=open(root / "sshd.log", "w"))
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", s.port)) == 0:
                    break
            time.sleep(0.05)
        yield s
    finally:
        if sshd is not None:
            sshd.terminate()
            sshd.wait(timeout=10)
        for server in root.glob("tmux-*/*"):  # any terminal a failed test did not close
            sh("tmux", "-S", str(server), "kill-server", check=False)
        for line in s.desk_processes():  # none should be left; if one is, end it by its id
            os.kill(int(line.split()[0]), 9)
        sudoers.unlink(missing_ok=True)
        for user in reversed(made):
            sh("userdel", "--remove", user, check=False)
        for g in groups:
            sh("groupdel", g, check=False)
        shutil.rmtree(root, ignore_errors=True)


class Terminal:
    """One `ssh -t` in a tmux session at 80x24 on a tmux server of its own (socket under the test's folder).

    A server per terminal, because a shared one exits when its last session is killed, and the next
    terminal's new-session could reach it mid-exit ("server exited unexpectedly").
    """

    def __init__(self, site: Site, user: str, name: str, **env: str) -> None:
        self.site, self.name = site, f"{name}{site.sfx}"
        self.env = {**os.environ, "TMUX_TMPDIR": str(site.root)}
        settings = " ".join(f"{k}={v}" for k, v in {"TERM": "xterm", **env}.items())
        sends = " ".join(f"-o SendEnv={k}" for k in env)
        command = (f"env {settings} ssh -t -p {site.port} -i {site.key(user)} -o BatchMode=yes "
                   f"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {sends} "
                   f"{user}@127.0.0.1; rc=$?; stty sane; printf '\\033[?1047l\\n'; echo SESSION-ENDED $rc; sleep 120")
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", command)

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return sh("tmux", "-L", self.name, *args, check=check, env=self.env)

    def text(self, *, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name, *(["-e"] if escapes else [])).stdout

    def wait_for(self, want: str | Callable[[str], bool], timeout: float = 25) -> str:
        test = want if callable(want) else (lambda text: want in text)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if test(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout}s for {want!r}; the screen shows:\n{text}")

    def keys(self, *names: str) -> None:
        for key in names:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def press(self, key: str, shows: str) -> None:
        """Press a key and wait until the screen shows its effect (the desk may lag on a busy machine)."""
        self.keys(key)
        self.wait_for(shows)

    def new_call(self, summary: str) -> None:
        """F2, caller carer, about information, then the summary typed (not saved)."""
        self.press("F2", "Save call")
        self.press("c", "[c carer]")
        self.press("n", "[n information]")
        self.type(summary)

    def type(self, text: str) -> None:
        """Typed as a person types: a key at a time (a burst would arrive as one paste)."""
        for ch in text:
            self.tmux("send-keys", "-t", self.name, "-l", ch)
            time.sleep(0.02)
        self.wait_for(text[-20:])

    def drop_link(self) -> None:
        """Kill the ssh client as a dropped connection would: no goodbye reaches the server."""
        pane = self.tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").stdout.split()[0]
        for pid in sh("pgrep", "-P", pane, "-x", "ssh", check=False).stdout.split():
            os.kill(int(pid), 9)

    def close(self) -> None:
        self.tmux("kill-server", check=False)


def _no_colour(escaped: str) -> bool:
    """No foreground/background colour codes at all (NO_COLOR: bold and reverse are still allowed)."""
    import re

    codes = re.findall(r"\x1b\[([0-9;]*)m", escaped)
    for code in codes:
        parts = [int(p) for p in code.split(";") if p]
        if any(30 <= p <= 49 and p not in (39, 49) or 90 <= p <= 107 for p in parts):
            return False
    return True


def test_the_readme_deployment_over_real_ssh(site: Site) -> None:
    # The store is the service account's alone.
    assert oct(site.store.stat().st_mode & 0o777) == "0o600" and site.store.owner() == site.svc
    assert oct((site.root / "svc").stat().st_mode & 0o777) == "0o700"
    peek = sh("runuser", "-u", site.w1, "--", "cat", str(site.store), check=False)
    assert peek.returncode != 0  # a worker's own account cannot read the file

    # A worker logs a call; what the client sends as DUTYDESK_* changes nothing.
    t1 = Terminal(site, site.w1, "hbA", DUTYDESK_USER=site.w2, DUTYDESK_NOW="2020-01-01T03:00:00")
    try:
        screen = t1.wait_for("Wendy Ashdown")
        assert "Will Barton" not in screen
        t1.new_call("Carer rang about respite over ssh")
        t1.keys("C-s")
        t1.wait_for(lambda text: "Save call" not in text and "Wendy Ashdown" in text)
    finally:
        t1.close()
    rows = site.query("SELECT calls.summary, users.username, calls.received_at FROM calls "
                      "JOIN users ON users.id = calls.taken_by_id")
    assert [(r[0], r[1]) for r in rows] == [("Carer rang about respite over ssh", site.w1)]
    assert not rows[0][2].startswith("2020")  # DUTYDESK_NOW from the client did not move the clock
    assert site.query("SELECT username FROM audit_events WHERE action = 'call.log'") == [(site.w1,)]

    # The link drops mid-call: the draft is offered back, and no desk process is left behind.
    t2 = Terminal(site, site.w1, "hbB")
    try:
        t2.wait_for("Wendy Ashdown")
        t2.new_call("Half typed when the line went")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not site.query("SELECT id FROM drafts"):
            time.sleep(0.2)
        t2.drop_link()
        t2.wait_for("SESSION-ENDED")
    finally:
        t2.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and site.desk_processes():
        time.sleep(0.2)
    assert site.desk_processes() == []
    t3 = Terminal(site, site.w1, "hbC")
    try:
        t3.wait_for("Half typed when the line went")
        assert "was not saved" in t3.text()
    finally:
        t3.close()

    # A second worker writes after the first, with NO_COLOR reaching the desk.
    t4 = Terminal(site, site.w2, "hbD", NO_COLOR="1")
    try:
        t4.wait_for("Will Barton")
        assert _no_colour(t4.text(escapes=True))
        t4.new_call("Second worker after the first")
        t4.keys("C-s")
        t4.wait_for(lambda text: "Save call" not in text and "Will Barton" in text)
    finally:
        t4.close()
    authors = site.query("SELECT users.username FROM calls JOIN users ON users.id = calls.taken_by_id "
                         "ORDER BY calls.id")
    assert authors == [(site.w1,), (site.w2,)]

    # A login with no desk account: one line, and the session ends.
    t5 = Terminal(site, site.stranger, "hbE")
    try:
        screen = t5.wait_for("SESSION-ENDED")
        lines = [ln for ln in screen.splitlines() if ln.strip()]
        said = [ln for ln in lines if ln.startswith("dutydesk:")]
        assert len(said) == 1 and "Ask an administrator" in said[0] and site.stranger in said[0], screen
        assert lines[-1].startswith("SESSION-ENDED") and lines[-1] != "SESSION-ENDED 0"
    finally:
        t5.close()
    assert site.desk_processes() == []
