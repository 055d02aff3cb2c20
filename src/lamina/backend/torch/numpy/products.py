"""Products (`matmul`, `dot`, `einsum`, ...), statistics and signals (`bincount`, `histogram`,
`correlate`, ...) and indexing (`get_item`) on PyTorch tensors.
"""

from __future__ import annotations

import builtins

import numpy as np
import torch
import torch.nn.functional as F

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import (
    axis_shape,
    correlate_dtype,
    correlate_window,
    defined_ops,
    dtype_of,
    float_dtype,
    sum_dtype,
    tensordot_axes,
)
from lamina.backend.torch.core import cast, convert_to_tensor
from lamina.backend.torch.numpy._helpers import (
    _TAKES_FLOAT,
    _promote_all,
    _tdtype,
    _to_float,
    _wide,
    promote,
)
from lamina.backend.torch.numpy.shapes import diff


def _exact(fn, x1, x2):
    """``fn`` for int/bool operands: bools compute in int32; CUDA lacks int matmul kernels."""
    dtype = x1.dtype
    if dtype == torch.bool:
        return fn(x1.to(torch.int32), x2.to(torch.int32)) != 0
    if not (x1.is_floating_point() or x1.is_complex()) and x1.device.type != "cpu":
        return torch.round(fn(x1.to(torch.float64), x2.to(torch.float64))).to(dtype)
    return fn(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == torch.int8:
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    return _exact(torch.matmul, x1, x2)


def _tensordot(x1, x2, dims):
    return _exact(lambda a, b: torch.tensordot(a, b, dims=dims), x1, x2)


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return _tensordot(x1, x2, ([x1.ndim - 1], [builtins.max(x2.ndim - 2, 0)]))


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    x1 = torch.conj(x1).resolve_conj() if x1.is_complex() else x1
    return _tensordot(x1.reshape(-1), x2.reshape(-1), 1)


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return _tensordot(x1, x2, ([x1.ndim - 1], [x2.ndim - 1]))


def outer(x1, x2):
    x1, x2 = promote(x1, x2)
    return x1.reshape(-1, 1) * x2.reshape(1, -1)


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    return _tensordot(x1, x2, tensordot_axes(axes, x1.ndim, x2.ndim))


def einsum(subscripts, *operands, **kwargs):
    operands = _promote_all(operands)
    dtype = operands[0].dtype
    if dtype in _TAKES_FLOAT:
        return torch.einsum(subscripts, *operands)
    if dtype == torch.int8:
        operands = [o.to(torch.int32) for o in operands]
    if dtype == torch.bool:
        out = torch.einsum(subscripts, *[o.to(torch.int32) for o in operands])
        return out != 0
    if not operands[0].is_floating_point() and operands[0].device.type != "cpu":
        out = torch.einsum(subscripts, *[o.to(torch.float64) for o in operands])
        return torch.round(out).to(operands[0].dtype)
    return torch.einsum(subscripts, *operands)


def _cross_vectors(a, b):
    """Cross products of 2- or 3-vectors in the last axis (2-vectors have a zero z)."""
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    if a.shape[-1] == 2:
        a = F.pad(a, (0, 1))
    if b.shape[-1] == 2:
        b = F.pad(b, (0, 1))
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return torch.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim=-1)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = torch.movedim(x1, axisa, -1), torch.movedim(x2, axisb, -1)
    out = _cross_vectors(a, b)
    return torch.movedim(out, -1, axisc) if out.ndim == builtins.max(a.ndim, b.ndim) else out


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.kron(x1, x2)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = _tdtype(sum_dtype(dtype_of(x)))
    return torch.sum(torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2), dim=-1, dtype=dtype)


