"""NumPy-style ops on PyTorch tensors."""

from __future__ import annotations

import torch

from lamina.backend.common import dtypes
from lamina.backend.torch.core import cast, convert_to_tensor, to_torch_dtype


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(type(x))
    return dtypes.standardize_dtype(dtype)


def promote(x1, x2):
    """Both arguments as tensors of their promoted dtype (Keras 3 rules)."""
    if type(x1) is torch.Tensor and type(x2) is torch.Tensor and x1.dtype == x2.dtype:
        return x1, x2
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.add(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.mul(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.matmul(x1, x2)


def reshape(x, newshape):
    return torch.reshape(convert_to_tensor(x), tuple(newshape))


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(x.dtype)
    # Keras 3: sums of bool/small ints accumulate in int32; others keep their dtype.
    if dtype in ("bool", "int8", "int16", "uint8", "uint16"):
        x = cast(x, "int32")
    if axis is None:
        out = torch.sum(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.sum(x, dim=axis, keepdim=keepdims)


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = dtypes.result_type(*(_dtype(v) for v in values))
    if stop is None:
        start, stop = 0, start
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype))
