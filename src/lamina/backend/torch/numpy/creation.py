"""Creation ops on PyTorch tensors: `zeros`, `full_like`, `arange`, `linspace`, `eye`, `diag`,
windows, ...
"""

from __future__ import annotations

import builtins

import numpy as np
import torch

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import (
    arange_args,
    defined_ops,
    dtype_of,
    meshgrid_shapes,
    space_dtype,
)
from lamina.backend.torch.core import cast, convert_to_tensor, default_device
from lamina.backend.torch.numpy._helpers import _tdtype


def arange(start, stop=None, step=None, dtype=None):
    start, stop, step, dtype = arange_args(start, stop, step, dtype)
    return torch.arange(start, stop, step, dtype=_tdtype(dtype), device=default_device())


def array(x, dtype=None):
    x = convert_to_tensor(x, dtype)
    return x.clone() if isinstance(x, torch.nn.Parameter) else x


def zeros(shape, dtype=None):
    return torch.zeros(tuple(shape), dtype=_tdtype(dtype), device=default_device())


def ones(shape, dtype=None):
    return torch.ones(tuple(shape), dtype=_tdtype(dtype), device=default_device())


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    value = convert_to_tensor(fill_value, dtypes.standardize_dtype(dtype))
    return torch.broadcast_to(value, tuple(shape)).clone()


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.zeros(x.shape, dtype=_tdtype(dtype) if dtype else x.dtype, device=x.device)


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.ones(x.shape, dtype=_tdtype(dtype) if dtype else x.dtype, device=x.device)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    value = convert_to_tensor(fill_value, dtype or dtype_of(x))
    return torch.broadcast_to(value, x.shape).clone()


def _diagonal_offsets(N, M):
    rows = torch.arange(N, device=default_device()).reshape(-1, 1)
    cols = torch.arange(N if M is None else M, device=default_device()).reshape(1, -1)
    return cols - rows


def eye(N, M=None, k=0, dtype=None):
    return (_diagonal_offsets(N, M) == k).to(_tdtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return (_diagonal_offsets(N, M) <= k).to(_tdtype(dtype))


def tril(x, k=0):
    x = convert_to_tensor(x)
    mask = _diagonal_offsets(x.shape[-2], x.shape[-1]).to(x.device) <= k
    return torch.where(mask, x, torch.zeros((), dtype=x.dtype, device=x.device))


def triu(x, k=0):
    x = convert_to_tensor(x)
    mask = _diagonal_offsets(x.shape[-2], x.shape[-1]).to(x.device) >= k
    return torch.where(mask, x, torch.zeros((), dtype=x.dtype, device=x.device))


# Ranges and grids ---------------------------------------------------------------------------


def _linear_samples(start, stop, num, endpoint, axis, compute):
    """``num`` samples from ``start`` to ``stop`` (tensors broadcast), and the step."""
    start = convert_to_tensor(start, compute)
    stop = convert_to_tensor(stop, compute)
    start, stop = torch.broadcast_tensors(start, stop)
    div = (num - 1) if endpoint else num
    step = (stop - start) / builtins.max(div, 1)
    steps = torch.arange(num, dtype=start.dtype, device=start.device)
    steps = steps.reshape((num,) + (1,) * start.ndim)
    out = start + steps * step
    if endpoint and num > 1:
        last = (torch.arange(num, device=start.device) == num - 1).reshape(steps.shape)
        out = torch.where(last, stop, out)
    return torch.movedim(out, 0, axis), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    out, step = _linear_samples(start, stop, num, endpoint, axis, compute)
    if dtypes.is_int(dtype):
        out = torch.floor(out)
    out = cast(out, dtype)
    return (out, cast(step, dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    exponents, _ = _linear_samples(start, stop, num, endpoint, axis, compute)
    return cast(torch.pow(convert_to_tensor(base, compute), exponents), dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    start, stop = convert_to_tensor(start, compute), convert_to_tensor(stop, compute)
    sign = torch.sign(start)
    logs, _ = _linear_samples(
        torch.log10(torch.abs(start)), torch.log10(torch.abs(stop)), num, endpoint, 0, compute
    )
    out = sign * torch.pow(torch.tensor(10.0, dtype=logs.dtype, device=logs.device), logs)
    if num > 0:
        first = (torch.arange(num, device=out.device) == 0).reshape((num,) + (1,) * start.ndim)
        out = torch.where(first, torch.broadcast_to(start, out.shape[1:]), out)
        if endpoint and num > 1:
            last = (torch.arange(num, device=out.device) == num - 1).reshape(first.shape)
            out = torch.where(last, torch.broadcast_to(stop, out.shape[1:]), out)
    return cast(torch.movedim(out, 0, axis), dtype)


def meshgrid(*x, indexing="xy"):
    xs = [convert_to_tensor(v).reshape(-1) for v in x]
    shape, views = meshgrid_shapes([v.shape[0] for v in xs], indexing)
    return [v.reshape(view).expand(shape).clone() for v, view in zip(xs, views)]


# Diagonals and copies -----------------------------------------------------------------------


def diag(x, k=0):
    return torch.diag(convert_to_tensor(x), k)


def diagflat(x, k=0):
    return torch.diagflat(convert_to_tensor(x), offset=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(convert_to_tensor(x), offset=offset, dim1=axis1, dim2=axis2)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    n = x.shape[0] if N is None else N
    powers = torch.arange(n, device=x.device)
    if not increasing:
        powers = torch.flip(powers, (0,))
    return torch.pow(x.reshape(-1, 1), powers.reshape(1, -1).to(x.dtype))


def copy(x):
    return convert_to_tensor(x).clone()


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
