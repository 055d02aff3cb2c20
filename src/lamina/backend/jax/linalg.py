"""Linear algebra on JAX arrays: norms, decompositions, solves (batched over leading axes)."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.linalg as jsl

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.jax.core import convert_to_tensor


def _float(x):
    x = convert_to_tensor(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x.astype(dtypes.to_numpy_dtype(config.floatx()))
    return x


def _pair(a, b):
    a, b = _float(a), _float(b)
    dtype = jnp.promote_types(a.dtype, b.dtype)
    return a.astype(dtype), b.astype(dtype)


def cholesky(x, upper=False):
    low = jnp.linalg.cholesky(_float(x))
    return jnp.conj(jnp.swapaxes(low, -1, -2)) if upper else low


def det(x):
    return jnp.linalg.det(_float(x))


def eig(x):
    x = _float(x)
    w, v = jnp.linalg.eig(x)
    dtype = jnp.complex128 if x.dtype == jnp.float64 else jnp.complex64
    return w.astype(dtype), v.astype(dtype)


def eigh(x):
    return jnp.linalg.eigh(_float(x))


def inv(x):
    return jnp.linalg.inv(_float(x))


def lu_factor(x):
    lu, pivots = jsl.lu_factor(_float(x))
    return lu, pivots.astype(jnp.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    return jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def qr(x, mode="reduced"):
    return jnp.linalg.qr(_float(x), mode=mode)


def solve(a, b):
    a, b = _pair(a, b)
    if b.ndim == 1:
        return jnp.linalg.solve(a, b[:, None])[..., 0]
    return jnp.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    a, b = _pair(a, b)
    if b.ndim == 1:
        return jsl.solve_triangular(a, b[:, None], lower=lower)[..., 0]
    return jsl.solve_triangular(a, b, lower=lower)


def svd(x, full_matrices=True, compute_uv=True):
    x = _float(x)
    if not compute_uv:
        return jnp.linalg.svd(x, compute_uv=False)
    return jnp.linalg.svd(x, full_matrices=full_matrices)
