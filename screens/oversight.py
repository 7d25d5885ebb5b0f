"""Manager oversight: decisions awaiting sign-off, oldest first, the evidence on one screen.

The queue (a page of the oldest) sits on top; the highlighted decision's
evidence (request, children, rationale, exemption, the saved search summarised,
every carer contacted and the outcome) fills the rest. o signs off (comment
optional), b returns it with a comment, Enter opens the request. Emergency
placements made out of hours before sign-off are flagged PLACED until signed;
outside-terms ones OVERDUE after 6 working days.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from dutydesk.requests import actions as steps
from dutydesk.requests.limits import TEXT_MAX
from screens.row_table import RowTable
from screens.dialogs import ReasonDialog
from screens.loading import Generation, LoadingScreen
from screens.request_text import when
from dutydesk.labels import label
from dutydesk.enums import DecisionKind, PlacementType

LIMIT = 50


def allegation_line(due: list[Any]) -> Text:
    """One line: allegation steps overdue or due today (a opens them, oldest first)."""
    if not due:
        return Text("No allegation step is overdue or due today.")
    overdue = sum(1 for d in due if d.state == "overdue")
    out = Text(f"Allegation steps: {overdue} overdue, {len(due) - overdue} due today; oldest {due[0].reference} "
               f"{due[0].step}. a opens them", style="bold")
    if overdue:
        out.stylize("reverse", 0, len("Allegation steps"))
    return out


class OversightScreen(LoadingScreen):
    CSS_PATH = "oversight.tcss"
    RELOAD_ON_RESUME = True  # a request opened from here may have been signed off there
    BINDINGS = [
        Binding("o", "sign_off", "Sign off", tooltip="Sign off the highlighted decision", id="oversight.sign_off"),
        Binding("b", "send_back", "Return", tooltip="Return it to the worker with comments", id="oversight.return"),
        Binding("enter", "open_request", "Open request", id="oversight.open"),
        Binding("a", "allegation_steps", "Allegation steps", tooltip="Allegation steps overdue or due today, oldest first",
                id="oversight.allegations"),
        Binding("escape", "back", "Back", id="oversight.back"),
    ]

    class EvidenceFetched(Message):
        def __init__(self, generation: int, decision_id: int, evidence: Any,
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.decision_id = decision_id
            self.evidence = evidence
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []
        self.shown: int | None = None
        self.evidence_loads = Generation()

    def compose(self) -> ComposeResult:
        yield Static("Decisions awaiting sign-off (oldest first)", id="oversight-title", markup=False)
        yield RowTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="oversight-allegations", markup=False)
        with VerticalScroll(id="evidence"):
            yield Static("", id="evidence-body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#queue-table", DataTable)
        t.add_column("Request", key="ref", width=15)
        t.add_column("Proposed", key="at", width=12)
        t.add_column("Decision", key="kind", width=22)
        t.add_column("By", key="by", width=10)
        t.add_column("Flags", key="flags", width=12)
        t.focus()
        self.reload()

    @property
    def settled(self) -> bool:
        return super().settled and self.evidence_loads.settled

    def fetch(self, desk: Any) -> list[Any]:
        from dutydesk.overview import oversight

        return oversight.queue(desk, limit=LIMIT), oversight.allegation_steps(desk)

    def show(self, data: tuple[list[Any], list[Any]]) -> None:
        items, due = data
        self.items = items
        line = self.query_one("#oversight-allegations", Static)
        line.update(allegation_line(due))
        line.display = bool(due)  # at 80x24 the evidence needs the row when nothing is due
        t = self.query_one("#queue-table", DataTable)
        t.clear()
        for q in self.items:
            what = label(q.kind, DecisionKind) + (f" {q.household_name}" if q.household_name else "")
            t.add_row(Text(q.reference), Text(when(q.proposed_at)), Text(what, overflow="ellipsis", no_wrap=True),
                      Text(q.proposed_by, overflow="ellipsis", no_wrap=True),
                      Text(q.flags, style="bold" if q.flags else ""), key=str(q.decision_id))
        self.query_one("#oversight-title", Static).update(
            Text(f"Decisions awaiting sign-off, oldest first: {len(self.items)}"
                 + ("+" if len(self.items) == LIMIT else "")))
        if not self.items:
            self.shown = None
            self.evidence_loads.drop()
            self.query_one("#evidence-body", Static).update(Text("Nothing awaits sign-off."))
        else:
            self._fetch_highlighted()

    def _current(self) -> Any:
        t = self.query_one("#queue-table", DataTable)
        if not self.items or t.cursor_row is None or t.cursor_row >= len(self.items):
            return None
        return self.items[t.cursor_row]

    @on(DataTable.RowHighlighted, "#queue-table")
    def _fetch_highlighted(self) -> None:
        item = self._current()
        if item is not None:
            self.fetch_evidence(self.evidence_loads.start(), item.decision_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="oversight-evidence")
    def fetch_evidence(self, generation: int, decision_id: int) -> None:
        from dutydesk.overview import oversight

        try:
            evidence = oversight.evidence(self.desk, decision_id)
        except Exception as err:  # noqa: BLE001 - shown on the UI thread
            self.post_message(self.EvidenceFetched(generation, decision_id, None, err))
            return
        self.post_message(self.EvidenceFetched(generation, decision_id, evidence))

    def on_oversight_screen_evidence_fetched(self, message: EvidenceFetched) -> None:
        if not self.evidence_loads.accept(message.generation):
            return  # stale: the highlight moved on, or the queue changed
        if message.error is not None:
            self.load_failed(message.error)
            return
        self.shown = message.decision_id
        self.query_one("#evidence-body", Static).update(evidence_text(message.evidence))

    def action_allegation_steps(self) -> None:
        from screens.allegation_list import AllegationListScreen

        self.app.push_screen(AllegationListScreen(due=True))

    # -- acting ------------------------------------------------------------------------------

    def action_sign_off(self) -> None:
        item = self._current()
        if item is None:
            self.notify("Nothing to sign off.", markup=False)
            return

        def got(comment: str | None) -> None:
            if comment is not None:
                self.act(steps.sign_off, item.decision_id, comment, name_request=True)

        self.app.push_screen(
            ReasonDialog(f"Sign off {item.reference}", "Comment (optional; ctrl+s signs off):", required=False,
                         field="The comment", limit=TEXT_MAX),
            callback=got,
        )

    def action_send_back(self) -> None:
        item = self._current()
        if item is None:
            return

        def got(comment: str | None) -> None:
            if comment:
                self.act(steps.return_decision, item.decision_id, comment)

        self.app.push_screen(
            ReasonDialog(f"Return {item.reference}", "What should the worker do? (needed)", field="The comment",
                         limit=TEXT_MAX),
            callback=got)

    def action_open_request(self) -> None:
        item = self._current()
        if item is not None:
            self.app.open_request(item.request_id)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()


def evidence_text(ev: Any) -> Text:
    """The evidence for one decision as plain Text (user text never markup)."""
    d, r = ev.decision, ev.request
    t = Text()
    t.append(f"{r.reference}", style="bold")
    t.append(f"  {r.urgency.value}, {label(r.placement_type, PlacementType)}, from {r.needed_from:%d %b}; "
             f"team {r.team}; worker {r.worker}\n")
    t.append("Children: " + ", ".join(f"{c.name} ({c.age if c.age is not None else '?'})" for c in r.children) + "\n")
    t.append(f"Decision {d.id}: {label(d.kind)}", style="bold")
    if d.household_name:
        t.append(f" with {d.household_name}", style="bold")
    t.append(f"; proposed {when(d.proposed_at)} by {d.proposed_by}\n")
    if d.retrospective:
        t.append("Placed out of hours before sign-off: retrospective sign-off.\n", style="bold")
    if d.outside_terms:
        t.append(f"Outside terms of approval. Exemption: {d.exemption_reason}\n", style="bold")
    t.append("Rationale: ", style="bold")
    t.append(f"{d.rationale}\n")
    s = ev.search
    if s is None:
        t.append("No saved search.\n")
    else:
        t.append(f"Search {when(s.run_at)} by {s.run_by}: {s.ranked_total} ranked, {s.excluded_total} ruled out\n",
                 style="bold")
        for x in s.ranked[:5]:
            score = f"{x.score:.0f}" if x.score is not None else ""
            t.append(f"  {x.rank}. {x.household_name} {score}\n")
        if s.exclusion_counts:
            t.append("  ruled out: " + ", ".join(f"{rule} {n}" for rule, n in s.exclusion_counts[:6]) + "\n")
    t.append("Carers contacted\n", style="bold")
    if not r.candidates:
        t.append("  none\n")
    for c in r.candidates:
        t.append(f"  {c.household_name}: {label(c.status, short=True)}")
        if c.status_reason:
            t.append(f" ({c.status_reason})")
        t.append("\n")
    if not ev.can_sign:
        t.append(ev.why_not + "\n", style="italic")
    return t
