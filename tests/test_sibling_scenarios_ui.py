"""Scenarios 2 and 7 end to end through the screens at 80x24 (issue 9, point 1), each child's rules in the finder.

Scenario 2: three brothers aged 9, 7 and 4 need a short-term home together from
1 December. The call is logged on the call form (ctrl+n keeps each brother), the
request opened from the requests list (F4), searched (s), and the finder shows
every household ruled out with its rule, naming the brothers its ages leave out;
the request closes unmet: sibling group, IFA commissioned.

Scenario 7: a mother of 17 and her newborn. Only a parent-and-child household with
two places is ranked; one with a single place and one not approved for parent and
child are ruled out, each saying so. The worker records the carer's yes and proposes.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from db.engine import Database
from db.enums import HouseholdKind, HouseholdStatus, PlacementType, RequestState, UnmetNeed
from db.models import Decision, Household, PlacementRequest
from test_call_children_ui import add_new_child, keys, request_children, store, type_text
from ui_helpers import desk_app, flat_text, open_desk


def households(url: str, rows: list[dict]) -> None:
    db = Database(url)
    with db.write() as s:
        for i, row in enumerate(rows, 1):
            values = dict(reference=f"HH-0000{i}", kind=HouseholdKind.IN_HOUSE, status=HouseholdStatus.APPROVED,
                          places=3, age_min=0, age_max=17, approved_on=dt.date(2020, 1, 1),
                          placement_types=frozenset({PlacementType.SHORT_TERM, PlacementType.EMERGENCY}))
            values.update(row)
            s.add(Household(**values))
    db.dispose()


async def open_the_request(pilot) -> None:
    await keys(pilot, "f4")  # the open requests, most urgent first
    assert type(pilot.app.screen).__name__ == "RequestListScreen"
    await keys(pilot, "enter")
    assert type(pilot.app.screen).__name__ == "RequestScreen", flat_text(pilot.app)


async def test_scenario2_brothers_from_the_call_to_unmet_need(tmp_path, monkeypatch):
    url = store(tmp_path, monkeypatch)
    households(url, [
        dict(name="Two, Places", places=2),
        dict(name="Babies, Only", age_max=5),
        dict(name="Long, Term", placement_types=frozenset({PlacementType.LONG_TERM})),
    ])
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await keys(pilot, "f2", "w", "r")
        await type_text(pilot, "Brooks brothers need a short-term home together")
        await keys(pilot, "tab")
        for name, age in (("Tyler Brooks", "9"), ("Jayden Brooks", "7")):
            await add_new_child(pilot, name, age, "m")
            await keys(pilot, "ctrl+n")
        await add_new_child(pilot, "Leo Brooks", "4", "m")
        await keys(pilot, "s", "p")
        await type_text(pilot, "01/12/2026")
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "DashboardScreen", flat_text(app)
        await open_the_request(pilot)
        assert "Tyler Brooks (9), Jayden Brooks (7), Leo Brooks (4)" in flat_text(app)
        await keys(pilot, "s")
        assert "searched 27 Nov 10:00" in flat_text(app)
        assert "The search ranked no household" in flat_text(app)
        await keys(pilot, "f")  # the finder on this request
        assert type(app.screen).__name__ == "FinderScreen"
        await keys(pilot, "x")
        seen = []
        for _ in range(3):
            seen.append(flat_text(app))
            await keys(pilot, "down")
        assert "3 children aged 9, 7, 4" in seen[0]
        assert "HH-00001 Two, Places ruled out: x Sibling group of 3 is larger than the 2 free places" in seen[0]
        # Every brother the ages leave out is named; the youngest is within them.
        assert "x Tyler (9) and Jayden (7) are outside the approved ages 0-5" in seen[1]
        assert "x Not approved for short term placements" in seen[2]
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "RequestScreen"
        await keys(pilot, "c", "s", "tab", "i", "ctrl+s")  # unmet: sibling group; IFA commissioned
        assert "closed" in flat_text(app).lower()
    req, kids = request_children(url)
    assert [k.first_name for k in kids] == ["Tyler", "Jayden", "Leo"]
    assert req.state == RequestState.CLOSED_UNMET and UnmetNeed.SIBLING_GROUP in req.unmet_needs


async def test_scenario7_mother_and_newborn_only_a_parent_and_child_home_with_two_places(tmp_path, monkeypatch):
    url = store(tmp_path, monkeypatch)
    pc = frozenset({PlacementType.PARENT_AND_CHILD, PlacementType.SHORT_TERM})
    households(url, [
        dict(name="Adeyemi, Grace", places=2, placement_types=pc),
        dict(name="Harris, Nicola", places=1, placement_types=pc),
        dict(name="General, Home"),
    ])
    app = desk_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        await keys(pilot, "f2", "h", "r")  # the hospital calls: a placement request
        await type_text(pilot, "Chloe (17) and baby Freya need a parent and child home on discharge")
        await keys(pilot, "tab")
        await add_new_child(pilot, "Chloe Parker", "17", "f")
        await keys(pilot, "ctrl+n")
        await add_new_child(pilot, "Freya Parker", "24/11/2026", "f")  # three days old
        await keys(pilot, "p", "u")  # parent and child, urgent
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "DashboardScreen", flat_text(app)
        await open_the_request(pilot)
        await keys(pilot, "s")
        assert "searched 27 Nov 10:00" in flat_text(app) and "1 Adeyemi, Grace" in flat_text(app)
        await keys(pilot, "f")
        text = flat_text(app)
        assert "Adeyemi, Grace" in text and "2 children aged 17, 0" in text
        await keys(pilot, "x")
        first = flat_text(app)
        await keys(pilot, "down")
        second = flat_text(app)
        assert "HH-00002 Harris, Nicola ruled out: x A parent and baby need 2 places; the household has 1 " \
               "free place" in first
        assert "x Not approved for parent and child placements" in second
        await keys(pilot, "escape")
        await keys(pilot, "a")  # the Adeyemis said yes
        await keys(pilot, "p")
        await type_text(pilot, "Approved parent and child carers with two places, near the hospital.")
        await keys(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "RequestScreen", flat_text(app)
        assert "proposed" in flat_text(app)
    req, kids = request_children(url)
    assert [k.first_name for k in kids] == ["Chloe", "Freya"] and req.placement_type == PlacementType.PARENT_AND_CHILD
    db = Database(url)
    with db.read() as s:
        d = s.exec(select(Decision)).one()
        assert s.get(Household, d.household_id).name == "Adeyemi, Grace" and not d.outside_terms
        assert s.get(PlacementRequest, req.id).state == RequestState.PROPOSED
    db.dispose()
