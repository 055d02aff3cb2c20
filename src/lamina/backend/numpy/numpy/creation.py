"""Creation ops on NumPy arrays: `zeros`, `full_like`, `arange`, `linspace`, `eye`, `diag`,
windows, ...
"""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import arange_args, defined_ops, space_dtype
from lamina.backend.numpy.core import convert_to_tensor
from lamina.backend.numpy.numpy._helpers import _dtype, _np_dtype, _out


def arange(start, stop=None, step=None, dtype=None):
    start, stop, step, dtype = arange_args(start, stop, step, dtype, _dtype)
    return np.arange(start, stop, step, dtype=_np_dtype(dtype))


def array(x, dtype=None):
    return np.array(convert_to_tensor(x, dtype))


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=_np_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, dtype=_np_dtype(dtype))


def empty(shape, dtype=None):
    return np.zeros(shape, dtype=_np_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return np.full(shape, convert_to_tensor(fill_value), dtype=_np_dtype(dtype))


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.zeros(x.shape, dtype=_np_dtype(dtype or x.dtype))


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.ones(x.shape, dtype=_np_dtype(dtype or x.dtype))


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return np.full(x.shape, convert_to_tensor(fill_value), dtype=_np_dtype(dtype or x.dtype))


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k=k, dtype=_np_dtype(dtype))


def identity(n, dtype=None):
    return np.identity(n, dtype=_np_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return np.tri(N, M, k=k, dtype=_np_dtype(dtype))


def tril(x, k=0):
    return np.tril(convert_to_tensor(x), k=k)


def triu(x, k=0):
    return np.triu(convert_to_tensor(x), k=k)


# Ranges and grids ---------------------------------------------------------------------------


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype, _dtype)
    out = np.linspace(
        convert_to_tensor(start), convert_to_tensor(stop), num, endpoint, True, None, axis
    )
    values = out[0]
    if dtypes.is_int(dtype):
        values = np.floor(values)
    values = values.astype(_np_dtype(dtype))
    return (values, _out(out[1], dtype)) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype, _dtype)
    out = np.logspace(
        convert_to_tensor(start), convert_to_tensor(stop), num, endpoint, base, axis=axis
    )
    return out.astype(_np_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype, _dtype)
    out = np.geomspace(convert_to_tensor(start), convert_to_tensor(stop), num, endpoint, axis=axis)
    return out.astype(_np_dtype(dtype))


def meshgrid(*x, indexing="xy"):
    return list(np.meshgrid(*(convert_to_tensor(v) for v in x), indexing=indexing))


# Diagonals and copies -----------------------------------------------------------------------


def diag(x, k=0):
    return np.diag(convert_to_tensor(x), k=k)


def diagflat(x, k=0):
    return np.diagflat(convert_to_tensor(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return np.diagonal(convert_to_tensor(x), offset=offset, axis1=axis1, axis2=axis2).copy()


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    return np.vander(x, N=N, increasing=increasing).astype(x.dtype)


def copy(x):
    return np.array(convert_to_tensor(x), copy=True)


# Windows (computed by NumPy on the host) ----------------------------------------------------


def _window(values):
    return values.astype(_np_dtype(config.floatx()))


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
