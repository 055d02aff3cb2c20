"""Dtype promotion (`promote`) and the other helpers that the NumPy-style op modules on JAX
arrays share.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import float_dtype, wide_dtype
from lamina.backend.jax.core import cast, convert_to_tensor


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(jnp.asarray(x).dtype)
    return dtypes.standardize_dtype(dtype)


def _np_dtype(dtype):
    return dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))


def promote(x1, x2):
    """Both arguments as arrays of their promoted dtype (Keras 3 rules)."""
    if isinstance(x1, jax.Array) and isinstance(x2, jax.Array) and x1.dtype == x2.dtype:
        return x1, x2
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _promote_float(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _to_float(x):
    """``x`` as an array, cast to floatx when it holds ints or bools."""
    x = convert_to_tensor(x)
    return cast(x, float_dtype(_dtype(x)))


def _out(x, dtype):
    """``x`` as an ndarray of ``dtype`` (NumPy reductions return scalars)."""
    return jnp.asarray(x, dtype=_np_dtype(dtype))


def _compute_dtype(dtype: str):
    """The NumPy dtype to compute in: half-precision floats widen to float32 (as NumPy's own
    reductions do)."""
    return _np_dtype(wide_dtype(dtype))


def _promote_all(xs):
    dtype = dtypes.result_type(*(_dtype(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]
