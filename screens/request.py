"""The request screen: one placement request through the duty process, by single keys.

The carers to phone (candidates, then the rest of the latest search's ranked
households) are the main list; single keys record each contact outcome on the
highlighted household (a accepted, d declined, n no answer, r ruled out), s runs
and saves a search, p proposes with a rationale, l places, c closes as unmet,
w withdraws. 1-4 switch between carers, timeline, criteria and searches, and
decisions. Every change is one step of ``dutydesk.requests.steps`` run by
``LoadingScreen.act``: the same worker loads the fresh state, so the screen
never shows data older than what it just wrote; refusals are the service's own words.

While visible it asks for the request's change stamp every ``POLL_S`` seconds
and reloads when another worker changed the request. The open-requests list is
``screens.request_list``; the dialogs are ``screens.dialogs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Footer, Static

from dutydesk.labels import contact_status
from dutydesk.requests import actions as steps
from dutydesk.requests.limits import REASON_MAX, TEXT_MAX
from screens.row_table import RowTable
from screens.dialogs import Closing, CloseUnmetDialog, ConfirmDialog, Proposal, ProposeDialog, ReasonDialog
from screens.loading import Outcome
from screens.request_children import ChangesChildren
from screens.request_place_now import PlacesNow
from screens.request_propose import propose_keeping_text
from screens.request_text import (
    carer_cells,
    carer_detail_text,
    criteria_text,
    decisions_text,
    head_text,
    no_carers_text,
    timeline_text,
    when,
)

__all__ = ["RequestScreen", "when"]

POLL_S = 3.0


@dataclass(frozen=True)
class RequestData:
    """One load of the request screen: the change stamp read first, then what it shows."""

    stamp: tuple[Any, ...]
    detail: Any
    rows: list[Any]
    timeline: tuple[Any, ...]


CARER_COLUMNS = ("rank", "name", "score", "status", "tries", "free")


class RequestScreen(ChangesChildren, PlacesNow):  # k and x: the children (screens.request_children); e: place now
    """One placement request: carers to phone, timeline, criteria and searches, decisions."""

    CSS_PATH = "request.tcss"
    RELOAD_ON_RESUME = True  # a shortlist made in the finder, an end of placement in the household
    BINDINGS = [
        # Shown first when they apply (a manager, a proposal waiting), so the narrow footer keeps them.
        Binding("o", "sign_off", "Sign off", tooltip="Manager: sign off the proposed decision",
                id="request.sign_off"),
        Binding("b", "send_back", "Return", tooltip="Manager: return the proposal with comments",
                id="request.return"),
        Binding("s", "search", "Search", tooltip="Run the match and save it with the request", id="request.search"),
        # The four contact outcomes are listed on the screen itself (the footer is too narrow at 80 columns).
        Binding("a", "outcome('accepted')", "Accepted", tooltip="The highlighted carer accepted",
                show=False, id="request.accepted"),
        Binding("d", "outcome('declined')", "Declined", tooltip="The highlighted carer declined (reason)",
                show=False, id="request.declined"),
        Binding("n", "outcome('no_answer')", "No answer", tooltip="No answer from the highlighted carer",
                show=False, id="request.no_answer"),
        Binding("r", "outcome('ruled_out')", "Ruled out", tooltip="You ruled the highlighted carer out (reason)",
                show=False, id="request.ruled_out"),
        Binding("u", "correct", "Correct", tooltip="The highlighted carer's last outcome was a mistake (reason)",
                id="request.correct"),
        Binding("p", "propose", "Propose", tooltip="Propose a decision with its rationale", id="request.propose"),
        Binding("l", "place", "Place", tooltip="Place with the household of the decision", id="request.place"),
        Binding("c", "close_unmet", "Close unmet", tooltip="Close as unmet need", id="request.close"),
        Binding("w", "withdraw", "Withdraw", tooltip="Withdraw the request (reason)", id="request.withdraw"),
        Binding("f", "finder", "Finder", tooltip="Open the carer finder on this request (ranked and ruled out)",
                show=False, id="request.finder"),
        Binding("h", "household", "Household", tooltip="Open the highlighted household's profile",
                show=False, id="request.household"),
        Binding("1", "view('carers')", "Carers", show=False, id="request.view_carers"),
        Binding("2", "view('timeline')", "Timeline", show=False, id="request.view_timeline"),
        Binding("3", "view('criteria')", "Criteria", show=False, id="request.view_criteria"),
        Binding("4", "view('decisions')", "Decisions", show=False, id="request.view_decisions"),
        Binding("escape", "back", "Back", id="request.back"),
    ]

    class StampChecked(Message):
        def __init__(self, stamp: tuple[Any, ...]) -> None:
            super().__init__()
            self.stamp = stamp

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id
        self.detail: Any = None
        self.rows: list[Any] = []
        self.stamp: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading the request…", id="request-head", markup=False)
        with ContentSwitcher(initial="carers", id="request-views"):
            with Vertical(id="carers"):
                yield RowTable(id="carers-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="carer-detail", markup=False)
            with VerticalScroll(id="timeline"):
                yield Static("", id="timeline-body", markup=False)
            with VerticalScroll(id="criteria"):
                yield Static("", id="criteria-body", markup=False)
            with VerticalScroll(id="decisions"):
                yield Static("", id="decisions-body", markup=False)
        yield Static(
            Content.assemble(
                "Carer: ", ("a", "bold"), " accepted  ", ("d", "bold"), " declined  ", ("n", "bold"),
                " no answer  ", ("r", "bold"), " ruled out  ", ("u", "bold"), " correct  ",
                ("k", "bold"), "/", ("x", "bold"), " child\nView:  ", ("1", "bold"), " carers ", ("2", "bold"),
                " timeline ", ("3", "bold"), " criteria ", ("4", "bold"), " decisions  ", ("f", "bold"), " finder  ",
                ("h", "bold"), " household",
            ),
            id="request-views-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#carers-table", DataTable)
        for (title, width), key in zip((("#", 3), ("Household", 30), ("Score", 5), ("Status", 11), ("Tries", 5),
                                        ("Free", 4)), CARER_COLUMNS):
            table.add_column(title, key=key, width=width)
        table.focus()
        self.reload()
        self.set_interval(POLL_S, self.poll)

    # -- loading ---------------------------------------------------------------------------

    def load_args(self) -> tuple[Any, ...]:
        # Only the first load of this screen is an "opened" audit event; refreshes write nothing.
        first, self._open_recorded = not getattr(self, "_open_recorded", False), True
        return (self.request_id, first)

    def fetch(self, desk: Any, request_id: int, first: bool = False) -> RequestData:
        from dutydesk.access import reads
        from dutydesk.requests import lists, views
        from dutydesk.requests.decision_record import timeline
        from dutydesk.requests.stamp import change_stamp

        stamp = change_stamp(desk, request_id)  # first: a change after it shows as a newer stamp
        detail = views.request_detail(desk, request_id)
        if first:
            reads.opened(desk, reads.REQUEST, detail.id, reference=detail.reference,
                         children=[c.id for c in detail.children])
        return RequestData(stamp, detail, lists.contact_list(desk, request_id), timeline(detail))

    def show(self, data: RequestData) -> None:
        self.stamp = data.stamp
        self.detail = data.detail
        self.refresh_bindings()
        # Which household is highlighted, read against the rows still shown: the list keeps the saved
        # search's order, so the cursor stays on the row acted on; after a new search it follows the household.
        keep = self.highlighted_household()
        self.rows = data.rows
        self.query_one("#request-head", Static).update(head_text(self.detail))
        self._show_carers(keep)
        self.query_one("#timeline-body", Static).update(timeline_text(data.timeline))
        self.query_one("#criteria-body", Static).update(criteria_text(self.detail))
        self.query_one("#decisions-body", Static).update(decisions_text(self.detail))

    def poll(self) -> None:
        """Every few seconds while visible: has another worker changed the request?"""
        if self.is_current and self.settled and self.stamp is not None:
            self._check_stamp(self.request_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-stamp")
    def _check_stamp(self, request_id: int) -> None:
        from dutydesk.requests.stamp import change_stamp

        self.post_message(self.StampChecked(change_stamp(self.desk, request_id)))

    def on_request_screen_stamp_checked(self, message: StampChecked) -> None:
        if message.stamp != self.stamp and self.settled:
            self.reload()

    def _show_carers(self, keep: int | None = None) -> None:
        table = self.query_one("#carers-table", DataTable)
        keys = [str(r.household_id) for r in self.rows]
        if keys and [k.value for k in table.rows] == keys:
            # The same households in the same order: the cells change in place, the rows hold still.
            for r, key in zip(self.rows, keys):
                for column, cell in zip(CARER_COLUMNS, carer_cells(r)):
                    table.update_cell(key, column, cell)
            self._show_carer_detail()
            return
        table.clear()
        for r in self.rows:
            table.add_row(*carer_cells(r), key=str(r.household_id))
        if keep is not None:
            for i, r in enumerate(self.rows):
                if r.household_id == keep:
                    table.move_cursor(row=i)
                    break
        if not self.rows:
            self.query_one("#carer-detail", Static).update(no_carers_text(self.detail))
        else:
            self._show_carer_detail()

    def highlighted_household(self) -> int | None:
        table = self.query_one("#carers-table", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        index = table.cursor_row
        if index is None or index < 0 or index >= len(self.rows):
            return None
        return self.rows[index].household_id

    def _row(self) -> Any:
        hid = self.highlighted_household()
        return next((r for r in self.rows if r.household_id == hid), None)

    @on(DataTable.RowHighlighted, "#carers-table")
    def _highlighted(self) -> None:
        self._show_carer_detail()

    def _show_carer_detail(self) -> None:
        r = self._row()
        if r is not None:
            self.query_one("#carer-detail", Static).update(carer_detail_text(r))

    # -- acting ----------------------------------------------------------------------------

    def _needs_carer(self) -> Any:
        row = self._row()
        if row is None:
            self.notify("Highlight a carer first (run a search with s if the list is empty).", severity="warning",
                        markup=False)
        return row

    def action_search(self) -> None:
        self.act(steps.search, self.request_id)

    def action_outcome(self, outcome: str) -> None:
        row = self._needs_carer()
        if row is None:
            return
        if outcome in ("declined", "ruled_out"):
            title = "Carer declined" if outcome == "declined" else "Rule out this carer"
            prompt = (f"Why did {row.household_name} decline?" if outcome == "declined"
                      else f"Why is {row.household_name} ruled out?")

            def got(reason: str | None) -> None:
                if reason:
                    self.act(steps.contact, self.request_id, row.household_id, outcome, reason)

            self.app.push_screen(ReasonDialog(title, prompt, limit=REASON_MAX), callback=got)
            return
        self.act(steps.contact, self.request_id, row.household_id, outcome)

    def action_correct(self) -> None:
        row = self._needs_carer()
        if row is None:
            return

        def got(reason: str | None) -> None:
            if reason:
                self.act(steps.correct, self.request_id, row.household_id, reason)

        self.app.push_screen(ReasonDialog("Correct an outcome", f"{row.household_name}: "
                                          f"{contact_status(row.status)} was recorded by mistake. Why?",
                                          limit=REASON_MAX), callback=got)

    def action_propose(self, given: Proposal | None = None, refusal: str = "") -> None:
        row = self._row()

        def got(p: Proposal | None) -> None:
            if p is None:
                return
            hid = row.household_id if (row is not None and p.kind == "place") else None
            self.act(propose_keeping_text, p, self.request_id, p.kind, p.rationale, p.exemption, household_id=hid)

        exemption = row.needs_exemption if row is not None else ""
        self.app.push_screen(ProposeDialog(row.household_name if row else None, given=given,
                                           needs_exemption=exemption, refusal=refusal), callback=got)

    def acted(self, outcome: Outcome) -> None:
        super().acted(outcome)
        if not outcome.ok and isinstance(outcome.value, Proposal):
            # Refused (outside terms with no exemption, a household no longer free...): the dialog comes
            # back with what was typed and the reason, so nothing is typed twice.
            self.action_propose(outcome.value, outcome.message)

    def action_place(self) -> None:
        d = self.detail
        current = d.current_decision if d else None
        if current is None or not current.household_name:
            self.notify("Propose a household first (p).", severity="warning", markup=False)
            return
        kids = ", ".join(c.name for c in d.children)

        def got(yes: bool | None) -> None:
            if yes:
                self.act(steps.place, self.request_id)

        self.app.push_screen(ConfirmDialog(f"Place {kids} with {current.household_name} now?"), callback=got)

    def action_close_unmet(self) -> None:
        def got(c: Closing | None) -> None:
            if c is not None:
                self.act(steps.close_unmet, self.request_id, c.needs, c.resolution, c.note)

        self.app.push_screen(CloseUnmetDialog(), callback=got)

    def action_withdraw(self) -> None:
        def got(reason: str | None) -> None:
            if reason:
                self.act(steps.withdraw, self.request_id, reason)

        self.app.push_screen(ReasonDialog("Withdraw the request", "Why is it withdrawn?", limit=REASON_MAX),
                             callback=got)

    def _proposed(self) -> Any:
        current = self.detail.current_decision if self.detail is not None else None
        return current if current is not None and current.status.value == "proposed" else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sign_off", "send_back"):
            from dutydesk.access.identity import Permission

            desk = self.desk
            if desk is None or desk.actor.role not in Permission.SIGN_OFF:
                return False
            return self._proposed() is not None
        return super().check_action(action, parameters)

    def action_sign_off(self) -> None:
        current = self._proposed()
        if current is None:
            return

        def got(comment: str | None) -> None:
            if comment is not None:
                self.act(steps.sign_off, current.id, comment)

        self.app.push_screen(ReasonDialog(f"Sign off {self.detail.reference}", "Comment (optional; ctrl+s signs off):",
                                          required=False, field="The comment", limit=TEXT_MAX), callback=got)

    def action_send_back(self) -> None:
        current = self._proposed()
        if current is None:
            return

        def got(comment: str | None) -> None:
            if comment:
                self.act(steps.return_decision, current.id, comment)

        self.app.push_screen(ReasonDialog(f"Return {self.detail.reference}", "What should the worker do? (needed)",
                                          field="The comment", limit=TEXT_MAX), callback=got)

    def action_finder(self) -> None:
        self.app.open_finder(self.request_id)

    def action_household(self) -> None:
        row = self._needs_carer()
        if row is not None:
            self.app.open_household(row.household_id)

    def action_view(self, name: str) -> None:
        self.query_one("#request-views", ContentSwitcher).current = name
        if name == "carers":
            self.query_one("#carers-table", DataTable).focus()
        else:
            self.query_one(f"#{name}", VerticalScroll).focus()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

