"""Products (`matmul`, `dot`, `einsum`, ...), statistics and signals (`bincount`, `histogram`,
`correlate`, ...) and indexing (`get_item`) on TensorFlow tensors.
"""

from __future__ import annotations

import builtins

import numpy as np
import tensorflow as tf

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import (
    axis_shape,
    correlate_dtype,
    correlate_window,
    defined_ops,
    dtype_of,
    float_dtype,
    tensordot_axes,
)
from lamina.backend.tensorflow.core import cast, convert_to_tensor
from lamina.backend.tensorflow.numpy._helpers import (
    _INT_COMPUTE,
    _moveaxis,
    _promote_all,
    _shape,
    _to_float,
    _via_int,
    _wide,
    promote,
)
from lamina.backend.tensorflow.numpy.binary import multiply
from lamina.backend.tensorflow.numpy.creation import diagonal
from lamina.backend.tensorflow.numpy.reductions import sum
from lamina.backend.tensorflow.numpy.shapes import _positive_indices, diff


def _exact(fn, x1, x2):
    """``fn`` (a matrix product) for dtypes TF lacks: bools via int32, small ints widened."""
    if x1.dtype == tf.bool:
        return tf.not_equal(fn(tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)), 0)
    if x1.dtype in _INT_COMPUTE:
        return _via_int(fn, x1, x2)
    return fn(x1, x2)


