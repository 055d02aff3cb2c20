"""Linear algebra on NumPy arrays: norms, decompositions, solves (batched over leading axes)."""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.numpy.core import convert_to_tensor


def _float(x):
    x = convert_to_tensor(x)
    if x.dtype.kind in "biu":
        return x.astype(dtypes.to_numpy_dtype(config.floatx()))
    return x


def _complex_dtype(dtype):
    return np.complex128 if dtype == np.float64 else np.complex64


def cholesky(x, upper=False):
    x = _float(x)
    low = np.linalg.cholesky(x)
    return np.conj(np.swapaxes(low, -1, -2)) if upper else low


def det(x):
    x = _float(x)
    return np.asarray(np.linalg.det(x), dtype=x.dtype)


def eig(x):
    x = _float(x)
    w, v = np.linalg.eig(x)
    dtype = _complex_dtype(x.dtype)
    return w.astype(dtype), v.astype(dtype)


def eigh(x):
    x = _float(x)
    w, v = np.linalg.eigh(x)
    return w.astype(x.dtype), v.astype(x.dtype)


def inv(x):
    x = _float(x)
    return np.linalg.inv(x).astype(x.dtype)


def lu_factor(x):
    """Packed LU with partial pivoting (as LAPACK's getrf): ``lu`` and 0-based row pivots."""
    x = _float(x)
    lu = np.array(x, copy=True)
    *batch, m, n = lu.shape
    k = min(m, n)
    pivots = np.zeros((*batch, k), dtype=np.int32)
    flat = lu.reshape(-1, m, n)
    piv = pivots.reshape(-1, k)
    for b in range(flat.shape[0]):
        a = flat[b]
        for j in range(k):
            p = j + int(np.argmax(np.abs(a[j:, j])))
            piv[b, j] = p
            if p != j:
                a[[j, p]] = a[[p, j]]
            if a[j, j] != 0:
                a[j + 1 :, j] /= a[j, j]
                a[j + 1 :, j + 1 :] -= np.outer(a[j + 1 :, j], a[j, j + 1 :])
    return flat.reshape(lu.shape), pivots


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    out = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    return np.asarray(out, dtype=x.dtype)


def qr(x, mode="reduced"):
    x = _float(x)
    q, r = np.linalg.qr(x, mode=mode)
    return q.astype(x.dtype), r.astype(x.dtype)


def _rhs(a, b):
    """``b`` as a matrix right-hand side; vectors (rank 1) get a trailing axis."""
    vector = b.ndim == 1
    return (b[:, None] if vector else b), vector


def solve(a, b):
    a, b = _float(a), _float(b)
    dtype = np.result_type(a.dtype, b.dtype)
    b2, vector = _rhs(a, b)
    out = np.linalg.solve(a.astype(dtype), b2.astype(dtype))
    return out[..., 0] if vector else out


def solve_triangular(a, b, lower=False):
    a, b = _float(a), _float(b)
    dtype = np.result_type(a.dtype, b.dtype)
    a = np.tril(a) if lower else np.triu(a)
    b2, vector = _rhs(a, b)
    out = np.linalg.solve(a.astype(dtype), b2.astype(dtype))
    return out[..., 0] if vector else out


def svd(x, full_matrices=True, compute_uv=True):
    x = _float(x)
    if not compute_uv:
        return np.linalg.svd(x, compute_uv=False).astype(x.dtype)
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return u.astype(x.dtype), s.astype(x.dtype), vh.astype(x.dtype)
