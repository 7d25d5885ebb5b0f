"""The request screen: one placement request through the duty process, by single keys.

The carers to phone (candidates, then the rest of the latest search's ranked
households) are the main list; single keys record each contact outcome on the
highlighted household (a accepted, d declined, n no answer, r ruled out), s runs
and saves a search, p proposes with a rationale, l places, c closes as unmet,
w withdraws. 1-4 switch between carers, timeline, criteria and searches, and
decisions. Every change goes through ``dutydesk.requests.process`` / ``dutydesk.requests.placements``
in a thread worker; refusals come back as the service's own words.

Also ``RequestListScreen`` (open requests, Enter opens one) and the small dialogs
the duty process needs (reason, proposal, closing unmet, confirm), which the
oversight screen reuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from screens.base import DeskScreen
from screens.pickers import KeyChoice, KeyOption, KeyToggles

STATE_WORDS = {
    "logged": "logged", "searching": "searching", "contacting": "contacting carers", "proposed": "proposed",
    "signed_off": "signed off", "placed": "placed", "closed_unmet": "closed unmet", "withdrawn": "withdrawn",
}
STATUS_WORDS = {
    "ranked": "not tried", "shortlisted": "shortlisted", "contacted": "contacted", "no_answer": "no answer",
    "declined_by_carer": "declined", "ruled_out": "ruled out", "offered": "offered", "accepted": "accepted",
    "chosen": "chosen",
}


def when(value: Any) -> str:
    from dutydesk.clock import fmt_local

    return fmt_local(value)


# --------------------------------------------------------------------------- dialogs


class ReasonDialog(ModalScreen[str | None]):
    """Asks for one line of text (a reason, a comment). Enter or ctrl+s saves; escape cancels."""

    CSS_PATH = "request.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="reason.save"),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, title: str, prompt: str, *, required: bool = True, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.required = required
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title", markup=False)
            yield Static(Content(self.prompt), classes="dialog-prompt", markup=False)
            yield Input(placeholder=self.placeholder, id="reason-input")
            yield Static("", id="reason-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reason-input", Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        value = self.query_one("#reason-input", Input).value.strip()
        if self.required and not value:
            self.query_one("#reason-error", Static).update(Content("Type a reason first (escape cancels)."))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Proposal:
    kind: str
    rationale: str
    exemption: str


class ProposeDialog(ModalScreen[Proposal | None]):
    """What to propose (one key), the rationale, and an exemption reason when outside terms."""

    CSS_PATH = "request.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Propose", id="propose.save"),
        Binding("escape", "cancel", "Cancel", id="propose.cancel"),
    ]
    KINDS = [
        KeyOption("p", "place", "place"), KeyOption("s", "split_siblings", "split siblings"),
        KeyOption("i", "commission_ifa", "commission IFA"), KeyOption("e", "escalate", "escalate"),
    ]

    def __init__(self, household_name: str | None) -> None:
        super().__init__()
        self.household_name = household_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Propose a decision", classes="dialog-title", markup=False)
            who = f"with {self.household_name}" if self.household_name else "(no household highlighted)"
            # The cursor starts in the rationale, so letters type there: say how to reach the choice.
            yield Static(Content(f"Placing is {who}. Something else? shift+tab, then its key:"),
                         classes="dialog-prompt", markup=False)
            yield KeyChoice(self.KINDS, value="place" if self.household_name else None, id="propose-kind")
            yield Static("Rationale (why this is right):", classes="dialog-prompt", markup=False)
            yield Input(placeholder="the rationale", id="propose-rationale")
            yield Static("Exemption reason (only if outside the terms of approval):", classes="dialog-prompt",
                         markup=False)
            yield Input(placeholder="blank unless outside terms", id="propose-exemption")
            yield Static("", id="propose-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#propose-rationale", Input).focus()

    @on(Input.Submitted, "#propose-rationale")
    def _rationale_done(self) -> None:
        self.action_save()

    @on(Input.Submitted, "#propose-exemption")
    def _exemption_done(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        kind = self.query_one("#propose-kind", KeyChoice).value
        rationale = self.query_one("#propose-rationale", Input).value.strip()
        error = self.query_one("#propose-error", Static)
        if not kind:
            error.update("Choose what you propose: p place, s split, i IFA, e escalate (shift+tab to the choice).")
            return
        if not rationale:
            error.update("Write the rationale: a proposal needs one.")
            return
        self.dismiss(Proposal(kind, rationale, self.query_one("#propose-exemption", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Closing:
    needs: tuple[str, ...]
    resolution: str
    note: str


class CloseUnmetDialog(ModalScreen[Closing | None]):
    """Unmet-need categories (toggle by key), what was done instead (one key), and a note."""

    CSS_PATH = "request.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Close unmet", id="close.save"),
        Binding("escape", "cancel", "Cancel", id="close.cancel"),
    ]
    NEEDS = [
        KeyOption("a", "age_band", "age band"), KeyOption("s", "sibling_group", "siblings"),
        KeyOption("d", "disability", "disability"), KeyOption("p", "parent_and_child", "parent+child"),
        KeyOption("u", "uasc", "UASC"), KeyOption("o", "other", "other"),
    ]
    RESOLUTIONS = [
        KeyOption("i", "ifa_commissioned", "IFA commissioned"), KeyOption("e", "escalated", "escalated"),
        KeyOption("o", "other", "other"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Close as unmet need", classes="dialog-title", markup=False)
            yield Static("Which needs could not be met (toggle by key, tab on):", classes="dialog-prompt",
                         markup=False)
            yield KeyToggles(self.NEEDS, id="close-needs")
            yield Static("What was done instead (one key):", classes="dialog-prompt", markup=False)
            yield KeyChoice(self.RESOLUTIONS, id="close-resolution")
            yield Input(placeholder="note (needed for 'other')", id="close-note")
            yield Static("", id="close-error", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#close-needs", KeyToggles).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        needs = tuple(sorted(self.query_one("#close-needs", KeyToggles).selected))
        resolution = self.query_one("#close-resolution", KeyChoice).value
        error = self.query_one("#close-error", Static)
        if not needs:
            error.update("Choose at least one unmet need (a, s, d, p, u, o).")
            return
        if not resolution:
            error.update("Choose what was done instead (i, e or o).")
            return
        self.dismiss(Closing(needs, resolution, self.query_one("#close-note", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y confirms, n or escape does not."""

    CSS_PATH = "request.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.escape"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question), classes="dialog-prompt", markup=False)
            yield Static("y yes, n no", classes="dialog-hint", markup=False)
        yield Footer()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


