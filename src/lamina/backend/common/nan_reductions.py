"""NaN-ignoring reductions (``nansum``, ``nanmean``, ...), written once over a backend's own ops.

Each function takes ``ops`` first: a backend's `numpy` package (``lamina.backend.<b>.numpy``),
whose NumPy-style ops (``sum``, ``where``, ``isnan``, ...) and core ``cast`` and
``convert_to_tensor`` it composes. The backends' ``nan*`` functions call these, except
``nanquantile``, which each backend writes with its framework's own kernel.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import wide_dtype


def _dtype(x) -> str:
    return dtypes.standardize_dtype(x.dtype)


def _filled(ops, x, fill):
    """``x`` with NaNs replaced by ``fill``, and the NaN mask (None when ``x`` is not float)."""
    x = ops.convert_to_tensor(x)
    if not dtypes.is_float(_dtype(x)):
        return x, None
    nan = ops.isnan(x)
    return ops.where(nan, fill, x), nan


def _total_and_count(ops, filled, nan, axis, keepdims):
    compute = wide_dtype(_dtype(filled))
    total = ops.sum(ops.cast(filled, compute), axis=axis, keepdims=keepdims)
    count = ops.sum(ops.cast(ops.logical_not(nan), compute), axis=axis, keepdims=keepdims)
    return total, count


def nansum(ops, x, axis, keepdims):
    return ops.sum(_filled(ops, x, 0)[0], axis=axis, keepdims=keepdims)


def nanprod(ops, x, axis, keepdims):
    return ops.prod(_filled(ops, x, 1)[0], axis=axis, keepdims=keepdims)


def nanmean(ops, x, axis, keepdims):
    filled, nan = _filled(ops, x, 0)
    if nan is None:
        return ops.mean(x, axis=axis, keepdims=keepdims)
    total, count = _total_and_count(ops, filled, nan, axis, keepdims)
    return ops.cast(ops.divide(total, count), _dtype(filled))


def nanvar(ops, x, axis, keepdims):
    filled, nan = _filled(ops, x, 0)
    if nan is None:
        return ops.var(x, axis=axis, keepdims=keepdims)
    total, count = _total_and_count(ops, filled, nan, axis, True)
    mean = ops.divide(total, count)
    centered = ops.where(nan, 0, ops.subtract(ops.cast(filled, _dtype(total)), mean))
    squares = ops.sum(ops.multiply(centered, centered), axis=axis, keepdims=keepdims)
    count = count if keepdims else ops.squeeze(count, axis=axis)
    return ops.cast(ops.divide(squares, count), _dtype(filled))


def nanstd(ops, x, axis, keepdims):
    return ops.sqrt(nanvar(ops, x, axis, keepdims))


def _extreme(ops, reduce, fill, x, axis, keepdims):
    filled, nan = _filled(ops, x, fill)
    out = reduce(filled, axis=axis, keepdims=keepdims)
    if nan is None:
        return out
    return ops.where(ops.all(nan, axis=axis, keepdims=keepdims), float("nan"), out)


def nanmax(ops, x, axis, keepdims):
    return _extreme(ops, ops.max, -np.inf, x, axis, keepdims)


def nanmin(ops, x, axis, keepdims):
    return _extreme(ops, ops.min, np.inf, x, axis, keepdims)


def nanargmax(ops, x, axis, keepdims):
    return ops.argmax(_filled(ops, x, -np.inf)[0], axis=axis, keepdims=keepdims)


def nanargmin(ops, x, axis, keepdims):
    return ops.argmin(_filled(ops, x, np.inf)[0], axis=axis, keepdims=keepdims)


def nancumsum(ops, x, axis, dtype):
    return ops.cumsum(_filled(ops, x, 0)[0], axis=axis, dtype=dtype)


def nancumprod(ops, x, axis, dtype):
    return ops.cumprod(_filled(ops, x, 1)[0], axis=axis, dtype=dtype)


def nanpercentile(ops, x, q, axis, method, keepdims):
    return ops.nanquantile(x, ops.divide(q, 100.0), axis=axis, method=method, keepdims=keepdims)


def nanmedian(ops, x, axis, keepdims):
    return ops.nanquantile(x, 0.5, axis=axis, keepdims=keepdims)
