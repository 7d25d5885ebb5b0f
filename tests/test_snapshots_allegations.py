"""Snapshots of the allegation screens at 80x24 on the snapshot county (fixed clock).

The county's three open allegations were made through the allegations service:
one just raised (LADO referral due), one with its LADO decision overdue (reverse
video), one at the conclusion stage. Update with ``--snapshot-update`` and look
at the SVGs before committing them.
"""

from __future__ import annotations

import sqlalchemy as sa

from test_snapshots_screens import county, household_id, ids, snap, store  # noqa: F401 - fixtures


def _allegation(url: str, household_name: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT allegations.reference FROM allegations JOIN households ON households.id = "
                "allegations.household_id WHERE households.name = :n AND allegations.status = 'open'"),
                {"n": household_name}).scalar_one()
    finally:
        engine.dispose()


def _open(ref: str):
    def run(app) -> None:
        from screens.allegation import AllegationScreen

        app.push_screen(AllegationScreen(ref))

    return run


def test_allegation_with_an_overdue_step(snap_compare, store):
    assert snap(snap_compare, store, _open(_allegation(store, "Morris, Kelly")))


def test_allegation_just_raised(snap_compare, store):
    assert snap(snap_compare, store, _open(_allegation(store, "Bell, Tracey and Wayne")))


def test_allegation_no_color(snap_compare, store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap(snap_compare, store, _open(_allegation(store, "Morris, Kelly")), theme="ansi-dark")


def test_open_allegations_list(snap_compare, store):
    assert snap(snap_compare, store, "ctrl+g")


def test_allegation_steps_due_from_oversight(snap_compare, store):
    assert snap(snap_compare, store, "f6", "a", user="maya.p")


def test_record_an_allegation_form(snap_compare, store):
    hid = ids(store, "SELECT id FROM households WHERE name = 'Scott, Donna and Lee'")

    def run(app) -> None:
        from screens.allegation_form import LogAllegationScreen

        app.push_screen(LogAllegationScreen(hid))

    assert snap(snap_compare, store, run)


def test_outcome_dialog(snap_compare, store):
    assert snap(snap_compare, store, _open(_allegation(store, "Scott, Donna and Lee")), "o", user="maya.p")
