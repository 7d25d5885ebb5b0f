"""The carer finder: every household ranked for a request (or a typed look-up), with reasons.

The match runs once in a thread worker (``dutydesk.matching``); the result stays in
memory. Typing in the filter narrows it by name or reference: each keystroke
runs an exclusive worker that asks an in-memory index for one page (at most
``PAGE`` rows) and the list redraws that page only, never a table of thousands.
The match and each page carry a generation (``screens.loading.Generation``):
only the newest asked for is shown. Workers are handed plain values and the
store is reached only through ``dutydesk.matching.finding``.
``x`` switches between the ranked households and the ruled-out ones (with the
rules that excluded each); the pane below shows every contribution or every
rule of the highlighted household. ``s`` shortlists it for the request, ``o``
(or Enter) opens its profile, ``e`` changes the criteria.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Input, Static

from screens.base import DeskScreen
from screens.finder_criteria import CriteriaScreen
from screens.finder_list import RefNames, ResultList, ResultRow, excluded_row, header_text, ranked_row
from screens.loading import Generation
from screens.fields import DeskInput

PAGE = 50


def open_household(app: Any, household_id: int) -> None:
    """Open a household's profile through the app if it offers it, else push the screen."""
    opener = getattr(app, "open_household", None)
    if opener is not None:
        opener(household_id)
        return
    from screens.household import HouseholdScreen

    app.push_screen(HouseholdScreen(household_id))


