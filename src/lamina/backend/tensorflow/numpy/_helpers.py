"""Dtype promotion (`promote`) and the other helpers that the NumPy-style op modules on
TensorFlow tensors share.
"""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import dtype_of, float_dtype, normalize_axes
from lamina.backend.tensorflow.core import cast, convert_to_tensor


def promote(x1, x2):
    """Both arguments as tensors of their promoted dtype (Keras 3 rules)."""
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _promote_float(x1, x2):
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2), dtypes.WEAK_FLOAT)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _promote_all(xs):
    dtype = dtypes.result_type(*(dtype_of(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]


def _to_float(x):
    """``x`` as a tensor, cast to floatx when it holds ints or bools."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating or x.dtype.is_complex else cast(x, float_dtype(dtype_of(x)))


def _wide(x):
    """Half-precision floats as float32 (for accumulations and missing kernels)."""
    return tf.cast(x, tf.float32) if x.dtype in (tf.float16, tf.bfloat16) else x


# Integer types that many TF kernels (matmul, pow, mod, cumsum, ...) lack, and the wider type
# to compute them in before casting back.
_INT_COMPUTE = {
    tf.int8: tf.int32,
    tf.int16: tf.int32,
    tf.uint8: tf.int32,
    tf.uint16: tf.int32,
    tf.uint32: tf.int64,
    tf.uint64: tf.int64,
}


def _via_int(fn, *xs):
    """``fn(*xs)`` computed in a wider int type when TF lacks a kernel for ``xs``' type."""
    wide = _INT_COMPUTE.get(xs[0].dtype)
    if wide is None:
        return fn(*xs)
    return tf.cast(fn(*(tf.cast(x, wide) for x in xs)), xs[0].dtype)


def _axes(x, axis):
    """``axis`` as a sorted list of non-negative axes (all axes when None)."""
    return sorted(normalize_axes(axis, x.shape.rank))


def _shape(x):
    """Static dims where known, dynamic scalars where not."""
    static = x.shape.as_list()
    if None in static:
        dynamic = tf.shape(x)
        return [dynamic[i] if d is None else d for i, d in enumerate(static)]
    return static


def _value(v, dtype):
    """``v`` (a tensor or a Python number, which may need truncating) as a tensor of ``dtype``."""
    return cast(convert_to_tensor(v), dtypes.standardize_dtype(dtype))


def _moveaxis(x, source, destination):
    rank = x.shape.rank
    source = [int(a) % rank for a in source]
    destination = [int(a) % rank for a in destination]
    order = [d for d in range(rank) if d not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return tf.transpose(x, order)
