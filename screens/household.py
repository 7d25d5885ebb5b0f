"""A household's profile: terms, placements, free places week by week, unavailable periods,
allegations, warnings, and every request it was considered for with what decided it
(so the worker can answer a carer's "why not me?", scenario 3).

Loaded in a thread worker from ``dutydesk.carers.profile``, one generation at a
time (``screens.loading``); all user text goes through ``rich.text.Text`` (never markup).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from dutydesk import labels
from screens.loading import LoadingScreen
from dutydesk.enums import HouseholdStatus, PlacementType


class HouseholdScreen(LoadingScreen):
    """One household, for answering its carer and for checking it before a placement."""

    CSS_PATH = "household.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="household.back"),
        Binding("r", "reload", "Refresh", tooltip="Read the household again", id="household.reload"),
        Binding("h", "jump('history')", "History", tooltip="Requests it was considered for", id="household.history"),
        Binding("e", "end_placement", "End placement", tooltip="End a current placement with a reason",
                id="household.end_placement"),
        Binding("a", "availability", "Away", tooltip="Record dates the household is not available",
                id="household.availability"),
        Binding("n", "places_held", "Places off", show=False, tooltip="Record places not available until a date, with why",
                id="household.places_held"),
        Binding("x", "extend", "Extend approval", show=False,
                tooltip="A manager extends a temporary approval once, by up to 8 weeks", id="household.extend"),
        Binding("c", "edit", "Change", tooltip="Change the household's record (with a reason)",
                id="household.edit"),
        Binding("g", "log_allegation", "Allegation", tooltip="Record an allegation or concern against the household",
                id="household.allegation"),
        Binding("l", "allegations", "Allegations", tooltip="The household's allegations, to open one",
                id="household.allegations"),
        Binding("t", "jump('top')", "Top", show=False, id="household.top"),
        Binding("down", "scroll(1)", "Down", show=False, id="household.down"),
        Binding("up", "scroll(-1)", "Up", show=False, id="household.up"),
    ]

    def __init__(self, household_id: int | str) -> None:
        super().__init__()
        self.household_id = household_id
        self.profile: Any = None

    def compose(self) -> ComposeResult:
        yield Static("Opening the household…", id="household-title", markup=False)
        with VerticalScroll(id="household-body"):
            yield Static("", id="household-summary", markup=False)
            yield Static("", id="household-history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#household-body").focus()
        self.reload()

    def load_args(self) -> tuple[Any, ...]:
        # Only the first load of this screen is an "opened" audit event; reloads write nothing.
        first, self._open_recorded = not getattr(self, "_open_recorded", False), True
        return (self.household_id, first)

    def fetch(self, desk: Any, household_id: int | str, first: bool = False) -> Any:
        from dutydesk.access import reads
        from dutydesk.carers.profile import household_profile

        profile = household_profile(desk.db, household_id)
        if first:
            reads.opened(desk, reads.HOUSEHOLD, profile.id, reference=profile.reference)
        return profile

    def show(self, profile: Any) -> None:
        p = self.profile = profile
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"{p.reference} ", style="bold")
        title.append(Text(p.name))
        title.append(f"  {p.kind_label}, {labels.label(p.status, HouseholdStatus)}")
        self.query_one("#household-title", Static).update(title)
        self.query_one("#household-summary", Static).update(summary_text(p))
        self.query_one("#household-history", Static).update(history_text(p))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.reload()

    def action_log_allegation(self) -> None:
        if self.profile is None:
            return
        from screens.allegation_form import LogAllegationScreen

        self.app.push_screen(LogAllegationScreen(self.profile.id))

    def action_allegations(self) -> None:
        if self.profile is None:
            return
        from screens.allegation_list import AllegationListScreen

        self.app.push_screen(AllegationListScreen(household_id=self.profile.id))

    def action_end_placement(self) -> None:
        """A dialog for ending one of the current placements (screens.end_placement)."""
        from dutydesk.errors import NotAllowed
        from dutydesk.access.identity import Permission, require
        from screens.end_placement import EndPlacementDialog, PlacementChoice, ended_message

        p = self.profile
        if p is None:
            self.app.bell()
            return
        try:
            require(self.desk.actor, Permission.LOG, "end a placement")
        except NotAllowed as err:
            self.notify(str(err), severity="error", markup=False)
            return
        if not p.placements:
            self.notify("No child is placed here now; there is no placement to end.", markup=False)
            return

        def ended(view: Any) -> None:
            if view is not None:
                self.notify(ended_message(view), markup=False)
                self.reload()

        choices = [PlacementChoice(pl.reference, pl.child_name, pl.starts_on) for pl in p.placements]
        self.app.push_screen(EndPlacementDialog(p.name, choices), callback=ended)

    def action_edit(self) -> None:
        from screens.household_edit import HouseholdEditScreen

        if self.profile is None:
            self.app.bell()
            return
        self.app.push_screen(HouseholdEditScreen(self.profile.id), callback=lambda _r: self.reload())

    def action_extend(self) -> None:
        from screens.connected import ExtendDialog

        p = self.profile
        if p is None or p.approval_expires_on is None:
            self.notify("This household has no temporary approval to extend.", markup=False)
            return

        def extend(value: tuple[int, str] | None) -> None:
            if value:
                self.act(_extend, p.id, *value)

        self.app.push_screen(ExtendDialog(p.approval_expires_on), callback=extend)

    def action_places_held(self) -> None:
        from screens.availability import hold_places_now, places_held_dialog

        p = self.profile
        if p is None:
            self.app.bell()
            return

        def held(value: str | None) -> None:
            if value:
                self.act(hold_places_now, p.id, value)

        self.app.push_screen(places_held_dialog(), callback=held)

    def action_availability(self) -> None:
        from dutydesk.access.identity import Permission, can
        from screens.availability import AvailabilityDialog, saved_message

        p = self.profile
        if p is None:
            self.app.bell()
            return
        if not can(self.desk.actor, Permission.LOG):
            self.notify("A viewer cannot record availability; ask a duty worker.", severity="error", markup=False)
            return

        def saved(period: Any) -> None:
            if period is not None:
                self.notify(saved_message(period), markup=False)
                self.reload()

        self.app.push_screen(AvailabilityDialog(p.id, p.name), callback=saved)

    def action_scroll(self, delta: int) -> None:
        body = self.query_one("#household-body", VerticalScroll)
        body.scroll_relative(y=delta, animate=False)

    def action_jump(self, where: str) -> None:
        body = self.query_one("#household-body", VerticalScroll)
        if where == "history":
            body.scroll_to_widget(self.query_one("#household-history"), top=True, animate=False)
        else:
            body.scroll_home(animate=False)


def _extend(desk: Any, household_id: int, weeks: int, reason: str) -> str:
    from dutydesk.carers.connected import extend_approval

    t = extend_approval(desk, household_id, weeks, reason=reason)
    return f"Temporary approval of {t.reference} extended to {t.expires_on:%d %b %Y} (it cannot be extended again)."


def _section(out: Text, title: str) -> None:
    if out.plain:
        out.append("\n\n")
    out.append(title, style="bold underline")


def summary_text(p: Any) -> Text:
    out = Text()
    if p.warnings:
        _section(out, "Warnings")
        for w in p.warnings:
            out.append("\n! ", style="bold")
            out.append(Text(w))
    _section(out, "Terms of approval" + (f" (panel {p.terms_approved_on:%d %b %Y})" if p.terms_approved_on else ""))
    out.append(f"\n{p.places} place{'s' if p.places != 1 else ''}, ages {p.age_min}-{p.age_max}, "
               f"gender {p.gender_terms}")
    out.append("\nTypes: " + (labels.labels(p.placement_types, PlacementType) or "none"))
    out.append("\nSpecialisms: " + (", ".join(labels.specialism(t) for t in p.specialisms) or "none"))
    facts = [f"{p.bedrooms} bedrooms", "pets" if p.pets else "no pets", "smoker" if p.smoker else "no smokers",
             "wheelchair access" if p.wheelchair_access else "no wheelchair access",
             f"own children aged {p.other_children_ages}" if p.other_children_ages else "no other children"]
    out.append("\n" + "; ".join(facts))
    out.append("\nSpeaks ")
    out.append(Text(labels.languages(p.languages) or "-"))
    if p.religion:
        out.append("; ")
        out.append(Text(p.religion))
    where = Text("\n")
    where.append(Text(p.place or "place not recorded"))
    if p.postcode:
        where.append(" ")
        where.append(Text(p.postcode))
    if p.phone:
        where.append("  tel ")
        where.append(Text(p.phone))
    if p.supervising_social_worker:
        where.append("  SSW ")
        where.append(Text(p.supervising_social_worker))
    out.append_text(where)
    dates = []
    if p.annual_review_due:
        dates.append(f"review due {p.annual_review_due:%d %b %Y}")
    if p.dbs_expires_on:
        dates.append(f"DBS to {p.dbs_expires_on:%d %b %Y}")
    if p.approval_expires_on:
        since = f" from {p.approved_on:%d %b %Y}" if p.approved_on else ""
        ext = ", extended" if p.approval_extended else ""
        dates.append(f"temporary approval{since} to {p.approval_expires_on:%d %b %Y}{ext}")
    if dates:
        out.append("\n" + "; ".join(dates))

    _section(out, f"Placements now ({p.occupied_places} of {p.places})")
    if not p.placements:
        out.append("\nNone")
    for pl in p.placements:
        out.append(f"\n{pl.reference}  ")
        out.append(Text(pl.child_name))
        age = f", {pl.age}" if pl.age is not None else ""
        end = f" until {pl.planned_end_on:%d %b %Y}" if pl.planned_end_on else ""
        out.append(f" ({pl.case_reference}{age}) {pl.placement_type} since {pl.starts_on:%d %b %Y}{end}")
    if p.vacant_days is not None:
        out.append(f"\nPlace empty since {p.vacant_since:%d %b %Y}: {p.vacant_days} days", style="bold")

    _section(out, "Free places, week by week")
    line = "  ".join(f"{w.from_on:%d %b} {w.free if not w.blocked else '-'}" for w in p.weeks)
    out.append("\n" + line)
    if getattr(p, "places_note", ""):
        out.append("\n")
        out.append(Text(p.places_note))
    blocked = next((w for w in p.weeks if w.blocked), None)
    if blocked:
        out.append("\n")
        out.append(Text(blocked.note))

    _section(out, "Unavailable")
    if not p.unavailable:
        out.append("\nNo periods declared")
    for u in p.unavailable:
        out.append(f"\n{u.kind} {u.starts_on:%d %b %Y} to {u.ends_on:%d %b %Y} ")
        out.append(Text(u.reason))

    _section(out, "Allegations")
    if not p.allegations:
        out.append("\nNone recorded")
    for a in p.allegations:
        outcome = f", {a.outcome}" if a.outcome else ""
        out.append(f"\n{a.reference} {a.status}{outcome}, raised {a.raised_on:%d %b %Y}, {a.days_open} days: ")
        out.append(Text(a.summary))
    return out


def history_text(p: Any) -> Text:
    out = Text()
    out.append("\n")
    _section(out, f"Considered for ({len(p.history)} searches, newest first)")
    if not p.history:
        out.append("\nNot yet in any saved search.")
    from dutydesk.clock import fmt_local

    for h in p.history:
        out.append(f"\n{fmt_local(h.run_at, '%d %b %Y %H:%M')} ", style="dim")
        out.append(f"{h.request_reference}", style="bold")
        if h.request_state:
            out.append(f" ({h.request_state})")
        out.append(" ")
        out.append(Text(h.request_summary))
        style = "bold" if h.excluded else ""
        out.append("\n  ")
        out.append(Text(h.decided, style=style))
    return out
