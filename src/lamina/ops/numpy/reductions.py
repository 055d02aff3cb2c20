"""NumPy-style reductions, NaN-ignoring reductions, sorting and searching: `sum`, `argmax`, `nanmean`, `sort`, ..."""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.numpy._common import (
    _axis,
    _bool_to_int32,
    _check_axis,
    _check_choice,
    _float_dtype,
    _float_result_dtype,
    _ndim,
    _reduced,
    _sum_dtype,
)
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "argpartition",
    "argsort",
    "average",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "digitize",
    "max",
    "mean",
    "median",
    "min",
    "percentile",
    "prod",
    "ptp",
    "quantile",
    "searchsorted",
    "sort",
    "std",
    "sum",
    "var",
]


# Reductions ----------------------------------------------------------------------------------


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None); bools and small ints accumulate in int32.

    Example:
        >>> lamina.ops.sum(np.ones((2, 3)), axis=1)
        array([3., 3.])
    """
    if any_symbolic(x):
        return _reduced("sum", x, axis, keepdims, _sum_dtype)
    _check_axis("sum", x, axis)
    return B.numpy.sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis`` (all axes when None); bools and small ints accumulate in int32.

    Example:
        >>> lamina.ops.prod(np.array([[1, 2], [3, 4]]), axis=0)
        array([3, 8])
    """
    if any_symbolic(x):
        return _reduced("prod", x, axis, keepdims, dtype or _sum_dtype)
    _check_axis("prod", x, axis)
    return B.numpy.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``; ints give floatx, float16 stays float16.

    Example:
        >>> lamina.ops.mean(np.array([[1, 2], [3, 4]]), axis=0)
        array([2., 3.], dtype=float32)
    """
    if any_symbolic(x):
        return _reduced("mean", x, axis, keepdims, _float_dtype)
    _check_axis("mean", x, axis)
    return B.numpy.mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis`` (all axes when None), at least ``initial`` when given.

    Example:
        >>> lamina.ops.max(np.array([[1, 5], [3, 2]]), axis=1)
        array([5, 3])
    """
    if any_symbolic(x):
        return _reduced("max", x, axis, keepdims, None)
    _check_axis("max", x, axis)
    return B.numpy.max(x, axis=axis, keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis`` (all axes when None), at most ``initial`` when given.

    Example:
        >>> lamina.ops.min(np.array([[1, 5], [3, 2]]), axis=1)
        array([1, 2])
    """
    if any_symbolic(x):
        return _reduced("min", x, axis, keepdims, None)
    _check_axis("min", x, axis)
    return B.numpy.min(x, axis=axis, keepdims=keepdims, initial=initial)


def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (all axes when None).

    Example:
        >>> lamina.ops.amax(np.array([[1, 5], [3, 2]]), axis=0)
        array([3, 5])
    """
    if any_symbolic(x):
        return _reduced("amax", x, axis, keepdims, None)
    _check_axis("amax", x, axis)
    return B.numpy.amax(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (all axes when None).

    Example:
        >>> lamina.ops.amin(np.array([[1, 5], [3, 2]]), axis=0)
        array([1, 2])
    """
    if any_symbolic(x):
        return _reduced("amin", x, axis, keepdims, None)
    _check_axis("amin", x, axis)
    return B.numpy.amin(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    """Range (maximum minus minimum) over ``axis``.

    Example:
        >>> lamina.ops.ptp(np.array([[1, 5], [3, 2]]), axis=1)
        array([4, 1])
    """
    if any_symbolic(x):
        return _reduced("ptp", x, axis, keepdims, None)
    _check_axis("ptp", x, axis)
    return B.numpy.ptp(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation over ``axis`` (population, ``ddof=0``).

    Example:
        >>> lamina.ops.std(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))
        array(2.)
    """
    if any_symbolic(x):
        return _reduced("std", x, axis, keepdims, _float_dtype)
    _check_axis("std", x, axis)
    return B.numpy.std(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Variance over ``axis`` (population, ``ddof=0``).

    Example:
        >>> lamina.ops.var(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))
        array(4.)
    """
    if any_symbolic(x):
        return _reduced("var", x, axis, keepdims, _float_dtype)
    _check_axis("var", x, axis)
    return B.numpy.var(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    """True where every element along ``axis`` is truthy.

    Example:
        >>> lamina.ops.all(np.array([[True, False], [True, True]]), axis=1)
        array([False,  True])
    """
    if any_symbolic(x):
        return _reduced("all", x, axis, keepdims, "bool")
    _check_axis("all", x, axis)
    return B.numpy.all(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    """True where some element along ``axis`` is truthy.

    Example:
        >>> lamina.ops.any(np.array([[True, False], [False, False]]), axis=0)
        array([ True, False])
    """
    if any_symbolic(x):
        return _reduced("any", x, axis, keepdims, "bool")
    _check_axis("any", x, axis)
    return B.numpy.any(x, axis=axis, keepdims=keepdims)


def _arg_reduce(op, x, axis, keepdims):
    if axis is None:
        return KerasTensor((1,) * len(shape_of(x)) if keepdims else (), "int32")
    return _reduced(op, x, axis, keepdims, "int32")


def argmax(x, axis=None, keepdims=False):
    """Index (int32) of the maximum along ``axis`` (of the flattened tensor when None).

    Example:
        >>> lamina.ops.argmax(np.array([[1, 5, 2], [7, 0, 3]]), axis=1)
        array([1, 0], dtype=int32)
    """
    if axis is not None:
        _axis("argmax", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("argmax", x, axis, keepdims)
    return B.numpy.argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index (int32) of the minimum along ``axis`` (of the flattened tensor when None).

    Example:
        >>> lamina.ops.argmin(np.array([[1, 5, 2], [7, 0, 3]]), axis=1)
        array([0, 1], dtype=int32)
    """
    if axis is not None:
        _axis("argmin", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("argmin", x, axis, keepdims)
    return B.numpy.argmin(x, axis=axis, keepdims=keepdims)


def count_nonzero(x, axis=None):
    """Number (int32) of non-zero elements along ``axis``.

    Example:
        >>> lamina.ops.count_nonzero(np.array([[0, 1, 2], [3, 0, 0]]), axis=1)
        array([2, 1], dtype=int32)
    """
    if any_symbolic(x):
        return _reduced("count_nonzero", x, axis, False, "int32")
    _check_axis("count_nonzero", x, axis)
    return B.numpy.count_nonzero(x, axis=axis)


def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``; ``weights`` match ``x`` or, 1-D, the length of ``axis``.

    Example:
        >>> lamina.ops.average(np.array([1.0, 2.0, 3.0]), weights=np.array([3.0, 1.0, 0.0]))
        array(1.25)
    """
    if axis is not None:
        _axis("average", axis, _ndim(x))
    if weights is not None:
        w_shape, x_shape = tuple(shape_of(weights)), tuple(shape_of(x))
        same = len(w_shape) == len(x_shape) and builtins.all(
            a == b or a is None or b is None for a, b in zip(w_shape, x_shape)
        )
        if not same and not (
            axis is not None and len(w_shape) == 1 and w_shape[0] in (x_shape[axis], None)
        ):
            raise ValueError(
                "`ops.average`: `weights` must have the shape of `x`, or be 1-D with the length "
                f"of `x` along `axis`. Received: x.shape={x_shape}, weights.shape={w_shape}, "
                f"axis={axis}"
            )
    if any_symbolic(x, weights):
        if weights is None:
            dtype = _float_dtype(dtype_of(x))
        else:
            dtype = _float_result_dtype(x, weights)
        return _reduced("average", x, axis, False, dtype)
    return B.numpy.average(x, axis=axis, weights=weights)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``; ``q``'s axes come first.

    Example:
        >>> lamina.ops.quantile(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.25, 0.5]))
        array([1.75, 2.5 ])
    """
    _check_choice("quantile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("quantile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("quantile", x, axis)
    return B.numpy.quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``; ``q``'s axes come first.

    Example:
        >>> lamina.ops.percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50)
        array(2.5)
    """
    _check_choice("percentile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("percentile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("percentile", x, axis)
    return B.numpy.percentile(x, q, axis=axis, method=method, keepdims=keepdims)


def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (all axes when None).

    Example:
        >>> lamina.ops.median(np.array([[1, 3, 2], [4, 6, 5]]), axis=1)
        array([2., 5.], dtype=float32)
    """
    if any_symbolic(x):
        return _reduced("median", x, axis, keepdims, _float_dtype)
    _check_axis("median", x, axis)
    return B.numpy.median(x, axis=axis, keepdims=keepdims)


def _cumulative(op, x, axis, dtype):
    if axis is None:
        shape = shape_of(x)
        n = None if None in shape else builtins.int(np.prod(shape))
        shape = (n,)
    else:
        _axis(op, axis, _ndim(x))
        shape = shape_of(x)
    return KerasTensor(shape, dtype or _bool_to_int32(dtype_of(x)))


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (over the flattened tensor when None).

    Example:
        >>> lamina.ops.cumsum(np.array([1, 2, 3, 4]))
        array([ 1,  3,  6, 10])
    """
    if any_symbolic(x):
        return _cumulative("cumsum", x, axis, dtype)
    _check_axis("cumsum", x, axis)
    return B.numpy.cumsum(x, axis=axis, dtype=dtype)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (over the flattened tensor when None).

    Example:
        >>> lamina.ops.cumprod(np.array([1, 2, 3, 4]))
        array([ 1,  2,  6, 24])
    """
    if any_symbolic(x):
        return _cumulative("cumprod", x, axis, dtype)
    _check_axis("cumprod", x, axis)
    return B.numpy.cumprod(x, axis=axis, dtype=dtype)


# Sorting and searching -----------------------------------------------------------------------


def sort(x, axis=-1):
    """Sorted copy of ``x`` along ``axis`` (the flattened tensor when None).

    Example:
        >>> lamina.ops.sort(np.array([3, 1, 2]))
        array([1, 2, 3])
    """
    if any_symbolic(x):
        return _cumulative("sort", x, axis, dtype_of(x))
    _check_axis("sort", x, axis)
    return B.numpy.sort(x, axis=axis)


def argsort(x, axis=-1):
    """Indices (int32) that sort ``x`` along ``axis`` (the flattened tensor when None).

    Example:
        >>> lamina.ops.argsort(np.array([30, 10, 20]))
        array([1, 2, 0], dtype=int32)
    """
    if any_symbolic(x):
        return _cumulative("argsort", x, axis, "int32")
    _check_axis("argsort", x, axis)
    return B.numpy.argsort(x, axis=axis)


def argpartition(x, kth, axis=-1):
    """Indices (int32) that put the ``kth`` element in its sorted place along ``axis``.

    Example:
        >>> x = np.array([30, 10, 40, 20])
        >>> idx = lamina.ops.argpartition(x, 1)
        >>> int(x[idx[1]])
        20
    """
    if axis is not None:
        n = shape_of(x)[_axis("argpartition", axis, _ndim(x))]
        if n is not None and not -n <= kth < n:
            raise ValueError(
                f"`ops.argpartition`: `kth`={kth} is out of range for axis {axis} of size {n}."
            )
    if any_symbolic(x):
        return _cumulative("argpartition", x, axis, "int32")
    return B.numpy.argpartition(x, kth, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    """Indices (int32) where ``values`` would be inserted to keep a 1-D sequence sorted.

    Example:
        >>> lamina.ops.searchsorted(np.array([1, 3, 5, 7]), np.array([0, 4, 7]))
        array([0, 2, 3], dtype=int32)
    """
    _check_choice("searchsorted", "side", side, ("left", "right"))
    if _ndim(sorted_sequence) != 1:
        raise ValueError(
            "`ops.searchsorted`: `sorted_sequence` must be 1-D. Received: sorted_sequence with "
            f"shape {tuple(shape_of(sorted_sequence))}"
        )
    if any_symbolic(sorted_sequence, values):
        return KerasTensor(shape_of(values), "int32")
    return B.numpy.searchsorted(sorted_sequence, values, side=side)


def digitize(x, bins):
    """Index (int32) of the bin of each element (``bins[i-1] <= x < bins[i]``, increasing bins).

    Example:
        >>> lamina.ops.digitize(np.array([0.5, 1.5, 2.5]), np.array([1.0, 2.0]))
        array([0, 1, 2], dtype=int32)
    """
    if _ndim(bins) != 1:
        raise ValueError(
            f"`ops.digitize`: `bins` must be 1-D. Received: bins with shape {tuple(shape_of(bins))}"
        )
    if any_symbolic(x, bins):
        return KerasTensor(shape_of(x), "int32")
    return B.numpy.digitize(x, bins)
