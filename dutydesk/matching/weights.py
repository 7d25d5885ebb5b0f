"""The soft factors' weights: documented defaults in ``dutydesk/data/weights.toml``,
overridden table by table from ``weights.toml`` in the configuration directory
(``$DUTYDESK_CONFIG`` or the platform's config dir)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dutydesk.config import ENV_CONFIG, config_dir
from dutydesk.errors import InvalidInput

FILE_NAME = "weights.toml"


@dataclass(frozen=True, slots=True)
class Weights:
    distance_points: float = 30.0
    distance_reach_km: float = 40.0
    distance_floor: float = -20.0
    experience_per_placement: float = 3.0
    experience_cap: int = 5
    language_match: float = 15.0
    religion_match: float = 5.0
    culture_match: float = 5.0
    continuity_child: float = 25.0
    continuity_sibling: float = 15.0
    vacancy_per_day: float = 0.1
    vacancy_cap_days: int = 120
    kind_in_house: float = 10.0
    kind_connected_person: float = 10.0
    kind_ifa: float = -10.0
    load_per_child: float = -3.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Weights":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


_INT_FIELDS = {"experience_cap", "vacancy_cap_days"}


def _flatten(tables: dict[str, Any], source: str) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for table, values in tables.items():
        if not isinstance(values, dict):
            raise InvalidInput(f"{source}: [{table}] should be a table of weights, for example [distance].")
        for key, value in values.items():
            name = f"{table}_{key}"
            if name not in Weights.__dataclass_fields__:
                raise InvalidInput(f"{source}: unknown weight {table}.{key}; see the defaults in docs/matching.md.")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidInput(f"{source}: {table}.{key} should be a number.")
            flat[name] = int(value) if name in _INT_FIELDS else float(value)
    return flat


def default_weights() -> Weights:
    text = resources.files("dutydesk.data").joinpath(FILE_NAME).read_text(encoding="utf-8")
    return Weights.from_dict(_flatten(tomllib.loads(text), "default weights"))


def override_path() -> Path:
    env = os.environ.get(ENV_CONFIG)
    base = Path(env).expanduser() if env else config_dir()
    return base / FILE_NAME


def load_weights(path: Path | None = None) -> Weights:
    """The defaults, with any tables from the desk's own weights.toml laid over them."""
    weights = default_weights().to_dict()
    path = path or override_path()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise InvalidInput(f"{path} is not valid TOML ({err}); fix it or remove it to use the defaults.") from err
        weights.update(_flatten(data, str(path)))
    return Weights.from_dict(weights)
