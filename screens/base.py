"""``DeskScreen``: an optional base for the desk's screens.

It gives a screen ``self.desk`` (the ``dutydesk.access.desk.Desk``: store and signed-in
actor) and hands any worker failure the screen does not handle itself to the
app, which shows a ``DeskError`` as its message and writes anything else to a
crash file (never a traceback). Textual's ``Worker.StateChanged`` does not
bubble, so a screen that is not a ``DeskScreen`` should call
``self.app.worker_failed(event.worker)`` from its own handler.

To show a worker's error yourself, handle ``on_worker_state_changed`` in the
subclass and do not call ``super()`` for that worker.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.worker import Worker, WorkerState


class DeskScreen(Screen):
    @property
    def desk(self) -> Any:
        return getattr(self.app, "desk", None)

    def may(self, permission: str) -> bool:
        """Whether the signed-in worker has ``Permission.<permission>`` (to show a key only to them;
        the service checks again)."""
        desk = self.desk
        if desk is None:
            return False
        from dutydesk.access.identity import Permission, can

        return can(desk.actor, getattr(Permission, permission))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            failed = getattr(self.app, "worker_failed", None)
            if failed is not None:
                failed(event.worker)
