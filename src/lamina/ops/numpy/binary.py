"""NumPy-style element-wise ops of two inputs: `add`, `maximum`, `equal`, `logical_and`, ...
(`isclose`, `where`, `select` and the like are in `selection`)."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.ops import symbolic
from lamina.ops.numpy._common import (
    _bool_to_int32,
    _float64_for_int64,
    _float_result_dtype,
    _result_dtype,
)
from lamina.ops.symbolic import any_symbolic, dtype_of

__all__ = [
    "add",
    "arctan2",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "divide",
    "divide_no_nan",
    "equal",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "gcd",
    "greater",
    "greater_equal",
    "heaviside",
    "hypot",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "nextafter",
    "not_equal",
    "power",
    "right_shift",
    "subtract",
    "true_divide",
]


# Element-wise, two inputs --------------------------------------------------------------------


def add(x1, x2):
    """Add arguments element-wise.

    Example:
        >>> lamina.ops.add(np.array([1, 2]), 3)
        array([4, 5])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.add(x1, x2)


def subtract(x1, x2):
    """Subtract arguments element-wise.

    Example:
        >>> lamina.ops.subtract(np.array([5, 3]), np.array([1, 4]))
        array([ 4, -1])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.subtract(x1, x2)


def multiply(x1, x2):
    """Multiply arguments element-wise.

    Example:
        >>> lamina.ops.multiply(np.array([1, 2]), np.array([3, 4]))
        array([3, 8])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.multiply(x1, x2)


def divide(x1, x2):
    """True division element-wise; ints give floatx.

    Example:
        >>> lamina.ops.divide(np.array([1, 2]), 2)
        array([0.5, 1. ], dtype=float32)
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.divide(x1, x2)


def true_divide(x1, x2):
    """True division element-wise (alias of `divide`).

    Example:
        >>> lamina.ops.true_divide(np.array([3.0, 1.0]), np.array([2.0, 4.0]))
        array([1.5 , 0.25])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.true_divide(x1, x2)


def divide_no_nan(x1, x2):
    """Division element-wise that gives 0 where the divisor is 0.

    Example:
        >>> lamina.ops.divide_no_nan(np.array([1.0, 2.0]), np.array([2.0, 0.0]))
        array([0.5, 0. ])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.divide_no_nan(x1, x2)


def floor_divide(x1, x2):
    """Largest integer not above ``x1 / x2``, element-wise.

    Example:
        >>> lamina.ops.floor_divide(np.array([7, -7]), 2)
        array([ 3, -4])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.floor_divide(x1, x2)


def mod(x1, x2):
    """Remainder of floor division element-wise (sign of the divisor).

    Example:
        >>> lamina.ops.mod(np.array([7, -7]), 3)
        array([1, 2])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_bool_to_int32(_result_dtype(x1, x2)))
    return B.numpy.mod(x1, x2)


def fmod(x1, x2):
    """Remainder of truncated division element-wise (sign of the dividend).

    Example:
        >>> lamina.ops.fmod(np.array([7, -7]), 3)
        array([ 1, -1])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_bool_to_int32(_result_dtype(x1, x2)))
    return B.numpy.fmod(x1, x2)


def power(x1, x2):
    """``x1 ** x2`` element-wise.

    Example:
        >>> lamina.ops.power(np.array([2, 3]), 2)
        array([4, 9])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.power(x1, x2)


def maximum(x1, x2):
    """Element-wise maximum (NaN wins).

    Example:
        >>> lamina.ops.maximum(np.array([1, 5]), np.array([3, 2]))
        array([3, 5])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.maximum(x1, x2)


def minimum(x1, x2):
    """Element-wise minimum (NaN wins).

    Example:
        >>> lamina.ops.minimum(np.array([1, 5]), np.array([3, 2]))
        array([1, 2])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.minimum(x1, x2)


def fmax(x1, x2):
    """Element-wise maximum that ignores NaNs.

    Example:
        >>> lamina.ops.fmax(np.array([1.0, np.nan]), np.array([np.nan, 2.0]))
        array([1., 2.])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.fmax(x1, x2)


