"""NumPy-style ops on TensorFlow tensors.

Written with TensorFlow's own ops (not ``tf.experimental.numpy``, whose dtype rules differ).
Result dtypes follow Keras 3 (see `lamina.ops.numpy`): inputs are cast to the result dtype
first. Several TF kernels lack small integer, unsigned or bool variants; those cases compute in
a wider type and cast back.
"""

from __future__ import annotations

import builtins
import math

import numpy as np
import tensorflow as tf

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.tensorflow.core import cast, convert_to_numpy, convert_to_tensor, to_tf_dtype


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(
            np.asarray(x).dtype if isinstance(x, (list, tuple)) else type(x)
        )
    return dtypes.standardize_dtype(dtype)


def promote(x1, x2):
    """Both arguments as tensors of their promoted dtype (Keras 3 rules)."""
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _promote_float(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _promote_all(xs):
    dtype = dtypes.result_type(*(_dtype(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]


def _float_dtype(dtype: str) -> str:
    return config.floatx() if dtype == "bool" or dtypes.is_int(dtype) else dtype


def _to_float(x):
    """``x`` as a tensor, cast to floatx when it holds ints or bools."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating or x.dtype.is_complex else cast(x, _float_dtype(_dtype(x)))


def _sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def _wide(x):
    """Half-precision floats as float32 (for accumulations and missing kernels)."""
    return tf.cast(x, tf.float32) if x.dtype in (tf.float16, tf.bfloat16) else x


# Integer types that many TF kernels (matmul, pow, mod, cumsum, ...) lack, and the wider type
# to compute them in before casting back.
_INT_COMPUTE = {
    tf.int8: tf.int32,
    tf.int16: tf.int32,
    tf.uint8: tf.int32,
    tf.uint16: tf.int32,
    tf.uint32: tf.int64,
    tf.uint64: tf.int64,
}


def _via_int(fn, *xs):
    """``fn(*xs)`` computed in a wider int type when TF lacks a kernel for ``xs``' type."""
    wide = _INT_COMPUTE.get(xs[0].dtype)
    if wide is None:
        return fn(*xs)
    return tf.cast(fn(*(tf.cast(x, wide) for x in xs)), xs[0].dtype)


def _axes(x, axis):
    """``axis`` as a sorted list of non-negative axes (all axes when None)."""
    rank = x.shape.rank
    if axis is None:
        return list(range(rank))
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    return sorted(int(a) % builtins.max(rank, 1) for a in axes)


def _shape(x):
    """Static dims where known, dynamic scalars where not."""
    static = x.shape.as_list()
    if None in static:
        dynamic = tf.shape(x)
        return [dynamic[i] if d is None else d for i, d in enumerate(static)]
    return static


def _flatten_axes(x, axis):
    """``x`` with the reduced ``axis`` moved last and merged, and the keepdims shape."""
    axes = _axes(x, axis)
    kept = [d for d in range(x.shape.rank) if d not in axes]
    shape = _shape(x)
    y = tf.transpose(x, kept + axes)
    y = tf.reshape(y, [shape[d] for d in kept] + [-1])
    keep_shape = [1 if d in axes else shape[d] for d in range(x.shape.rank)]
    return y, keep_shape


# Creation -----------------------------------------------------------------------------------


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = dtypes.result_type(*(_dtype(v) for v in values))
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    dtype = to_tf_dtype(dtype)
    if dtype in _INT_COMPUTE or dtype == tf.bool:
        return tf.cast(tf.range(start, stop, step, dtype=tf.int64), dtype)
    return tf.range(tf.cast(start, dtype), tf.cast(stop, dtype), tf.cast(step, dtype))


def array(x, dtype=None):
    return tf.identity(convert_to_tensor(x, dtype))


def zeros(shape, dtype=None):
    return tf.zeros(shape, dtype=to_tf_dtype(dtype))


def ones(shape, dtype=None):
    return tf.ones(shape, dtype=to_tf_dtype(dtype))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def _value(v, dtype):
    """``v`` (a tensor or a Python number, which may need truncating) as a tensor of ``dtype``."""
    return cast(convert_to_tensor(v), dtypes.standardize_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return tf.broadcast_to(_value(fill_value, dtype), shape)


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return tf.zeros(_shape(x), dtype=to_tf_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return tf.ones(_shape(x), dtype=to_tf_dtype(dtype) if dtype else x.dtype)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return tf.broadcast_to(_value(fill_value, dtype or _dtype(x)), _shape(x))


def _diagonal_offsets(N, M):
    rows = tf.reshape(tf.range(N), (-1, 1))
    cols = tf.reshape(tf.range(N if M is None else M), (1, -1))
    return cols - rows


def eye(N, M=None, k=0, dtype=None):
    return tf.cast(tf.equal(_diagonal_offsets(N, M), k), to_tf_dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return tf.cast(_diagonal_offsets(N, M) <= k, to_tf_dtype(dtype))


def _triangle(x, keep):
    x = convert_to_tensor(x)
    shape = tf.shape(x)
    mask = keep(_diagonal_offsets(shape[-2], shape[-1]))
    return tf.where(mask, x, tf.zeros((), dtype=x.dtype))


def tril(x, k=0):
    return _triangle(x, lambda offsets: offsets <= k)


def triu(x, k=0):
    return _triangle(x, lambda offsets: offsets >= k)


def _space_dtype(start, stop, dtype):
    return dtypes.standardize_dtype(
        dtype or dtypes.result_type(_dtype(start), _dtype(stop), dtypes.WEAK_FLOAT)
    )


def _linear_samples(start, stop, num, endpoint, axis, compute):
    """``num`` samples from ``start`` to ``stop`` (tensors broadcast), and the step."""
    start = convert_to_tensor(start, compute)
    stop = convert_to_tensor(stop, compute)
    shape = tf.broadcast_dynamic_shape(tf.shape(start), tf.shape(stop))
    start, stop = tf.broadcast_to(start, shape), tf.broadcast_to(stop, shape)
    div = (num - 1) if endpoint else num
    step = (stop - start) / builtins.max(div, 1)
    steps = tf.reshape(tf.range(num, dtype=start.dtype), [num] + [1] * start.shape.rank)
    out = start + steps * step
    if endpoint and num > 1:
        last = tf.reshape(tf.equal(tf.range(num), num - 1), steps.shape)
        out = tf.where(last, stop, out)
    return _moveaxis(out, [0], [axis]), step


def _moveaxis(x, source, destination):
    rank = x.shape.rank
    source = [int(a) % rank for a in source]
    destination = [int(a) % rank for a in destination]
    order = [d for d in range(rank) if d not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return tf.transpose(x, order)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    out, step = _linear_samples(start, stop, num, endpoint, axis, compute)
    if dtypes.is_int(dtype):
        out = tf.floor(out)
    out = cast(out, dtype)
    return (out, cast(step, dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    exponents, _ = _linear_samples(start, stop, num, endpoint, axis, compute)
    return cast(tf.pow(convert_to_tensor(base, compute), exponents), dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    start, stop = convert_to_tensor(start, compute), convert_to_tensor(stop, compute)
    ln10 = math.log(10.0)
    logs, _ = _linear_samples(
        tf.math.log(tf.abs(start)) / ln10,
        tf.math.log(tf.abs(stop)) / ln10,
        num,
        endpoint,
        0,
        compute,
    )
    out = tf.sign(start) * tf.pow(tf.constant(10.0, logs.dtype), logs)
    if num > 0:
        index = tf.reshape(tf.range(num), [num] + [1] * start.shape.rank)
        out = tf.where(tf.equal(index, 0), start, out)
        if endpoint and num > 1:
            out = tf.where(tf.equal(index, num - 1), stop, out)
    return cast(_moveaxis(out, [0], [axis]), dtype)


def meshgrid(*x, indexing="xy"):
    xs = [tf.reshape(convert_to_tensor(v), [-1]) for v in x]
    shape = [tf.shape(v)[0] for v in xs]
    order = list(range(len(xs)))
    if indexing == "xy" and len(xs) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
        order[0], order[1] = 1, 0
    out = []
    for v, axis in zip(xs, order):
        view = [1] * len(xs)
        view[axis] = -1
        out.append(tf.broadcast_to(tf.reshape(v, view), tf.stack(shape)))
    return out


def diag(x, k=0):
    x = convert_to_tensor(x)
    if x.shape.rank == 1:
        return tf.linalg.diag(x, k=k)
    return tf.linalg.diag_part(x, k=k)


def diagflat(x, k=0):
    return tf.linalg.diag(tf.reshape(convert_to_tensor(x), [-1]), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    rank = x.shape.rank
    axis1, axis2 = int(axis1) % rank, int(axis2) % rank
    rest = [d for d in range(rank) if d not in (axis1, axis2)]
    y = tf.transpose(x, rest + [axis1, axis2])
    if y.dtype == tf.bool:
        return tf.cast(tf.linalg.diag_part(tf.cast(y, tf.int8), k=offset), tf.bool)
    return tf.linalg.diag_part(y, k=offset)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    n = tf.shape(x)[0] if N is None else N
    powers = tf.range(n)
    if not increasing:
        powers = tf.reverse(powers, [0])
    base, exponent = tf.reshape(x, (-1, 1)), tf.cast(tf.reshape(powers, (1, -1)), x.dtype)
    return _via_int(tf.pow, base, exponent)


def copy(x):
    return tf.identity(convert_to_tensor(x))


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


# Element-wise, one input --------------------------------------------------------------------


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


# Element-wise, two inputs -------------------------------------------------------------------


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
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    dtype = "float64" if dtype == "int64" else _float_dtype(dtype)
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
    dtype = dtypes.result_type(*(_dtype(c) for c in choicelist), _dtype(default))
    conds = [tf.cast(convert_to_tensor(c), tf.bool) for c in condlist]
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    shape = tf.shape(conds[0])
    for t in conds[1:] + choices:
        shape = tf.broadcast_dynamic_shape(shape, tf.shape(t))
    out = tf.broadcast_to(convert_to_tensor(default, dtype), shape)
    for cond, choice in reversed(list(zip(conds, choices))):
        out = tf.where(cond, choice, out)
    return out


# Reductions ---------------------------------------------------------------------------------


def _reduce_axis(x, axis):
    return None if axis is None else _axes(x, axis)


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = to_tf_dtype(_sum_dtype(_dtype(x)))
    acc = _INT_COMPUTE.get(dtype, dtype)
    out = tf.reduce_sum(tf.cast(x, acc), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    dtype = to_tf_dtype(dtype if dtype else _sum_dtype(_dtype(x)))
    acc = _INT_COMPUTE.get(dtype, dtype)
    out = tf.reduce_prod(tf.cast(x, acc), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, dtype)


def mean(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = tf.reduce_mean(_wide(x), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, x.dtype)


def _extreme(reduce, bool_reduce, pick, x, axis, keepdims, initial):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        return bool_reduce(x, axis=_reduce_axis(x, axis), keepdims=keepdims)
    wide = _INT_COMPUTE.get(x.dtype) if x.dtype.is_unsigned else None
    y = x if wide is None else tf.cast(x, wide)
    out = reduce(y, axis=_reduce_axis(x, axis), keepdims=keepdims)
    if initial is not None:
        out = pick(out, tf.cast(initial, out.dtype))
    return tf.cast(out, x.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    return _extreme(tf.reduce_max, tf.reduce_any, tf.maximum, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _extreme(tf.reduce_min, tf.reduce_all, tf.minimum, x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


def var(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = tf.math.reduce_variance(_wide(x), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, x.dtype)


def std(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = tf.math.reduce_std(_wide(x), axis=_reduce_axis(x, axis), keepdims=keepdims)
    return tf.cast(out, x.dtype)


def all(x, axis=None, keepdims=False):
    x = tf.cast(convert_to_tensor(x), tf.bool)
    return tf.reduce_all(x, axis=_reduce_axis(x, axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    x = tf.cast(convert_to_tensor(x), tf.bool)
    return tf.reduce_any(x, axis=_reduce_axis(x, axis), keepdims=keepdims)


def _arg_extreme(fn, x, axis, keepdims):
    x = convert_to_tensor(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if axis is None:
        out = fn(tf.reshape(x, [-1]), axis=0, output_type=tf.int32)
        return tf.reshape(out, [1] * x.shape.rank) if keepdims else out
    out = fn(x, axis=axis, output_type=tf.int32)
    return tf.expand_dims(out, axis) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    return _arg_extreme(tf.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_extreme(tf.argmin, x, axis, keepdims)


def count_nonzero(x, axis=None):
    x = convert_to_tensor(x)
    return tf.math.count_nonzero(x, axis=_reduce_axis(x, axis), dtype=tf.int32)


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    x, weights = _promote_float(x, weights)
    if weights.shape.rank == 1 and x.shape.rank > 1:
        shape = [1] * x.shape.rank
        shape[axis] = -1
        weights = tf.reshape(weights, shape)
    weights = tf.broadcast_to(weights, tf.shape(x))
    axes = _reduce_axis(x, axis)
    total = tf.reduce_sum(_wide(x * weights), axis=axes)
    return tf.cast(total / tf.reduce_sum(_wide(weights), axis=axes), x.dtype)


def _quantile(x, q, axis, method, keepdims, ignore_nan=False):
    x = _to_float(x)
    compute = _wide(x).dtype
    q = tf.cast(convert_to_tensor(q), compute)
    y, keep_shape = _flatten_axes(_wide(x), axis)
    if ignore_nan:  # NaNs sort last and are not counted
        nan = tf.math.is_nan(y)
        values = tf.sort(tf.where(nan, tf.constant(np.inf, compute), y), axis=-1)
        count = tf.reduce_sum(tf.cast(tf.logical_not(nan), compute), axis=-1, keepdims=True)
    else:
        values = tf.sort(y, axis=-1)
        count = tf.cast(tf.shape(values)[-1:], compute)
    position = tf.maximum(tf.reshape(q, [-1]) * (count - 1), 0)  # (..., number of q)
    lower, upper = tf.floor(position), tf.math.ceil(position)
    batch = values.shape.rank - 1
    index_shape = tf.concat([tf.shape(values)[:-1], tf.shape(position)[-1:]], axis=0)

    def pick(index):
        index = tf.broadcast_to(tf.cast(index, tf.int32), index_shape)
        return tf.gather(values, index, axis=-1, batch_dims=batch)

    if method == "lower":
        out = pick(lower)
    elif method == "higher":
        out = pick(upper)
    elif method == "nearest":
        out = pick(tf.round(position))
    else:
        low, high = pick(lower), pick(upper)
        out = (low + high) / 2 if method == "midpoint" else low + (high - low) * (position - lower)
    if ignore_nan:
        out = tf.where(tf.equal(count, 0), tf.constant(np.nan, compute), out)
    # The q axis is last: move it first, then give q its shape back.
    out = _moveaxis(out, [-1], [0])
    if keepdims:
        rest = tf.stack(keep_shape) if keep_shape else tf.zeros([0], tf.int32)
    else:
        rest = tf.shape(out)[1:]
    out = tf.reshape(out, tf.concat([tf.shape(q), tf.cast(rest, tf.int32)], axis=0))
    return tf.cast(out, x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, convert_to_tensor(q, "float64") / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims)


def _cumulative(fn, x, axis, dtype):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype) if dtype else _dtype(x)
    dtype = to_tf_dtype("int32" if dtype == "bool" else dtype)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    acc = _INT_COMPUTE.get(dtype, dtype)
    return tf.cast(fn(tf.cast(x, acc), axis=axis), dtype)


def cumsum(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumprod, x, axis, dtype)


# Sorting and searching ----------------------------------------------------------------------


def _sortable(x):
    return tf.cast(x, tf.int32) if x.dtype == tf.bool or x.dtype in _INT_COMPUTE else x


def sort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.cast(tf.sort(_sortable(x), axis=axis), x.dtype)


def argsort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.cast(tf.argsort(_sortable(x), axis=axis, stable=True), tf.int32)


def argpartition(x, kth, axis=-1):
    return argsort(x, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = promote(sorted_sequence, values)
    if values.dtype == tf.bool or values.dtype in _INT_COMPUTE:
        sorted_sequence, values = _sortable(sorted_sequence), _sortable(values)
    flat = tf.reshape(values, [-1])
    out = tf.searchsorted(sorted_sequence, flat, side=side, out_type=tf.int32)
    return tf.reshape(out, tf.shape(values))


def digitize(x, bins):
    return searchsorted(bins, x, side="right")


# Shape and layout ---------------------------------------------------------------------------


def _exact(fn, x1, x2):
    """``fn`` (a matrix product) for dtypes TF lacks: bools via int32, small ints widened."""
    if x1.dtype == tf.bool:
        return tf.not_equal(fn(tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)), 0)
    if x1.dtype in _INT_COMPUTE:
        return _via_int(fn, x1, x2)
    return fn(x1, x2)


def _matmul(x1, x2):
    if x1.shape.rank == 1 and x2.shape.rank == 1:
        return tf.reduce_sum(x1 * x2)
    if x1.shape.rank == 1:
        return tf.squeeze(tf.linalg.matmul(tf.expand_dims(x1, 0), x2), -2)
    if x2.shape.rank == 1:
        return tf.squeeze(tf.linalg.matmul(x1, tf.expand_dims(x2, -1)), -1)
    return tf.linalg.matmul(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.int8:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return _exact(_matmul, x1, x2)


def reshape(x, newshape):
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    return tf.reshape(convert_to_tensor(x), newshape)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    rank = x.shape.rank + len(axes)
    for a in sorted(int(a) % rank for a in axes):
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    return tf.squeeze(x, axis=None if axis is None else _axes(x, axis))


def transpose(x, axes=None):
    return tf.transpose(convert_to_tensor(x), perm=None if axes is None else list(axes))


def moveaxis(x, source, destination):
    source = source if isinstance(source, (list, tuple)) else [source]
    destination = destination if isinstance(destination, (list, tuple)) else [destination]
    return _moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    x = convert_to_tensor(x)
    perm = list(range(x.shape.rank))
    a1, a2 = int(axis1) % len(perm), int(axis2) % len(perm)
    perm[a1], perm[a2] = perm[a2], perm[a1]
    return tf.transpose(x, perm)


def concatenate(xs, axis=0):
    xs = _promote_all(xs)
    if axis is None:
        xs, axis = [tf.reshape(x, [-1]) for x in xs], 0
    return tf.concat(xs, axis=axis)


def stack(x, axis=0):
    return tf.stack(_promote_all(x), axis=axis)


def hstack(xs):
    xs = _promote_all(xs)
    return tf.concat(xs, axis=0 if builtins.all(x.shape.rank == 1 for x in xs) else 1)


def _at_least(x, rank):
    if x.shape.rank == 0:
        return tf.reshape(x, [1] * rank)
    if x.shape.rank == 1:
        return tf.reshape(x, [1, -1] if rank == 2 else [1, -1, 1])
    if x.shape.rank == 2 and rank == 3:
        return tf.expand_dims(x, -1)
    return x


def vstack(xs):
    return tf.concat([_at_least(x, 2) for x in _promote_all(xs)], axis=0)


def dstack(xs):
    return tf.concat([_at_least(x, 3) for x in _promote_all(xs)], axis=2)


def _split_sizes(n, indices_or_sections):
    """Part sizes for NumPy's ``array_split`` (an int: nearly equal parts; else split points)."""
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        return [n // k + (1 if i < n % k else 0) for i in range(k)]
    points = [
        builtins.min(builtins.max(int(i) if i >= 0 else n + int(i), 0), n)
        for i in convert_to_numpy(indices_or_sections).tolist()
    ]
    bounds = [0, *points, n]
    return [builtins.max(bounds[i + 1] - bounds[i], 0) for i in range(len(bounds) - 1)]


def split(x, indices_or_sections, axis=0):
    return array_split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    n = x.shape[axis]
    if n is None:  # unknown size (in a traced function): equal parts only
        return tf.split(x, int(indices_or_sections), axis=axis)
    return tf.split(x, _split_sizes(n, indices_or_sections), axis=axis)


def hsplit(x, indices_or_sections):
    x = convert_to_tensor(x)
    return split(x, indices_or_sections, axis=1 if x.shape.rank > 1 else 0)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


def tile(x, repeats):
    x = convert_to_tensor(x)
    repeats = [repeats] if isinstance(repeats, (int, np.integer)) else list(repeats)
    if len(repeats) > x.shape.rank:
        x = tf.reshape(x, [1] * (len(repeats) - x.shape.rank) + _shape(x))
    repeats = [1] * (x.shape.rank - len(repeats)) + repeats
    return tf.tile(x, repeats)


def repeat(x, repeats, axis=None):
    x = convert_to_tensor(x)
    if not isinstance(repeats, (int, np.integer)):
        repeats = tf.cast(convert_to_tensor(repeats), tf.int32)
    return tf.repeat(x, repeats, axis=axis)


def _pad_widths(pad_width, ndim):
    return np.broadcast_to(np.asarray(convert_to_numpy(pad_width), dtype="int64"), (ndim, 2))


def _pad_source_indices(n, before, after, mode):
    """For each padded position along an axis, the index it copies (NumPy's pad modes)."""
    p = np.arange(-before, n + after)
    if mode == "edge" or n == 1:
        return np.clip(p, 0, n - 1)
    if mode == "wrap":
        return p % n
    if mode == "symmetric":
        q = p % (2 * n)
        return np.where(q < n, q, 2 * n - 1 - q)
    q = p % (2 * n - 2)  # reflect
    return np.where(q < n, q, 2 * n - 2 - q)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    widths = _pad_widths(pad_width, x.shape.rank)
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return tf.pad(x, widths, constant_values=tf.cast(value, x.dtype))
    for axis, (before, after) in enumerate(widths.tolist()):
        if not (before or after):
            continue
        n = x.shape[axis]
        if n is None:  # unknown size (in a traced function): TF's own modes
            one = [[0, 0]] * x.shape.rank
            one[axis] = [before, after]
            x = tf.pad(x, one, mode=mode.upper())
        else:
            x = tf.gather(x, _pad_source_indices(n, before, after, mode), axis=axis)
    return x


def flip(x, axis=None):
    x = convert_to_tensor(x)
    return tf.reverse(x, _axes(x, axis))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    x = convert_to_tensor(array)
    a0, a1 = (int(a) % x.shape.rank for a in axes)
    perm = list(range(x.shape.rank))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    k %= 4
    if k == 1:
        return tf.transpose(tf.reverse(x, [a1]), perm)
    if k == 2:
        return tf.reverse(x, [a0, a1])
    if k == 3:
        return tf.reverse(tf.transpose(x, perm), [a1])
    return tf.identity(x)


def roll(x, shift, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, axis=0), tf.shape(x))
    return tf.roll(x, shift, axis=axis)


def broadcast_to(x, shape):
    return tf.broadcast_to(convert_to_tensor(x), shape)


def _positive_indices(indices, size):
    indices = tf.cast(convert_to_tensor(indices), tf.int64)
    return tf.where(indices < 0, indices + tf.cast(size, tf.int64), indices)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.gather(x, _positive_indices(indices, tf.shape(x)[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
        indices = tf.reshape(convert_to_tensor(indices), [-1])
    axis = int(axis) % x.shape.rank
    indices = _positive_indices(indices, tf.shape(x)[axis])
    # Broadcast every axis but `axis`, move `axis` last, and gather with batch dims.
    x_shape, i_shape = tf.shape(x), tf.shape(indices)
    common = tf.broadcast_dynamic_shape(
        tf.tensor_scatter_nd_update(x_shape, [[axis]], [1]),
        tf.tensor_scatter_nd_update(i_shape, [[axis]], [1]),
    )
    x = tf.broadcast_to(x, tf.tensor_scatter_nd_update(common, [[axis]], [x_shape[axis]]))
    indices = tf.broadcast_to(
        indices, tf.tensor_scatter_nd_update(common, [[axis]], [i_shape[axis]])
    )
    last = x.shape.rank - 1
    out = tf.gather(
        _moveaxis(x, [axis], [last]), _moveaxis(indices, [axis], [last]), batch_dims=last, axis=last
    )
    return _moveaxis(out, [last], [axis])


def ravel(x):
    return tf.reshape(convert_to_tensor(x), [-1])


def size(x):
    return tf.size(convert_to_tensor(x), out_type=tf.int32)


def ndim(x):
    return convert_to_tensor(x).shape.rank


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    axis = int(axis) % a.shape.rank
    head = (builtins.slice(None),) * axis
    for _ in range(n):
        later, earlier = a[head + (builtins.slice(1, None),)], a[head + (builtins.slice(None, -1),)]
        a = tf.not_equal(later, earlier) if a.dtype == tf.bool else later - earlier
    return a


def nonzero(x):
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, [1])
    found = tf.cast(tf.where(tf.cast(x, tf.bool)), tf.int32)
    return tuple(found[:, i] for i in range(x.shape.rank))


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    dtype = tf.int32 if indices.dtype == tf.bool else indices.dtype
    out, rest = [], tf.cast(indices, tf.int64)
    for size_ in reversed(shape):
        out.append(tf.cast(rest % size_, dtype))
        rest = rest // size_
    return tuple(reversed(out))


def _index(k):
    if k is None or k is Ellipsis or isinstance(k, builtins.slice):
        return k
    if isinstance(k, (int, np.integer)):
        return int(k)
    return convert_to_tensor(k)


def _is_array_index(k):
    return isinstance(k, (tf.Tensor, tf.Variable)) and (k.shape.rank or k.dtype == tf.bool)


def get_item(x, key):
    x = convert_to_tensor(x)
    key = [_index(k) for k in (key if isinstance(key, tuple) else (key,))]
    if not builtins.any(_is_array_index(k) for k in key):
        return x[tuple(key)]
    return _advanced_index(x, key)


def _advanced_index(x, key):
    """NumPy indexing with index arrays, through `tf.gather_nd`."""
    items = []
    for k in key:  # a bool mask stands for one index array per axis it covers
        if isinstance(k, (tf.Tensor, tf.Variable)) and k.dtype == tf.bool:
            found = tf.where(k)
            items.extend(found[:, i] for i in range(k.shape.rank))
        else:
            items.append(k)
    used = builtins.sum(1 for k in items if k is not None and k is not Ellipsis)
    fill = [builtins.slice(None)] * (x.shape.rank - used)
    if builtins.any(k is Ellipsis for k in items):
        at = next(i for i, k in enumerate(items) if k is Ellipsis)
        items = items[:at] + fill + items[at + 1 :]
    else:
        items = items + fill
    basic, arrays, positions = [], [], []
    for k in items:  # ints beside index arrays act as (broadcast) index arrays, as in NumPy
        if k is None or isinstance(k, builtins.slice):
            basic.append(k)
        else:
            basic.append(builtins.slice(None))
            arrays.append(k)
            positions.append(len(basic) - 1)
    y = x[tuple(basic)]
    dims = tf.shape(y)
    arrays = [_positive_indices(a, dims[p]) for a, p in zip(arrays, positions)]
    common = tf.shape(arrays[0])
    for a in arrays[1:]:
        common = tf.broadcast_dynamic_shape(common, tf.shape(a))
    index = tf.stack([tf.broadcast_to(a, common) for a in arrays], axis=-1)
    rest = [d for d in range(y.shape.rank) if d not in positions]
    out = tf.gather_nd(tf.transpose(y, positions + rest), index)
    start = positions[0]
    if positions == list(range(start, start + len(positions))) and start > 0:
        n_index = index.shape.rank - 1
        perm = list(range(out.shape.rank))
        perm = perm[n_index : n_index + start] + perm[:n_index] + perm[n_index + start :]
        out = tf.transpose(out, perm)
    return out


# Products -----------------------------------------------------------------------------------


def _tensordot(x1, x2, axes):
    return _exact(lambda a, b: tf.tensordot(a, b, axes=axes), x1, x2)


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.shape.rank == 0 or x2.shape.rank == 0:
        return multiply(x1, x2)
    return _tensordot(x1, x2, [[x1.shape.rank - 1], [builtins.max(x2.shape.rank - 2, 0)]])


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    x1 = tf.math.conj(x1) if x1.dtype.is_complex else x1
    return _tensordot(tf.reshape(x1, [-1]), tf.reshape(x2, [-1]), 1)


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.shape.rank == 0 or x2.shape.rank == 0:
        return multiply(x1, x2)
    return _tensordot(x1, x2, [[x1.shape.rank - 1], [x2.shape.rank - 1]])


def outer(x1, x2):
    x1, x2 = promote(x1, x2)
    return multiply(tf.reshape(x1, (-1, 1)), tf.reshape(x2, (1, -1)))


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    if not isinstance(axes, (int, np.integer)):
        axes = [
            [int(a) % x.shape.rank for a in (ax if isinstance(ax, (list, tuple)) else [ax])]
            for ax, x in zip(axes, (x1, x2))
        ]
    return _tensordot(x1, x2, axes)


def einsum(subscripts, *operands, **kwargs):
    operands = _promote_all(operands)
    dtype = operands[0].dtype
    if dtype == tf.bool:
        out = tf.einsum(subscripts, *[tf.cast(o, tf.int32) for o in operands])
        return tf.not_equal(out, 0)
    if dtype == tf.int8:
        return tf.einsum(subscripts, *[tf.cast(o, tf.int32) for o in operands])
    wide = _INT_COMPUTE.get(dtype)
    if wide is not None:
        return tf.cast(tf.einsum(subscripts, *[tf.cast(o, wide) for o in operands]), dtype)
    return tf.einsum(subscripts, *operands)


def _cross_vectors(a, b):
    """Cross products of 2- or 3-vectors in the last axis (2-vectors have a zero z)."""
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    if a.shape[-1] == 2:
        a = tf.concat([a, tf.zeros_like(a[..., :1])], axis=-1)
    if b.shape[-1] == 2:
        b = tf.concat([b, tf.zeros_like(b[..., :1])], axis=-1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _moveaxis(x1, [axisa], [-1]), _moveaxis(x2, [axisb], [-1])
    out = _cross_vectors(a, b)
    if out.shape.rank == builtins.max(a.shape.rank, b.shape.rank):
        return _moveaxis(out, [-1], [axisc])
    return out


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    rank = builtins.max(x1.shape.rank, x2.shape.rank)
    s1 = [1] * (rank - x1.shape.rank) + _shape(x1)
    s2 = [1] * (rank - x2.shape.rank) + _shape(x2)
    a = tf.reshape(x1, [d for pair in zip(s1, [1] * rank) for d in pair])
    b = tf.reshape(x2, [d for pair in zip([1] * rank, s2) for d in pair])
    return tf.reshape(multiply(a, b), [d1 * d2 for d1, d2 in zip(s1, s2)])


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    return sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


# Statistics and signals ---------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    x = tf.cast(convert_to_tensor(x), tf.int32)
    if weights is None:
        return tf.math.bincount(x, minlength=minlength, dtype=tf.int32)
    weights = convert_to_tensor(weights)
    dtype = dtypes.result_type("int32", _dtype(weights))
    out = tf.math.bincount(x, weights=tf.cast(weights, tf.float64), minlength=minlength)
    return cast(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    edges_dtype = _float_dtype(_dtype(x))
    values = tf.cast(tf.reshape(x, [-1]), tf.float64)
    if range is None:
        lo, hi = tf.reduce_min(values), tf.reduce_max(values)
    else:
        lo, hi = tf.constant(float(range[0]), tf.float64), tf.constant(float(range[1]), tf.float64)
    same = tf.equal(lo, hi)
    lo, hi = tf.where(same, lo - 0.5, lo), tf.where(same, hi + 0.5, hi)
    edges = lo + (hi - lo) * tf.range(bins + 1, dtype=tf.float64) / bins
    edges = tf.tensor_scatter_nd_update(edges, [[bins]], [hi])
    values = tf.boolean_mask(values, (values >= lo) & (values <= hi))
    index = tf.clip_by_value(
        tf.cast(tf.floor((values - lo) / (hi - lo) * bins), tf.int32), 0, bins - 1
    )
    index -= tf.cast(values < tf.gather(edges, index), tf.int32)
    index += tf.cast((values >= tf.gather(edges, index + 1)) & (index != bins - 1), tf.int32)
    counts = tf.math.bincount(index, minlength=bins, maxlength=bins, dtype=tf.int32)
    return counts, cast(edges, edges_dtype)


def _correlate_dtype(dtype: str) -> str:
    if dtype == "int64":
        return "float64"
    return dtype if dtype in ("float16", "bfloat16", "float64") else "float32"


def _correlate_window(n, m, mode):
    """Start and length of ``mode``'s slice of the full correlation."""
    if mode == "full":
        return 0, n + m - 1
    if mode == "valid":
        return builtins.min(n, m) - 1, builtins.max(n, m) - builtins.min(n, m) + 1
    start = (m - 1) // 2 if m <= n else (n - 1) - (n - 1) // 2
    return start, builtins.max(n, m)


def correlate(x1, x2, mode="valid"):
    x1, x2 = promote(x1, x2)
    dtype = _correlate_dtype(_dtype(x1))
    a, v = _wide(cast(x1, dtype)), _wide(cast(x2, dtype))
    n, m = a.shape[0], v.shape[0]
    padded = tf.pad(a, [[m - 1, m - 1]])
    full_ = tf.nn.conv1d(
        tf.reshape(padded, [1, -1, 1]), tf.reshape(v, [m, 1, 1]), stride=1, padding="VALID"
    )
    start, length = _correlate_window(n, m, mode)
    return cast(tf.reshape(full_, [-1])[start : start + length], dtype)


def corrcoef(x):
    x = _to_float(x)
    rows = _wide(tf.reshape(x, [1, -1]) if x.shape.rank == 1 else x)
    centered = rows - tf.reduce_mean(rows, axis=1, keepdims=True)
    cov = tf.linalg.matmul(centered, centered, transpose_b=True)
    d = tf.sqrt(tf.linalg.diag_part(cov))
    out = tf.clip_by_value(cov / d[:, None] / d[None, :], -1.0, 1.0)
    return tf.cast(tf.reshape(out, []) if x.shape.rank == 1 else out, x.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _to_float(y)
    axis = int(axis) % y.shape.rank
    head = (builtins.slice(None),) * axis
    later, earlier = y[head + (builtins.slice(1, None),)], y[head + (builtins.slice(None, -1),)]
    if x is None:
        d = tf.cast(dx, y.dtype)
    else:
        x = convert_to_tensor(x, _dtype(y))
        if x.shape.rank == 1:
            shape = [1] * y.shape.rank
            shape[axis] = -1
            d = tf.reshape(x[1:] - x[:-1], shape)
        else:
            d = diff(x, axis=axis)
    return tf.cast(tf.reduce_sum(_wide(d * (later + earlier) / 2), axis=axis), y.dtype)


# NaN-ignoring reductions (the same code on every backend, over this module's own ops) --------


def _nan_filled(x, fill):
    """``x`` with NaNs replaced by ``fill``, and the NaN mask (None when ``x`` is not float)."""
    x = convert_to_tensor(x)
    if not dtypes.is_float(_dtype(x)):
        return x, None
    nan = isnan(x)
    return where(nan, fill, x), nan


def _nan_compute_dtype(x):
    dtype = _dtype(x)
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def nansum(x, axis=None, keepdims=False):
    return sum(_nan_filled(x, 0)[0], axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_nan_filled(x, 1)[0], axis=axis, keepdims=keepdims)


def _nan_total_and_count(filled, nan, axis, keepdims):
    compute = _nan_compute_dtype(filled)
    total = sum(cast(filled, compute), axis=axis, keepdims=keepdims)
    count = sum(cast(logical_not(nan), compute), axis=axis, keepdims=keepdims)
    return total, count


def nanmean(x, axis=None, keepdims=False):
    filled, nan = _nan_filled(x, 0)
    if nan is None:
        return mean(x, axis=axis, keepdims=keepdims)
    total, count = _nan_total_and_count(filled, nan, axis, keepdims)
    return cast(divide(total, count), _dtype(filled))


def nanvar(x, axis=None, keepdims=False):
    filled, nan = _nan_filled(x, 0)
    if nan is None:
        return var(x, axis=axis, keepdims=keepdims)
    total, count = _nan_total_and_count(filled, nan, axis, True)
    centered = where(nan, 0, subtract(cast(filled, _dtype(total)), divide(total, count)))
    squares = sum(multiply(centered, centered), axis=axis, keepdims=keepdims)
    count = count if keepdims else squeeze(count, axis=axis)
    return cast(divide(squares, count), _dtype(filled))


def nanstd(x, axis=None, keepdims=False):
    return sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extreme(reduce, fill, x, axis, keepdims):
    filled, nan = _nan_filled(x, fill)
    out = reduce(filled, axis=axis, keepdims=keepdims)
    if nan is None:
        return out
    return where(all(nan, axis=axis, keepdims=keepdims), float("nan"), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extreme(max, -np.inf, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extreme(min, np.inf, x, axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return argmax(_nan_filled(x, -np.inf)[0], axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return argmin(_nan_filled(x, np.inf)[0], axis=axis, keepdims=keepdims)


def nancumsum(x, axis=None, dtype=None):
    return cumsum(_nan_filled(x, 0)[0], axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    return cumprod(_nan_filled(x, 1)[0], axis=axis, dtype=dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nanquantile(x, divide(q, 100.0), axis=axis, method=method, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = convert_to_tensor(x)
    if not dtypes.is_float(_dtype(x)):
        return quantile(x, q, axis=axis, method=method, keepdims=keepdims)
    return _quantile(x, q, axis, method, keepdims, ignore_nan=True)


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
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
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
