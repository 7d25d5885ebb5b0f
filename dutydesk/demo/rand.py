"""Quick random picks for the demo.

``random.Random.choice`` and ``randrange`` reject and redraw to be perfectly
uniform, which costs a third of a 50,000-household build; scaling one
``random()`` is uniform enough for made-up carers and stays deterministic.
"""

from __future__ import annotations

import random
from typing import Any


def choice(rng: random.Random, seq: Any) -> Any:
    return seq[int(rng.random() * len(seq))]


def randrange(rng: random.Random, start: int, stop: int | None = None) -> int:
    if stop is None:
        start, stop = 0, start
    if stop <= start:
        raise ValueError(f"empty range for randrange({start}, {stop})")
    return start + int(rng.random() * (stop - start))


def randint(rng: random.Random, a: int, b: int) -> int:
    return randrange(rng, a, b + 1)
