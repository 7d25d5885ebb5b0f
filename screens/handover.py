"""Handover: what the next shift must know, and the notes shifts leave each other (scenario 11).

One list, newest shift first: open placement requests, callbacks due, placements
made since the shift began (emergency ones still awaiting retrospective
sign-off stand out: scenario 1), households put on hold and concerns raised.
Enter opens the highlighted record (a request, a household, a call or the
callbacks queue). Below the list, the handover notes written by or to my team.

The window starts at the last shift change (``dutydesk.overview.handover.default_since``:
08:00 or 17:00 local); s changes it (any time the call form accepts: 08:00,
21/11 17:00, +0m...). w writes a note to the next shift (a team is chosen;
ctrl+s saves it). All data comes from ``dutydesk.overview.handover`` in thread workers;
every user-typed string is shown as ``rich.text.Text`` (never markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Select, Static, TextArea

from screens.handover_rows import Row, handover_rows, notes_text
from screens.loading import LoadingScreen
from screens.fields import DeskInput, DeskTextArea
from screens.dialog_base import DeskDialog

KIND_WIDTH = 8
WHEN_WIDTH = 11


class HandoverTable(DataTable):
    """The handover list; Enter opens the highlighted record (shown in the footer and F1)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", tooltip="Open the highlighted record",
                        id="handover.open")]


@dataclass(frozen=True)
class HandoverData:
    """One load: the handover for a window, or why the typed window was refused."""

    handover: Any
    since_text: str
    refused: str | None = None


def write_note(desk: Any, body: str, to_team: str | None) -> str:
    """Save a note to the next shift (``to_team`` a team code; None: my own team)."""
    from dutydesk.calls.call_log import team_id_for
    from dutydesk.overview import handover

    to_id = team_id_for(desk, to_team) if to_team else None
    note = handover.write_note(desk, body, to_team_id=to_id)
    return f"Handover note saved for {note.to_team}."


class TeamsFetched(Message):
    def __init__(self, teams: list[tuple[str, str, bool]], mine: str | None) -> None:
        super().__init__()
        self.teams = teams  # (code, name, out_of_hours)
        self.mine = mine


@dataclass(frozen=True)
class NoteDraft:
    body: str
    to_team: str | None  # a team code; None = my own team


