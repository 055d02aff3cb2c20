"""Linear algebra on PyTorch tensors: norms, decompositions, solves (batched over leading axes)."""

from __future__ import annotations

import torch

from lamina import config
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _float(x):
    x = convert_to_tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        return x.to(to_torch_dtype(config.floatx()))
    return x


def _pair(a, b):
    a, b = _float(a), _float(b)
    dtype = torch.promote_types(a.dtype, b.dtype)
    return a.to(dtype), b.to(dtype)


def cholesky(x, upper=False):
    return torch.linalg.cholesky(_float(x), upper=upper)


def det(x):
    return torch.linalg.det(_float(x))


def eig(x):
    return torch.linalg.eig(_float(x))


def eigh(x):
    return torch.linalg.eigh(_float(x))


def inv(x):
    return torch.linalg.inv(_float(x))


def lu_factor(x):
    lu, pivots = torch.linalg.lu_factor(_float(x))
    return lu, (pivots - 1).to(torch.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float(x)
    if isinstance(axis, int):
        axis = (axis,)
    if axis is not None:
        axis = tuple(axis)
    if ord is None:
        if axis is None:
            out = torch.linalg.vector_norm(x)
            return out.reshape((1,) * x.ndim) if keepdims else out
        return torch.linalg.vector_norm(x, dim=axis, keepdim=keepdims)
    if axis is None:
        axis = tuple(range(x.ndim))
    if len(axis) == 1:
        return torch.linalg.vector_norm(x, ord=ord, dim=axis, keepdim=keepdims)
    return torch.linalg.matrix_norm(x, ord=ord, dim=axis, keepdim=keepdims)


def qr(x, mode="reduced"):
    return torch.linalg.qr(_float(x), mode=mode)


def solve(a, b):
    a, b = _pair(a, b)
    if b.ndim == 1:
        return torch.linalg.solve(a, b[:, None])[..., 0]
    return torch.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    a, b = _pair(a, b)
    if b.ndim == 1:
        return torch.linalg.solve_triangular(a, b[:, None], upper=not lower)[..., 0]
    return torch.linalg.solve_triangular(a, b, upper=not lower)


def svd(x, full_matrices=True, compute_uv=True):
    x = _float(x)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return tuple(torch.linalg.svd(x, full_matrices=full_matrices))
