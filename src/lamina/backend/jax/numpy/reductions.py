"""Reductions on JAX arrays: `sum`, `mean`, `max`, `argmax`, quantiles, cumulative sums; sorting
and searching; the NaN-ignoring reductions.
"""

from __future__ import annotations

import jax.numpy as jnp

from lamina.backend.common import dtypes, nan_reductions
from lamina.backend.common.numpy_rules import (
    axis_arg,
    cumulative_dtype,
    defined_ops,
    prod_dtype,
    sum_dtype,
)
from lamina.backend.jax import numpy as _ops  # this package: the NaN reductions' ops
from lamina.backend.jax.core import convert_to_tensor
from lamina.backend.jax.numpy._helpers import (
    _compute_dtype,
    _dtype,
    _np_dtype,
    _out,
    _promote_float,
    _to_float,
    promote,
)


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = sum_dtype(_dtype(x))
    return _out(jnp.sum(x, axis=axis_arg(axis), keepdims=keepdims, dtype=_np_dtype(dtype)), dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    dtype = prod_dtype(dtype, _dtype(x))
    out = jnp.prod(x, axis=axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(dtype))
    return _out(out, dtype)


def mean(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = jnp.mean(x, axis=axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(_dtype(x)))
    return _out(out, x.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    kwargs = {} if initial is None else {"initial": initial}
    return _out(jnp.max(x, axis=axis_arg(axis), keepdims=keepdims, **kwargs), x.dtype)


def min(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    kwargs = {} if initial is None else {"initial": initial}
    return _out(jnp.min(x, axis=axis_arg(axis), keepdims=keepdims, **kwargs), x.dtype)


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return _out(jnp.ptp(x, axis=axis_arg(axis), keepdims=keepdims), x.dtype)


def std(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = jnp.std(x, axis=axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(_dtype(x)))
    return _out(out, x.dtype)


def var(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = jnp.var(x, axis=axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(_dtype(x)))
    return _out(out, x.dtype)


def all(x, axis=None, keepdims=False):
    return jnp.asarray(jnp.all(convert_to_tensor(x), axis=axis_arg(axis), keepdims=keepdims))


def any(x, axis=None, keepdims=False):
    return jnp.asarray(jnp.any(convert_to_tensor(x), axis=axis_arg(axis), keepdims=keepdims))


def argmax(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return _out(jnp.argmax(x, axis=axis, keepdims=keepdims), "int32")


def argmin(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return _out(jnp.argmin(x, axis=axis, keepdims=keepdims), "int32")


def count_nonzero(x, axis=None):
    return _out(jnp.count_nonzero(convert_to_tensor(x), axis=axis_arg(axis)), "int32")


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    x, weights = _promote_float(x, weights)
    dtype = x.dtype
    compute = _compute_dtype(_dtype(x))
    return _out(jnp.average(x.astype(compute), axis, weights.astype(compute)), dtype)


def _quantile(fn, x, q, axis, method, keepdims):
    x = _to_float(x)
    compute = _compute_dtype(_dtype(x))
    q = convert_to_tensor(q, compute)
    out = fn(x.astype(compute), q, axis=axis_arg(axis), method=method, keepdims=keepdims)
    return _out(out, x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(jnp.quantile, x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(jnp.percentile, x, q, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(jnp.quantile, x, 0.5, axis, "linear", keepdims)


def cumsum(x, axis=None, dtype=None):
    x = convert_to_tensor(x)
    dtype = cumulative_dtype(dtype, _dtype(x))
    return _out(jnp.cumsum(x, axis=axis, dtype=_compute_dtype(dtype)), dtype)


def cumprod(x, axis=None, dtype=None):
    x = convert_to_tensor(x)
    dtype = cumulative_dtype(dtype, _dtype(x))
    return _out(jnp.cumprod(x, axis=axis, dtype=_compute_dtype(dtype)), dtype)


# Sorting and searching ----------------------------------------------------------------------


def sort(x, axis=-1):
    return jnp.sort(convert_to_tensor(x), axis=axis)


def argsort(x, axis=-1):
    return _out(jnp.argsort(convert_to_tensor(x), axis=axis, stable=True), "int32")


def argpartition(x, kth, axis=-1):
    return _out(jnp.argpartition(convert_to_tensor(x), kth, axis=axis), "int32")


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = promote(sorted_sequence, values)
    return _out(jnp.searchsorted(sorted_sequence, values, side=side), "int32")


def digitize(x, bins):
    bins, x = promote(bins, x)
    return _out(jnp.searchsorted(bins, x, side="right"), "int32")


# NaN-ignoring reductions: written once, in common/nan_reductions.py, over this package ------


def nansum(x, axis=None, keepdims=False):
    return nan_reductions.nansum(_ops, x, axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    return nan_reductions.nanprod(_ops, x, axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    return nan_reductions.nanmean(_ops, x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    return nan_reductions.nanvar(_ops, x, axis, keepdims)


def nanstd(x, axis=None, keepdims=False):
    return nan_reductions.nanstd(_ops, x, axis, keepdims)


def nanmax(x, axis=None, keepdims=False):
    return nan_reductions.nanmax(_ops, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    return nan_reductions.nanmin(_ops, x, axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return nan_reductions.nanargmax(_ops, x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return nan_reductions.nanargmin(_ops, x, axis, keepdims)


def nancumsum(x, axis=None, dtype=None):
    return nan_reductions.nancumsum(_ops, x, axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    return nan_reductions.nancumprod(_ops, x, axis, dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nan_reductions.nanpercentile(_ops, x, q, axis, method, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nan_reductions.nanmedian(_ops, x, axis, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = convert_to_tensor(x)
    if not dtypes.is_float(_dtype(x)):
        return quantile(x, q, axis=axis, method=method, keepdims=keepdims)
    return _quantile(jnp.nanquantile, x, q, axis, method, keepdims)


__all__ = defined_ops(globals())
