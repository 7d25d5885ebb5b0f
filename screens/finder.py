"""The carer finder: every household ranked for a request (or a typed look-up), with reasons.

The match runs once in a thread worker (``dutydesk.matching``); the result stays in
memory. Typing in the filter narrows it by name or reference: each keystroke
runs an exclusive worker that asks an in-memory index for one page (at most
``PAGE`` rows) and the list redraws that page only, never a table of thousands.
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
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from screens.base import DeskScreen

PAGE = 50


class ResultRow:
    """One household in the list; its line and detail are made only when first drawn."""

    __slots__ = ("household_id", "_make", "_line", "_detail")

    def __init__(self, household_id: int, make: Any) -> None:
        self.household_id = household_id
        self._make = make
        self._line: Text | None = None
        self._detail: Text | None = None

    def _build(self) -> None:
        self._line, self._detail = self._make()

    @property
    def line(self) -> Text:
        if self._line is None:
            self._build()
        return self._line  # type: ignore[return-value]

    @property
    def detail(self) -> Text:
        if self._detail is None:
            self._build()
        return self._detail  # type: ignore[return-value]


def open_household(app: Any, household_id: int) -> None:
    """Open a household's profile through the app if it offers it, else push the screen."""
    opener = getattr(app, "open_household", None)
    if opener is not None:
        opener(household_id)
        return
    from screens.household import HouseholdScreen

    app.push_screen(HouseholdScreen(household_id))