def _matmul(x1, x2):
    if x1.shape.rank == 1 and x2.shape.rank == 1:
        return tf.reduce_sum(x1 * x2)
    if x1.shape.rank == 1:
        return tf.squeeze(tf.linalg.matmul(tf.expand_dims(x1, 0), x2), -2)
    if x2.shape.rank == 1:
        return tf.squeeze(tf.linalg.matmul(x1, tf.expand_dims(x2, -1)), -1)
    if x2.shape.rank == 2 and x1.shape.rank > 2:
        # (..., n) @ (n, m) as one 2-D product: a broadcast batched product's gradient for
        # the matrix materializes a product per leading index and sums them.
        return tf.tensordot(x1, x2, [[x1.shape.rank - 1], [0]])
    return tf.linalg.matmul(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.int8:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return _exact(_matmul, x1, x2)


def _tensordot(x1, x2, axes):
    return _exact(lambda a, b: tf.tensordot(a, b, axes=axes), x1, x2)


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.shape.rank == 0 or x2.shape.rank == 0:
        return multiply(x1, x2)
    return _tensordot(x1, x2, [[x1.shape.rank - 1], [builtins.max(x2.shape.rank - 2, 0)]])


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    x1 = tf.math.conj(x1) if x1.dtype.is_complex else x1
    return _tensordot(tf.reshape(x1, [-1]), tf.reshape(x2, [-1]), 1)


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.shape.rank == 0 or x2.shape.rank == 0:
        return multiply(x1, x2)
    return _tensordot(x1, x2, [[x1.shape.rank - 1], [x2.shape.rank - 1]])


def outer(x1, x2):
    x1, x2 = promote(x1, x2)
    return multiply(tf.reshape(x1, (-1, 1)), tf.reshape(x2, (1, -1)))


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    return _tensordot(x1, x2, tensordot_axes(axes, x1.shape.rank, x2.shape.rank))


def einsum(subscripts, *operands, **kwargs):
    operands = _promote_all(operands)
    dtype = operands[0].dtype
    if dtype == tf.bool:
        out = tf.einsum(subscripts, *[tf.cast(o, tf.int32) for o in operands])
        return tf.not_equal(out, 0)
    if dtype == tf.int8:
        return tf.einsum(subscripts, *[tf.cast(o, tf.int32) for o in operands])
    wide = _INT_COMPUTE.get(dtype)
    if wide is not None:
        return tf.cast(tf.einsum(subscripts, *[tf.cast(o, wide) for o in operands]), dtype)
    return tf.einsum(subscripts, *operands)


def _cross_vectors(a, b):
    """Cross products of 2- or 3-vectors in the last axis (2-vectors have a zero z)."""
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    if a.shape[-1] == 2:
        a = tf.concat([a, tf.zeros_like(a[..., :1])], axis=-1)
    if b.shape[-1] == 2:
        b = tf.concat([b, tf.zeros_like(b[..., :1])], axis=-1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _moveaxis(x1, [axisa], [-1]), _moveaxis(x2, [axisb], [-1])
    out = _cross_vectors(a, b)
    if out.shape.rank == builtins.max(a.shape.rank, b.shape.rank):
        return _moveaxis(out, [-1], [axisc])
    return out


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    rank = builtins.max(x1.shape.rank, x2.shape.rank)
    s1 = [1] * (rank - x1.shape.rank) + _shape(x1)
    s2 = [1] * (rank - x2.shape.rank) + _shape(x2)
    a = tf.reshape(x1, [d for pair in zip(s1, [1] * rank) for d in pair])
    b = tf.reshape(x2, [d for pair in zip([1] * rank, s2) for d in pair])
    return tf.reshape(multiply(a, b), [d1 * d2 for d1, d2 in zip(s1, s2)])


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    return sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


# Statistics and signals ---------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    x = tf.cast(convert_to_tensor(x), tf.int32)
    if weights is None:
        return tf.math.bincount(x, minlength=minlength, dtype=tf.int32)
    weights = convert_to_tensor(weights)
    dtype = dtypes.result_type("int32", dtype_of(weights))
    out = tf.math.bincount(x, weights=tf.cast(weights, tf.float64), minlength=minlength)
    return cast(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    edges_dtype = float_dtype(dtype_of(x))
    values = tf.cast(tf.reshape(x, [-1]), tf.float64)
    if range is None:
        lo, hi = tf.reduce_min(values), tf.reduce_max(values)
    else:
        lo, hi = tf.constant(float(range[0]), tf.float64), tf.constant(float(range[1]), tf.float64)
    same = tf.equal(lo, hi)
    lo, hi = tf.where(same, lo - 0.5, lo), tf.where(same, hi + 0.5, hi)
    edges = lo + (hi - lo) * tf.range(bins + 1, dtype=tf.float64) / bins
    edges = tf.tensor_scatter_nd_update(edges, [[bins]], [hi])
    values = tf.boolean_mask(values, (values >= lo) & (values <= hi))
    index = tf.clip_by_value(
        tf.cast(tf.floor((values - lo) / (hi - lo) * bins), tf.int32), 0, bins - 1
    )
    index -= tf.cast(values < tf.gather(edges, index), tf.int32)
    index += tf.cast((values >= tf.gather(edges, index + 1)) & (index != bins - 1), tf.int32)
    counts = tf.math.bincount(index, minlength=bins, maxlength=bins, dtype=tf.int32)
    return counts, cast(edges, edges_dtype)


def correlate(x1, x2, mode="valid"):
    x1, x2 = promote(x1, x2)
    dtype = correlate_dtype(dtype_of(x1))
    a, v = _wide(cast(x1, dtype)), _wide(cast(x2, dtype))
    n, m = a.shape[0], v.shape[0]
    padded = tf.pad(a, [[m - 1, m - 1]])
    full_ = tf.nn.conv1d(
        tf.reshape(padded, [1, -1, 1]), tf.reshape(v, [m, 1, 1]), stride=1, padding="VALID"
    )
    start, length = correlate_window(n, m, mode)
    return cast(tf.reshape(full_, [-1])[start : start + length], dtype)


def corrcoef(x):
    x = _to_float(x)
    rows = _wide(tf.reshape(x, [1, -1]) if x.shape.rank == 1 else x)
    centered = rows - tf.reduce_mean(rows, axis=1, keepdims=True)
    cov = tf.linalg.matmul(centered, centered, transpose_b=True)
    d = tf.sqrt(tf.linalg.diag_part(cov))
    out = tf.clip_by_value(cov / d[:, None] / d[None, :], -1.0, 1.0)
    return tf.cast(tf.reshape(out, []) if x.shape.rank == 1 else out, x.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _to_float(y)
    axis = int(axis) % y.shape.rank
    head = (builtins.slice(None),) * axis
    later, earlier = y[head + (builtins.slice(1, None),)], y[head + (builtins.slice(None, -1),)]
    if x is None:
        d = tf.cast(dx, y.dtype)
    else:
        x = convert_to_tensor(x, dtype_of(y))
        if x.shape.rank == 1:
            d = tf.reshape(x[1:] - x[:-1], axis_shape(y.shape.rank, axis))
        else:
            d = diff(x, axis=axis)
    return tf.cast(tf.reduce_sum(_wide(d * (later + earlier) / 2), axis=axis), y.dtype)


# Indexing -----------------------------------------------------------------------------------


def _index(k):
    if k is None or k is Ellipsis or isinstance(k, builtins.slice):
        return k
    if isinstance(k, (int, np.integer)):
        return int(k)
    return convert_to_tensor(k)


def _is_array_index(k):
    return isinstance(k, (tf.Tensor, tf.Variable)) and (k.shape.rank or k.dtype == tf.bool)


def get_item(x, key):
    x = convert_to_tensor(x)
    key = [_index(k) for k in (key if isinstance(key, tuple) else (key,))]
    if not builtins.any(_is_array_index(k) for k in key):
        return x[tuple(key)]
    return _advanced_index(x, key)


def _advanced_index(x, key):
    """NumPy indexing with index arrays, through `tf.gather_nd`."""
    items = []
    for k in key:  # a bool mask stands for one index array per axis it covers
        if isinstance(k, (tf.Tensor, tf.Variable)) and k.dtype == tf.bool:
            found = tf.where(k)
            items.extend(found[:, i] for i in range(k.shape.rank))
        else:
            items.append(k)
    used = builtins.sum(1 for k in items if k is not None and k is not Ellipsis)
    fill = [builtins.slice(None)] * (x.shape.rank - used)
    if builtins.any(k is Ellipsis for k in items):
        at = next(i for i, k in enumerate(items) if k is Ellipsis)
        items = items[:at] + fill + items[at + 1 :]
    else:
        items = items + fill
    basic, arrays, positions = [], [], []
    for k in items:  # ints beside index arrays act as (broadcast) index arrays, as in NumPy
        if k is None or isinstance(k, builtins.slice):
            basic.append(k)
        else:
            basic.append(builtins.slice(None))
            arrays.append(k)
            positions.append(len(basic) - 1)
    y = x[tuple(basic)]
    dims = tf.shape(y)
    arrays = [_positive_indices(a, dims[p]) for a, p in zip(arrays, positions)]
    common = tf.shape(arrays[0])
    for a in arrays[1:]:
        common = tf.broadcast_dynamic_shape(common, tf.shape(a))
    index = tf.stack([tf.broadcast_to(a, common) for a in arrays], axis=-1)
    rest = [d for d in range(y.shape.rank) if d not in positions]
    out = tf.gather_nd(tf.transpose(y, positions + rest), index)
    start = positions[0]
    if positions == list(range(start, start + len(positions))) and start > 0:
        n_index = index.shape.rank - 1
        perm = list(range(out.shape.rank))
        perm = perm[n_index : n_index + start] + perm[:n_index] + perm[n_index + start :]
        out = tf.transpose(out, perm)
    return out


__all__ = defined_ops(globals())