def fmin(x1, x2):
    """Element-wise minimum that ignores NaNs.

    Example:
        >>> lamina.ops.fmin(np.array([1.0, np.nan]), np.array([0.0, 2.0]))
        array([0., 2.])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.fmin(x1, x2)


def arctan2(x1, x2):
    """Element-wise arc tangent of ``x1 / x2``, choosing the quadrant.

    Example:
        >>> np.round(lamina.ops.arctan2(np.array([1.0, 1.0]), np.array([1.0, -1.0])), 3)
        array([0.785, 2.356])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.arctan2(x1, x2)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` element-wise.

    Example:
        >>> lamina.ops.hypot(np.array([3.0, 5.0]), np.array([4.0, 12.0]))
        array([ 5., 13.])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float64_for_int64(_result_dtype(x1, x2)))
    return B.numpy.hypot(x1, x2)


def heaviside(x1, x2):
    """Heaviside step: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``.

    Example:
        >>> lamina.ops.heaviside(np.array([-1.0, 0.0, 2.0]), 0.5)
        array([0. , 0.5, 1. ])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float64_for_int64(_result_dtype(x1, x2)))
    return B.numpy.heaviside(x1, x2)


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` element-wise, computed stably.

    Example:
        >>> np.round(lamina.ops.logaddexp(np.array([0.0, 1.0]), np.array([0.0, 1.0])), 3)
        array([0.693, 1.693])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.logaddexp(x1, x2)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` element-wise, computed stably.

    Example:
        >>> lamina.ops.logaddexp2(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
        array([2., 3.])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.logaddexp2(x1, x2)


def equal(x1, x2):
    """``x1 == x2`` element-wise.

    Example:
        >>> lamina.ops.equal(np.array([1, 2]), np.array([1, 3]))
        array([ True, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.equal(x1, x2)


def not_equal(x1, x2):
    """``x1 != x2`` element-wise.

    Example:
        >>> lamina.ops.not_equal(np.array([1, 2]), np.array([1, 3]))
        array([False,  True])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.not_equal(x1, x2)


def less(x1, x2):
    """``x1 < x2`` element-wise.

    Example:
        >>> lamina.ops.less(np.array([1, 2, 3]), 2)
        array([ True, False, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.less(x1, x2)


def less_equal(x1, x2):
    """``x1 <= x2`` element-wise.

    Example:
        >>> lamina.ops.less_equal(np.array([1, 2, 3]), 2)
        array([ True,  True, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.less_equal(x1, x2)


def greater(x1, x2):
    """``x1 > x2`` element-wise.

    Example:
        >>> lamina.ops.greater(np.array([1, 2, 3]), 2)
        array([False, False,  True])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.greater(x1, x2)


def greater_equal(x1, x2):
    """``x1 >= x2`` element-wise.

    Example:
        >>> lamina.ops.greater_equal(np.array([1, 2, 3]), 2)
        array([False,  True,  True])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.greater_equal(x1, x2)


def logical_and(x1, x2):
    """Logical AND element-wise.

    Example:
        >>> lamina.ops.logical_and(np.array([True, True, False]), np.array([True, False, False]))
        array([ True, False, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.logical_and(x1, x2)


def logical_or(x1, x2):
    """Logical OR element-wise.

    Example:
        >>> lamina.ops.logical_or(np.array([True, True, False]), np.array([True, False, False]))
        array([ True,  True, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.logical_or(x1, x2)


def logical_xor(x1, x2):
    """Logical XOR element-wise.

    Example:
        >>> lamina.ops.logical_xor(np.array([True, True, False]), np.array([True, False, False]))
        array([False,  True, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.logical_xor(x1, x2)


def bitwise_and(x, y):
    """Bitwise AND element-wise.

    Example:
        >>> lamina.ops.bitwise_and(np.array([12, 5]), 10)
        array([8, 0])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_and(x, y)


def bitwise_or(x, y):
    """Bitwise OR element-wise.

    Example:
        >>> lamina.ops.bitwise_or(np.array([12, 5]), 10)
        array([14, 15])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_or(x, y)


def bitwise_xor(x, y):
    """Bitwise XOR element-wise.

    Example:
        >>> lamina.ops.bitwise_xor(np.array([12, 5]), 10)
        array([ 6, 15])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_xor(x, y)


def bitwise_left_shift(x, y):
    """Shift the bits of ``x`` left by ``y`` element-wise.

    Example:
        >>> lamina.ops.bitwise_left_shift(np.array([1, 3]), 2)
        array([ 4, 12])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_left_shift(x, y)


def bitwise_right_shift(x, y):
    """Shift the bits of ``x`` right by ``y`` element-wise.

    Example:
        >>> lamina.ops.bitwise_right_shift(np.array([8, 13]), 2)
        array([2, 3])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_right_shift(x, y)


def left_shift(x, y):
    """Shift the bits of ``x`` left by ``y`` (alias of `bitwise_left_shift`).

    Example:
        >>> lamina.ops.left_shift(np.array([1, 5]), 1)
        array([ 2, 10])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.left_shift(x, y)


def right_shift(x, y):
    """Shift the bits of ``x`` right by ``y`` (alias of `bitwise_right_shift`).

    Example:
        >>> lamina.ops.right_shift(np.array([8, 5]), 1)
        array([4, 2])
    """
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.right_shift(x, y)


def gcd(x1, x2):
    """Greatest common divisor of integers, element-wise.

    Example:
        >>> lamina.ops.gcd(np.array([12, 9]), np.array([8, 6]))
        array([4, 3])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.gcd(x1, x2)


def lcm(x1, x2):
    """Least common multiple of integers, element-wise.

    Example:
        >>> lamina.ops.lcm(np.array([4, 3]), np.array([6, 5]))
        array([12, 15])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.lcm(x1, x2)


def ldexp(x1, x2):
    """``x1 * 2**x2`` element-wise (``x2`` integer).

    Example:
        >>> lamina.ops.ldexp(np.array([1.0, 3.0]), np.array([2, 1]))
        array([4., 6.])
    """
    d2 = dtype_of(x2)
    if not (dtypes.is_int(d2) or d2 in ("bool", dtypes.WEAK_INT)):
        raise TypeError(f"`ops.ldexp`: `x2` must hold integers. Received: x2 with dtype {d2}")
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.ldexp(x1, x2)


def nextafter(x1, x2):
    """The next representable float after ``x1`` toward ``x2``, element-wise.

    Example:
        >>> lamina.ops.nextafter(np.array([1.0]), 2.0) - 1.0
        array([2.22044605e-16])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.nextafter(x1, x2)
