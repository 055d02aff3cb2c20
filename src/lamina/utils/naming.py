"""Unique automatic names: ``dense``, ``dense_1``, ``dense_2``, ..."""

from __future__ import annotations

import collections
import re

_COUNTS: collections.Counter = collections.Counter()


def to_snake_case(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name.lstrip("_") or "layer"


def unique_name(base: str) -> str:
    count = _COUNTS[base]
    _COUNTS[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset_names() -> None:
    """Start automatic names again from ``dense``, ``dense_1``, ... (as `clear_session`)."""
    _COUNTS.clear()
