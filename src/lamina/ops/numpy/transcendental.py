"""NumPy-style element-wise exponentials, logarithms, powers, roots and trigonometric and
hyperbolic functions: `exp`, `log`, `sqrt`, `sin`, `tanh`, ..."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.ops.numpy._common import _bool_to_int32, _float64_for_int64, _float_dtype, _unary
from lamina.ops.symbolic import any_symbolic

__all__ = [
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "cbrt",
    "cos",
    "cosh",
    "deg2rad",
    "exp",
    "exp2",
    "expm1",
    "i0",
    "log",
    "log10",
    "log1p",
    "log2",
    "rad2deg",
    "reciprocal",
    "sin",
    "sinc",
    "sinh",
    "sqrt",
    "square",
    "tan",
    "tanh",
]


# Powers and roots ----------------------------------------------------------------------------


def sqrt(x):
    """Non-negative square root element-wise; ints give floatx.

    Example:
        >>> lamina.ops.sqrt(np.array([4, 9]))
        array([2., 3.], dtype=float32)
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sqrt(x)


def cbrt(x):
    """Cube root element-wise.

    Example:
        >>> lamina.ops.cbrt(np.array([8.0, -27.0]))
        array([ 2., -3.])
    """
    if any_symbolic(x):
        return _unary(x, _float64_for_int64)
    return B.numpy.cbrt(x)


def square(x):
    """Square element-wise (bools give int32).

    Example:
        >>> lamina.ops.square(np.array([2, -3]))
        array([4, 9])
    """
    if any_symbolic(x):
        return _unary(x, _bool_to_int32)
    return B.numpy.square(x)


def reciprocal(x):
    """``1 / x`` element-wise.

    Example:
        >>> lamina.ops.reciprocal(np.array([2.0, 4.0]))
        array([0.5 , 0.25])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.reciprocal(x)


# Exponentials and logarithms -----------------------------------------------------------------


def exp(x):
    """Exponential element-wise.

    Example:
        >>> np.round(lamina.ops.exp(np.array([0.0, 1.0])), 3)
        array([1.   , 2.718])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.exp(x)


def exp2(x):
    """``2 ** x`` element-wise.

    Example:
        >>> lamina.ops.exp2(np.array([0, 3]))
        array([1., 8.], dtype=float32)
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.exp2(x)


def expm1(x):
    """``exp(x) - 1`` element-wise, accurate near zero.

    Example:
        >>> np.round(lamina.ops.expm1(np.array([0.0, 1.0])), 3)
        array([0.   , 1.718])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.expm1(x)


def log(x):
    """Natural logarithm element-wise.

    Example:
        >>> np.round(lamina.ops.log(np.array([1.0, np.e])), 3)
        array([0., 1.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log(x)


def log1p(x):
    """``log(1 + x)`` element-wise, accurate near zero.

    Example:
        >>> np.round(lamina.ops.log1p(np.array([0.0, 1.0])), 3)
        array([0.   , 0.693])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log1p(x)


def log2(x):
    """Base-2 logarithm element-wise.

    Example:
        >>> lamina.ops.log2(np.array([1.0, 8.0]))
        array([0., 3.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log2(x)


def log10(x):
    """Base-10 logarithm element-wise.

    Example:
        >>> lamina.ops.log10(np.array([1.0, 100.0]))
        array([0., 2.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log10(x)


# Trigonometric and hyperbolic functions, angles ----------------------------------------------


def sin(x):
    """Sine element-wise.

    Example:
        >>> np.round(lamina.ops.sin(np.array([0.0, np.pi / 2])), 3)
        array([0., 1.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sin(x)


def cos(x):
    """Cosine element-wise.

    Example:
        >>> np.round(lamina.ops.cos(np.array([0.0, np.pi])), 3)
        array([ 1., -1.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.cos(x)


def tan(x):
    """Tangent element-wise.

    Example:
        >>> np.round(lamina.ops.tan(np.array([0.0, np.pi / 4])), 3)
        array([0., 1.])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.tan(x)


def arcsin(x):
    """Inverse sine element-wise.

    Example:
        >>> np.round(lamina.ops.arcsin(np.array([0.0, 1.0])), 3)
        array([0.   , 1.571])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arcsin(x)


def arccos(x):
    """Inverse cosine element-wise.

    Example:
        >>> np.round(lamina.ops.arccos(np.array([1.0, 0.0, -1.0])), 3)
        array([0.   , 1.571, 3.142])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arccos(x)


def arctan(x):
    """Inverse tangent element-wise.

    Example:
        >>> np.round(lamina.ops.arctan(np.array([0.0, 1.0])), 3)
        array([0.   , 0.785])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arctan(x)


def sinh(x):
    """Hyperbolic sine element-wise.

    Example:
        >>> np.round(lamina.ops.sinh(np.array([0.0, 1.0])), 3)
        array([0.   , 1.175])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sinh(x)


def cosh(x):
    """Hyperbolic cosine element-wise.

    Example:
        >>> np.round(lamina.ops.cosh(np.array([0.0, 1.0])), 3)
        array([1.   , 1.543])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.cosh(x)


def tanh(x):
    """Hyperbolic tangent element-wise.

    Example:
        >>> np.round(lamina.ops.tanh(np.array([0.0, 1.0])), 3)
        array([0.   , 0.762])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.tanh(x)


def arcsinh(x):
    """Inverse hyperbolic sine element-wise.

    Example:
        >>> np.round(lamina.ops.arcsinh(np.array([0.0, 1.0])), 3)
        array([0.   , 0.881])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arcsinh(x)


def arccosh(x):
    """Inverse hyperbolic cosine element-wise.

    Example:
        >>> np.round(lamina.ops.arccosh(np.array([1.0, 2.0])), 3)
        array([0.   , 1.317])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arccosh(x)


def arctanh(x):
    """Inverse hyperbolic tangent element-wise.

    Example:
        >>> np.round(lamina.ops.arctanh(np.array([0.0, 0.5])), 3)
        array([0.   , 0.549])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arctanh(x)


def sinc(x):
    """Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0), element-wise.

    Example:
        >>> np.round(lamina.ops.sinc(np.array([0.0, 0.5])), 3)
        array([1.   , 0.637])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sinc(x)


def i0(x):
    """Modified Bessel function of the first kind, order 0, element-wise.

    Example:
        >>> np.round(lamina.ops.i0(np.array([0.0, 1.0])), 3)
        array([1.   , 1.266])
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.i0(x)


def deg2rad(x):
    """Degrees to radians element-wise.

    Example:
        >>> np.round(lamina.ops.deg2rad(np.array([180.0, 90.0])), 3)
        array([3.142, 1.571])
    """
    if any_symbolic(x):
        return _unary(x, _float64_for_int64)
    return B.numpy.deg2rad(x)


def rad2deg(x):
    """Radians to degrees element-wise.

    Example:
        >>> lamina.ops.rad2deg(np.array([np.pi, np.pi / 2]))
        array([180.,  90.])
    """
    if any_symbolic(x):
        return _unary(x, _float64_for_int64)
    return B.numpy.rad2deg(x)