# --------------------------------------------------------------------------- the request screen


class RequestScreen(DeskScreen):
    """One placement request: carers to phone, timeline, criteria and searches, decisions."""

    CSS_PATH = "request.tcss"
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

    class Loaded(Message):
        def __init__(self, detail: Any, rows: list[Any]) -> None:
            super().__init__()
            self.detail = detail
            self.rows = rows

    class ActionDone(Message):
        def __init__(self, message: str, ok: bool = True) -> None:
            super().__init__()
            self.message = message
            self.ok = ok

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id
        self.detail: Any = None
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("Loading the request…", id="request-head", markup=False)
        with ContentSwitcher(initial="carers", id="request-views"):
            with Vertical(id="carers"):
                table = DataTable(id="carers-table", cursor_type="row", zebra_stripes=True)
                yield table
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
                " no answer  ", ("r", "bold"), " ruled out\nView:  ", ("1", "bold"), " carers ", ("2", "bold"),
                " timeline ", ("3", "bold"), " criteria ", ("4", "bold"), " decisions  ", ("f", "bold"), " finder  ",
                ("h", "bold"), " household",
            ),
            id="request-views-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#carers-table", DataTable)
        table.add_column("#", key="rank", width=3)
        table.add_column("Household", key="name", width=30)
        table.add_column("Score", key="score", width=5)
        table.add_column("Status", key="status", width=11)
        table.add_column("Tries", key="tries", width=5)
        table.add_column("Free", key="free", width=4)
        table.focus()
        self.load()

    # -- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-load")
    def load(self) -> None:
        from dutydesk.requests import process
        desk = self.desk
        detail = process.request_detail(desk, self.request_id)
        rows = process.contact_list(desk, self.request_id)
        self.post_message(self.Loaded(detail, rows))

    def on_request_screen_loaded(self, message: Loaded) -> None:
        self.detail = message.detail
        self.refresh_bindings()
        # Which household is highlighted, read against the rows still shown: recording an outcome
        # re-sorts the list (contacted carers first), and the cursor must follow the household,
        # not stay on the row number (it used to land on another carer, and p proposed that one).
        keep = self.highlighted_household()
        self.rows = message.rows
        self._show_head()
        self._show_carers(keep)
        self._show_timeline()
        self._show_criteria()
        self._show_decisions()

    def _show_head(self) -> None:
        d = self.detail
        kids = ", ".join(f"{c.name} ({c.age if c.age is not None else '?'})" for c in d.children)
        current = d.current_decision
        decision = ""
        if current is not None:
            decision = f"  decision: {current.kind.value.replace('_', ' ')} {current.status.value.replace('_', ' ')}"
            if current.retrospective and current.status.value == "proposed":
                decision += ", placed: awaiting sign-off"
        searches = (f"searched {when(d.searches[-1].run_at)}" if d.searches else "no search yet: press s")
        text = Text()
        text.append(d.reference, style="bold")
        text.append(f"  {STATE_WORDS.get(d.state.value, d.state.value)}", style="bold")
        text.append(f"  {d.urgency.value}  {d.placement_type.replace('_', ' ')}  from {d.needed_from:%d %b}\n")
        text.append(kids)
        text.append(f"  ·  {searches}{decision}")
        self.query_one("#request-head", Static).update(text)

    def _show_carers(self, keep: int | None = None) -> None:
        table = self.query_one("#carers-table", DataTable)
        table.clear()
        for r in self.rows:
            table.add_row(
                Text(str(r.rank) if r.rank else "-"),
                Text(r.household_name, overflow="ellipsis", no_wrap=True),
                Text(f"{r.score:.0f}" if r.score is not None else ""),
                Text(STATUS_WORDS.get(r.status, r.status)),
                Text(str(r.no_answer_tries) if r.no_answer_tries else ""),
                Text(str(r.free_places)),
                key=str(r.household_id),
            )
        if keep is not None:
            for i, r in enumerate(self.rows):
                if r.household_id == keep:
                    table.move_cursor(row=i)
                    break
        if not self.rows:
            self.query_one("#carer-detail", Static).update(
                Text("No carers yet: press s to run and save a search." if not self.detail.searches
                     else "The search ranked no household; close as unmet (c) or widen the search."))
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
        if r is None:
            return
        text = Text()
        text.append(f"{r.household_name} ({r.household_reference})", style="bold")
        if r.phone:
            text.append(f"  tel {r.phone}")
        if r.status_reason:
            text.append(f"\n{r.status_reason}")
        if r.why:
            text.append(f"\n{r.why}")
        self.query_one("#carer-detail", Static).update(text)

    def _show_timeline(self) -> None:
        from dutydesk.requests.decision_record import timeline

        text = Text()
        for t in timeline(self.detail):
            text.append(f"{when(t.at)} ", style="bold")
            text.append(f"{t.who}: {t.what}\n")
        self.query_one("#timeline-body", Static).update(text)

    def _show_criteria(self) -> None:
        d = self.detail
        text = Text()
        text.append("Criteria\n", style="bold")
        for k, v in d.criteria.items():
            text.append(f"  {k}: {v}\n")
        text.append("Children\n", style="bold")
        for c in d.children:
            text.append(f"  {c.name} ({c.case_reference}) {c.age if c.age is not None else '?'} {c.gender}\n")
        text.append("Saved searches\n", style="bold")
        if not d.searches:
            text.append("  none yet (s runs one)\n")
        for srch in d.searches:
            text.append(f"  {when(srch.run_at)} by {srch.run_by}: {srch.ranked_count} ranked, "
                        f"{srch.excluded_count} ruled out\n")
        if d.unmet_needs:
            text.append(f"Unmet need: {', '.join(d.unmet_needs)}; done instead: {d.unmet_resolution}\n")
        if d.closed_reason:
            text.append(f"Closing note: {d.closed_reason}\n")
        self.query_one("#criteria-body", Static).update(text)

    def _show_decisions(self) -> None:
        d = self.detail
        text = Text()
        if not d.decisions:
            text.append("No decision yet: p proposes one.\n")
        for dv in d.decisions:
            text.append(f"Decision {dv.id}: {dv.kind.value.replace('_', ' ')}", style="bold")
            if dv.household_name:
                text.append(f" with {dv.household_name}")
            text.append(f"  [{dv.status.value.replace('_', ' ')}]\n")
            text.append(f"  proposed {when(dv.proposed_at)} by {dv.proposed_by}\n")
            text.append(f"  {dv.rationale}\n")
            if dv.outside_terms:
                text.append(f"  outside terms: {dv.exemption_reason}\n")
            if dv.retrospective:
                text.append("  placed out of hours before sign-off\n")
            if dv.signed_off_at:
                how = "signed off retrospectively" if dv.retrospective else "signed off"
                said = f": {dv.signoff_comment}" if dv.signoff_comment else ""
                text.append(f"  {how} {when(dv.signed_off_at)} by {dv.signed_off_by}{said}\n")
            if dv.returned_at:
                text.append(f"  returned {when(dv.returned_at)} by {dv.returned_by}: {dv.returned_comment}\n")
            for who, at, body in dv.addenda:
                text.append(f"  addendum {when(at)} {who}: {body}\n")
        for p in d.placements:
            text.append(f"Placement {p.reference}: {p.child_name} with {p.household_name}, place {p.place_number}, "
                        f"from {p.starts_on:%d %b}")
            if p.plan_due_on:
                text.append(f"; placement plan due {p.plan_due_on:%d %b}")
            if p.ended_on:
                text.append(f"; ended {p.ended_on:%d %b}")
            text.append("\n")
        self.query_one("#decisions-body", Static).update(text)

    # -- acting ----------------------------------------------------------------------------

    @work(thread=True, exclusive=False, exit_on_error=False, group="request-act")
    def act(self, name: str, **kw: Any) -> None:
        from dutydesk.requests import placements
        from dutydesk.requests import process
        from dutydesk.errors import DeskError

        desk = self.desk
        try:
            if name == "search":
                from dutydesk.requests.searches import run_and_save

                saved = run_and_save(desk, self.request_id)
                process.mark_searched(desk, self.request_id)
                msg = f"Search saved: {saved.ranked_count} ranked, {saved.excluded_count} ruled out."
            elif name == "contact":
                msg = process.record_contact(desk, self.request_id, kw["household_id"], kw["outcome"],
                                             kw.get("note", "")).message
            elif name == "propose":
                dv = process.propose(desk, self.request_id, kw["kind"], kw["rationale"],
                                     household_id=kw.get("household_id"), exemption_reason=kw.get("exemption", ""))
                msg = f"Decision {dv.id} proposed; it awaits a manager's sign-off."
            elif name == "place":
                msg = placements.place(desk, self.request_id).message
            elif name == "close":
                msg = process.close_unmet(desk, self.request_id, kw["needs"], kw["resolution"], kw["note"]).message
            elif name == "withdraw":
                msg = process.withdraw(desk, self.request_id, kw["reason"]).message
            elif name == "sign_off":
                dv = process.sign_off(desk, kw["decision_id"], kw["comment"])
                msg = f"Decision {dv.id} signed off" + (" retrospectively." if dv.retrospective else ".")
            elif name == "return":
                dv = process.return_decision(desk, kw["decision_id"], kw["comment"])
                msg = f"Decision {dv.id} returned to {dv.proposed_by}."
            else:  # pragma: no cover
                raise ValueError(name)
        except DeskError as err:
            self.post_message(self.ActionDone(str(err), ok=False))
            return
        self.post_message(self.ActionDone(msg))

    def on_request_screen_action_done(self, message: ActionDone) -> None:
        self.notify(message.message, severity="information" if message.ok else "error", markup=False,
                    timeout=6 if message.ok else 10)
        self.load()

    def _needs_carer(self) -> Any:
        row = self._row()
        if row is None:
            self.notify("Highlight a carer first (run a search with s if the list is empty).", severity="warning",
                        markup=False)
        return row

    def action_search(self) -> None:
        self.act("search")

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
                    self.act("contact", household_id=row.household_id, outcome=outcome, note=reason)

            self.app.push_screen(ReasonDialog(title, prompt), callback=got)
            return
        self.act("contact", household_id=row.household_id, outcome=outcome)

    def action_propose(self) -> None:
        row = self._row()

        def got(p: Proposal | None) -> None:
            if p is None:
                return
            hid = row.household_id if (row is not None and p.kind == "place") else None
            self.act("propose", kind=p.kind, rationale=p.rationale, exemption=p.exemption, household_id=hid)

        self.app.push_screen(ProposeDialog(row.household_name if row else None), callback=got)

    def action_place(self) -> None:
        d = self.detail
        current = d.current_decision if d else None
        if current is None or not current.household_name:
            self.notify("Propose a household first (p).", severity="warning", markup=False)
            return
        kids = ", ".join(c.name for c in d.children)

        def got(yes: bool | None) -> None:
            if yes:
                self.act("place")

        self.app.push_screen(ConfirmDialog(f"Place {kids} with {current.household_name} now?"), callback=got)

    def action_close_unmet(self) -> None:
        def got(c: Closing | None) -> None:
            if c is not None:
                self.act("close", needs=c.needs, resolution=c.resolution, note=c.note)

        self.app.push_screen(CloseUnmetDialog(), callback=got)

    def action_withdraw(self) -> None:
        def got(reason: str | None) -> None:
            if reason:
                self.act("withdraw", reason=reason)

        self.app.push_screen(ReasonDialog("Withdraw the request", "Why is it withdrawn?"), callback=got)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sign_off", "send_back"):
            if getattr(self.app, "role", None) != "manager":
                return False
            current = self.detail.current_decision if self.detail is not None else None
            return current is not None and current.status.value == "proposed"
        return True

    def action_sign_off(self) -> None:
        current = self.detail.current_decision if self.detail is not None else None
        if current is None:
            return

        def got(comment: str | None) -> None:
            if comment is not None:
                self.act("sign_off", decision_id=current.id, comment=comment)

        self.app.push_screen(ReasonDialog(f"Sign off {self.detail.reference}",
                                          "Comment (optional; Enter signs off):", required=False), callback=got)

    def action_send_back(self) -> None:
        current = self.detail.current_decision if self.detail is not None else None
        if current is None:
            return

        def got(comment: str | None) -> None:
            if comment:
                self.act("return", decision_id=current.id, comment=comment)

        self.app.push_screen(ReasonDialog(f"Return {self.detail.reference}", "What should the worker do? (needed)"),
                             callback=got)

    def action_finder(self) -> None:
        from screens.finder import FinderScreen

        self.app.push_screen(FinderScreen(request_id=self.request_id))

    def action_household(self) -> None:
        row = self._needs_carer()
        if row is not None:
            from screens.household import HouseholdScreen

            self.app.push_screen(HouseholdScreen(row.household_id))

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()  # a shortlist made in the finder, or a change elsewhere

    def action_view(self, name: str) -> None:
        self.query_one("#request-views", ContentSwitcher).current = name
        if name == "carers":
            self.query_one("#carers-table", DataTable).focus()
        else:
            self.query_one(f"#{name}", VerticalScroll).focus()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()


