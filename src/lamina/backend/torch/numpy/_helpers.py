"""Dtype promotion (`promote`) and the other helpers that the NumPy-style op modules on PyTorch
tensors share.
"""

from __future__ import annotations

import builtins

import torch

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import dtype_of, float_dtype
from lamina.backend.torch.core import (
    Variable,
    cast,
    convert_to_tensor,
    default_device,
    to_torch_dtype,
)

# A Variable's value is a Parameter: both count as plain tensors on the fast paths below, which
# read a Variable's value first (layers pass their weights to ops as Variables).
_TENSOR = frozenset({torch.Tensor, torch.nn.Parameter})


def _as_tensor(x, dtype):
    """``x`` as a tensor of ``dtype``; Python scalars skip the NumPy round trip."""
    if type(x) in (int, float, bool):
        return torch.tensor(x, dtype=_tdtype(dtype), device=default_device())
    return convert_to_tensor(x, dtype)


def promote(x1, x2):
    """Both arguments as tensors of their promoted dtype (Keras 3 rules)."""
    if type(x1) is Variable:
        x1 = x1.value
    if type(x2) is Variable:
        x2 = x2.value
    if type(x1) in _TENSOR and type(x2) in _TENSOR and x1.dtype == x2.dtype:
        return x1, x2
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
    return _as_tensor(x1, dtype), _as_tensor(x2, dtype)


# Tensor dtypes that absorb a Python int / float operand (Keras' weak scalars keep them).
_TAKES_INT = {
    torch.uint8,
    torch.int8,
    torch.int16,
    torch.int32,
    torch.int64,
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
    torch.complex64,
    torch.complex128,
}


_TAKES_FLOAT = {torch.float16, torch.bfloat16, torch.float32, torch.float64}


def _operands(x1, x2):
    """Operands for torch ops that take a Python scalar second: when the tensor's dtype is
    already the result dtype the scalar is passed as is (no tensor is made for it)."""
    if type(x1) is Variable:
        x1 = x1.value
    if type(x1) in _TENSOR:
        if type(x2) is Variable:
            x2 = x2.value
        t2 = type(x2)
        if t2 in _TENSOR:
            if x1.dtype == x2.dtype:
                return x1, x2
        elif (t2 is float and x1.dtype in _TAKES_FLOAT) or (t2 is int and x1.dtype in _TAKES_INT):
            return x1, x2
    return promote(x1, x2)


def _promote_float(x1, x2):
    if type(x1) is Variable:
        x1 = x1.value
    if type(x2) is Variable:
        x2 = x2.value
    if type(x1) in _TENSOR and x1.dtype in _TAKES_FLOAT:
        if type(x2) in (int, float) or (type(x2) in _TENSOR and x2.dtype == x1.dtype):
            return x1, x2
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2), dtypes.WEAK_FLOAT)
    return _as_tensor(x1, dtype), _as_tensor(x2, dtype)


def _promote_all(xs):
    xs = [x.value if type(x) is Variable else x for x in xs]
    first = xs[0]
    if type(first) in _TENSOR and builtins.all(
        type(x) in _TENSOR and x.dtype == first.dtype for x in xs
    ):
        return xs
    dtype = dtypes.result_type(*(dtype_of(x) for x in xs))
    return [_as_tensor(x, dtype) for x in xs]


def _to_float(x):
    """``x`` as a tensor, cast to floatx when it holds ints or bools."""
    x = convert_to_tensor(x)
    return x if x.is_floating_point() or x.is_complex() else cast(x, float_dtype(dtype_of(x)))


def _wide(x):
    """Half-precision floats as float32 (for kernels and accumulations), others unchanged."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def _tdtype(dtype):
    return to_torch_dtype(dtypes.standardize_dtype(dtype))