# Statistics and signals ---------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x).to(torch.int64)
    if weights is None:
        return torch.bincount(x, minlength=minlength).to(torch.int32)
    weights = convert_to_tensor(weights)
    dtype = dtypes.result_type(dtype_of(x.to(torch.int32)), dtype_of(weights))
    out = torch.bincount(x, weights=weights.to(torch.float64), minlength=minlength)
    return cast(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    edges_dtype = float_dtype(dtype_of(x))
    values = x.reshape(-1).to(torch.float64)
    if range is None:
        lo, hi = (values.min().item(), values.max().item()) if values.numel() else (0.0, 1.0)
    else:
        lo, hi = float(range[0]), float(range[1])
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = torch.linspace(lo, hi, bins + 1, dtype=torch.float64, device=x.device)
    inside = (values >= lo) & (values <= hi)
    values = values[inside]
    index = torch.floor((values - lo) / (hi - lo) * bins).to(torch.int64).clamp(0, bins - 1)
    index = index - (values < edges[index]).to(torch.int64)
    index = index + ((values >= edges[index + 1]) & (index != bins - 1)).to(torch.int64)
    counts = torch.bincount(index, minlength=bins)
    return counts.to(torch.int32), cast(edges, edges_dtype)


def correlate(x1, x2, mode="valid"):
    x1, x2 = promote(x1, x2)
    dtype = correlate_dtype(dtype_of(x1))
    a, v = _wide(cast(x1, dtype)), _wide(cast(x2, dtype))
    n, m = a.shape[0], v.shape[0]
    full_ = F.conv1d(F.pad(a, (m - 1, m - 1)).reshape(1, 1, -1), v.reshape(1, 1, -1)).reshape(-1)
    start, length = correlate_window(n, m, mode)
    return cast(full_[start : start + length], dtype)


def corrcoef(x):
    x = _to_float(x)
    rows = _wide(x.reshape(1, -1) if x.ndim == 1 else x)
    centered = rows - torch.mean(rows, dim=1, keepdim=True)
    cov = centered @ centered.T
    d = torch.sqrt(torch.diagonal(cov))
    out = torch.clamp(cov / d.reshape(-1, 1) / d.reshape(1, -1), -1.0, 1.0)
    return (out.reshape(()) if x.ndim == 1 else out).to(x.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _to_float(y)
    n = y.shape[axis]
    later, earlier = torch.narrow(y, axis, 1, n - 1), torch.narrow(y, axis, 0, n - 1)
    if x is None:
        d = dx
    else:
        x = convert_to_tensor(x, dtype_of(y))
        if x.ndim == 1:
            d = torch.diff(x).reshape(axis_shape(y.ndim, axis))
        else:
            d = diff(x, axis=axis)
    return torch.sum(_wide(d * (later + earlier) / 2.0), dim=axis).to(y.dtype)


# Indexing -----------------------------------------------------------------------------------


def _index(k):
    if k is None or k is Ellipsis or isinstance(k, builtins.slice):
        return k
    if isinstance(k, (int, np.integer)):
        return int(k)
    k = convert_to_tensor(k)
    if k.dtype == torch.bool:
        return k
    return k.to(torch.int64) if k.ndim else int(k)


def _flip_negative_steps(x, key):
    """Torch slices need positive steps: flip those axes and slice them forward instead."""
    used = builtins.sum(
        k.ndim if isinstance(k, torch.Tensor) and k.dtype == torch.bool else 1
        for k in key
        if k is not None and k is not Ellipsis
    )
    out, dim = [], 0
    for k in key:
        if k is Ellipsis:
            dim += x.ndim - used
        elif isinstance(k, builtins.slice) and k.step is not None and k.step < 0:
            n = x.shape[dim]
            r = range(*k.indices(n))
            if len(r) == 0:
                k = builtins.slice(0, 0)
            else:
                x = torch.flip(x, (dim,))
                k = builtins.slice(n - 1 - r[0], n - r[-1], -k.step)
        if k is not None and k is not Ellipsis:
            dim += k.ndim if isinstance(k, torch.Tensor) and k.dtype == torch.bool else 1
        out.append(k)
    return x, out


_BASIC_INDEX = (int, type(None), type(Ellipsis))


def _is_basic(k):
    return type(k) in _BASIC_INDEX or (type(k) is builtins.slice and (k.step or 1) > 0)


def get_item(x, key):
    x = convert_to_tensor(x)
    if _is_basic(key) or (type(key) is tuple and builtins.all(_is_basic(k) for k in key)):
        return x[key]
    key = [_index(k) for k in (key if isinstance(key, tuple) else (key,))]
    if builtins.any(isinstance(k, builtins.slice) and (k.step or 1) < 0 for k in key):
        x, key = _flip_negative_steps(x, key)
    if builtins.any(isinstance(k, torch.Tensor) for k in key):
        # NumPy treats ints beside index arrays as (broadcast) index arrays too.
        key = [torch.tensor([k], device=x.device) if isinstance(k, int) else k for k in key]
        key = [k.to(x.device) if isinstance(k, torch.Tensor) else k for k in key]
    return x[tuple(key)]


__all__ = defined_ops(globals())
