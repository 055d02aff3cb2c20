"""The framework-independent rules of the NumPy-style ops, written once for every backend.

Result dtypes (Keras 3's, as dtype names), axis and shape arithmetic, and argument handling in
plain Python and NumPy. Each backend's `numpy` package imports these functions by name and calls
them from its own op functions; nothing here touches a framework's tensors.
"""

from __future__ import annotations

import types

import numpy as np

from lamina import config
from lamina.backend.common import dtypes

# Dtypes -------------------------------------------------------------------------------------


def dtype_of(x) -> str:
    """The dtype name of a tensor or array; a Python scalar's weak type; a list's NumPy dtype."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(
            np.asarray(x).dtype if isinstance(x, (list, tuple)) else type(x)
        )
    return dtypes.standardize_dtype(dtype)


def part_dtype(dtype: str) -> str:
    """The dtype of ``abs``/``real``/``imag``: a complex dtype's float part; others unchanged."""
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def float_dtype(dtype: str) -> str:
    """The dtype of a float-valued op (``sqrt``, ``mean``, ...): ints and bools give floatx."""
    return config.floatx() if dtype == "bool" or dtypes.is_int(dtype) else dtype


def float64_for_int64(dtype: str) -> str:
    """Like `float_dtype`, but int64 gives float64 (``hypot``, ``cbrt``, ``deg2rad``, ...)."""
    return "float64" if dtype == "int64" else float_dtype(dtype)


def wide_dtype(dtype: str) -> str:
    """The dtype that reductions accumulate in: half-precision floats widen to float32."""
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def sum_dtype(dtype: str) -> str:
    """The dtype of ``sum``/``prod``/``trace``: small ints and bools widen to (u)int32."""
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def prod_dtype(requested, x_dtype: str) -> str:
    """The dtype of ``prod``: the one asked for, else `sum_dtype` of the input's."""
    return dtypes.standardize_dtype(requested) if requested else sum_dtype(x_dtype)


def cumulative_dtype(requested, x_dtype: str) -> str:
    """The dtype of ``cumsum``/``cumprod``: the one asked for, else the input's (bool: int32)."""
    dtype = dtypes.standardize_dtype(requested) if requested else x_dtype
    return "int32" if dtype == "bool" else dtype


def correlate_dtype(dtype: str) -> str:
    """The dtype of ``correlate``: floats keep theirs, int64 gives float64, others float32."""
    if dtype == "int64":
        return "float64"
    return dtype if dtype in ("float16", "bfloat16", "float64") else "float32"


def space_dtype(start, stop, dtype, dtype_of=dtype_of) -> str:
    """The dtype of ``linspace``/``logspace``/``geomspace``: given, else start's and stop's as a
    float (``dtype_of`` gives a backend's dtype names)."""
    if dtype:
        return dtypes.standardize_dtype(dtype)
    return dtypes.result_type(dtype_of(start), dtype_of(stop), dtypes.WEAK_FLOAT)


def arange_args(start, stop, step, dtype, dtype_of=dtype_of):
    """``arange``'s (start, stop, step, dtype) with NumPy's defaults filled in; the dtype when not
    given promotes the values' (``dtype_of`` gives a backend's dtype names)."""
    if dtype is None:
        dtype = dtypes.result_type(*(dtype_of(v) for v in (start, stop, step) if v is not None))
    if stop is None:
        start, stop = 0, start
    return start, stop, 1 if step is None else step, dtype


# Axes and shapes ----------------------------------------------------------------------------


def axis_arg(axis):
    """``axis`` as NumPy takes it: a list of axes becomes a tuple."""
    return tuple(axis) if isinstance(axis, list) else axis


