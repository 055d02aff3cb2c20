"""Reductions on PyTorch tensors: `sum`, `mean`, `max`, `argmax`, quantiles, cumulative sums;
sorting and searching; the NaN-ignoring reductions.
"""

from __future__ import annotations

import torch

from lamina.backend.common import dtypes, nan_reductions
from lamina.backend.common.numpy_rules import (
    axis_shape,
    cumulative_dtype,
    defined_ops,
    dtype_of,
    merge_axes_layout,
    normalize_axes,
    prod_dtype,
    sum_dtype,
)
from lamina.backend.torch import numpy as _ops  # this package: the NaN reductions' ops
from lamina.backend.torch.core import convert_to_tensor
from lamina.backend.torch.numpy._helpers import (
    _TAKES_FLOAT,
    _as_tensor,
    _promote_float,
    _tdtype,
    _to_float,
    _wide,
    promote,
)
from lamina.backend.torch.numpy.binary import subtract


def _flatten_axes(x, axis):
    """``x`` with the reduced ``axis`` moved last and merged, and the keepdims shape."""
    perm, merged, keep_shape = merge_axes_layout(x.shape, axis)
    return x.permute(*perm).reshape(*merged), keep_shape


def _keep_all(out, x, keepdims):
    return out.reshape((1,) * x.ndim) if keepdims else out


# Torch has no CPU sum/prod/cumsum kernels for these: accumulate in int64, then cast.
_ACCUMULATE_AS = {torch.uint16: torch.int64, torch.uint32: torch.int64, torch.uint64: torch.int64}


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype in _TAKES_FLOAT:
        if axis is None:
            return _keep_all(torch.sum(x), x, keepdims)
        return torch.sum(x, dim=axis, keepdim=keepdims)
    dtype = _tdtype(sum_dtype(dtype_of(x)))
    acc = _ACCUMULATE_AS.get(dtype, dtype)
    if axis is None:
        out = _keep_all(torch.sum(x, dtype=acc), x, keepdims)
    else:
        out = torch.sum(x, dim=normalize_axes(axis, x.ndim), keepdim=keepdims, dtype=acc)
    return out.to(dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    dtype = prod_dtype(dtype, dtype_of(x))
    y, keep_shape = _flatten_axes(x, axis)
    target = _tdtype(dtype)
    acc = _ACCUMULATE_AS.get(target, target)
    out = torch.prod(y.to(acc), dim=-1, dtype=acc).to(target)
    return out.reshape(keep_shape) if keepdims else out


def mean(x, axis=None, keepdims=False):
    x = _to_float(x)
    if x.dtype in (torch.float32, torch.float64):
        if axis is None:
            return _keep_all(torch.mean(x), x, keepdims)
        return torch.mean(x, dim=axis, keepdim=keepdims)
    if axis is None:
        return _keep_all(torch.mean(_wide(x)), x, keepdims).to(x.dtype)
    return torch.mean(_wide(x), dim=normalize_axes(axis, x.ndim), keepdim=keepdims).to(x.dtype)


def _extreme(fn, x, axis, keepdims, initial):
    x = convert_to_tensor(x)
    if x.ndim == 0:
        out = x.clone()
    elif axis is None:
        out = _keep_all(fn(x), x, keepdims)
    else:
        out = fn(x, dim=axis, keepdim=keepdims)
    if initial is not None:
        bound = _as_tensor(initial, dtype_of(x))
        out = torch.maximum(out, bound) if fn is torch.amax else torch.minimum(out, bound)
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _extreme(torch.amax, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _extreme(torch.amin, x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


def var(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = torch.var(_wide(x), dim=normalize_axes(axis, x.ndim), correction=0, keepdim=keepdims)
    return out.to(x.dtype)


def std(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = torch.std(_wide(x), dim=normalize_axes(axis, x.ndim), correction=0, keepdim=keepdims)
    return out.to(x.dtype)


def all(x, axis=None, keepdims=False):
    x = convert_to_tensor(x).to(torch.bool)
    if axis is None:
        return _keep_all(torch.all(x), x, keepdims)
    return torch.all(x, dim=normalize_axes(axis, x.ndim), keepdim=keepdims)


def any(x, axis=None, keepdims=False):
    x = convert_to_tensor(x).to(torch.bool)
    if axis is None:
        return _keep_all(torch.any(x), x, keepdims)
    return torch.any(x, dim=normalize_axes(axis, x.ndim), keepdim=keepdims)


def _arg_extreme(fn, x, axis, keepdims):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None:
        out = fn(x.reshape(-1))
        return _keep_all(out, x, keepdims).to(torch.int32)
    return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x, axis=None, keepdims=False):
    return _arg_extreme(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_extreme(torch.argmin, x, axis, keepdims)


def count_nonzero(x, axis=None):
    x = convert_to_tensor(x)
    return torch.count_nonzero(x, dim=normalize_axes(axis, x.ndim)).to(torch.int32)


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    x, weights = _promote_float(x, weights)
    if weights.ndim == 1 and x.ndim > 1:
        weights = weights.reshape(axis_shape(x.ndim, axis))
    dims = normalize_axes(axis, x.ndim)
    total = torch.sum(_wide(x * weights), dim=dims)
    return (total / torch.sum(_wide(torch.broadcast_to(weights, x.shape)), dim=dims)).to(x.dtype)


def _quantile(x, q, axis, method, keepdims, fn=torch.quantile):
    x = _to_float(x)
    compute = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    q = convert_to_tensor(q).to(compute)
    y, keep_shape = _flatten_axes(x.to(compute), axis)
    out = fn(y, q, dim=-1, interpolation=method)
    if keepdims:
        out = out.reshape(*q.shape, *keep_shape)
    return out.to(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, convert_to_tensor(q, "float64") / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims)


def _cumulative(fn, x, axis, dtype):
    x = convert_to_tensor(x)
    target = _tdtype(cumulative_dtype(dtype, dtype_of(x)))
    if axis is None:
        x, axis = x.reshape(-1), 0
    acc = _ACCUMULATE_AS.get(target, target)
    return fn(x.to(acc), dim=axis, dtype=acc).to(target)


def cumsum(x, axis=None, dtype=None):
    return _cumulative(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(torch.cumprod, x, axis, dtype)


# Sorting and searching ----------------------------------------------------------------------


def sort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis, stable=True).values


def argsort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def argpartition(x, kth, axis=-1):
    return argsort(x, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = promote(sorted_sequence, values)
    if values.dtype == torch.bool:
        sorted_sequence, values = sorted_sequence.to(torch.uint8), values.to(torch.uint8)
    right = side == "right"
    return torch.searchsorted(sorted_sequence, values, right=right, out_int32=True)


def digitize(x, bins):
    bins, x = promote(bins, x)
    return torch.searchsorted(bins, x, right=True, out_int32=True)


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
    if not dtypes.is_float(dtype_of(x)):
        return quantile(x, q, axis=axis, method=method, keepdims=keepdims)
    return _quantile(x, q, axis, method, keepdims, torch.nanquantile)


__all__ = defined_ops(globals())