class ResultList(Widget, can_focus=True):
    """A page of result lines with a cursor; draws only what fits, never a big table."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.rows: list[ResultRow] = []
        self.cursor = 0
        self.empty_text = "Searching…"

    def show(self, rows: list[ResultRow], cursor: int = 0, empty: str = "") -> None:
        self.rows = rows
        self.cursor = max(0, min(cursor, len(rows) - 1)) if rows else 0
        if empty:
            self.empty_text = empty
        self.refresh()

    def move(self, delta: int) -> bool:
        """Move the cursor; False when it would leave the page."""
        target = self.cursor + delta
        if not self.rows or target < 0 or target >= len(self.rows):
            return False
        self.cursor = target
        self.refresh()
        return True

    @property
    def current(self) -> ResultRow | None:
        return self.rows[self.cursor] if self.rows else None

    def render(self) -> Text:
        height = max(1, self.size.height)
        if not self.rows:
            return Text(self.empty_text, style="italic")
        width = max(1, self.content_size.width or self.size.width)
        top = max(0, min(self.cursor - height // 2, len(self.rows) - height))
        out = Text(no_wrap=True, overflow="ellipsis")
        for i in range(top, min(len(self.rows), top + height)):
            line = self.rows[i].line.copy()
            line.truncate(width, overflow="ellipsis", pad=i == self.cursor)
            if i == self.cursor:
                line.stylize("reverse")
            if i > top:
                out.append("\n")
            out.append_text(line)
        return out


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
        Binding("o", "open_household", "Open", tooltip="Open the highlighted household's profile",
                id="finder.open"),
        Binding("e", "edit_criteria", "Criteria", tooltip="Change what you are looking for", id="finder.criteria"),
        Binding("slash", "focus_filter", "Filter", tooltip="Filter by name or reference", id="finder.filter"),
        Binding("escape", "back", "Back", tooltip="Clear the filter, or leave the finder", id="finder.back"),
    ]

    class MatchFinished(Message):
        def __init__(self, result: Any, indexes: dict[str, Any], token: int) -> None:
            super().__init__()
            self.result = result
            self.indexes = indexes
            self.token = token

    class PageFetched(Message):
        def __init__(self, rows: list[ResultRow], total: int, capped: bool, offset: int, token: int,
                     cursor: int) -> None:
            super().__init__()
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
        self._token = 0
        self._page_token = 0

    def compose(self) -> ComposeResult:
        yield Static("Finding carers…", id="finder-criteria", markup=False)
        # Focus starts on the list, whose letters are keys (e opens the criteria): the hint says how to type.
        yield Input(placeholder="Press / to filter by name or reference; Enter or down goes back to the list",
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
        self._token += 1
        self.result = None
        self.query_one(ResultList).show([], empty="Searching…")
        self._match(self._token)

    @work(thread=True, exclusive=True, group="finder-match", exit_on_error=False)
    def _match(self, token: int) -> None:
        from dutydesk import clock
        from dutydesk.matching import MatchCriteria, criteria_for_request, match
        from dutydesk.matching.filtering import index_for

        desk = self.desk
        with desk.db.read() as s:
            crit = self.criteria
            if crit is None:
                crit = criteria_for_request(s, self.request_id) if self.request_id else MatchCriteria(from_on=clock.today())
            result = match(s, crit)
        indexes = {"ranked": index_for(_RefNames(result, "ranked"))}
        self.post_message(self.MatchFinished(result, indexes, token))

    @on(MatchFinished)
    def _match_finished(self, message: MatchFinished) -> None:
        if message.token != self._token:
            return
        self.result = message.result
        self.criteria = message.result.criteria
        self.indexes = message.indexes
        c = self.criteria
        who = f"{c.request_reference}: " if c.request_reference else "Look-up: "
        self.query_one("#finder-criteria", Static).update(Text(who + c.summary(), no_wrap=True, overflow="ellipsis"))
        self.page_offset = 0
        self.fetch_page()

    # -- pages --------------------------------------------------------------------------

    def fetch_page(self, cursor: int = 0) -> None:
        if self.result is None:
            return
        self._page_token += 1
        self._page(self._page_token, self.view, self.query_one("#finder-filter", Input).value, self.page_offset, cursor)

    @work(thread=True, exclusive=True, group="finder-page", exit_on_error=False)
    def _page(self, token: int, view: str, typed: str, offset: int, cursor: int) -> None:
        result = self.result
        if view not in self.indexes:
            from dutydesk.matching.filtering import index_for

            self.indexes[view] = index_for(_RefNames(result, view))
        page = self.indexes[view].page(typed, offset, PAGE)
        if view == "ranked":
            # Only the index positions now; each row's text is made when it is first drawn.
            rows = [ResultRow(result.ranked[i].household_id, partial(_ranked_row, result, i + 1, i))
                    for i in page.indexes]
        else:
            items = [result.excluded[i] for i in page.indexes]
            with self.desk.db.read() as s:
                rules = result.explain(s, items)
            rows = [ResultRow(e.household_id, partial(_excluded_row, e, rules.get(e.household_id, [])))
                    for e in items]
        self.post_message(self.PageFetched(rows, page.total, page.capped, offset, token, cursor))

    @on(PageFetched)
    def _page_fetched(self, message: PageFetched) -> None:
        if message.token != self._page_token:
            return  # a newer keystroke or page asked since
        self.total, self.capped, self.page_offset = message.total, message.capped, message.start
        cursor = message.cursor if message.cursor >= 0 else len(message.rows) - 1
        empty = ("No household matches the filter." if self.query_one("#finder-filter", Input).value
                 else ("No household can take the child: see the ruled-out list (x)." if self.view == "ranked"
                       else "No household was ruled out."))
        self.query_one(ResultList).show(message.rows, cursor, empty)
        self._update_counts()
        self._update_detail()

    def _update_counts(self) -> None:
        r = self.result
        if r is None:
            return
        shown = f"{self.page_offset + 1}-{self.page_offset + len(self.query_one(ResultList).rows)}" if self.query_one(ResultList).rows else "0"
        of = f"{self.total:,}{'+' if self.capped else ''}"
        view = "Ranked" if self.view == "ranked" else "Ruled out"
        text = Text(f"{view} {shown} of {of}  ·  {len(r.ranked):,} can take the child, "
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
        self._shortlist(self.request_id or self.criteria.request_id, row.household_id)

    @work(thread=True, exclusive=True, group="finder-write", exit_on_error=False)
    def _shortlist(self, request_id: int, household_id: int) -> None:
        from dutydesk.matching.saved import latest_search_id
        from dutydesk.requests.searches import run_and_save
        from dutydesk.requests.shortlist import shortlist

        desk = self.desk
        with desk.db.read() as s:
            has_search = latest_search_id(s, request_id) is not None
        if not has_search:
            run_and_save(desk, request_id, self.criteria)
        view = shortlist(desk, request_id, household_id)
        rank = f"ranked {view.rank}, " if view.rank else ""
        self.app.call_from_thread(
            self.notify, f"Shortlisted {view.household_name} ({view.household_reference}) for "
            f"{view.request_reference}: {rank}score {view.score:g}.", markup=False)

    def action_edit_criteria(self) -> None:
        def done(value: Any) -> None:
            if value is not None:
                self.criteria = value
                self.request_id = value.request_id
                self.run_match()

        self.app.push_screen(CriteriaScreen(self.criteria), done)


class _RefNames:
    """(reference, name) pairs of a result's view, for the filter index."""

    def __init__(self, result: Any, view: str) -> None:
        self.items = result.ranked if view == "ranked" else result.excluded

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        for x in self.items:
            yield x

    def __getitem__(self, i: int) -> Any:
        return self.items[i]


