"""Shape and dtype helpers shared by the NumPy-style op modules."""

from __future__ import annotations

import numpy as np

from lamina.backend.common import dtypes, numpy_rules
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.symbolic import dtype_of, shape_of

# Shape and dtype helpers --------------------------------------------------------------------


# The dtype rules the backends share (one definition, see backend/common/numpy_rules.py).
_float_dtype = numpy_rules.float_dtype
_float64_for_int64 = numpy_rules.float64_for_int64
_sum_dtype = numpy_rules.sum_dtype


def _bool_to_int32(dtype: str) -> str:
    return "int32" if dtype == "bool" else dtype


def _ndim(x) -> int:
    shape = getattr(x, "shape", None)
    return len(shape) if shape is not None else np.ndim(x)


def _unary(x, dtype=None) -> KerasTensor:
    """The symbolic result of an op that keeps ``x``'s shape; ``dtype`` a name or a rule."""
    d = dtype_of(x)
    if callable(dtype):
        d = dtype(d)
    elif dtype is not None:
        d = dtypes.standardize_dtype(dtype)
    return KerasTensor(shape_of(x), d)


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _axis(op: str, axis, ndim: int, arg: str = "axis") -> int:
    """``axis`` validated against ``ndim`` and made non-negative."""
    if not _is_int(axis):
        raise TypeError(f"`ops.{op}`: `{arg}` must be an int. Received: {arg}={axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`ops.{op}`: `{arg}`={axis} is out of range for a tensor of rank {ndim} "
            f"(valid: {-ndim} to {ndim - 1}). Received: {arg}={axis}"
        )
    return int(axis) % ndim


def _axes(op: str, axis, ndim: int, arg: str = "axis"):
    """A tuple of validated non-negative axes (``None`` stays ``None``)."""
    if axis is None:
        return None
    items = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    out = tuple(_axis(op, a, ndim, arg) for a in items)
    if len(set(out)) != len(out):
        raise ValueError(f"`ops.{op}`: `{arg}` has a repeated axis. Received: {arg}={axis!r}")
    return out


def _check_axis(op: str, x, axis, arg: str = "axis") -> None:
    if axis is None:
        return
    if type(axis) is int and -_ndim(x) <= axis < _ndim(x):
        return
    _axes(op, axis, _ndim(x), arg)


def _check_choice(op: str, arg: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must be one of {', '.join(map(repr, choices))}. "
            f"Received: {arg}={value!r}"
        )


def _reduced(op: str, x, axis, keepdims: bool, dtype) -> KerasTensor:
    """The symbolic result of a reduction of ``x`` over ``axis``."""
    shape = shape_of(x)
    axes = _axes(op, axis, len(shape))
    axes = range(len(shape)) if axes is None else axes
    if keepdims:
        out = [1 if i in axes else d for i, d in enumerate(shape)]
    else:
        out = [d for i, d in enumerate(shape) if i not in axes]
    d = dtype_of(x)
    return KerasTensor(out, dtype(d) if callable(dtype) else d if dtype is None else dtype)


def _result_dtype(*xs) -> str:
    return dtypes.result_type(*(dtype_of(x) for x in xs))


def _float_result_dtype(*xs) -> str:
    return dtypes.result_type(*(dtype_of(x) for x in xs), dtypes.WEAK_FLOAT)


def _check_rank_at_least(op: str, x, rank: int, arg: str = "x"):
    ndim = _ndim(x)
    if ndim < rank:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must have rank >= {rank}. Received: {arg} with shape "
            f"{tuple(shape_of(x))}"
        )