# --------------------------------------------------------------------------- open requests


class RequestListScreen(DeskScreen):
    """Open placement requests, most urgent and oldest first; Enter opens one."""

    CSS_PATH = "request.tcss"
    BINDINGS = [
        # priority: the list's own Enter ("Select", hidden) would otherwise hide this one from the footer.
        Binding("enter", "open", "Open", priority=True, id="requests.open"),
        Binding("a", "toggle_all", "All/open", tooltip="Show closed requests too, or only open ones",
                id="requests.all"),
        Binding("slash", "find", "Find", tooltip="Find a request by reference or child's name", id="requests.find"),
        Binding("down", "to_list", "To the list", show=False, id="requests.to_list"),
        Binding("escape", "back", "Back", tooltip="Clear the find box, or go back", id="requests.back"),
    ]

    class Listed(Message):
        def __init__(self, rows: list[Any]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("Open placement requests", id="requests-title", markup=False)
        yield Input(placeholder="Press / to find a reference or child's name (PR-S04, Ruby)", id="requests-find",
                    compact=True)
        yield DataTable(id="requests-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#requests-table", DataTable)
        # Fits 80 columns with the scrollbar (no sideways scrolling): 14+9+17+17+10 plus 2 padding each.
        t.add_column("Reference", key="ref", width=14)
        t.add_column("Urgency", key="urgency", width=9)
        t.add_column("State", key="state", width=17)
        t.add_column("Children", key="children", width=17)
        t.add_column("Worker", key="worker", width=10)
        t.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="requests-load")
    def load(self) -> None:
        from dutydesk.requests import process
        find = self.query_one("#requests-find", Input).value
        self.post_message(self.Listed(process.list_requests(self.desk, open_only=not self.show_all, limit=50,
                                                            find=find)))

    def on_request_list_screen_listed(self, message: Listed) -> None:
        t = self.query_one("#requests-table", DataTable)
        was = self.rows[t.cursor_row].id if self.rows and 0 <= t.cursor_row < len(self.rows) else None
        self.rows = message.rows
        t.clear()
        for r in self.rows:
            t.add_row(Text(r.reference), Text(r.urgency.value), Text(STATE_WORDS.get(r.state.value, r.state.value)),
                      Text(r.children, overflow="ellipsis", no_wrap=True),
                      Text(r.worker, overflow="ellipsis", no_wrap=True), key=str(r.id))
        # Back from a request, the cursor stays on it (the list reloads, it does not jump to the top).
        again = next((i for i, r in enumerate(self.rows) if r.id == was), None)
        if again is not None:
            t.move_cursor(row=again, animate=False)
        title = "All placement requests" if self.show_all else "Open placement requests"
        find = self.query_one("#requests-find", Input).value.strip()
        matching = f" matching {find!r}" if find else ""
        self.query_one("#requests-title", Static).update(
            Text(f"{title}{matching} ({len(self.rows)}{'+' if len(self.rows) == 50 else ''})"
                 + ("" if self.rows or not find else ": none; a shows closed ones too" if not self.show_all
                    else ": none")))

    @on(DataTable.RowSelected, "#requests-table")
    def action_open(self) -> None:
        t = self.query_one("#requests-table", DataTable)
        if not self.rows or t.cursor_row is None or t.cursor_row >= len(self.rows):
            return
        self.app.push_screen(RequestScreen(self.rows[t.cursor_row].id))

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.load()

    def action_find(self) -> None:
        self.query_one("#requests-find", Input).focus()

    def action_to_list(self) -> None:
        table = self.query_one("#requests-table", DataTable)
        if not table.has_focus:
            table.focus()
        else:
            table.action_cursor_down()

    @on(Input.Changed, "#requests-find")
    def _find_changed(self) -> None:
        self.load()

    @on(Input.Submitted, "#requests-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#requests-table", DataTable).focus()

    def action_back(self) -> None:
        box = self.query_one("#requests-find", Input)
        if box.value:
            box.value = ""
            self.query_one("#requests-table", DataTable).focus()
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
