"""One allegation: what was said, the children, the timeline with its due dates, the record.

Overdue steps show in reverse video. Keys record each step: r the LADO referral,
d the LADO's decision, m the strategy or evaluation meeting, v a monthly review
(with the reason for the delay), c the carers' support, n a note (an addendum
once closed); a manager closes it with o (the outcome) and lifts the hold with l.
A step done after its due day asks why.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from dutydesk.allegations import actions
from dutydesk.allegations.inputs import NOTE_MAX, REASON_MAX
from screens.row_table import RowTable
from screens.dialogs import ReasonDialog
from screens.loading import LoadingScreen

STEP_KEYS = {"lado_referral": "LADO referral", "lado_decision": "LADO decision",
             "strategy_meeting": "strategy or evaluation meeting"}


def _day(d: Any) -> str:
    return d.strftime("%a %d %b") if d else ""


def header_text(a: Any) -> Text:
    from dutydesk import clock

    out = Text()
    out.append(f"{a.reference} ", style="bold")
    out.append(f"{a.category_words} · ")
    out.append(Text(a.household_name))
    out.append(f" ({a.household_reference}) · {a.status.value}")
    if a.on_hold:
        out.append(" · ON HOLD", style="bold reverse")
    out.append(f"\nRaised {clock.fmt_local(a.raised_at, '%d %b %Y %H:%M')} by ")
    out.append(Text(a.raised_by))
    out.append("; said by ")
    out.append(Text(a.said_by))
    out.append(": ")
    out.append(Text(a.summary))
    out.append(f"\nTold: {', '.join(a.told) or 'nobody recorded'}")
    for c in a.children:
        out.append("\n  ")
        out.append(Text(c.name))
        out.append(f" {c.case_reference}" + (" (concerned)" if c.concerned else ""))
        if c.safety:
            out.append(f": {c.safety}, ")
            out.append(Text(c.reason))
    return out


def record_text(a: Any) -> Text:
    from dutydesk import clock

    out = Text()
    if a.carers_told_at or a.carers_support:
        out.append("Carers told ", style="bold")
        out.append(clock.fmt_local(a.carers_told_at, "%d %b %H:%M") if a.carers_told_at else "not recorded")
        out.append("; support: ")
        out.append(Text(a.carers_support or "not recorded"))
        out.append("\n")
    if a.outcome:
        out.append(f"Outcome: {a.outcome} ({_day(a.outcome_on)})", style="bold")
        out.append(" ")
        out.append(Text(a.outcome_rationale))
        review = f"needed by {_day(a.approval_review_on)}" if a.approval_review_needed else "not needed"
        out.append(f"\nReview of approval {review}.\n")
    for e in a.events:
        out.append(f"{clock.fmt_local(e.at, '%d %b %H:%M')} {e.title}", style="bold")
        out.append(" ")
        out.append(Text(e.by))
        out.append(": ")
        out.append(Text(e.text))
        out.append("\n")
    return out


class AllegationScreen(LoadingScreen):
    CSS_PATH = "allegation.tcss"
    RELOAD_ON_RESUME = True
    BINDINGS = [
        Binding("r", "step('lado_referral')", "LADO referral", id="allegation.referral"),
        Binding("d", "step('lado_decision')", "LADO decision", id="allegation.decision"),
        Binding("m", "step('strategy_meeting')", "Meeting", id="allegation.meeting"),
        Binding("v", "review", "Review", id="allegation.review"),
        Binding("c", "support", "Carers", id="allegation.support"),
        Binding("n", "note", "Note", id="allegation.note"),
        Binding("o", "outcome", "Outcome", id="allegation.outcome"),
        Binding("l", "lift", "Lift hold", id="allegation.lift"),
        Binding("escape", "back", "Back", id="allegation.back"),
    ]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.data: Any = None

    def compose(self) -> ComposeResult:
        yield Static("", id="allegation-head", markup=False)
        yield RowTable(id="allegation-steps", cursor_type="row", zebra_stripes=False)
        yield Static("", id="allegation-said", markup=False)
        with VerticalScroll(id="allegation-record"):
            yield Static("", id="allegation-record-body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#allegation-steps", DataTable)
        t.add_column("Step", key="step", width=30)
        t.add_column("Due", key="due", width=10)
        t.add_column("Done", key="done", width=12)
        t.add_column("By", key="by", width=10)
        t.add_column("State", key="state", width=9)
        t.focus()
        self.reload()

    def fetch(self, desk: Any) -> Any:
        from dutydesk.allegations.views import get_allegation

        return get_allegation(desk, self.reference)

    def show(self, a: Any) -> None:
        from dutydesk import clock

        self.data = a
        self.reference = a.reference
        self.query_one("#allegation-head", Static).update(header_text(a))
        t = self.query_one("#allegation-steps", DataTable)
        t.clear()
        for st in a.steps:
            style = "reverse bold" if st.state == "overdue" else "bold" if st.state == "due today" else ""
            t.add_row(Text(st.title, style=style), Text(_day(st.due_on), style=style),
                      Text(clock.fmt_local(st.done_at, "%d %b %H:%M"), style=style),
                      Text(st.done_by, style=style, no_wrap=True, overflow="ellipsis"),
                      Text(st.state.upper() if st.state == "overdue" else st.state, style=style))
        self.query_one("#allegation-record-body", Static).update(record_text(a))

    def acted(self, outcome: Any) -> None:
        """What the last key did stays in view (a refusal too) until the next one."""
        self.query_one("#allegation-said", Static).update(
            Text(outcome.message, style="" if outcome.ok else "bold reverse"))
        super().acted(outcome)

    # -- the steps ------------------------------------------------------------------------

    def _late(self, kind: str) -> bool:
        if self.data is None:
            return False
        return any(st.kind.value == kind and st.done_at is None and st.state == "overdue" for st in self.data.steps)

    def action_step(self, kind: str) -> None:
        words = STEP_KEYS[kind]

        def noted(note: str | None) -> None:
            if note is None:
                return
            if not self._late(kind):
                self.act(actions.step, self.reference, kind, note)
                return
            self.app.push_screen(
                ReasonDialog(f"The {words} is late", "Why was it late? (reason for delay)",
                             field="The reason for delay", limit=REASON_MAX),
                lambda why: None if why is None else self.act(actions.step, self.reference, kind, note, why))

        self.app.push_screen(ReasonDialog(f"{words.capitalize()} for {self.reference}",
                                          f"What happened at the {words}?", field="The note", limit=NOTE_MAX),
                             noted)

    def action_review(self) -> None:
        self.app.push_screen(
            ReasonDialog(f"Monthly review of {self.reference}", "Why is there no conclusion yet? (reason for delay)",
                         field="The reason for delay", limit=REASON_MAX),
            lambda why: None if why is None else self.act(actions.review, self.reference, why))

    def action_support(self) -> None:
        def offered(text: str | None) -> None:
            if text is None:
                return
            self.app.push_screen(
                ReasonDialog("When were the carers told?", "14:30 (today) or 2026-11-24 14:30; blank: now",
                             required=False, field="The time", limit=20),
                lambda when: None if when is None else self.act(actions.support, self.reference, text, when))

        self.app.push_screen(ReasonDialog(f"The carers' support, {self.reference}",
                                          "What independent support were the carers offered?",
                                          field="The support", limit=REASON_MAX), offered)

    def action_note(self) -> None:
        closed = self.data is not None and not self.data.is_open
        self.app.push_screen(
            ReasonDialog(f"{'Addendum to' if closed else 'Note on'} {self.reference}",
                         "The record is closed: this is added as an addendum." if closed else "The note:",
                         field="The note", limit=NOTE_MAX),
            lambda text: None if text is None else self.act(actions.note, self.reference, text))

    def action_lift(self) -> None:
        from dutydesk.allegations.inputs import DECISION_MIN

        self.app.push_screen(
            ReasonDialog(f"Lift the hold of {self.reference}", "The manager's decision, and why:",
                         field="The decision", limit=REASON_MAX, minimum=DECISION_MIN),
            lambda text: None if text is None else self.act(actions.lift, self.reference, text))

    def action_outcome(self) -> None:
        from screens.allegation_form import OutcomeDialog

        def closed(result: Any) -> None:
            if result is not None:
                self.act(actions.close, self.reference, result.outcome, result.on, result.rationale,
                         result.review_on, result.lift_hold)

        self.app.push_screen(OutcomeDialog(self.reference), closed)

    def action_back(self) -> None:
        self.app.pop_screen()
