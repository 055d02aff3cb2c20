"""Reductions on TensorFlow tensors: `sum`, `mean`, `max`, `argmax`, quantiles, cumulative sums;
sorting and searching; the NaN-ignoring reductions.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from lamina.backend.common import dtypes, nan_reductions
from lamina.backend.common.numpy_rules import (
    axis_shape,
    cumulative_dtype,
    defined_ops,
    dtype_of,
    merge_axes_layout,
    prod_dtype,
    sum_dtype,
)
from lamina.backend.tensorflow import numpy as _ops  # this package: the NaN reductions' ops
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype
from lamina.backend.tensorflow.numpy._helpers import (
    _INT_COMPUTE,
    _axes,
    _moveaxis,
    _promote_float,
    _shape,
    _to_float,
    _wide,
    promote,
)
from lamina.backend.tensorflow.numpy.binary import subtract


def _flatten_axes(x, axis):
    """``x`` with the reduced ``axis`` moved last and merged, and the keepdims shape."""
    perm, merged, keep_shape = merge_axes_layout(_shape(x), axis)
    return tf.reshape(tf.transpose(x, perm), merged), keep_shape


def _reduce_axis(x, axis):
    return None if axis is None else _axes(x, axis)


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = to_tf_dtype(sum_dtype(dtype_of(x)))
    acc = _INT_COMPUTE.get(dtype, dtype)
    out = tf.reduce_sum(tf.cast(x, acc), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    dtype = to_tf_dtype(prod_dtype(dtype, dtype_of(x)))
    acc = _INT_COMPUTE.get(dtype, dtype)
    out = tf.reduce_prod(tf.cast(x, acc), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, dtype)


def mean(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = tf.reduce_mean(_wide(x), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, x.dtype)


def _extreme(reduce, bool_reduce, pick, x, axis, keepdims, initial):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        return bool_reduce(x, axis=_reduce_axis(x, axis), keepdims=keepdims)
    wide = _INT_COMPUTE.get(x.dtype) if x.dtype.is_unsigned else None
    y = x if wide is None else tf.cast(x, wide)
    out = reduce(y, axis=_reduce_axis(x, axis), keepdims=keepdims)
    if initial is not None:
        out = pick(out, tf.cast(initial, out.dtype))
    return tf.cast(out, x.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    return _extreme(tf.reduce_max, tf.reduce_any, tf.maximum, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _extreme(tf.reduce_min, tf.reduce_all, tf.minimum, x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


def var(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = tf.math.reduce_variance(_wide(x), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, x.dtype)


def std(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = tf.math.reduce_std(_wide(x), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, x.dtype)


def all(x, axis=None, keepdims=False):
    x = tf.cast(convert_to_tensor(x), tf.bool)
    return tf.reduce_all(x, axis=_reduce_axis(x, axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    x = tf.cast(convert_to_tensor(x), tf.bool)
    return tf.reduce_any(x, axis=_reduce_axis(x, axis), keepdims=keepdims)


def _arg_extreme(fn, x, axis, keepdims):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if axis is None:
        out = fn(tf.reshape(x, [-1]), axis=0, output_type=tf.int32)
        return tf.reshape(out, [1] * x.shape.rank) if keepdims else out
    out = fn(x, axis=axis, output_type=tf.int32)
    return tf.expand_dims(out, axis) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    return _arg_extreme(tf.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_extreme(tf.argmin, x, axis, keepdims)


def count_nonzero(x, axis=None):
    x = convert_to_tensor(x)
    return tf.math.count_nonzero(x, axis=_reduce_axis(x, axis), dtype=tf.int32)


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    x, weights = _promote_float(x, weights)
    if weights.shape.rank == 1 and x.shape.rank > 1:
        weights = tf.reshape(weights, axis_shape(x.shape.rank, axis))
    weights = tf.broadcast_to(weights, tf.shape(x))
    axes = _reduce_axis(x, axis)
    total = tf.reduce_sum(_wide(x * weights), axis=axes)
    return tf.cast(total / tf.reduce_sum(_wide(weights), axis=axes), x.dtype)


def _quantile(x, q, axis, method, keepdims, ignore_nan=False):
    x = _to_float(x)
    compute = _wide(x).dtype
    q = tf.cast(convert_to_tensor(q), compute)
    y, keep_shape = _flatten_axes(_wide(x), axis)
    if ignore_nan:  # NaNs sort last and are not counted
        nan = tf.math.is_nan(y)
        values = tf.sort(tf.where(nan, tf.constant(np.inf, compute), y), axis=-1)
        count = tf.reduce_sum(tf.cast(tf.logical_not(nan), compute), axis=-1, keepdims=True)
    else:
        values = tf.sort(y, axis=-1)
        count = tf.cast(tf.shape(values)[-1:], compute)
    position = tf.maximum(tf.reshape(q, [-1]) * (count - 1), 0)  # (..., number of q)
    lower, upper = tf.floor(position), tf.math.ceil(position)
    batch = values.shape.rank - 1
    index_shape = tf.concat([tf.shape(values)[:-1], tf.shape(position)[-1:]], axis=0)

    def pick(index):
        index = tf.broadcast_to(tf.cast(index, tf.int32), index_shape)
        return tf.gather(values, index, axis=-1, batch_dims=batch)

    if method == "lower":
        out = pick(lower)
    elif method == "higher":
        out = pick(upper)
    elif method == "nearest":
        out = pick(tf.round(position))
    else:
        low, high = pick(lower), pick(upper)
        out = (low + high) / 2 if method == "midpoint" else low + (high - low) * (position - lower)
    if ignore_nan:
        out = tf.where(tf.equal(count, 0), tf.constant(np.nan, compute), out)
    # The q axis is last: move it first, then give q its shape back.
    out = _moveaxis(out, [-1], [0])
    if keepdims:
        rest = tf.stack(keep_shape) if keep_shape else tf.zeros([0], tf.int32)
    else:
        rest = tf.shape(out)[1:]
    out = tf.reshape(out, tf.concat([tf.shape(q), tf.cast(rest, tf.int32)], axis=0))
    return tf.cast(out, x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, convert_to_tensor(q, "float64") / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims)


def _cumulative(fn, x, axis, dtype):
    x = convert_to_tensor(x)
    dtype = to_tf_dtype(cumulative_dtype(dtype, dtype_of(x)))
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    acc = _INT_COMPUTE.get(dtype, dtype)
    return tf.cast(fn(tf.cast(x, acc), axis=axis), dtype)


def cumsum(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumprod, x, axis, dtype)


# Sorting and searching ----------------------------------------------------------------------


def _sortable(x):
    return tf.cast(x, tf.int32) if x.dtype == tf.bool or x.dtype in _INT_COMPUTE else x


def sort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.cast(tf.sort(_sortable(x), axis=axis), x.dtype)


def argsort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.cast(tf.argsort(_sortable(x), axis=axis, stable=True), tf.int32)


def argpartition(x, kth, axis=-1):
    return argsort(x, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = promote(sorted_sequence, values)
    if values.dtype == tf.bool or values.dtype in _INT_COMPUTE:
        sorted_sequence, values = _sortable(sorted_sequence), _sortable(values)
    flat = tf.reshape(values, [-1])
    out = tf.searchsorted(sorted_sequence, flat, side=side, out_type=tf.int32)
    return tf.reshape(out, tf.shape(values))


def digitize(x, bins):
    return searchsorted(bins, x, side="right")


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
    return _quantile(x, q, axis, method, keepdims, ignore_nan=True)


__all__ = defined_ops(globals())
