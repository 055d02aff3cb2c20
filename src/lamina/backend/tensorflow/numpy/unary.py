"""Element-wise ops of one input on TensorFlow tensors: `abs`, `sqrt`, `exp`, `sin`, `round`,
`isnan`, `clip`, ...
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from lamina.backend.common.numpy_rules import defined_ops
from lamina.backend.tensorflow.core import convert_to_tensor
from lamina.backend.tensorflow.numpy._helpers import _to_float, _value, _via_int, _wide


def _floating(fn, x):
    return fn(_to_float(x))


def _half_safe(fn, x):
    """``fn`` on ``x``, computed in float32 for half precision (missing kernels)."""
    return tf.cast(fn(_wide(x)), x.dtype)


def _float64_for_int64(x):
    x = convert_to_tensor(x)
    return tf.cast(x, tf.float64) if x.dtype == tf.int64 else _to_float(x)


def _is_unsigned_or_bool(x):
    return x.dtype.is_unsigned or x.dtype == tf.bool


def abs(x):
    x = convert_to_tensor(x)
    return tf.identity(x) if _is_unsigned_or_bool(x) else tf.abs(x)


def absolute(x):
    return abs(x)


def fabs(x):
    return tf.abs(_to_float(x))


def negative(x):
    x = convert_to_tensor(x)
    return tf.zeros_like(x) - x if x.dtype.is_unsigned else tf.negative(x)


def sign(x):
    x = convert_to_tensor(x)
    if _is_unsigned_or_bool(x):
        return tf.cast(tf.cast(x, tf.int64) > 0, x.dtype)
    return _via_int(tf.sign, x)


def square(x):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    return x * x


def sqrt(x):
    return _floating(tf.sqrt, x)


def cbrt(x):
    x = _float64_for_int64(x)
    return tf.sign(x) * tf.pow(tf.abs(x), tf.constant(1.0 / 3.0, x.dtype))


def exp(x):
    return _floating(tf.exp, x)


def exp2(x):
    x = _to_float(x)
    return tf.pow(tf.constant(2.0, x.dtype), x)


def expm1(x):
    return _floating(tf.math.expm1, x)


def log(x):
    return _floating(tf.math.log, x)


def log1p(x):
    return _floating(tf.math.log1p, x)


def log2(x):
    x = _to_float(x)
    return tf.math.log(x) / tf.constant(math.log(2.0), x.dtype)


def log10(x):
    x = _to_float(x)
    return tf.math.log(x) / tf.constant(math.log(10.0), x.dtype)


def sin(x):
    return _floating(tf.sin, x)


def cos(x):
    return _floating(tf.cos, x)


def tan(x):
    return _floating(tf.tan, x)


def arcsin(x):
    return _floating(tf.asin, x)


def arccos(x):
    return _floating(tf.acos, x)


def arctan(x):
    return _floating(tf.atan, x)


def sinh(x):
    return _floating(tf.sinh, x)


def cosh(x):
    return _floating(tf.cosh, x)


def tanh(x):
    return _floating(tf.tanh, x)


def arcsinh(x):
    return _floating(tf.asinh, x)


def arccosh(x):
    return _floating(tf.acosh, x)


def arctanh(x):
    return _floating(tf.atanh, x)


def sinc(x):
    x = _to_float(x)
    zero = tf.equal(x, 0)
    y = tf.where(zero, tf.ones_like(x), x) * tf.constant(math.pi, x.dtype)
    return tf.where(zero, tf.ones_like(x), tf.sin(y) / y)


def i0(x):
    return _half_safe(tf.math.bessel_i0, _to_float(x))


def deg2rad(x):
    x = _float64_for_int64(x)
    return x * tf.constant(math.pi / 180.0, x.dtype)


def rad2deg(x):
    x = _float64_for_int64(x)
    return x * tf.constant(180.0 / math.pi, x.dtype)


def floor(x):
    return _floating(tf.floor, x)


def ceil(x):
    return _floating(tf.math.ceil, x)


def trunc(x):
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        return tf.identity(x)
    return tf.where(x < 0, tf.math.ceil(x), tf.floor(x))


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if x.dtype.is_floating:
        if decimals == 0:
            return tf.round(x)
        factor = tf.constant(10.0**decimals, _wide(x).dtype)
        return tf.cast(tf.round(_wide(x) * factor) / factor, x.dtype)
    if decimals >= 0:
        return tf.identity(x)
    factor = 10.0 ** (-decimals)
    return tf.cast(tf.round(tf.cast(x, tf.float64) / factor) * factor, x.dtype)


def reciprocal(x):
    return _floating(tf.math.reciprocal, x)


# Complex parts, predicates and clipping -----------------------------------------------------


def conjugate(x):
    x = convert_to_tensor(x)
    return tf.math.conj(x) if x.dtype.is_complex else tf.identity(x)


def conj(x):
    return conjugate(x)


def real(x):
    x = convert_to_tensor(x)
    return tf.math.real(x) if x.dtype.is_complex else tf.identity(x)


def imag(x):
    x = convert_to_tensor(x)
    return tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x)


def angle(x):
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        return tf.math.angle(x)
    x = _to_float(x)
    return tf.atan2(tf.zeros_like(x), x)


def _float_predicate(fn, x, default=False):
    x = convert_to_tensor(x)
    if x.dtype.is_floating:
        return fn(x)
    return tf.fill(tf.shape(x), default)


def isnan(x):
    return _float_predicate(tf.math.is_nan, x)


def isinf(x):
    return _float_predicate(tf.math.is_inf, x)


def isfinite(x):
    return _float_predicate(tf.math.is_finite, x, True)


def isneginf(x):
    return _float_predicate(lambda v: tf.equal(v, -np.inf), x)


def isposinf(x):
    return _float_predicate(lambda v: tf.equal(v, np.inf), x)


def isreal(x):
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        return tf.equal(tf.math.imag(x), 0)
    return tf.fill(tf.shape(x), True)


_SIGNED_BITS = {
    tf.float16: tf.int16,
    tf.bfloat16: tf.int16,
    tf.float32: tf.int32,
    tf.float64: tf.int64,
}


def signbit(x):
    x = convert_to_tensor(x)
    if x.dtype.is_floating:
        return tf.bitcast(x, _SIGNED_BITS[x.dtype]) < 0
    if _is_unsigned_or_bool(x):
        return tf.fill(tf.shape(x), False)
    return x < 0


def logical_not(x):
    return tf.logical_not(tf.cast(convert_to_tensor(x), tf.bool))


def bitwise_invert(x):
    x = convert_to_tensor(x)
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


def bitwise_not(x):
    return bitwise_invert(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        return tf.identity(x)
    posinf = x.dtype.max if posinf is None else posinf
    neginf = x.dtype.min if neginf is None else neginf
    x = tf.where(tf.math.is_nan(x), tf.cast(nan, x.dtype), x)
    x = tf.where(tf.equal(x, np.inf), tf.cast(posinf, x.dtype), x)
    return tf.where(tf.equal(x, -np.inf), tf.cast(neginf, x.dtype), x)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if x_min is not None:
        x = tf.maximum(x, _value(x_min, x.dtype))
    if x_max is not None:
        x = tf.minimum(x, _value(x_max, x.dtype))
    return x


__all__ = defined_ops(globals())
