"""NumPy-style element-wise ops of one input: `abs`, `sign`, `round`, `clip`, `isnan`, ...

Exponentials, logarithms, powers, roots and trigonometric functions are in `transcendental`.
"""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.numpy_rules import part_dtype
from lamina.ops import symbolic
from lamina.ops.numpy._common import _bool_to_int32, _float_dtype, _is_int, _unary
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "abs",
    "absolute",
    "angle",
    "bitwise_invert",
    "bitwise_not",
    "ceil",
    "clip",
    "conj",
    "conjugate",
    "fabs",
    "floor",
    "imag",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "logical_not",
    "nan_to_num",
    "negative",
    "real",
    "round",
    "sign",
    "signbit",
    "trunc",
]


# Element-wise, one input ---------------------------------------------------------------------


def abs(x):
    """Absolute value element-wise (alias of `absolute`).

    Example:
        >>> lamina.ops.abs(np.array([-2, 0, 3]))
        array([2, 0, 3])
    """
    if any_symbolic(x):
        return _unary(x, part_dtype)
    return B.numpy.abs(x)


def absolute(x):
    """Absolute value element-wise.

    Example:
        >>> lamina.ops.absolute(np.array([-1.5, 2.0]))
        array([1.5, 2. ])
    """
    if any_symbolic(x):
        return _unary(x, part_dtype)
    return B.numpy.absolute(x)


def fabs(x):
    """Absolute value element-wise, as floats.

    Example:
        >>> lamina.ops.fabs(np.array([-2, 3]))
        array([2., 3.], dtype=float32)
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.fabs(x)


def negative(x):
    """Numerical negative element-wise.

    Example:
        >>> lamina.ops.negative(np.array([1, -2]))
        array([-1,  2])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.negative(x)


def sign(x):
    """-1, 0 or 1 for the sign of each element.

    Example:
        >>> lamina.ops.sign(np.array([-3, 0, 2]))
        array([-1,  0,  1])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.sign(x)


def floor(x):
    """Floor element-wise (ints give floatx, as in Keras).

    Example:
        >>> lamina.ops.floor(np.array([1.7, -1.2]))
        array([ 1., -2.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.floor(x)


def ceil(x):
    """Ceiling element-wise (ints give floatx, as in Keras).

    Example:
        >>> lamina.ops.ceil(np.array([1.2, -1.5]))
        array([ 2., -1.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.ceil(x)


def trunc(x):
    """Round toward zero element-wise.

    Example:
        >>> lamina.ops.trunc(np.array([1.7, -1.7]))
        array([ 1., -1.])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.trunc(x)


def round(x, decimals=0):
    """Round to ``decimals`` decimal places element-wise (halves to even).

    Example:
        >>> lamina.ops.round(np.array([0.5, 1.5, 2.5, 2.567]))
        array([0., 2., 2., 3.])
    """
    if not _is_int(decimals):
        raise TypeError(f"`ops.round`: `decimals` must be an int. Received: decimals={decimals!r}")
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.round(x, decimals=decimals)


def conjugate(x):
    """Complex conjugate element-wise.

    Example:
        >>> lamina.ops.conjugate(np.array([1 - 1j, 2j]))
        array([1.+1.j, 0.-2.j])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.conjugate(x)


def conj(x):
    """Complex conjugate element-wise (alias of `conjugate`).

    Example:
        >>> lamina.ops.conj(np.array([1 + 2j]))
        array([1.-2.j])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.conj(x)


def real(x):
    """Real part element-wise.

    Example:
        >>> lamina.ops.real(np.array([1 + 2j, 3 - 1j]))
        array([1., 3.])
    """
    if any_symbolic(x):
        return _unary(x, part_dtype)
    return B.numpy.real(x)


def imag(x):
    """Imaginary part element-wise (zeros for real tensors).

    Example:
        >>> lamina.ops.imag(np.array([1 + 2j, 3 - 1j]))
        array([ 2., -1.])
    """
    if any_symbolic(x):
        return _unary(x, part_dtype)
    return B.numpy.imag(x)


def angle(x):
    """Angle of complex values element-wise (0 or pi for reals).

    Example:
        >>> lamina.ops.angle(np.array([1j, -1], dtype="complex64")) / np.pi
        array([0.5, 1. ], dtype=float32)
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.angle(x)


def isnan(x):
    """True where ``x`` is NaN.

    Example:
        >>> lamina.ops.isnan(np.array([1.0, np.inf, np.nan]))
        array([False, False,  True])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isnan(x)


def isinf(x):
    """True where ``x`` is positive or negative infinity.

    Example:
        >>> lamina.ops.isinf(np.array([1.0, -np.inf, np.nan]))
        array([False,  True, False])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isinf(x)


def isfinite(x):
    """True where ``x`` is neither infinite nor NaN.

    Example:
        >>> lamina.ops.isfinite(np.array([1.0, np.inf, np.nan]))
        array([ True, False, False])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isfinite(x)


def isneginf(x):
    """True where ``x`` is negative infinity.

    Example:
        >>> lamina.ops.isneginf(np.array([-np.inf, np.inf, 0.0]))
        array([ True, False, False])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isneginf(x)


def isposinf(x):
    """True where ``x`` is positive infinity.

    Example:
        >>> lamina.ops.isposinf(np.array([-np.inf, np.inf, 0.0]))
        array([False,  True, False])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isposinf(x)


def isreal(x):
    """True where ``x`` has no imaginary part.

    Example:
        >>> lamina.ops.isreal(np.array([1 + 0j, 1j]))
        array([ True, False])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isreal(x)


def signbit(x):
    """True where the sign bit is set (negative values and -0.0).

    Example:
        >>> lamina.ops.signbit(np.array([-1.0, -0.0, 2.0]))
        array([ True,  True, False])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.signbit(x)


def logical_not(x):
    """Logical NOT element-wise.

    Example:
        >>> lamina.ops.logical_not(np.array([True, False]))
        array([False,  True])
    """
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.logical_not(x)


def bitwise_invert(x):
    """Bitwise NOT element-wise (integers and bools).

    Example:
        >>> lamina.ops.bitwise_invert(np.array([0, 5], dtype="int8"))
        array([-1, -6], dtype=int8)
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.bitwise_invert(x)


def bitwise_not(x):
    """Bitwise NOT element-wise (alias of `bitwise_invert`).

    Example:
        >>> lamina.ops.bitwise_not(np.array([0, 255], dtype="uint8"))
        array([255,   0], dtype=uint8)
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.bitwise_not(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN with ``nan`` and infinities with ``posinf``/``neginf`` (default: dtype limits).

    Example:
        >>> lamina.ops.nan_to_num(np.array([np.nan, np.inf, 1.0]), posinf=9.0)
        array([0., 9., 1.])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def clip(x, x_min, x_max):
    """Limit values to ``[x_min, x_max]``; the result keeps ``x``'s dtype (bools give int32).

    Example:
        >>> lamina.ops.clip(np.array([-2, 1, 5]), 0, 3)
        array([0, 1, 3])
    """
    if any_symbolic(x, x_min, x_max):
        shape = symbolic.broadcast_shapes(shape_of(x), shape_of(x_min), shape_of(x_max))
        return KerasTensor(shape, _bool_to_int32(dtype_of(x)))
    return B.numpy.clip(x, x_min, x_max)
