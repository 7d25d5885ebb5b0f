"""The base of every dialog: F1 lists its keys.

A modal screen does not pass keys on to the app's bindings, so the app's F1 never
reached a dialog; each dialog carries its own (and the help lists the dialog's keys,
the focused field's, and any choice letters).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

T = TypeVar("T")


class DeskDialog(ModalScreen[T], Generic[T]):
    """A modal dialog of the desk: its own keys, plus F1 for the list of them."""

    BINDINGS = [Binding("f1", "app.help", "Help", tooltip="Every key in this dialog", id="dialog.help")]
