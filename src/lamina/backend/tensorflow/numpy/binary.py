"""Element-wise ops of two inputs on TensorFlow tensors: arithmetic, comparison, logic and bits,
selection (`where`, `select`), number theory.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import defined_ops, dtype_of, float64_for_int64
from lamina.backend.tensorflow.core import convert_to_tensor
from lamina.backend.tensorflow.numpy._helpers import _INT_COMPUTE, _promote_float, _via_int, promote
from lamina.backend.tensorflow.numpy.shapes import nonzero


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.logical_or(x1, x2) if x1.dtype == tf.bool else tf.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.math.logical_xor(x1, x2) if x1.dtype == tf.bool else tf.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return tf.logical_and(x1, x2) if x1.dtype == tf.bool else tf.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return tf.divide(x1, x2)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return tf.math.divide_no_nan(x1, x2)


def _int_from_bool(x1, x2):
    if x1.dtype == tf.bool:
        return tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return x1, x2


def floor_divide(x1, x2):
    x1, x2 = _int_from_bool(*promote(x1, x2))
    return _via_int(tf.math.floordiv, x1, x2)


def mod(x1, x2):
    x1, x2 = _int_from_bool(*promote(x1, x2))
    return _via_int(tf.math.floormod, x1, x2)


def fmod(x1, x2):
    x1, x2 = _int_from_bool(*promote(x1, x2))
    return _via_int(tf.truncatemod, x1, x2)


def power(x1, x2):
    x1, x2 = promote(x1, x2)
    return _via_int(tf.pow, x1, x2)


def _nan_propagating(fn, x1, x2):
    out = fn(x1, x2)
    if not x1.dtype.is_floating:
        return out
    nan = tf.math.is_nan(x1) | tf.math.is_nan(x2)
    return tf.where(nan, tf.constant(np.nan, x1.dtype), out)


def maximum(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return _nan_propagating(tf.maximum, x1, x2)


def minimum(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return _nan_propagating(tf.minimum, x1, x2)


def _nan_ignoring(fn, x1, x2):
    if x1.dtype == tf.bool:
        return fn(tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)) > 0
    out = fn(x1, x2)
    if not x1.dtype.is_floating:
        return out
    out = tf.where(tf.math.is_nan(x1), x2, out)
    return tf.where(tf.math.is_nan(x2), x1, out)


def fmax(x1, x2):
    return _nan_ignoring(tf.maximum, *promote(x1, x2))


def fmin(x1, x2):
    return _nan_ignoring(tf.minimum, *promote(x1, x2))


def arctan2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return tf.atan2(x1, x2)


def _promote_float64_for_int64(x1, x2):
    dtype = float64_for_int64(dtypes.result_type(dtype_of(x1), dtype_of(x2)))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def hypot(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return tf.sqrt(x1 * x1 + x2 * x2)


def heaviside(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    x2 = tf.broadcast_to(x2, tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2)))
    x1 = tf.broadcast_to(x1, tf.shape(x2))
    ones, zeros = tf.ones_like(x1), tf.zeros_like(x1)
    return tf.where(x1 < 0, zeros, tf.where(x1 > 0, ones, x2))


def _log_add(x1, x2, log1p_of_power):
    biggest = tf.maximum(x1, x2)
    same_infinity = tf.equal(x1, x2) & tf.math.is_inf(x1)
    delta = tf.where(same_infinity, tf.zeros_like(x1), x1 - x2)
    return biggest + log1p_of_power(-tf.abs(delta))


def logaddexp(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _log_add(x1, x2, lambda d: tf.math.log1p(tf.exp(d)))


def logaddexp2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    ln2 = tf.constant(math.log(2.0), x1.dtype)
    return _log_add(x1, x2, lambda d: tf.math.log1p(tf.exp(d * ln2)) / ln2)


# Comparison and logic -----------------------------------------------------------------------


def _compare(fn, x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool and fn not in (tf.equal, tf.not_equal):
        x1, x2 = tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
    return fn(x1, x2)


def equal(x1, x2):
    return _compare(tf.equal, x1, x2)


def not_equal(x1, x2):
    return _compare(tf.not_equal, x1, x2)


def less(x1, x2):
    return _compare(tf.less, x1, x2)


def less_equal(x1, x2):
    return _compare(tf.less_equal, x1, x2)


def greater(x1, x2):
    return _compare(tf.greater, x1, x2)


def greater_equal(x1, x2):
    return _compare(tf.greater_equal, x1, x2)


def _bools(x1, x2):
    return tf.cast(convert_to_tensor(x1), tf.bool), tf.cast(convert_to_tensor(x2), tf.bool)


def logical_and(x1, x2):
    return tf.logical_and(*_bools(x1, x2))


def logical_or(x1, x2):
    return tf.logical_or(*_bools(x1, x2))


def logical_xor(x1, x2):
    return tf.math.logical_xor(*_bools(x1, x2))


# Bits ---------------------------------------------------------------------------------------


def _bitwise(int_fn, bool_fn, x, y):
    x, y = promote(x, y)
    return bool_fn(x, y) if x.dtype == tf.bool else int_fn(x, y)


def bitwise_and(x, y):
    return _bitwise(tf.bitwise.bitwise_and, tf.logical_and, x, y)


def bitwise_or(x, y):
    return _bitwise(tf.bitwise.bitwise_or, tf.logical_or, x, y)


def bitwise_xor(x, y):
    return _bitwise(tf.bitwise.bitwise_xor, tf.math.logical_xor, x, y)


def bitwise_left_shift(x, y):
    x, y = promote(x, y)
    return tf.bitwise.left_shift(x, y)


def bitwise_right_shift(x, y):
    x, y = promote(x, y)
    return tf.bitwise.right_shift(x, y)


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


# Closeness, membership and selection --------------------------------------------------------


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = promote(x1, x2)
    if not (x1.dtype.is_floating or x1.dtype.is_complex):
        x1, x2 = tf.cast(x1, tf.float64), tf.cast(x2, tf.float64)
    close = tf.abs(x1 - x2) <= tf.cast(atol, x1.dtype) + tf.cast(rtol, x1.dtype) * tf.abs(x2)
    close = close | tf.equal(x1, x2)
    if equal_nan and x1.dtype.is_floating:
        close = close | (tf.math.is_nan(x1) & tf.math.is_nan(x2))
    return close


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return tf.reduce_all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    found = tf.reduce_any(tf.equal(tf.reshape(x1, (-1, 1)), tf.reshape(x2, (1, -1))), axis=1)
    found = tf.reshape(found, tf.shape(x1))
    return tf.logical_not(found) if invert else found


def where(condition, x1=None, x2=None):
    condition = tf.cast(convert_to_tensor(condition), tf.bool)
    if x1 is None and x2 is None:
        return nonzero(condition)
    x1, x2 = promote(x1, x2)
    return tf.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(dtype_of(c) for c in choicelist), dtype_of(default))
    conds = [tf.cast(convert_to_tensor(c), tf.bool) for c in condlist]
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    shape = tf.shape(conds[0])
    for t in conds[1:] + choices:
        shape = tf.broadcast_dynamic_shape(shape, tf.shape(t))
    out = tf.broadcast_to(convert_to_tensor(default, dtype), shape)
    for cond, choice in reversed(list(zip(conds, choices))):
        out = tf.where(cond, choice, out)
    return out


# Number theory and floating-point steps -----------------------------------------------------


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    dtype = x1.dtype
    wide = _INT_COMPUTE.get(dtype, dtype)
    a, b = tf.abs(tf.cast(x1, wide)), tf.abs(tf.cast(x2, wide))

    def step(a, b):  # Euclid's algorithm, element-wise, until every b is 0
        zero = tf.equal(b, 0)
        safe = tf.where(zero, tf.ones_like(b), b)
        return tf.where(zero, a, b), tf.where(zero, tf.zeros_like(b), tf.math.floormod(a, safe))

    a, _ = tf.while_loop(lambda a, b: tf.reduce_any(tf.not_equal(b, 0)), step, (a, b))
    return tf.cast(a, dtype)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    dtype = x1.dtype
    wide = _INT_COMPUTE.get(dtype, dtype)
    a, b = tf.abs(tf.cast(x1, wide)), tf.abs(tf.cast(x2, wide))
    divisor = tf.cast(gcd(a, b), wide)
    zero = tf.equal(divisor, 0)
    out = tf.where(zero, tf.zeros_like(a), a // tf.where(zero, tf.ones_like(a), divisor) * b)
    return tf.cast(out, dtype)


def ldexp(x1, x2):
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2), dtypes.WEAK_FLOAT)
    x1 = convert_to_tensor(x1, dtype)
    exponent = tf.cast(convert_to_tensor(x2), tf.float64)
    return tf.cast(
        tf.cast(x1, tf.float64) * tf.pow(tf.constant(2.0, tf.float64), exponent), x1.dtype
    )


def nextafter(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    if x1.dtype in (tf.float32, tf.float64):
        return tf.math.nextafter(x1, x2)
    # Half precision: step the bit pattern (TF's kernel is float32/float64 only).
    bits = tf.bitcast(x1, tf.int16)
    toward_larger_magnitude = tf.equal(x2 > x1, x1 > 0)
    stepped = tf.bitcast(tf.where(toward_larger_magnitude, bits + 1, bits - 1), x1.dtype)
    smallest = tf.bitcast(tf.constant(1, tf.int16), x1.dtype)
    from_zero = tf.where(x2 > 0, smallest, -smallest)
    out = tf.where(tf.equal(x1, 0), from_zero, stepped)
    out = tf.where(tf.equal(x1, x2), x2, out)
    return tf.where(tf.math.is_nan(x1) | tf.math.is_nan(x2), tf.constant(np.nan, x1.dtype), out)


__all__ = defined_ops(globals())
