"""``--json`` output: the services' dataclasses and enums as plain JSON values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum


def to_jsonable(value: object) -> object:
    """Dataclasses and enums as plain JSON values (for --json)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | frozenset | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value
