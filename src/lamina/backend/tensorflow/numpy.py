"""NumPy-style ops on TensorFlow tensors."""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.common import dtypes
from lamina.backend.tensorflow.core import cast, convert_to_tensor, to_tf_dtype


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(type(x))
    return dtypes.standardize_dtype(dtype)


def promote(x1, x2):
    """Both arguments as tensors of their promoted dtype (Keras 3 rules)."""
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.add(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.multiply(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.linalg.matmul(x1, x2) if x1.shape.rank >= 2 and x2.shape.rank >= 2 else (
        tf.tensordot(x1, x2, axes=1)
    )


def reshape(x, newshape):
    return tf.reshape(convert_to_tensor(x), tuple(newshape))


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if dtypes.standardize_dtype(x.dtype) in ("bool", "int8", "int16", "uint8", "uint16"):
        x = cast(x, "int32")
    return tf.reduce_sum(x, axis=axis, keepdims=keepdims)


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = dtypes.result_type(*(_dtype(v) for v in values))
    if stop is None:
        start, stop = 0, start
    return tf.range(start, stop, step, dtype=to_tf_dtype(dtype))
