"""Shapes in nested structures (a shape, or lists / tuples / dicts of them), as layers record
them for `build` configs and symbolic calls."""

from __future__ import annotations

import numpy as np

from lamina.backend.common.keras_tensor import KerasTensor


def shape_of(x):
    if x is None:
        return None
    shape = getattr(x, "shape", None)
    if shape is None:
        return tuple(np.shape(x))
    return tuple(None if d is None else int(d) for d in shape)


def is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def shapes_to_json(shapes):
    if is_shape(shapes):
        return list(shapes)
    if isinstance(shapes, dict):
        return {k: shapes_to_json(v) for k, v in shapes.items()}
    return [shapes_to_json(s) for s in shapes]


def shapes_from_json(shapes):
    if shapes is None or is_shape(shapes):
        return None if shapes is None else tuple(shapes)
    if isinstance(shapes, dict):
        return {k: shapes_from_json(v) for k, v in shapes.items()}
    return [shapes_from_json(s) for s in shapes]


def shapes_to_specs(shapes, dtype):
    if is_shape(shapes):
        return KerasTensor(shapes, dtype)
    if isinstance(shapes, dict):
        return {k: shapes_to_specs(v, dtype) for k, v in shapes.items()}
    return type(shapes)(shapes_to_specs(s, dtype) for s in shapes)