class NoteDialog(DeskDialog[NoteDraft | None]):
    """A handover note: the text and the team it is for. ctrl+s saves, escape cancels."""

    CSS_PATH = "handover.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True, id="handover_note.save"),
        Binding("escape", "cancel", "Cancel", id="handover_note.cancel"),
    ]

    def __init__(self, teams: list[tuple[str, str, bool]], default: str | None) -> None:
        super().__init__()
        self.teams = teams
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-box"):
            yield Static("Handover note for the next shift", classes="dialog-title", markup=False)
            yield Static("What must they know? (tab to choose the team; ctrl+s saves)", classes="dialog-prompt",
                         markup=False)
            yield DeskTextArea(id="note-body", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
            with Horizontal(id="note-to-row"):
                yield Static("For:", id="note-to-label", markup=False)
                options = [(Text(f"{name} ({code})"), code) for code, name, _ooh in self.teams]
                value = self.default if self.default in {c for c, _n, _o in self.teams} else Select.NULL
                yield Select(options, value=value, allow_blank=False if value is not Select.NULL else True,
                             prompt="my own team", id="note-to", compact=True)
            yield Static("", id="note-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note-body", TextArea).focus()

    def action_save(self) -> None:
        body = self.query_one("#note-body", TextArea).text
        if not body.strip():
            self.query_one("#note-error", Static).update(
                Content("Type what the next shift must know first (escape cancels)."))
            return
        value = self.query_one("#note-to", Select).value
        self.dismiss(NoteDraft(body, None if value is Select.NULL else str(value)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandoverScreen(LoadingScreen):
    """The handover: what happened this shift and what is waiting, plus the shifts' notes."""

    CSS_PATH = "handover.tcss"
    HELP_TITLE = "Handover"
    RELOAD_ON_RESUME = True  # back from a request or a household opened from the list
    BINDINGS = [
        Binding("escape", "back", "Back", id="handover.back"),
        Binding("s", "since", "Since", tooltip="Change where the handover starts", id="handover.since"),
        Binding("w", "write_note", "Write note", tooltip="Write a note to the next shift", id="handover.write"),
        Binding("ctrl+s", "write_note", "Write note", show=False, id="handover.write_ctrl"),
        Binding("r", "reload", "Refresh", id="handover.reload"),
    ]

    def __init__(self, since_text: str | None = None) -> None:
        super().__init__()
        self.since_text = since_text  # None: the last shift change
        self.rows: list[Row] = []
        self.handover: Any = None
        self.handover_since_text: str | None = None  # the since text of the handover shown

    def compose(self) -> ComposeResult:
        yield Static("Reading the handover…", id="handover-title", markup=False)
        with Horizontal(id="since-row"):
            yield Static("Since:", id="since-label", markup=False)
            yield DeskInput(placeholder="HH:MM or DD/MM HH:MM; blank = last shift change", id="since-input",
                        compact=True)
        yield Static("", id="handover-counts", markup=False)
        yield HandoverTable(id="handover-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="handover-notes"):
            yield Static("", id="handover-notes-body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#handover-table", DataTable)
        table.add_column("", key="kind", width=KIND_WIDTH)
        table.add_column("When", key="when", width=WHEN_WIDTH)
        table.add_column("What", key="what", width=self._what_width())
        table.focus()
        self.reload()

    def on_resize(self) -> None:
        table = self.query_one("#handover-table", DataTable)
        col = table.columns.get("what")  # type: ignore[call-overload]
        width = self._what_width()
        if col is not None and col.width != width:
            col.width = width
            table.refresh(layout=True)

    def _what_width(self) -> int:
        # kind and when columns with their padding, the what column's padding, a scrollbar.
        return max(20, self.size.width - (KIND_WIDTH + 2) - (WHEN_WIDTH + 2) - 2 - 2)

    # -- loading ---------------------------------------------------------------------------

    def load_args(self) -> tuple[Any, ...]:
        return (self.since_text or "",)

    def fetch(self, desk: Any, text: str) -> HandoverData:
        from dutydesk.calls.typed import parse_when
        from dutydesk.errors import InvalidInput
        from dutydesk.overview import handover

        try:
            since = parse_when(text, what="Since") if text else None
        except InvalidInput as err:
            return HandoverData(None, text, str(err))
        return HandoverData(handover.summary(desk, since=since or handover.default_since()), text)

    def show(self, data: HandoverData) -> None:
        from dutydesk import clock

        if data.refused is not None:
            self.since_text = self.handover_since_text  # keep the last window that worked
            self.notify(data.refused, severity="error", markup=False)
            self.query_one("#since-input", Input).focus()
            return
        ho = self.handover = data.handover
        self.handover_since_text = data.since_text or None
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Handover ", style="bold")
        title.append(f"since {clock.fmt_local(ho.since, '%a %d %b %H:%M')} to {clock.fmt_local(ho.until, '%H:%M')}")
        if not data.since_text:
            title.append(" (last shift change)", style="dim")
        self.query_one("#handover-title", Static).update(title)
        since_input = self.query_one("#since-input", Input)
        if not since_input.has_focus:
            since_input.value = data.since_text or clock.fmt_local(ho.since, "%d/%m %H:%M")
        waiting = sum(1 for p in ho.placements_made if p.awaiting_signoff)
        line = Text()
        line.append(f"Open {len(ho.open_requests)} · Callbacks {len(ho.callbacks_due)} · "
                    f"Placed {len(ho.placements_made)}")
        if waiting:
            line.append(f" ({waiting} unsigned)", style="bold")
        line.append(f" · On hold {len(ho.households_on_hold)} · Concerns {len(ho.allegations_raised)}")
        overdue = sum(1 for a in ho.allegation_steps_due if "overdue" in a.detail)
        if ho.allegation_steps_due:
            line.append(f" · Steps due {len(ho.allegation_steps_due)}", style="bold reverse" if overdue else "bold")
        self.query_one("#handover-counts", Static).update(line)
        self.rows = handover_rows(ho)
        self._fill_table()
        self.query_one("#handover-notes-body", Static).update(notes_text(ho.notes))

    def _fill_table(self) -> None:
        table = self.query_one("#handover-table", DataTable)
        row = table.cursor_row
        table.clear()
        for i, r in enumerate(self.rows):
            style = "bold" if r.strong else ""
            what = r.what.copy()
            if r.wrap:
                what.no_wrap = False
            else:
                what.no_wrap = True
                what.overflow = "ellipsis"
            if style:
                what.stylize(style)
            table.add_row(Text(r.kind, style=style), Text(r.when, style=style), what, key=str(i),
                          height=None if r.wrap else 1)
        if not self.rows:
            table.add_row(Text(""), Text(""), Text("Nothing to hand over since then."), key="none")
        elif row is not None and 0 < row < len(self.rows):
            table.move_cursor(row=row)

    # -- opening ---------------------------------------------------------------------------

    def _current(self) -> Row | None:
        table = self.query_one("#handover-table", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#handover-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self._current()
        if row is None:
            self.app.bell()
            return
        if row.allegation is not None:
            from screens.allegation import AllegationScreen

            self.app.push_screen(AllegationScreen(row.allegation))
        elif row.request_id is not None:
            self.app.open_request(row.request_id)
        elif row.household_id is not None:
            self.app.open_household(row.household_id)
        elif row.call_id is not None:
            from screens.calls_list import CallDetailScreen

            self.app.push_screen(CallDetailScreen(row.call_id))
        elif row.callback_id is not None:
            from screens.callbacks import CallbacksScreen

            self.app.push_screen(CallbacksScreen(focus_id=row.callback_id))
        else:
            self.app.bell()

    # -- since -----------------------------------------------------------------------------

    def action_since(self) -> None:
        self.query_one("#since-input", Input).focus()

    @on(Input.Submitted, "#since-input")
    def _since_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.since_text = event.value.strip() or None
        self.query_one("#handover-table", DataTable).focus()
        self.reload()

    def action_back(self) -> None:
        since_input = self.query_one("#since-input", Input)
        if since_input.has_focus:
            self.query_one("#handover-table", DataTable).focus()
            return
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.reload()

    # -- notes -----------------------------------------------------------------------------

    def action_write_note(self) -> None:
        self.fetch_teams()

    @work(thread=True, exclusive=True, exit_on_error=False, group="handover-teams")
    def fetch_teams(self) -> None:
        from dutydesk.access.identity import Permission, require
        from dutydesk.access.users import list_teams

        require(self.desk.actor, Permission.LOG, "write a handover note")  # a viewer is told at once
        found = list_teams(self.desk)
        teams = [(t.code, t.name, t.out_of_hours) for t in found]
        mine = next((t.code for t in found if t.name == self.desk.actor.team_name), None)
        self.post_message(TeamsFetched(teams, mine))

    def on_teams_fetched(self, message: TeamsFetched) -> None:
        mine = next((t for t in message.teams if t[0] == message.mine), None)
        if mine is not None and not mine[2]:
            # A day team hands over to out of hours.
            default = next((code for code, _n, ooh in message.teams if ooh), None)
        else:
            default = None  # out of hours hands back to its own team's record (choose a day team if needed)

        def written(draft: NoteDraft | None) -> None:
            if draft is not None:
                self.act(write_note, draft.body, draft.to_team)

        self.app.push_screen(NoteDialog(message.teams, default), callback=written)