def _ranked_row(result: Any, pos: int, index: int) -> tuple[Text, Text]:
    from dutydesk.matching.engine import warning_labels

    r = result.ranked[index]
    contribs = result.contributions(r)
    from dutydesk.matching.factors import top_reasons

    top = "; ".join(c.label for c in top_reasons(contribs, 2))
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{pos:>5} ", style="dim")
    line.append(f"{r.reference:<10} ")
    line.append(f"{r.score:>6.1f} ", style="bold")
    line.append(f"{r.free}▫ ")
    line.append(Text(r.name[:28].ljust(28)))
    line.append(" " + top, style="dim")
    detail = Text()
    detail.append(f"{r.reference} ", style="bold")
    detail.append(Text(r.name))
    detail.append(f"  score {r.score:g}, {r.free} free place{'s' if r.free != 1 else ''}\n")
    detail.append("  ".join(f"{c.points:+.1f} {c.label}" for c in contribs))
    for w in warning_labels(r.warnings):
        detail.append(f"\n! {w}", style="bold")
    return line, detail


def _excluded_row(e: Any, rules: list[tuple[str, Any]]) -> tuple[Text, Text]:
    from dutydesk.matching.rules import rule_label, rule_title

    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{e.reference:<10} ")
    line.append(Text(e.name[:30].ljust(30)))
    line.append(" " + ", ".join(rule_title(c) for c in e.codes), style="dim")
    detail = Text()
    detail.append(f"{e.reference} ", style="bold")
    detail.append(Text(e.name))
    detail.append(" ruled out:")
    for code, arg in rules:
        detail.append(f"\nx {rule_label(code, arg)}")
    return line, detail


# --------------------------------------------------------------------------- criteria


class CriteriaScreen(ModalScreen[Any]):
    """What to look for: typed fields, checked on ctrl+s; escape keeps the old criteria."""

    CSS_PATH = "finder.tcss"
    BINDINGS = [
        Binding("ctrl+s", "apply", "Search", id="criteria.apply"),
        Binding("escape", "cancel", "Cancel", id="criteria.cancel"),
    ]
    FIELDS = [
        ("ages", "Ages", "e.g. 13, or 9,7,4 for siblings"),
        ("gender", "Gender", "female, male or leave empty"),
        ("type", "Type", "emergency, short_term, long_term, short_breaks, parent_and_child, remand"),
        ("near", "Near", "a town, e.g. Margate"),
        ("within", "Within km", "leave empty for any distance"),
        ("from_on", "From", "YYYY-MM-DD (empty: today)"),
        ("until_on", "Until", "YYYY-MM-DD (empty: open-ended)"),
        ("needs", "Needs", "disability, uasc, teenagers, ... comma separated"),
        ("language", "Language", "e.g. pashto"),
    ]

    def __init__(self, criteria: Any = None) -> None:
        super().__init__()
        self.criteria = criteria

    def compose(self) -> ComposeResult:
        from dutydesk.matching.criteria import fields_of

        values = fields_of(self.criteria)
        with Widget(id="criteria-box"):
            yield Static("Find a carer: what is needed (ctrl+s searches, escape cancels)", id="criteria-title",
                         markup=False)
            for key, label, hint in self.FIELDS:
                with Widget(classes="criteria-row"):
                    yield Static(label, classes="criteria-label", markup=False)
                    yield Input(value=values.get(key, ""), placeholder=hint, id=f"crit-{key}")
            yield Static("", id="criteria-error", markup=False)
        yield Footer()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        values = {key: self.query_one(f"#crit-{key}", Input).value for key, _l, _h in self.FIELDS}
        self._parse(values)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _parse(self, values: dict[str, str]) -> None:
        from dutydesk.errors import DeskError
        from dutydesk.matching.criteria import criteria_from_fields

        try:
            with self.app.desk.db.read() as s:
                crit = criteria_from_fields(s, values, self.criteria)
        except DeskError as err:
            self.app.call_from_thread(self.query_one("#criteria-error", Static).update, Text(str(err)))
            return
        self.app.call_from_thread(self.dismiss, crit)