def normalize_axes(axis, ndim: int) -> tuple:
    """``axis`` (an int, a sequence, or None for all) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(int(a) % max(ndim, 1) for a in axes)


def merge_axes_layout(shape, axis):
    """How a reduction over ``axis`` (see `normalize_axes`) moves those axes last and merges
    them into one: the permutation, the shape to reshape the permuted tensor to, and the
    keepdims shape."""
    ndim = len(shape)
    axes = normalize_axes(axis, ndim)
    kept = [d for d in range(ndim) if d not in axes]
    keep_shape = [1 if d in axes else shape[d] for d in range(ndim)]
    return [*kept, *axes], [shape[d] for d in kept] + [-1], keep_shape


def expand_positions(axis, ndim: int) -> list:
    """Where ``expand_dims`` inserts axes into a tensor of rank ``ndim``, in inserting order."""
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    rank = ndim + len(axes)
    return sorted(int(a) % rank for a in axes)


def with_size(shape, axis: int, size) -> tuple:
    """``shape`` with ``axis`` set to ``size``."""
    shape = list(shape)
    shape[axis] = size
    return tuple(shape)


def take_along_axis_shapes(x_shape, indices_shape, axis: int):
    """The shapes ``take_along_axis`` broadcasts ``x`` and ``indices`` to: every axis but
    ``axis`` broadcast together, ``axis`` kept."""
    common = np.broadcast_shapes(with_size(x_shape, axis, 1), with_size(indices_shape, axis, 1))
    return with_size(common, axis, x_shape[axis]), with_size(common, axis, indices_shape[axis])


def axis_shape(ndim: int, axis: int) -> list:
    """A shape of rank ``ndim``: -1 at ``axis``, 1 elsewhere (lays a 1-D tensor along ``axis``)."""
    shape = [1] * ndim
    shape[axis] = -1
    return shape


def meshgrid_shapes(sizes: list, indexing: str):
    """The output shape of ``meshgrid`` for 1-D inputs of ``sizes``, and the shape each input
    takes to broadcast to it (``"xy"`` indexing swaps the first two axes)."""
    shape = list(sizes)
    order = list(range(len(sizes)))
    if indexing == "xy" and len(sizes) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
        order[0], order[1] = 1, 0
    return shape, [axis_shape(len(sizes), axis) for axis in order]


def tensordot_axes(axes, ndim1: int, ndim2: int):
    """``tensordot``'s ``axes``: an int as is, else two lists of non-negative axes."""
    if isinstance(axes, (int, np.integer)):
        return axes
    return [
        [int(a) % ndim for a in (ax if isinstance(ax, (list, tuple)) else [ax])]
        for ax, ndim in zip(axes, (ndim1, ndim2))
    ]


# Arguments ----------------------------------------------------------------------------------


def section_indices(indices_or_sections, to_numpy):
    """``split``'s argument as an int (a number of sections) or a list of int split points
    (``to_numpy`` turns a backend tensor into a NumPy array)."""
    if isinstance(indices_or_sections, (int, np.integer)):
        return int(indices_or_sections)
    return [int(i) for i in to_numpy(indices_or_sections)]


def split_sizes(n: int, sections) -> list:
    """The part sizes of NumPy's ``array_split`` of ``n`` items: ``sections`` an int (nearly equal
    parts) or a list of split points (see `section_indices`)."""
    if isinstance(sections, int):
        return [n // sections + (1 if i < n % sections else 0) for i in range(sections)]
    points = [min(max(i if i >= 0 else n + i, 0), n) for i in sections]
    bounds = [0, *points, n]
    return [max(bounds[i + 1] - bounds[i], 0) for i in range(len(bounds) - 1)]


def pad_widths(pad_width, ndim: int) -> np.ndarray:
    """``pad_width`` (an int, a pair, or one pair per axis, as NumPy values) as one
    (before, after) pair per axis."""
    return np.broadcast_to(np.asarray(pad_width, dtype="int64"), (ndim, 2))


def pad_source_indices(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each padded position along an axis of size ``n``, the index it copies (NumPy's
    ``edge``, ``wrap``, ``symmetric`` and ``reflect`` modes)."""
    p = np.arange(-before, n + after)
    if mode == "edge" or n == 1:
        return np.clip(p, 0, n - 1)
    if mode == "wrap":
        return p % n
    if mode == "symmetric":
        q = p % (2 * n)
        return np.where(q < n, q, 2 * n - 1 - q)
    q = p % (2 * n - 2)  # reflect
    return np.where(q < n, q, 2 * n - 2 - q)


def correlate_window(n: int, m: int, mode: str):
    """Start and length of ``mode``'s slice of the full correlation of sizes ``n`` and ``m``."""
    if mode == "full":
        return 0, n + m - 1
    if mode == "valid":
        return min(n, m) - 1, max(n, m) - min(n, m) + 1
    start = (m - 1) // 2 if m <= n else (n - 1) - (n - 1) // 2
    return start, max(n, m)


# Package layout -----------------------------------------------------------------------------


def defined_ops(namespace: dict) -> list:
    """The public functions that the module of ``namespace`` defines itself: each family module
    of a backend's `numpy` package ends with ``__all__ = defined_ops(globals())``, and the
    package star-imports them."""
    module = namespace["__name__"]
    return sorted(
        name
        for name, value in namespace.items()
        if not name.startswith("_")
        and isinstance(value, types.FunctionType)
        and value.__module__ == module
    )
