"""Creation ops on TensorFlow tensors: `zeros`, `full_like`, `arange`, `linspace`, `eye`,
`diag`, windows, ...
"""

from __future__ import annotations

import builtins
import math

import numpy as np
import tensorflow as tf

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import (
    arange_args,
    defined_ops,
    dtype_of,
    meshgrid_shapes,
    space_dtype,
)
from lamina.backend.tensorflow.core import cast, convert_to_tensor, to_tf_dtype
from lamina.backend.tensorflow.numpy._helpers import (
    _INT_COMPUTE,
    _moveaxis,
    _shape,
    _value,
    _via_int,
)


def arange(start, stop=None, step=None, dtype=None):
    start, stop, step, dtype = arange_args(start, stop, step, dtype)
    dtype = to_tf_dtype(dtype)
    if dtype in _INT_COMPUTE or dtype == tf.bool:
        return tf.cast(tf.range(start, stop, step, dtype=tf.int64), dtype)
    return tf.range(tf.cast(start, dtype), tf.cast(stop, dtype), tf.cast(step, dtype))


def array(x, dtype=None):
    return tf.identity(convert_to_tensor(x, dtype))


def zeros(shape, dtype=None):
    return tf.zeros(shape, dtype=to_tf_dtype(dtype))


def ones(shape, dtype=None):
    return tf.ones(shape, dtype=to_tf_dtype(dtype))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    return tf.broadcast_to(_value(fill_value, dtype), shape)


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return tf.zeros(_shape(x), dtype=to_tf_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return tf.ones(_shape(x), dtype=to_tf_dtype(dtype) if dtype else x.dtype)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return tf.broadcast_to(_value(fill_value, dtype or dtype_of(x)), _shape(x))


def _diagonal_offsets(N, M):
    rows = tf.reshape(tf.range(N), (-1, 1))
    cols = tf.reshape(tf.range(N if M is None else M), (1, -1))
    return cols - rows


def eye(N, M=None, k=0, dtype=None):
    return tf.cast(tf.equal(_diagonal_offsets(N, M), k), to_tf_dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return tf.cast(_diagonal_offsets(N, M) <= k, to_tf_dtype(dtype))


def _triangle(x, keep):
    x = convert_to_tensor(x)
    shape = tf.shape(x)
    mask = keep(_diagonal_offsets(shape[-2], shape[-1]))
    return tf.where(mask, x, tf.zeros((), dtype=x.dtype))


def tril(x, k=0):
    return _triangle(x, lambda offsets: offsets <= k)


def triu(x, k=0):
    return _triangle(x, lambda offsets: offsets >= k)


# Ranges and grids ---------------------------------------------------------------------------


def _linear_samples(start, stop, num, endpoint, axis, compute):
    """``num`` samples from ``start`` to ``stop`` (tensors broadcast), and the step."""
    start = convert_to_tensor(start, compute)
    stop = convert_to_tensor(stop, compute)
    shape = tf.broadcast_dynamic_shape(tf.shape(start), tf.shape(stop))
    start, stop = tf.broadcast_to(start, shape), tf.broadcast_to(stop, shape)
    div = (num - 1) if endpoint else num
    step = (stop - start) / builtins.max(div, 1)
    steps = tf.reshape(tf.range(num, dtype=start.dtype), [num] + [1] * start.shape.rank)
    out = start + steps * step
    if endpoint and num > 1:
        last = tf.reshape(tf.equal(tf.range(num), num - 1), steps.shape)
        out = tf.where(last, stop, out)
    return _moveaxis(out, [0], [axis]), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    out, step = _linear_samples(start, stop, num, endpoint, axis, compute)
    if dtypes.is_int(dtype):
        out = tf.floor(out)
    out = cast(out, dtype)
    return (out, cast(step, dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    exponents, _ = _linear_samples(start, stop, num, endpoint, axis, compute)
    return cast(tf.pow(convert_to_tensor(base, compute), exponents), dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    start, stop = convert_to_tensor(start, compute), convert_to_tensor(stop, compute)
    ln10 = math.log(10.0)
    logs, _ = _linear_samples(
        tf.math.log(tf.abs(start)) / ln10,
        tf.math.log(tf.abs(stop)) / ln10,
        num,
        endpoint,
        0,
        compute,
    )
    out = tf.sign(start) * tf.pow(tf.constant(10.0, logs.dtype), logs)
    if num > 0:
        index = tf.reshape(tf.range(num), [num] + [1] * start.shape.rank)
        out = tf.where(tf.equal(index, 0), start, out)
        if endpoint and num > 1:
            out = tf.where(tf.equal(index, num - 1), stop, out)
    return cast(_moveaxis(out, [0], [axis]), dtype)


def meshgrid(*x, indexing="xy"):
    xs = [tf.reshape(convert_to_tensor(v), [-1]) for v in x]
    shape, views = meshgrid_shapes([tf.shape(v)[0] for v in xs], indexing)
    return [tf.broadcast_to(tf.reshape(v, view), tf.stack(shape)) for v, view in zip(xs, views)]


# Diagonals and copies -----------------------------------------------------------------------


def diag(x, k=0):
    x = convert_to_tensor(x)
    if x.shape.rank == 1:
        return tf.linalg.diag(x, k=k)
    return tf.linalg.diag_part(x, k=k)


def diagflat(x, k=0):
    return tf.linalg.diag(tf.reshape(convert_to_tensor(x), [-1]), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    rank = x.shape.rank
    axis1, axis2 = int(axis1) % rank, int(axis2) % rank
    rest = [d for d in range(rank) if d not in (axis1, axis2)]
    y = tf.transpose(x, rest + [axis1, axis2])
    if y.dtype == tf.bool:
        return tf.cast(tf.linalg.diag_part(tf.cast(y, tf.int8), k=offset), tf.bool)
    return tf.linalg.diag_part(y, k=offset)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    n = tf.shape(x)[0] if N is None else N
    powers = tf.range(n)
    if not increasing:
        powers = tf.reverse(powers, [0])
    base, exponent = tf.reshape(x, (-1, 1)), tf.cast(tf.reshape(powers, (1, -1)), x.dtype)
    return _via_int(tf.pow, base, exponent)


def copy(x):
    return tf.identity(convert_to_tensor(x))


# Windows (computed by NumPy on the host) ----------------------------------------------------


def _window(values):
    return convert_to_tensor(values, config.floatx())


def bartlett(x):
    return _window(np.bartlett(int(x)))


def blackman(x):
    return _window(np.blackman(int(x)))


def hamming(x):
    return _window(np.hamming(int(x)))


def hanning(x):
    return _window(np.hanning(int(x)))


def kaiser(x, beta):
    return _window(np.kaiser(int(x), float(beta)))


__all__ = defined_ops(globals())
