"""Nested structures (lists, tuples, dicts of leaves): flatten, rebuild, map.

Dicts flatten in sorted key order, as in Keras. ``None`` is a leaf.
"""

from __future__ import annotations


def is_nested(x) -> bool:
    return isinstance(x, (list, tuple, dict))


def flatten(structure) -> list:
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for key in sorted(x):
            _flatten_into(x[key], out)
    elif isinstance(x, (list, tuple)):
        for item in x:
            _flatten_into(item, out)
    else:
        out.append(x)


def pack_sequence_as(structure, flat):
    flat = list(flat)
    result, used = _pack(structure, flat, 0)
    if used != len(flat):
        raise ValueError(
            f"Could not pack {len(flat)} values into a structure holding {used} leaves."
        )
    return result


def _pack(structure, flat, i):
    if isinstance(structure, dict):
        packed = {}
        for key in sorted(structure):
            packed[key], i = _pack(structure[key], flat, i)
        return {key: packed[key] for key in structure}, i
    if isinstance(structure, (list, tuple)):
        items = []
        for item in structure:
            value, i = _pack(item, flat, i)
            items.append(value)
        if isinstance(structure, tuple) and hasattr(structure, "_fields"):
            return type(structure)(*items), i
        return type(structure)(items), i
    return flat[i], i + 1


def map_structure(fn, *structures):
    first = structures[0]
    flats = [flatten(s) for s in structures]
    n = len(flats[0])
    for s, f in zip(structures[1:], flats[1:]):
        if len(f) != n:
            raise ValueError(f"Structures do not match: {first!r} and {s!r}.")
    return pack_sequence_as(first, [fn(*leaves) for leaves in zip(*flats)])
