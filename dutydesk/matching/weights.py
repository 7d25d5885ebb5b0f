"""The soft factors' weights: documented defaults in ``dutydesk/data/weights.toml``,
overridden table by table from ``weights.toml`` in the configuration directory
(``$DUTYDESK_CONFIG`` or the platform's config dir)."""

from __future__ import annotations

import math
import os
import re
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
_POSITIVE = {"distance_reach_km"}


def _line_of(text: str, table: str, key: str) -> int | None:
    """The line that sets ``key`` in ``[table]`` (for a message), or None if it cannot be found."""
    current = ""
    for n, line in enumerate(text.splitlines(), 1):
        bare = line.split("#", 1)[0].strip()
        if bare.startswith("[") and bare.endswith("]"):
            current = bare.strip("[] ")
        elif "=" in bare:
            name = bare.split("=", 1)[0].strip().strip('"')
            if (current, name) == (table, key) or name == f"{table}.{key}":
                return n
    return None


def _flatten(tables: dict[str, Any], source: str, text: str = "") -> dict[str, Any]:
    """Each weight checked: a known name, a finite number (a whole one for the caps)."""
    flat: dict[str, Any] = {}
    for table, values in tables.items():
        if not isinstance(values, dict):
            where = _line_of(text, "", table)
            raise InvalidInput(f"{source}{f', line {where}' if where else ''}: {table} should be a table of "
                               f"weights, for example [distance].")
        for key, value in values.items():
            name = f"{table}_{key}"
            line = _line_of(text, table, key)
            at = f"{source}, line {line}" if line else source
            if name not in Weights.__dataclass_fields__:
                raise InvalidInput(f"{at}: unknown weight {table}.{key}; see the defaults in docs/matching.md.")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise InvalidInput(f"{at}: {table}.{key} should be a number, not {value!r}.")
            if name in _INT_FIELDS and (value != int(value) or value < 0):
                raise InvalidInput(f"{at}: {table}.{key} should be a whole number, 0 or more, not {value!r}.")
            if name in _POSITIVE and value <= 0:
                raise InvalidInput(f"{at}: {table}.{key} should be more than 0, not {value!r}.")
            flat[name] = int(value) if name in _INT_FIELDS else float(value)
    return flat


def default_weights() -> Weights:
    text = resources.files("dutydesk.data").joinpath(FILE_NAME).read_text(encoding="utf-8")
    return Weights.from_dict(_flatten(tomllib.loads(text), "default weights"))


def override_path() -> Path:
    env = os.environ.get(ENV_CONFIG)
    base = Path(env).expanduser() if env else config_dir()
    return base / FILE_NAME


@dataclass(frozen=True, slots=True)
class WeightsInForce:
    """The weights a match uses, and whether (and where from) any differs from the defaults."""

    weights: Weights
    path: Path | None = None  # the desk's own weights.toml, when there is one
    changed: tuple[tuple[str, float, float], ...] = ()  # (table.key, value, default)

    def note(self) -> str:
        """One sentence for the finder; '' when the defaults are in force."""
        if not self.changed:
            return ""
        shown = ", ".join(f"{name} {value:g}" for name, value, _default in self.changed[:3])
        more = f" and {len(self.changed) - 3} more" if len(self.changed) > 3 else ""
        return f"Custom weights from {self.path}: {shown}{more}."


def weights_in_force(path: Path | None = None) -> WeightsInForce:
    """The defaults, with any tables from the desk's own weights.toml laid over them.

    A file that is not valid TOML, or gives a weight that is not one, is refused with its
    line: the desk never quietly ranks with the defaults instead of what the file meant."""
    defaults = default_weights()
    weights = defaults.to_dict()
    path = path or override_path()
    if not path.is_file():
        return WeightsInForce(defaults)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # "Invalid value (at line 3, column 12)": the line leads, as in every other message here.
        found = re.fullmatch(r"(.*?)\s*\(at line (\d+), column \d+\)", str(err))
        what, where = (found.group(1), f", line {found.group(2)}") if found else (str(err), "")
        raise InvalidInput(f"{path}{where}: not valid TOML ({what}); fix the file, or remove it to rank with "
                           "the default weights.") from err
    except UnicodeDecodeError as err:
        raise InvalidInput(f"{path}: not text (UTF-8); fix the file, or remove it to rank with the default "
                           "weights.") from err
    except OSError as err:
        raise InvalidInput(f"{path}: cannot be read ({err.strerror}); fix its permissions, or remove it.") from err
    weights.update(_flatten(data, str(path), text))
    base = defaults.to_dict()
    changed = tuple((name.replace("_", ".", 1), float(v), float(base[name]))
                    for name, v in weights.items() if v != base[name])
    return WeightsInForce(Weights.from_dict(weights), path, changed)


def load_weights(path: Path | None = None) -> Weights:
    """The weights in force (see ``weights_in_force``)."""
    return weights_in_force(path).weights
