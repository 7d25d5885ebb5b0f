"""The call form's drafts: saved as you type, kept when the SSH session drops, offered back.

A draft is saved 1.5 s after the last key (and at least every 2 s while typing
goes on) in a worker, from a snapshot of the fields taken on the UI thread; on
SIGHUP it is saved at once. ``KeepsDrafts`` is mixed into ``CallFormScreen``,
which provides ``snapshot()``, ``apply()``, ``say()`` and ``_saving``.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static
from screens.dialog_base import DeskDialog

DRAFT_KIND = "call"
DRAFT_DELAY_S = 1.5  # after the last key
DRAFT_MAX_WAIT_S = 2.0  # however fast the typing, a draft at least this often
ENDING_S = 8.0  # after the terminal hangs up, the longest the process may linger (the draft saves in ms)


class RestoreDraftScreen(DeskDialog[str]):
    """Offers back a call that was being typed when the session ended."""

    BINDINGS = [
        Binding("r", "answer('restore')", "Restore it", id="draft.restore"),
        Binding("d", "answer('discard')", "Discard it", id="draft.discard"),
        Binding("escape", "answer('later')", "Not now", id="draft.later"),
    ]

    def __init__(self, when: str, summary: str) -> None:
        super().__init__()
        self.when = when
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="restore-box"):
            yield Static(Content(f"A call you were typing at {self.when} was not saved."), id="restore-title")
            if self.summary:
                yield Static(Text(self.summary, no_wrap=True, overflow="ellipsis"), id="restore-summary")
            yield Static("r restores it, d discards it, Esc decides later.", id="restore-keys", markup=False)
        yield Footer()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class DraftFound(Message):
    """A draft of a call was found when the form opened."""

    def __init__(self, fields: dict[str, Any], when: str) -> None:
        super().__init__()
        self.fields = fields
        self.when = when


class KeepsDrafts:
    """Draft keeping for the call form (a mixin for a ``DeskScreen``)."""

    desk: Any
    _saving: bool
    _dirty: bool
    _dirty_since: float
    _draft_timer: Any
    _old_sighup: Any

    def changed(self) -> None:
        """Something was typed: save a draft once typing pauses, and at least every DRAFT_MAX_WAIT_S."""
        if self._saving:
            return
        now = time.monotonic()
        if not self._dirty:
            self._dirty_since = now
        self._dirty = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        wait = min(DRAFT_DELAY_S, max(0.05, self._dirty_since + DRAFT_MAX_WAIT_S - now))
        self._draft_timer = self.set_timer(wait, self._save_draft_soon)

    def _save_draft_soon(self) -> None:
        self._draft_timer = None
        if self._dirty and not self._saving:
            self._dirty = False
            self.save_draft(self.snapshot())

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-draft")
    def save_draft(self, fields: dict[str, Any]) -> None:
        from dutydesk.calls.drafts import save_draft

        if self.desk is not None:
            save_draft(self.desk, DRAFT_KIND, fields)

    def flush_draft(self) -> None:
        """Save the draft now, synchronously (the SSH session is going away)."""
        if self.desk is None or self._saving:
            return
        from dutydesk.calls.drafts import has_content, save_draft

        fields = self.snapshot()
        if has_content(fields):
            save_draft(self.desk, DRAFT_KIND, fields)

    def _install_sighup(self) -> None:
        if not hasattr(signal, "SIGHUP"):
            return
        try:
            self._old_sighup = signal.signal(signal.SIGHUP, self._on_sighup)
        except ValueError:  # not the main thread (some test runners)
            self._old_sighup = None

    def _remove_sighup(self) -> None:
        if self._old_sighup is not None and hasattr(signal, "SIGHUP"):
            try:
                signal.signal(signal.SIGHUP, self._old_sighup)
            except ValueError:
                pass
            self._old_sighup = None

    def _on_sighup(self, signum: int, frame: Any) -> None:
        previous = self._old_sighup
        if not callable(previous):
            # The terminal has gone: the process ends within ENDING_S whatever hangs (saving the draft
            # while another session holds the store, a write to a dead pty), rather than linger holding
            # the store for nobody. Started first, so not even the draft's save can keep it alive.
            ending = threading.Timer(ENDING_S, os._exit, (129,))
            ending.daemon = True  # a clean exit does not wait for it
            ending.start()
        try:
            self.flush_draft()
        finally:
            self._remove_sighup()
            if callable(previous):
                previous(signum, frame)
            else:
                self.app.exit(129)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-draft-check")
    def check_draft(self) -> None:
        from dutydesk import clock
        from dutydesk.calls.drafts import has_content, load_draft

        if self.desk is None:
            return
        draft = load_draft(self.desk, DRAFT_KIND)
        if draft is not None and has_content(draft.fields):
            self.post_message(DraftFound(draft.fields, clock.fmt_local(draft.updated_at, "%H:%M")))

    def on_draft_found(self, message: DraftFound) -> None:
        fields, when = message.fields, message.when

        def answered(answer: str | None) -> None:
            if answer == "restore":
                self.apply(fields)
                self.say("Draft restored.")
            elif answer == "discard":
                self.discard_draft()

        self.app.push_screen(RestoreDraftScreen(when, str(fields.get("summary") or "")), callback=answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-draft")
    def discard_draft(self) -> None:
        from dutydesk.calls.drafts import discard_draft

        if self.desk is not None:
            discard_draft(self.desk, DRAFT_KIND)

    def unsaved_changes(self) -> str | None:
        from dutydesk.calls.drafts import has_content

        if has_content(self.snapshot()):
            self.flush_draft()
            return "The call you are typing is not saved (a draft is kept)."
        return None
