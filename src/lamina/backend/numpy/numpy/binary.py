"""Element-wise ops of two inputs on NumPy arrays: arithmetic, comparison, logic and bits,
selection (`where`, `select`), number theory.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import defined_ops, float64_for_int64
from lamina.backend.numpy.core import convert_to_tensor
from lamina.backend.numpy.numpy._helpers import _dtype, _out, _promote_float, promote
from lamina.backend.numpy.numpy.shapes import nonzero


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        return np.logical_xor(x1, x2)
    return np.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.divide(x1, x2), x1.dtype)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(x2 == 0, 0, np.divide(x1, x2)), x1.dtype)


def floor_divide(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.floor_divide(x1, x2), x1.dtype)


def mod(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.mod(x1, x2), x1.dtype)


def fmod(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.fmod(x1, x2), x1.dtype)


def power(x1, x2):
    x1, x2 = promote(x1, x2)
    return _out(np.power(x1, x2), x1.dtype)


def maximum(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.minimum(x1, x2)


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.fmax(x1, x2)


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.fmin(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(np.arctan2(x1, x2), x1.dtype)


def _promote_float64_for_int64(x1, x2):
    dtype = float64_for_int64(dtypes.result_type(_dtype(x1), _dtype(x2)))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def hypot(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return _out(np.hypot(x1, x2), x1.dtype)


def heaviside(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return _out(np.heaviside(x1, x2), x1.dtype)


def logaddexp(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(np.logaddexp(x1, x2), x1.dtype)


def logaddexp2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(np.logaddexp2(x1, x2), x1.dtype)


# Comparison and logic -----------------------------------------------------------------------


def _compare(fn, x1, x2):
    x1, x2 = promote(x1, x2)
    return np.asarray(fn(x1, x2))


def equal(x1, x2):
    return _compare(np.equal, x1, x2)


def not_equal(x1, x2):
    return _compare(np.not_equal, x1, x2)


def less(x1, x2):
    return _compare(np.less, x1, x2)


def less_equal(x1, x2):
    return _compare(np.less_equal, x1, x2)


def greater(x1, x2):
    return _compare(np.greater, x1, x2)


def greater_equal(x1, x2):
    return _compare(np.greater_equal, x1, x2)


def logical_and(x1, x2):
    return np.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1, x2):
    return np.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_xor(x1, x2):
    return np.logical_xor(convert_to_tensor(x1), convert_to_tensor(x2))


# Bits ---------------------------------------------------------------------------------------


def bitwise_and(x, y):
    x, y = promote(x, y)
    return np.bitwise_and(x, y)


def bitwise_or(x, y):
    x, y = promote(x, y)
    return np.bitwise_or(x, y)


def bitwise_xor(x, y):
    x, y = promote(x, y)
    return np.bitwise_xor(x, y)


def bitwise_left_shift(x, y):
    x, y = promote(x, y)
    return _out(np.left_shift(x, y), x.dtype)


def bitwise_right_shift(x, y):
    x, y = promote(x, y)
    return _out(np.right_shift(x, y), x.dtype)


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


# Closeness, membership and selection --------------------------------------------------------


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = promote(x1, x2)
    return np.asarray(np.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.asarray(np.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return np.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition).astype(bool)
    if x1 is None and x2 is None:
        return nonzero(condition)
    x1, x2 = promote(x1, x2)
    return np.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(_dtype(c) for c in choicelist), _dtype(default))
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    conds = [convert_to_tensor(c).astype(bool) for c in condlist]
    return _out(np.select(conds, choices, convert_to_tensor(default, dtype)), dtype)


# Number theory and floating-point steps -----------------------------------------------------


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.gcd(x1, x2)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.lcm(x1, x2)


def ldexp(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2)
    return _out(np.ldexp(x1, x2.astype(np.int32)), dtype)


def nextafter(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return np.nextafter(x1, x2)


__all__ = defined_ops(globals())
