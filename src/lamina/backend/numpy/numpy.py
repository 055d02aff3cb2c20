"""NumPy-style ops on NumPy arrays (the NumPy backend, and symbolic shape inference)."""

from __future__ import annotations

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.numpy.core import cast, convert_to_tensor


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(np.asarray(x).dtype)
    return dtypes.standardize_dtype(dtype)


def promote(x1, x2):
    """Both arguments as arrays of their promoted dtype (Keras 3 rules)."""
    if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
        return x1, x2
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.add(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.multiply(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.matmul(x1, x2)


def reshape(x, newshape):
    return np.reshape(convert_to_tensor(x), tuple(newshape))


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if dtypes.standardize_dtype(x.dtype) in ("bool", "int8", "int16", "uint8", "uint16"):
        x = cast(x, "int32")
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdims), dtype=x.dtype)


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = dtypes.result_type(*(_dtype(v) for v in values))
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, step, dtype=dtypes.to_numpy_dtype(dtype))
