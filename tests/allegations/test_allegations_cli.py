"""``dutydesk allegations ...`` through the real entry point, on both stores."""

from __future__ import annotations

import json

import pytest

from db.enums import HouseholdStatus
from db.models import Child, Household
from allegation_support import add_child
from cli.test_cli import dispose_cli_stores, one_desk_error, run, url_of  # noqa: F401 - the fixture is used
from process_support import make_household


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setenv("DUTYDESK_NOW", "2026-11-24T11:00:00+00:00")


def test_log_step_show_lift_outcome_and_export(database, people, capsys, monkeypatch, tmp_path):
    db = url_of(database)
    hid = make_household(database, "Bell [Jr]")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    with database.read() as s:
        href, cref = s.get(Household, hid).reference, s.get(Child, kid).case_reference
    code, out, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "log", href, "--child", cref,
                         "--said", "Lily said her carer hit her.", "--by", "Lily, to her teacher",
                         "--told", "social_worker", "--safety", f"{cref}=under_review:Partner stays away", "--json")
    assert code == 0, err
    a = json.loads(out)
    ref = a["reference"]
    assert a["on_hold"] is True and [s["kind"] for s in a["steps"]][0] == "lado_referral"
    code, out, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "list")
    assert code == 0 and ref in out and "LADO referral due Wed 25 Nov (due)" in out
    code, out, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "step", ref, "lado_referral",
                         "--note", "Phoned the LADO.")
    assert (code, out) == (0, f"Recorded the LADO referral for {ref}: met.\n")
    code, _, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "lift-hold", ref,
                       "--decision", "Not mine to lift, but trying.")
    assert code == 3 and "Only a manager" in one_desk_error(err)
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, "allegations", "lift-hold", ref,
                         "--decision", "LADO: threshold not met; safe to place.", "--json")
    assert code == 0 and json.loads(out)["household_available"] is True
    with database.read() as s:
        assert s.get(Household, hid).status == HouseholdStatus.APPROVED
    code, out, err = run(capsys, monkeypatch, "maya", "--db", db, "allegations", "outcome", ref,
                         "--outcome", "unfounded", "--rationale", "No evidence; Lily's account changed.",
                         "--hold", "lift")
    assert code == 0 and out.startswith(f"Closed {ref}: unfounded")
    code, _, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "step", ref, "strategy_meeting",
                       "--note", "too late")
    assert code == 5 and "addendum" in one_desk_error(err)
    code, out, _ = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "export", ref, "--format", "md")
    assert code == 0 and f"# Allegation {ref}" in out and "Bell \\[Jr\\]" in out and "| LADO referral |" in out
    code, out, _ = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "export", ref, "--format", "html")
    assert code == 0 and "<h2>Outcome</h2>" in out and "Bell [Jr]" in out
    code, out, _ = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "show", ref)
    assert code == 0 and "unfounded" in out


def test_bad_input_is_one_line_in_the_desks_words(database, people, capsys, monkeypatch):
    db = url_of(database)
    hid = make_household(database, "Bell")
    kid = add_child(database, household_id=hid, by=people["worker"].user_id)
    with database.read() as s:
        href, cref = s.get(Household, hid).reference, s.get(Child, kid).case_reference
    code, _, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "log", href, "--child", cref,
                       "--said", "x", "--by", "teacher")
    assert code == 2 and "safety decision" in one_desk_error(err)
    code, _, err = run(capsys, monkeypatch, "dana", "--db", db, "allegations", "show", "AL-2026-99999")
    assert code == 4 and "no allegation AL-2026-99999" in one_desk_error(err)