class FinderScreen(DeskScreen):
    """Find a carer: ranked households with reasons, the ruled-out ones with their rules."""

    CSS_PATH = "finder.tcss"
    BINDINGS = [
        Binding("down", "cursor(1)", "Down", show=False, id="finder.down"),
        Binding("up", "cursor(-1)", "Up", show=False, id="finder.up"),
        Binding("pagedown", "page(1)", "Next page", show=False, id="finder.next_page"),
        Binding("pageup", "page(-1)", "Previous page", show=False, id="finder.prev_page"),
        Binding("x", "show_view('excluded')", "Ruled out", tooltip="Show the households ruled out, with their rules",
                id="finder.ruled_out"),
        Binding("x", "show_view('ranked')", "Ranked", tooltip="Show the ranked households again", id="finder.ranked"),
        Binding("s", "shortlist", "Shortlist", tooltip="Shortlist the highlighted household for the request",
                id="finder.shortlist"),
        # Not in the footer (the filter line says "Enter (or o) opens"): room for ctrl+n at 80 columns.
        Binding("o", "open_household", "Open", show=False, tooltip="Open the highlighted household's profile",
                id="finder.open"),
        Binding("g", "connected_person", "Connected person", show=False,
                tooltip="Record a relative or friend who offers this child a home tonight", id="finder.connected"),
        Binding("e", "edit_criteria", "Criteria", tooltip="Change what you are looking for", id="finder.criteria"),
        Binding("ctrl+n", "new_household", "New household",
                tooltip="Add a household to the desk (a manager)", id="finder.new_household"),
        # Not in the footer either: the filter line says "/ filters".
        Binding("slash", "focus_filter", "Filter", show=False, tooltip="Filter by name or reference",
                id="finder.filter"),
        Binding("escape", "back", "Back", tooltip="Clear the filter, or leave the finder", id="finder.back"),
    ]

    class MatchFinished(Message):
        def __init__(self, token: int, result: Any = None, indexes: dict[str, Any] | None = None,
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.result = result
            self.indexes = indexes or {}
            self.token = token
            self.error = error

    class PageFetched(Message):
        def __init__(self, rows: list[ResultRow], total: int, capped: bool, offset: int, token: int,
                     cursor: int, view: str = "", index: Any = None, error: BaseException | None = None) -> None:
            super().__init__()
            self.view = view
            self.index = index  # the view's filter index, when the worker had to build it
            self.error = error
            self.rows = rows
            self.total = total
            self.capped = capped
            self.start = offset
            self.token = token
            self.cursor = cursor

    def __init__(self, request_id: int | None = None, criteria: Any = None) -> None:
        super().__init__()
        self.request_id = request_id
        self.criteria = criteria
        self.result: Any = None
        self.indexes: dict[str, Any] = {}
        self.view = "ranked"
        self.page_offset = 0
        self.total = 0
        self.capped = False
        self.matches = Generation()
        self.pages = Generation()

    class Shortlisted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @property
    def settled(self) -> bool:
        """The newest match and page are on screen (tests wait on it)."""
        return self.matches.settled and self.pages.settled

    def compose(self) -> ComposeResult:
        yield Static("Finding carers…", id="finder-criteria", markup=False)
        # Focus starts on the list, whose letters are keys (e opens the criteria): the hint says how to type.
        yield DeskInput(placeholder="/ filters by name or reference · Enter (or o) opens the highlighted household",
                    id="finder-filter")
        yield Static("", id="finder-counts", markup=False)
        yield ResultList(id="finder-results")
        yield Static("", id="finder-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ResultList).focus()
        self.run_match()

    # -- the match --------------------------------------------------------------------

    def run_match(self) -> None:
        self.result = None
        self.pages.drop()
        self.query_one(ResultList).show([], empty="Searching…")
        self._match(self.matches.start(), self.desk, self.request_id, self.criteria)

    @work(thread=True, exclusive=True, group="finder-match", exit_on_error=False)
    def _match(self, token: int, desk: Any, request_id: int | None, criteria: Any) -> None:
        from dutydesk.matching import finding
        from dutydesk.matching.filtering import index_for

        try:
            result = finding.run(desk, request_id, criteria)
            indexes = {"ranked": index_for(RefNames(result, "ranked"))}
        except Exception as err:  # noqa: BLE001 - shown on the UI thread
            self.post_message(self.MatchFinished(token, error=err))
            return
        self.post_message(self.MatchFinished(token, result, indexes))

    @on(MatchFinished)
    def _match_finished(self, message: MatchFinished) -> None:
        if not self.matches.accept(message.token):
            return
        if message.error is not None:
            # Said where it stays (a toast fades): what is wrong, and for a weights file, which line.
            from dutydesk.errors import DeskError

            why = str(message.error) if isinstance(message.error, DeskError) else "see the message shown"
            self.query_one("#finder-criteria", Static).update(Text("The search could not run."))
            self.query_one(ResultList).show([], empty=f"The search could not run: {why}")
            self.app.show_error(message.error)
            return
        self.result = message.result
        self.criteria = message.result.criteria
        self.indexes = message.indexes
        self.query_one("#finder-criteria", Static).update(header_text(self.criteria, message.result.weights_note))
        self.page_offset = 0
        self.fetch_page()

    # -- pages --------------------------------------------------------------------------

    def fetch_page(self, cursor: int = 0) -> None:
        if self.result is None:
            return
        self._page(self.pages.start(), self.desk, self.result, self.indexes.get(self.view), self.view,
                   self.query_one("#finder-filter", Input).value, self.page_offset, cursor)

    @work(thread=True, exclusive=True, group="finder-page", exit_on_error=False)
    def _page(self, token: int, desk: Any, result: Any, index: Any, view: str, typed: str, offset: int,
              cursor: int) -> None:
        try:
            message = self._one_page(token, desk, result, index, view, typed, offset, cursor)
        except Exception as err:  # noqa: BLE001 - shown on the UI thread
            message = self.PageFetched([], 0, False, offset, token, cursor, view, error=err)
        self.post_message(message)

    def _one_page(self, token: int, desk: Any, result: Any, index: Any, view: str, typed: str, offset: int,
                  cursor: int) -> "FinderScreen.PageFetched":
        """In the page worker: one page of the view from the in-memory index (built here the first time)."""
        from dutydesk.matching import finding

        if index is None:
            from dutydesk.matching.filtering import index_for

            index = index_for(RefNames(result, view))
        page = index.page(typed, offset, PAGE)
        if view == "ranked":
            # Only the index positions now; each row's text is made when it is first drawn.
            rows = [ResultRow(result.ranked[i].household_id, partial(ranked_row, result, i + 1, i))
                    for i in page.indexes]
        else:
            items = [result.excluded[i] for i in page.indexes]
            rules = finding.explain(desk, result, items)
            rows = [ResultRow(e.household_id, partial(excluded_row, e, rules.get(e.household_id, [])))
                    for e in items]
        return self.PageFetched(rows, page.total, page.capped, offset, token, cursor, view, index)

    @on(PageFetched)
    def _page_fetched(self, message: PageFetched) -> None:
        if not self.pages.accept(message.token):
            return  # a newer keystroke or page asked since
        if message.error is not None:
            self.app.show_error(message.error)
            return
        if message.index is not None:
            self.indexes[message.view] = message.index
        self.total, self.capped, self.page_offset = message.total, message.capped, message.start
        cursor = message.cursor if message.cursor >= 0 else len(message.rows) - 1
        empty = ("No household matches the filter." if self.query_one("#finder-filter", Input).value
                 else (f"No household can take {self._who()}: see the ruled-out list (x)." if self.view == "ranked"
                       else "No household was ruled out."))
        self.query_one(ResultList).show(message.rows, cursor, empty)
        self._update_counts()
        self._update_detail()

    def _who(self) -> str:
        return self.criteria.who if self.criteria is not None else "the child"

    def _update_counts(self) -> None:
        r = self.result
        if r is None:
            return
        shown = f"{self.page_offset + 1}-{self.page_offset + len(self.query_one(ResultList).rows)}" if self.query_one(ResultList).rows else "0"
        of = f"{self.total:,}{'+' if self.capped else ''}"
        view = "Ranked" if self.view == "ranked" else "Ruled out"
        text = Text(f"{view} {shown} of {of}  ·  {len(r.ranked):,} can take {self._who()}, "
                    f"{len(r.excluded):,} ruled out", no_wrap=True, overflow="ellipsis")
        self.query_one("#finder-counts", Static).update(text)

    def _update_detail(self) -> None:
        row = self.query_one(ResultList).current
        self.query_one("#finder-detail", Static).update(row.detail if row else Text(""))

    # -- keys ---------------------------------------------------------------------------

    @on(Input.Changed, "#finder-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.page_offset = 0
        self.fetch_page()

    @on(Input.Submitted, "#finder-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(ResultList).focus()

    def action_cursor(self, delta: int) -> None:
        lst = self.query_one(ResultList)
        if delta > 0 and self.query_one("#finder-filter", Input).has_focus:
            lst.focus()  # down from the filter goes to the list (it used to stay in the filter)
            return
        if lst.move(delta):
            self._update_detail()
        elif delta > 0 and self.page_offset + len(lst.rows) < self.total:
            self.page_offset += PAGE
            self.fetch_page(0)
        elif delta < 0 and self.page_offset > 0:
            self.page_offset = max(0, self.page_offset - PAGE)
            self.fetch_page(-1)

    def action_page(self, delta: int) -> None:
        lst = self.query_one(ResultList)
        if delta > 0 and self.page_offset + len(lst.rows) < self.total:
            self.page_offset += PAGE
            self.fetch_page(0)
        elif delta < 0 and self.page_offset > 0:
            self.page_offset = max(0, self.page_offset - PAGE)
            self.fetch_page(0)
        else:
            lst.move(delta * max(1, lst.size.height) if lst.rows else 0) or lst.show(
                lst.rows, len(lst.rows) - 1 if delta > 0 else 0)
            self._update_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_view":
            return parameters[0] != self.view  # one x key: the footer names where it goes
        if action == "new_household":
            return self.may("MANAGE_HOUSEHOLDS")  # shown to those who may add one
        return True

    def action_show_view(self, view: str) -> None:
        if view == self.view:
            return
        self.view = view
        self.page_offset = 0
        self.refresh_bindings()
        self.fetch_page()

    def action_focus_filter(self) -> None:
        self.query_one("#finder-filter", Input).focus()

    def action_back(self) -> None:
        box = self.query_one("#finder-filter", Input)
        if box.value:
            box.value = ""
            self.query_one(ResultList).focus()
            return
        self.app.pop_screen()

    def action_new_household(self) -> None:
        from screens.household_edit import HouseholdEditScreen

        self.app.push_screen(HouseholdEditScreen(None))

    def action_open_household(self) -> None:
        row = self.query_one(ResultList).current
        if row is None:
            self.app.bell()
            return
        open_household(self.app, row.household_id)

    def on_key(self, event: Any) -> None:
        if event.key == "enter" and self.query_one(ResultList).has_focus:
            event.stop()
            self.action_open_household()

    def action_shortlist(self) -> None:
        row = self.query_one(ResultList).current
        if self.request_id is None and (self.criteria is None or self.criteria.request_id is None):
            self.notify("Shortlisting is for a placement request: open the finder from a request.",
                        severity="warning", markup=False)
            return
        if row is None or self.view != "ranked":
            self.notify("Highlight a ranked household to shortlist it.", severity="warning", markup=False)
            return
        self._shortlist(self.desk, self.request_id or self.criteria.request_id, row.household_id, self.criteria)

    @work(thread=True, exclusive=True, group="finder-write", exit_on_error=False)
    def _shortlist(self, desk: Any, request_id: int, household_id: int, criteria: Any) -> None:
        from dutydesk.requests.shortlist import shortlist_searching_first

        view = shortlist_searching_first(desk, request_id, household_id, criteria)
        rank = f"ranked {view.rank}, " if view.rank else ""
        self.post_message(self.Shortlisted(f"Shortlisted {view.household_name} ({view.household_reference}) for "
                                           f"{view.request_reference}: {rank}score {view.score:g}."))

    def on_finder_screen_shortlisted(self, message: Shortlisted) -> None:
        self.notify(message.text, markup=False)

    def action_connected_person(self) -> None:
        rid = self.request_id or (self.criteria.request_id if self.criteria is not None else None)
        if rid is None:
            self.notify("A connected person is recorded for a request's child: open the finder from a request.",
                        severity="warning", markup=False)
            return
        self._connected_child(self.desk, rid)

    @work(thread=True, exclusive=True, group="finder-write", exit_on_error=False)
    def _connected_child(self, desk: Any, request_id: int) -> None:
        from dutydesk.carers.connected import child_of_request
        from dutydesk.errors import DeskError

        try:
            child = child_of_request(desk, request_id)
        except DeskError as err:
            self.post_message(self.Shortlisted(str(err)))
            return
        self.app.call_from_thread(self._open_connected, *child)

    def _open_connected(self, child_id: int, child_name: str, places: int) -> None:
        from screens.connected import ConnectedPersonDialog, recorded_message

        def recorded(approval: Any) -> None:
            if approval is not None:
                self.notify(recorded_message(approval), markup=False)
                self.run_match()

        self.app.push_screen(ConnectedPersonDialog(child_id, child_name, places), callback=recorded)

    def action_edit_criteria(self) -> None:
        def done(value: Any) -> None:
            if value is not None:
                self.criteria = value
                self.request_id = value.request_id
                self.run_match()

        self.app.push_screen(CriteriaScreen(self.criteria), done)
