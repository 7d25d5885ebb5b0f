"""The oversight queue: oldest first, retrospective placements flagged until signed, evidence on one page."""

from __future__ import annotations


from db.enums import Gender
from dutydesk.overview import oversight
from dutydesk.requests import placements
from dutydesk.requests import decisions, steps
from dutydesk.access.desk import Desk
from process_support import make_household, make_request, save_search

NIGHT = "2026-11-24T02:10:00+00:00"


def _proposal(db, people, who, name, at, monkeypatch, **kw):
    monkeypatch.setenv("DUTYDESK_NOW", at)
    hid = make_household(db, f"{name} carers", **kw)
    rid = make_request(db, people[who], children=[(name, 13, Gender.FEMALE)])
    save_search(db, people[who], rid, [hid], excluded={make_household(db, "Too far [/]"): ["distance"]})
    dv = decisions.propose(Desk(db, people[who]), rid, "place", f"Best bed for {name} tonight.", household_id=hid,
                         exemption_reason=kw.get("exemption", ""))
    return rid, dv


def test_queue_oldest_first_and_flags(database, people, monkeypatch):
    r2, d2 = _proposal(database, people, "worker", "Second", "2026-11-24T10:00:00+00:00", monkeypatch)
    r1, d1 = _proposal(database, people, "worker2", "First", "2026-11-24T09:30:00+00:00", monkeypatch)
    # Night: out-of-hours emergency placed before sign-off, outside terms (carers approved to 11).
    monkeypatch.setenv("DUTYDESK_NOW", NIGHT)
    hid = make_household(database, "Night carers", age_max=11)
    rid = make_request(database, people["ooh"], children=[("Night", 13, Gender.FEMALE)])
    save_search(database, people["ooh"], rid, [hid])
    o = Desk(database, people["ooh"])
    d3 = decisions.propose(o, rid, "place", "Only bed available at 2am.", household_id=hid,
                         exemption_reason="Emergency, one night")
    placements.place(o, rid)
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T12:00:00+00:00")
    m = Desk(database, people["manager"])
    q = oversight.queue(m)
    assert [i.decision_id for i in q] == [d3.id, d1.id, d2.id]  # proposed 02:10, 09:30, 10:00
    assert q[0].retrospective and q[0].outside_terms and not q[0].overdue and "PLACED" in q[0].flags
    assert q[1].waiting_hours == 2.5
    assert oversight.waiting_count(m) == 3
    # 7 working days later the unresolved outside-terms placement is overdue.
    monkeypatch.setenv("DUTYDESK_NOW", "2026-12-04T12:00:00+00:00")
    assert oversight.queue(m)[0].overdue
    decisions.sign_off(m, d3.id, "Retrospectively agreed")
    decisions.return_decision(m, d1.id, "Try the nearer carer first.")
    assert [i.decision_id for i in oversight.queue(m)] == [d2.id]


def test_evidence_on_one_page(database, people, monkeypatch):
    rid, dv = _proposal(database, people, "worker", "Evi", "2026-11-24T10:00:00+00:00", monkeypatch)
    steps.record_contact(Desk(database, people["worker"]), rid, dv.household_id, "accepted", "yes tonight")
    ev = oversight.evidence(Desk(database, people["manager"]), dv.id)
    assert ev.can_sign and ev.decision.rationale == "Best bed for Evi tonight."
    assert ev.search.ranked_total == 1 and ev.search.excluded_total == 1
    assert ev.search.exclusion_counts[0][1] == 1
    assert ev.request.candidates[0].contacts[0].note == "yes tonight"
    own = oversight.evidence(Desk(database, people["worker"]), dv.id)
    assert not own.can_sign and "manager" in own.why_not
