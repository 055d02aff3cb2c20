"""Element-wise ops of two inputs on JAX arrays: arithmetic, comparison, logic and bits,
selection (`where`, `select`), number theory.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import defined_ops, float64_for_int64
from lamina.backend.jax.core import convert_to_tensor
from lamina.backend.jax.numpy._helpers import _dtype, _out, _promote_float, promote
from lamina.backend.jax.numpy.shapes import nonzero


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        return jnp.logical_xor(x1, x2)
    return jnp.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(jnp.divide(x1, x2), x1.dtype)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(jnp.where(x2 == 0, 0, jnp.divide(x1, x2)), x1.dtype)


def floor_divide(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    return _out(jnp.floor_divide(x1, x2), x1.dtype)


def mod(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    return _out(jnp.mod(x1, x2), x1.dtype)


def fmod(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    return _out(jnp.fmod(x1, x2), x1.dtype)


def power(x1, x2):
    x1, x2 = promote(x1, x2)
    return _out(jnp.power(x1, x2), x1.dtype)


def maximum(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.minimum(x1, x2)


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.fmax(x1, x2)


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.fmin(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(jnp.arctan2(x1, x2), x1.dtype)


def _promote_float64_for_int64(x1, x2):
    dtype = float64_for_int64(dtypes.result_type(_dtype(x1), _dtype(x2)))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def hypot(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return _out(jnp.hypot(x1, x2), x1.dtype)


def heaviside(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return _out(jnp.heaviside(x1, x2), x1.dtype)


def logaddexp(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(jnp.logaddexp(x1, x2), x1.dtype)


def logaddexp2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(jnp.logaddexp2(x1, x2), x1.dtype)


# Comparison and logic -----------------------------------------------------------------------


def _compare(fn, x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.asarray(fn(x1, x2))


def equal(x1, x2):
    return _compare(jnp.equal, x1, x2)


def not_equal(x1, x2):
    return _compare(jnp.not_equal, x1, x2)


def less(x1, x2):
    return _compare(jnp.less, x1, x2)


def less_equal(x1, x2):
    return _compare(jnp.less_equal, x1, x2)


def greater(x1, x2):
    return _compare(jnp.greater, x1, x2)


def greater_equal(x1, x2):
    return _compare(jnp.greater_equal, x1, x2)


def logical_and(x1, x2):
    return jnp.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1, x2):
    return jnp.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_xor(x1, x2):
    return jnp.logical_xor(convert_to_tensor(x1), convert_to_tensor(x2))


# Bits ---------------------------------------------------------------------------------------


def bitwise_and(x, y):
    x, y = promote(x, y)
    return jnp.bitwise_and(x, y)


def bitwise_or(x, y):
    x, y = promote(x, y)
    return jnp.bitwise_or(x, y)


def bitwise_xor(x, y):
    x, y = promote(x, y)
    return jnp.bitwise_xor(x, y)


def bitwise_left_shift(x, y):
    x, y = promote(x, y)
    return _out(jnp.left_shift(x, y), x.dtype)


def bitwise_right_shift(x, y):
    x, y = promote(x, y)
    return _out(jnp.right_shift(x, y), x.dtype)


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


# Closeness, membership and selection --------------------------------------------------------


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = promote(x1, x2)
    return jnp.asarray(jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.asarray(jnp.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return jnp.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition).astype(bool)
    if x1 is None and x2 is None:
        return nonzero(condition)
    x1, x2 = promote(x1, x2)
    return jnp.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(_dtype(c) for c in choicelist), _dtype(default))
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    conds = [convert_to_tensor(c).astype(bool) for c in condlist]
    return _out(jnp.select(conds, choices, convert_to_tensor(default, dtype)), dtype)


# Number theory and floating-point steps -----------------------------------------------------


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.gcd(x1, x2)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    return jnp.lcm(x1, x2)


def ldexp(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2)
    return jnp.ldexp(x1, x2.astype(jnp.int32)).astype(x1.dtype)


def nextafter(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return jnp.nextafter(x1, x2)


__all__ = defined_ops(globals())
