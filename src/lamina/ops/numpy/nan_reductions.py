"""NumPy-style reductions that ignore NaNs: `nansum`, `nanmean`, `nanmax`, `nanargmax`,
`nanquantile`, ...
"""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.numpy._common import (
    _axis,
    _check_axis,
    _check_choice,
    _float_dtype,
    _ndim,
    _reduced,
    _sum_dtype,
)
from lamina.ops.numpy.reductions import _QUANTILE_METHODS, _arg_reduce, _cumulative
from lamina.ops.symbolic import any_symbolic, shape_of

__all__ = [
    "nansum",
    "nanprod",
    "nanmean",
    "nanvar",
    "nanstd",
    "nanmax",
    "nanmin",
    "nanargmax",
    "nanargmin",
    "nancumsum",
    "nancumprod",
    "nanquantile",
    "nanpercentile",
    "nanmedian",
]


# NaN-ignoring reductions ---------------------------------------------------------------------


def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis``, treating NaNs as zero.

    Example:
        >>> lamina.ops.nansum(np.array([1.0, np.nan, 3.0]))
        array(4.)
    """
    if any_symbolic(x):
        return _reduced("nansum", x, axis, keepdims, _sum_dtype)
    _check_axis("nansum", x, axis)
    return B.numpy.nansum(x, axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis``, treating NaNs as one.

    Example:
        >>> lamina.ops.nanprod(np.array([2.0, np.nan, 3.0]))
        array(6.)
    """
    if any_symbolic(x):
        return _reduced("nanprod", x, axis, keepdims, _sum_dtype)
    _check_axis("nanprod", x, axis)
    return B.numpy.nanprod(x, axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the non-NaN elements (NaN where all are NaN).

    Example:
        >>> lamina.ops.nanmean(np.array([1.0, np.nan, 3.0]))
        array(2.)
    """
    if any_symbolic(x):
        return _reduced("nanmean", x, axis, keepdims, _float_dtype)
    _check_axis("nanmean", x, axis)
    return B.numpy.nanmean(x, axis=axis, keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    """Variance over ``axis`` of the non-NaN elements.

    Example:
        >>> lamina.ops.nanvar(np.array([1.0, np.nan, 3.0]))
        array(1.)
    """
    if any_symbolic(x):
        return _reduced("nanvar", x, axis, keepdims, _float_dtype)
    _check_axis("nanvar", x, axis)
    return B.numpy.nanvar(x, axis=axis, keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    """Standard deviation over ``axis`` of the non-NaN elements.

    Example:
        >>> lamina.ops.nanstd(np.array([1.0, np.nan, 3.0]))
        array(1.)
    """
    if any_symbolic(x):
        return _reduced("nanstd", x, axis, keepdims, _float_dtype)
    _check_axis("nanstd", x, axis)
    return B.numpy.nanstd(x, axis=axis, keepdims=keepdims)


def nanmax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` ignoring NaNs (NaN where all are NaN).

    Example:
        >>> lamina.ops.nanmax(np.array([1.0, np.nan, 3.0]))
        array(3.)
    """
    if any_symbolic(x):
        return _reduced("nanmax", x, axis, keepdims, None)
    _check_axis("nanmax", x, axis)
    return B.numpy.nanmax(x, axis=axis, keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` ignoring NaNs (NaN where all are NaN).

    Example:
        >>> lamina.ops.nanmin(np.array([1.0, np.nan, 3.0]))
        array(1.)
    """
    if any_symbolic(x):
        return _reduced("nanmin", x, axis, keepdims, None)
    _check_axis("nanmin", x, axis)
    return B.numpy.nanmin(x, axis=axis, keepdims=keepdims)


def nanargmax(x, axis=None, keepdims=False):
    """Index (int32) of the maximum along ``axis`` ignoring NaNs.

    Example:
        >>> lamina.ops.nanargmax(np.array([1.0, np.nan, 3.0]))
        array(2, dtype=int32)
    """
    if axis is not None:
        _axis("nanargmax", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("nanargmax", x, axis, keepdims)
    return B.numpy.nanargmax(x, axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    """Index (int32) of the minimum along ``axis`` ignoring NaNs.

    Example:
        >>> lamina.ops.nanargmin(np.array([1.0, np.nan, 3.0]))
        array(0, dtype=int32)
    """
    if axis is not None:
        _axis("nanargmin", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("nanargmin", x, axis, keepdims)
    return B.numpy.nanargmin(x, axis=axis, keepdims=keepdims)


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis``, treating NaNs as zero.

    Example:
        >>> lamina.ops.nancumsum(np.array([1.0, np.nan, 3.0]))
        array([1., 1., 4.])
    """
    if any_symbolic(x):
        return _cumulative("nancumsum", x, axis, dtype)
    _check_axis("nancumsum", x, axis)
    return B.numpy.nancumsum(x, axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis``, treating NaNs as one.

    Example:
        >>> lamina.ops.nancumprod(np.array([2.0, np.nan, 3.0]))
        array([2., 2., 6.])
    """
    if any_symbolic(x):
        return _cumulative("nancumprod", x, axis, dtype)
    _check_axis("nancumprod", x, axis)
    return B.numpy.nancumprod(x, axis=axis, dtype=dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles over ``axis`` of the non-NaN elements.

    Example:
        >>> lamina.ops.nanquantile(np.array([1.0, np.nan, 3.0]), 0.5)
        array(2.)
    """
    _check_choice("nanquantile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("nanquantile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("nanquantile", x, axis)
    return B.numpy.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles over ``axis`` of the non-NaN elements.

    Example:
        >>> lamina.ops.nanpercentile(np.array([1.0, np.nan, 3.0, 4.0]), 50)
        array(3.)
    """
    _check_choice("nanpercentile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("nanpercentile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("nanpercentile", x, axis)
    return B.numpy.nanpercentile(x, q, axis=axis, method=method, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """Median over ``axis`` of the non-NaN elements.

    Example:
        >>> lamina.ops.nanmedian(np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 9.0]]), axis=1)
        array([2., 5.])
    """
    if any_symbolic(x):
        return _reduced("nanmedian", x, axis, keepdims, _float_dtype)
    _check_axis("nanmedian", x, axis)
    return B.numpy.nanmedian(x, axis=axis, keepdims=keepdims)
