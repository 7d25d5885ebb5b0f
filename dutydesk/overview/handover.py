"""Handover: what the next shift must know, gathered from the records, plus a written note.

``summary(desk, since=...)`` lists open placement requests, callbacks due in
the next hours, placements made, households put on hold and allegations
raised since the shift began. ``write_note`` saves the outgoing worker's note
(for their team, or addressed to another, e.g. out of hours), audited;
the summary carries the latest notes a team wrote or was sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from db.enums import CallbackStatus, DecisionStatus, HouseholdStatus
from db.models import Allegation, Callback, Child, Decision, HandoverNote, Household, Placement, Team, User
from dutydesk import clock
from dutydesk.allegations import views as allegation_views
from dutydesk.access import audit
from dutydesk.carers.holds import held_households
from dutydesk.calls.call_log import callback_views
from dutydesk.calls.views import CallbackView
from dutydesk.overview.dashboard import RequestLine, _requests
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput, NotFound
from dutydesk.access.identity import Permission, require
from dutydesk.text import field_text

LIST_MAX = 30
NOTE_MAX = 8000
# Local times at which shifts change: the day duty teams start at 08:00, out of hours at 17:00.
SHIFT_STARTS = (dt.time(8, 0), dt.time(17, 0))
# A shift that began less than this long ago is the one just starting; the handover covers the one before.
SHIFT_MIN_HOURS = 4


@dataclass(frozen=True)
class Line:
    id: int
    title: str
    detail: str
    at: dt.datetime | None
    request_id: int | None = None  # what the line is about, for opening it
    household_id: int | None = None
    awaiting_signoff: bool = False  # a placement made before its decision was signed off


@dataclass(frozen=True)
class HandoverNoteView:
    id: int
    written_at: dt.datetime
    written_by: str
    team: str
    to_team: str
    body: str


@dataclass(frozen=True)
class Handover:
    since: dt.datetime
    until: dt.datetime
    open_requests: list[RequestLine] = field(default_factory=list)
    callbacks_due: list[CallbackView] = field(default_factory=list)
    placements_made: list[Line] = field(default_factory=list)
    households_on_hold: list[Line] = field(default_factory=list)
    allegations_raised: list[Line] = field(default_factory=list)
    allegation_steps_due: list[Line] = field(default_factory=list)  # overdue or due today, oldest first
    notes: list[HandoverNoteView] = field(default_factory=list)


def default_since(now: dt.datetime | None = None) -> dt.datetime:
    """Where a handover starts by default: the latest shift change (08:00 or 17:00 local) at least
    ``SHIFT_MIN_HOURS`` ago. At 17:00 that is 08:00 (the day shift handing over); at 08:45 it is
    17:00 the evening before (out of hours handing over); at 23:00 it is 17:00."""
    now = now or clock.now()
    local_now = clock.local(now)
    day = local_now.date()
    for back in range(3):
        d = day - dt.timedelta(days=back)
        for t in sorted(SHIFT_STARTS, reverse=True):
            start = dt.datetime.combine(d, t, tzinfo=clock.LOCAL_TZ)
            if local_now - start >= dt.timedelta(hours=SHIFT_MIN_HOURS):
                return start.astimezone(dt.UTC)
    return now - dt.timedelta(hours=12)


def summary(desk: Desk, *, since: dt.datetime | None = None, hours_ahead: int = 16,
            team_id: int | None = None) -> Handover:
    """The handover for a team (default the actor's) covering ``since`` (default 12 hours ago) to now."""
    require(desk.actor, Permission.READ, "read the handover")
    now = clock.now()
    if since is not None and since > now:
        raise InvalidInput(f"Since: {clock.fmt_local(since)} is in the future; type when the shift began "
                           "(HH:MM or 'DD/MM HH:MM'), or leave it blank for the last shift change.")
    since = since or now - dt.timedelta(hours=12)
    team_id = team_id if team_id is not None else desk.actor.team_id
    with desk.db.read() as s:
        requests, _total = _requests(s, clock.local(now).date())
        due = sa.and_(
            sa.type_coerce(Callback.status, sa.String) == CallbackStatus.OPEN.value,
            Callback.due_at < now + dt.timedelta(hours=hours_ahead),
        )
        callbacks = callback_views(s, due, limit=LIST_MAX)
        awaiting = (
            sa.select(Decision.id)
            .where(Decision.request_id == Placement.request_id, Decision.retrospective == sa.true(),
                   sa.type_coerce(Decision.status, sa.String) == DecisionStatus.PROPOSED.value)
            .exists()
        )
        placed = s.execute(
            sa.select(Placement.id, Placement.reference, Child.first_name, Child.last_name, Household.name,
                      Placement.created_at, Placement.emergency, Placement.request_id, Placement.household_id,
                      awaiting)
            .join(Child, Child.id == Placement.child_id).join(Household, Household.id == Placement.household_id)
            .where(Placement.created_at >= since).order_by(Placement.created_at).limit(LIST_MAX)
        ).all()
        holds = s.execute(
            sa.select(Household.id, Household.name, Household.reference, Household.status_changed_at)
            .where(sa.type_coerce(Household.status, sa.String) == HouseholdStatus.ON_HOLD.value,
                   Household.status_changed_at >= since)
            .order_by(Household.status_changed_at).limit(LIST_MAX)
        ).all()
        held_by = held_households(s, [hid for hid, *_rest in holds])
        raised = s.execute(
            sa.select(Allegation.id, Allegation.reference, Household.name, Allegation.raised_at, Household.id)
            .join(Household, Household.id == Allegation.household_id)
            .where(Allegation.raised_at >= since).order_by(Allegation.raised_at).limit(LIST_MAX)
        ).all()
        notes = _notes(s, team_id, since)
    due = allegation_views.due_steps(desk, limit=LIST_MAX)
    return Handover(
        since=since, until=now, open_requests=requests, callbacks_due=callbacks,
        placements_made=[Line(pid, f"{ref}: {f} {la}".strip(), f"with {hh}" + _placed_flags(em, wait), at,
                              request_id=rid, household_id=hid, awaiting_signoff=bool(wait))
                         for pid, ref, f, la, hh, at, em, rid, hid, wait in placed],
        households_on_hold=[Line(hid, name, f"{ref}, on hold since {clock.fmt_local(at, '%H:%M')}"
                                 + (f" (open allegation {held_by[hid]})" if hid in held_by else ""), at,
                                 household_id=hid)
                            for hid, name, ref, at in holds],
        allegations_raised=[Line(aid, ref, f"against {hh}", at, household_id=hid)
                            for aid, ref, hh, at, hid in raised],
        allegation_steps_due=[Line(d.household_id, d.reference, f"{d.step} {d.state} ({d.due_on:%a %d %b}), "
                                   f"{d.household_name}", dt.datetime.combine(d.due_on, dt.time(0), tzinfo=clock.LOCAL_TZ),
                                   household_id=d.household_id) for d in due],
        notes=notes,
    )


def _placed_flags(emergency: bool, awaiting: bool) -> str:
    flags = (["emergency"] if emergency else []) + (["awaiting retrospective sign-off"] if awaiting else [])
    return f" ({', '.join(flags)})" if flags else ""


def _notes(s, team_id: int | None, since: dt.datetime) -> list[HandoverNoteView]:  # noqa: ANN001
    if team_id is None:
        return []
    writer = aliased(User)
    from_team, to_team = aliased(Team), aliased(Team)
    rows = s.execute(
        sa.select(HandoverNote, writer.full_name, from_team.name, to_team.name)
        .join(writer, writer.id == HandoverNote.written_by_id)
        .join(from_team, from_team.id == HandoverNote.team_id)
        .join(to_team, to_team.id == HandoverNote.to_team_id, isouter=True)
        .where(sa.or_(HandoverNote.to_team_id == team_id, HandoverNote.team_id == team_id),
               HandoverNote.written_at >= since)
        .order_by(HandoverNote.written_at.desc()).limit(10)
    ).all()
    return [HandoverNoteView(n.id, n.written_at, who, frm, to or frm, n.body) for n, who, frm, to in rows]


def write_note(desk: Desk, body: str, *, to_team_id: int | None = None) -> HandoverNoteView:
    """Save the outgoing shift's note; audited."""
    actor = desk.actor
    require(actor, Permission.LOG, "write a handover note")
    text = field_text(body, "Note", limit=NOTE_MAX, required=True, multiline=True,
                      missing="A handover note needs some text: what must the next shift know?")
    if actor.team_id is None:
        raise InvalidInput("Your account has no team; ask an administrator to put you in a team first.")
    with desk.db.write() as s:
        if to_team_id is not None and s.get(Team, to_team_id) is None:
            raise NotFound(f"There is no team number {to_team_id}; choose a team from the list.")
        note = HandoverNote(team_id=actor.team_id, to_team_id=to_team_id, written_by_id=actor.user_id,
                            written_at=clock.now(), body=text)
        s.add(note)
        s.flush()
        audit.record(s, actor, "handover.write", "handover_notes", note.id, {"to_team_id": to_team_id})
        nid = note.id
        team = s.get(Team, actor.team_id).name
        to = s.get(Team, to_team_id).name if to_team_id else team
        at = note.written_at
    return HandoverNoteView(nid, at, actor.full_name, team, to, text)
