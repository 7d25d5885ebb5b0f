"""Calls: logging with validation, attribution, audit, request and callback parts; listing and search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from db.enums import CallCategory, CallerType, RequestState
from db.models import AuditEvent, Call, Callback, Child, PlacementRequest, RequestChild
from dutydesk import clock
from dutydesk.calls.call_log import get_call, list_calls, log_call
from dutydesk.calls.inputs import CallbackInput, CallFilter, CallInput
from dutydesk.calls.typed import parse_day, parse_phone, parse_when
from dutydesk.access.desk import Desk
from dutydesk.errors import InvalidInput, NotAllowed, NotFound
from dutydesk.calls.intake import ChildInput, RequestInput, create_child
from db import call_search

NOW = "2026-11-22T02:15:00"  # London time (GMT in November)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", NOW)


def at(hhmm: str, day: str = "2026-11-22") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


def desk(database, actor):
    return Desk(database, actor)


def scenario1(**kw):
    base = dict(
        caller_type="police", category="placement_request", received_at=at("02:10"),
        caller_name="PC Jones", caller_phone="01843 222333",
        summary="Girl 13 in police protection, Margate; needs a bed tonight",
        notes="Taken from home at 01:30.\nSchool: Margate.",
        new_child=ChildInput(first_name="Amy", last_name="O'Brien [Jr]", age=13, gender="female"),
        request=RequestInput(placement_type="emergency", urgency="emergency", needed_from=dt.date(2026, 11, 22)),
    )
    base.update(kw)
    return CallInput(**base)


def test_log_scenario1_creates_call_child_request_and_audit(database, people):
    ooh = people["ooh"]
    view = log_call(desk(database, ooh), scenario1())
    assert view.taken_by_id == ooh.user_id and view.team_id == ooh.team_id
    assert view.caller_type == CallerType.POLICE and view.category == CallCategory.PLACEMENT_REQUEST
    assert view.caller_phone == "01843 222333"
    assert view.child_name == "Amy O'Brien [Jr]" and view.child_reference.startswith("TEMP-2026-")
    assert view.request_reference == "REQ-2026-00001"
    assert view.received_at == at("02:10")
    with database.read() as s:
        req = s.exec(select(PlacementRequest)).one()
        assert req.state == RequestState.LOGGED and req.created_at == at("02:10")
        assert [rc.child_id for rc in s.exec(select(RequestChild)).all()] == [view.child_id]
        actions = s.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["child.create", "request.logged", "call.log"]
    js = view.to_json()
    assert js["caller_type"] == "police" and js["request_reference"] == "REQ-2026-00001"


def test_time_received_defaults_to_now(database, people):
    v = log_call(desk(database, people["worker"]),
                 CallInput(caller_type="carer", category="information", summary="Carer rang"))
    assert v.received_at == clock.now()


def test_text_is_cleaned_and_kept_literally(database, people):
    v = log_call(desk(database, people["worker"]), CallInput(
        caller_type="carer", category="carer_support", caller_name="Ann [/]\x1b[2J",
        summary="[bold red]X[/] \x1b]0;title\x07 rang", notes="line1\nline2\x9b31m",
    ))
    assert v.caller_name.startswith("Ann [/]") and "\x1b" not in v.caller_name
    assert v.summary.startswith("[bold red]X[/]") and "\x07" not in v.summary
    assert v.notes.startswith("line1\nline2") and "\x9b" not in v.notes


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(summary="   "), "Summary is required"),
        (dict(summary="x" * 501), "shorten it to 500"),
        (dict(caller_type="martian"), "Caller type"),
        (dict(category="gossip"), "Category"),
        (dict(received_at=at("03:00")), "in the future"),
        (dict(received_at=at("02:10", "2026-09-01")), "more than a month ago"),
        (dict(caller_phone="12345"), "not a UK number"),
        (dict(caller_phone="call me"), "not a UK number"),
        (dict(request=None), "needs the request part"),
        (dict(child_id=1), "not both"),
        (dict(new_child=ChildInput(first_name="Amy", age=25)), "0 to 17"),
        (dict(request=RequestInput("emergency", "emergency", dt.date(2026, 11, 22),
                                   needed_until=dt.date(2026, 11, 1))), "before needed from"),
        (dict(callback=CallbackInput(due_at=at("01:00"))), "already past"),
    ],
)
def test_validation_saves_nothing(database, people, kw, words):
    with pytest.raises(InvalidInput, match=words):
        log_call(desk(database, people["ooh"]), scenario1(**kw))
    with database.read() as s:
        assert s.exec(select(Call)).first() is None
        assert s.exec(select(Child)).first() is None
        assert s.exec(select(PlacementRequest)).first() is None
        assert s.exec(select(AuditEvent)).first() is None


def test_links_must_exist(database, people):
    with pytest.raises(NotFound, match="household number 77"):
        log_call(desk(database, people["worker"]),
                 CallInput(caller_type="carer", category="information", summary="x", household_id=77))


def test_viewer_cannot_log(database, people):
    with pytest.raises(NotAllowed):
        log_call(desk(database, people["viewer"]), CallInput(caller_type="carer", category="information", summary="x"))


def test_callback_with_the_call(database, people):
    d = desk(database, people["worker"])
    v = log_call(d, CallInput(caller_type="childs_social_worker", category="information", summary="SW asks for update",
                              callback=CallbackInput(due_at=at("19:30"))))
    assert len(v.callbacks) == 1
    cb = v.callbacks[0]
    assert cb.due_at == at("19:30") and cb.team_id == people["worker"].team_id and cb.assigned_to_id is None
    assert cb.summary == "Call back: SW asks for update" and cb.call_id == v.id
    with database.read() as s:
        assert s.exec(select(Callback)).one().created_by_id == people["worker"].user_id


def test_request_uses_the_chosen_child(database, people):
    actor = people["worker"]
    with database.write() as s:
        cid = create_child(s, actor, ChildInput(first_name="Bo", age=7, gender="male")).id
    v = log_call(desk(database, actor), scenario1(new_child=None, child_id=cid))
    assert v.child_id == cid
    with database.read() as s:
        assert s.exec(select(RequestChild.child_id)).all() == [cid]


def test_parse_phone():
    assert parse_phone("01843123456") == "01843 123456"
    assert parse_phone("+44 1843 123456") == "01843 123456"
    assert parse_phone("+33 1 42 68 53 00") == "+33 1 42 68 53 00"
    assert parse_phone("") == ""
    for bad in ("0184", "abc", "01843 12345678901", "101", "999"):
        with pytest.raises(InvalidInput):
            parse_phone(bad)


def test_parse_when_and_day():
    assert parse_when("02:10") == at("02:10")
    assert parse_when("0210") == at("02:10")
    assert parse_when("now") == at("02:15")
    assert parse_when("+30m") == at("02:45")
    assert parse_when("01:00", prefer_future=True) == at("01:00", "2026-11-23")
    assert parse_when("21/11 23:50") == at("23:50", "2026-11-21")
    assert parse_when("") is None
    for bad in ("25:00", "soon", "32/13 10:00"):
        with pytest.raises(InvalidInput, match="HH:MM"):
            parse_when(bad)
    assert parse_day("01/12/2026") == dt.date(2026, 12, 1)
    assert parse_day("tomorrow") == dt.date(2026, 11, 23)
    assert parse_day("2026-12-01") == dt.date(2026, 12, 1)
    with pytest.raises(InvalidInput, match="DD/MM/YYYY"):
        parse_day("31/02/2026")


def _many(database, people):
    w, w2 = people["worker"], people["worker2"]
    log_call(desk(database, w), CallInput(caller_type="carer", category="carer_support", received_at=at("00:30"),
                                          summary="Carer O'Brien [Jr] needs respite", notes="fostering breakdown risk"))
    log_call(desk(database, w), CallInput(caller_type="police", category="information", received_at=at("01:00"),
                                          summary="Police update on Margate incident"))
    log_call(desk(database, w2), CallInput(caller_type="hospital", category="information",
                                           received_at=at("10:00", "2026-11-20"), summary="Hospital discharge planned",
                                           notes="Placement needed for newborn"))


def test_list_filters_and_paging(database, people):
    _many(database, people)
    d = desk(database, people["worker"])
    page = list_calls(d)
    assert [r.summary[:6] for r in page.rows] == ["Police", "Carer ", "Hospit"] and not page.has_more
    assert [r.caller_type for r in list_calls(d, CallFilter(caller_type="police")).rows] == [CallerType.POLICE]
    assert len(list_calls(d, CallFilter(category=CallCategory.INFORMATION)).rows) == 2
    assert len(list_calls(d, CallFilter(team_id=people["worker2"].team_id)).rows) == 1
    assert len(list_calls(d, CallFilter(date_from=dt.date(2026, 11, 21))).rows) == 2
    assert len(list_calls(d, CallFilter(date_to=dt.date(2026, 11, 20))).rows) == 1
    p1 = list_calls(d, limit=2)
    p2 = list_calls(d, limit=2, offset=2)
    assert p1.has_more and not p2.has_more and len(p1.rows) == 2 and len(p2.rows) == 1
    assert {r.id for r in p1.rows}.isdisjoint({r.id for r in p2.rows})
    assert list_calls(d, limit=10_000).limit == 200  # never unbounded
    with pytest.raises(InvalidInput, match="before the 'from' date"):
        list_calls(d, CallFilter(date_from=dt.date(2026, 11, 22), date_to=dt.date(2026, 11, 1)))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("margate", {"Police"}),
        ("MARGATE police", {"Police"}),
        ("marg", {"Police"}),  # prefix while typing
        ("breakdown", {"Carer "}),  # notes are searched
        ("placement", {"Hospit"}),
        ("O'Brien [Jr]", {"Carer "}),
        ('"unbalanced', set()),
        ("( ) * : ^ - \"", {"Police", "Carer ", "Hospit"}),  # no words: no search filter
        ("police rabbit", set()),  # every word is required
        ("police OR rabbit", set()),  # operators are plain words (or stop words), never syntax
        ("NEAR(a b)", set()),
        ("respite -", {"Carer "}),
    ],
)
def test_full_text_search_is_safe(database, people, query, expected):
    _many(database, people)
    rows = list_calls(desk(database, people["worker"]), CallFilter(search=query)).rows
    assert {r.summary[:6] for r in rows} == expected


def test_search_sees_updates_and_deletes(database, people):
    _many(database, people)
    d = desk(database, people["worker"])
    with database.write() as s:
        call = s.exec(select(Call).where(Call.summary.like("Police%"))).one()
        call.summary = "Police update on Ramsgate incident"
        s.add(call)
    assert list_calls(d, CallFilter(search="margate")).rows == []
    assert len(list_calls(d, CallFilter(search="ramsgate")).rows) == 1


def test_match_terms_quote_everything():
    assert call_search.match_terms('O\'Brien [Jr] "x') == ["o", "brien", "jr", "x"]
    assert call_search.sqlite_match(["o", "brien"]) == '"o"* "brien"*'
    assert call_search.pg_tsquery(["o", "brien"]) == "o:* & brien:*"


def test_get_call_not_found(database, people):
    with pytest.raises(NotFound, match="no call number 5"):
        get_call(desk(database, people["worker"]), 5)


# ---------------------------------------------------------------- command line


def _cli(argv, capsys):
    from dutydesk.cli.main import main

    code = 0
    try:
        main(argv)
    except SystemExit as e:
        code = e.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_log_and_list(database, people, monkeypatch, capsys):
    import json

    url = database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    code, out, err = _cli([
        "--db", url, "calls", "log", "--caller-type", "police", "--category", "placement_request",
        "--summary", "Girl 13, police protection, Margate", "--received", "02:10", "--caller-phone", "01843222333",
        "--child-first-name", "Amy", "--child-last-name", "O'Brien [Jr]", "--child-age", "13",
        "--child-gender", "female", "--placement-type", "emergency", "--urgency", "emergency",
        "--needed-from", "today", "--callback-due", "+30m", "--json"], capsys)
    assert code == 0, err
    rec = json.loads(out)
    assert rec["caller_type"] == "police" and rec["request_reference"] == "REQ-2026-00001"
    assert rec["child_name"] == "Amy O'Brien [Jr]" and rec["caller_phone"] == "01843 222333"
    assert rec["callbacks"][0]["due_at"].startswith("2026-11-22 02:45")
    with database.read() as s:
        assert s.exec(select(Call)).one().taken_by_id == people["ooh"].user_id

    code, out, err = _cli(["--db", url, "calls", "list", "--search", "margate", "--json"], capsys)
    assert code == 0, err
    assert [c["id"] for c in json.loads(out)["calls"]] == [rec["id"]]
    code, out, err = _cli(["--db", url, "calls", "list", "--caller-type", "carer"], capsys)
    assert code == 0 and "No calls match" in out


def test_cli_errors_are_one_line(database, people, monkeypatch, capsys):
    url = database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "calls", "log", "--caller-type", "police", "--category", "information",
                           "--summary", "x", "--caller-phone", "123"], capsys)
    assert code == 2 and "not a UK number" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, out, err = _cli(["--db", url, "calls", "log", "--caller-type", "police", "--category", "information",
                           "--summary", "x", "--urgency", "emergency"], capsys)
    assert code == 2 and "--placement-type" in err
    with database.read() as s:
        assert s.exec(select(Call)).first() is None


def test_cli_handover(database, people, monkeypatch, capsys):
    import json

    url = database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-22T17:00:00")
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    code, out, err = _cli(["--db", url, "calls", "log", "--caller-type", "childs_social_worker",
                           "--category", "information", "--summary", "SW rings back tonight",
                           "--callback-due", "19:30", "--callback-team", "OOH"], capsys)
    assert code == 0, err
    code, out, err = _cli(["--db", url, "calls", "handover", "--since", "08:00", "--note", "Callback [/] at 19:30",
                           "--to", "OOH"], capsys)
    assert code == 0, err
    assert "19:30" in out and "Callback [/] at 19:30" in out
    monkeypatch.setenv("DUTYDESK_USER", "oliver")
    code, out, err = _cli(["--db", url, "calls", "handover", "--since", "08:00", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [c["summary"] for c in data["callbacks_due"]] == ["Call back: SW rings back tonight"]
    assert [n["body"] for n in data["notes"]] == ["Callback [/] at 19:30"]


def test_cli_logs_a_sibling_group_and_a_parent_with_a_baby(database, people, monkeypatch, capsys):
    import datetime as dt

    from db.models import Child, PlacementRequest, RequestChild

    url = database.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DUTYDESK_USER", "dana")
    base = ["--db", url, "calls", "log", "--caller-type", "childs_social_worker", "--category",
            "placement_request", "--urgency", "planned", "--needed-from", "01/12/2026"]
    code, out, err = _cli(base + ["--summary", "Three brothers", "--placement-type", "short_term",
                                  "--add-child", "Tom Reed;4;male", "--add-child", "Sam Reed;7;male",
                                  "--add-child", "Joe Reed;9;male"], capsys)
    assert code == 0, err
    code, out, err = _cli(base + ["--summary", "Mother and baby", "--placement-type", "parent_and_child",
                                  "--add-child", "Kayla Moss;17;female",
                                  "--add-child", "Baby Moss;due 30/12/2026;unknown"], capsys)
    assert code == 0, err
    code, out, err = _cli(base + ["--summary", "bad", "--placement-type", "short_term",
                                  "--add-child", "Tom Reed;four;male"], capsys)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    with database.read() as s:
        reqs = s.exec(select(PlacementRequest).order_by(PlacementRequest.id)).all()
        assert len(reqs) == 2
        names = [[c.display_name for c in s.exec(
            select(Child).join(RequestChild, RequestChild.child_id == Child.id)
            .where(RequestChild.request_id == r.id).order_by(Child.id)).all()] for r in reqs]
        assert names == [["Tom Reed", "Sam Reed", "Joe Reed"], ["Kayla Moss", "Baby Moss"]]
        baby = s.exec(select(Child).where(Child.first_name == "Baby")).one()
        assert baby.date_of_birth == dt.date(2026, 12, 30)
