"""weights.toml refused with its file and line, never quietly replaced by the defaults; the note
that says custom weights are in force (issue 9, point 6)."""

from __future__ import annotations

import pytest

from dutydesk.errors import InvalidInput
from dutydesk.matching.weights import Weights, load_weights, weights_in_force


@pytest.mark.parametrize("toml, words", [
    ("[distance]\npoints = 30\nreach_km = \n", ", line 3: not valid TOML (Invalid value); fix the file, or remove it"),
    ("[distance\npoints = 3\n", ", line 1: not valid TOML"),
    ("# mine\n[kind]\nifa = \"low\"\n", ", line 3: kind.ifa should be a number, not 'low'"),
    ("[distance]\npoints = inf\n", ", line 2: distance.points should be a number, not inf"),
    ("[vacancy]\ncap_days = 12.5\n", ", line 2: vacancy.cap_days should be a whole number, 0 or more, not 12.5"),
    ("[experience]\ncap = -1\n", ", line 2: experience.cap should be a whole number, 0 or more, not -1"),
    ("[distance]\nreach_km = 0\n", ", line 2: distance.reach_km should be more than 0, not 0"),
    ("\n\n[distance]\nmiles = 3\n", ", line 4: unknown weight distance.miles"),
    ("load = 3\n", ", line 1: load should be a table of weights"),
])
def test_a_bad_file_is_refused_with_its_line(tmp_path, toml, words):
    path = tmp_path / "weights.toml"
    path.write_text(toml)
    with pytest.raises(InvalidInput) as err:
        load_weights(path)
    assert str(err.value).startswith(str(path) + ", line")
    assert words in str(err.value)


def test_custom_weights_say_so_and_the_defaults_say_nothing(tmp_path):
    path = tmp_path / "weights.toml"
    assert weights_in_force(path).note() == "" and weights_in_force(path).weights == Weights()
    path.write_text("[distance]\npoints = 50\n[kind]\nifa = -10\nin_house = 12\n")
    w = weights_in_force(path)
    assert w.weights.distance_points == 50 and w.weights.kind_in_house == 12
    assert w.note() == f"Custom weights from {path}: distance.points 50, kind.in_house 12."  # ifa as the default
    path.write_text("[distance]\npoints = 1\nfloor = 2\n[kind]\nifa = 3\nin_house = 4\n")
    assert weights_in_force(path).note().endswith("distance.floor 2, kind.in_house 4 and 1 more.")
