"""Products (`matmul`, `dot`, `einsum`, ...), statistics and signals (`bincount`, `histogram`,
`correlate`, ...) and indexing (`get_item`) on JAX arrays.
"""

from __future__ import annotations

import builtins

import jax.numpy as jnp
import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import correlate_dtype, defined_ops, float_dtype, sum_dtype
from lamina.backend.jax.core import convert_to_tensor
from lamina.backend.jax.numpy._helpers import (
    _compute_dtype,
    _dtype,
    _np_dtype,
    _out,
    _promote_all,
    _to_float,
    promote,
)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.int8:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    return jnp.matmul(x1, x2)


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.asarray(jnp.dot(x1, x2))


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.asarray(jnp.vdot(x1, x2))


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.asarray(jnp.inner(x1, x2))


def outer(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.outer(x1, x2)


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    return jnp.asarray(jnp.tensordot(x1, x2, axes=axes))


def einsum(subscripts, *operands, **kwargs):
    operands = _promote_all(operands)
    dtype = _dtype(operands[0])
    dtype = "int32" if dtype == "int8" else dtype
    return _out(jnp.einsum(subscripts, *operands, **kwargs), dtype)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = promote(x1, x2)
    return jnp.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.kron(x1, x2)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = sum_dtype(_dtype(x))
    return _out(jnp.trace(x, offset, axis1, axis2, dtype=_np_dtype(dtype)), dtype)


# Statistics and signals ---------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x)
    if weights is None:
        return _out(jnp.bincount(x.astype(np.int64), minlength=minlength), "int32")
    weights = convert_to_tensor(weights)
    dtype = dtypes.result_type(_dtype(x), _dtype(weights))
    out = jnp.bincount(x.astype(np.int64), weights.astype(np.float64), minlength=minlength)
    return _out(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    edges_dtype = float_dtype(_dtype(x))
    counts, edges = jnp.histogram(x, bins=bins, range=range)
    return _out(counts, "int32"), _out(edges, edges_dtype)


def correlate(x1, x2, mode="valid"):
    x1, x2 = promote(x1, x2)
    dtype = correlate_dtype(_dtype(x1))
    compute = _compute_dtype(dtype)
    return _out(jnp.correlate(x1.astype(compute), x2.astype(compute), mode=mode), dtype)


def corrcoef(x):
    x = _to_float(x)
    return _out(jnp.corrcoef(x.astype(_compute_dtype(_dtype(x)))), x.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _to_float(y)
    compute = _compute_dtype(_dtype(y))
    if x is not None:
        x = convert_to_tensor(x).astype(compute)
    return _out(jnp.trapezoid(y.astype(compute), x=x, dx=dx, axis=axis), y.dtype)


def get_item(x, key):
    x = convert_to_tensor(x)
    if isinstance(key, tuple):
        key = tuple(_index(k) for k in key)
    else:
        key = _index(key)
    return jnp.asarray(x[key])


# Indexing -----------------------------------------------------------------------------------


def _index(k):
    if k is None or k is Ellipsis or isinstance(k, (int, np.integer, builtins.slice)):
        return k
    return convert_to_tensor(k)


__all__ = defined_ops(globals())
