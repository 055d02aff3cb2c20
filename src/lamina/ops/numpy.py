"""NumPy-style ops: `lamina.ops.add`, `lamina.ops.matmul`, `lamina.ops.reshape`, ...

Each op has Keras 3's name, signature and defaults. On backend tensors, NumPy arrays, Python
scalars and Variables it calls the active backend directly (the fast path is one type check);
on symbolic `KerasTensor`s it returns a `KerasTensor` with the inferred shape and dtype.

Result dtypes follow Keras 3 on every backend: float-valued functions (``sqrt``, ``exp``,
``mean``, ``true_divide``, ...) of integers give `lamina.config.floatx()`; comparisons give
``bool``; ``sum``/``prod`` of ``bool``/``int8``/``int16`` give ``int32`` (``uint8``/``uint16``
give ``uint32``); indices (``argmax``, ``argsort``, ``searchsorted``, ...) are ``int32``.
"""

from __future__ import annotations

import builtins

import numpy as np

from lamina import config
from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import numpy as np_backend
from lamina.ops import symbolic
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "append",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argpartition",
    "argsort",
    "array",
    "array_split",
    "average",
    "bartlett",
    "bincount",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "blackman",
    "broadcast_to",
    "cbrt",
    "ceil",
    "clip",
    "concatenate",
    "conj",
    "conjugate",
    "copy",
    "corrcoef",
    "correlate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "deg2rad",
    "diag",
    "diagflat",
    "diagonal",
    "diff",
    "digitize",
    "divide",
    "divide_no_nan",
    "dot",
    "dsplit",
    "dstack",
    "einsum",
    "empty",
    "empty_like",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fabs",
    "flip",
    "fliplr",
    "flipud",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "full",
    "full_like",
    "gcd",
    "geomspace",
    "get_item",
    "greater",
    "greater_equal",
    "hamming",
    "hanning",
    "heaviside",
    "histogram",
    "hsplit",
    "hstack",
    "hypot",
    "i0",
    "identity",
    "imag",
    "inner",
    "isclose",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "kaiser",
    "kron",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
    "matmul",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "ndim",
    "negative",
    "nextafter",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "percentile",
    "power",
    "prod",
    "ptp",
    "quantile",
    "rad2deg",
    "ravel",
    "real",
    "reciprocal",
    "repeat",
    "reshape",
    "right_shift",
    "roll",
    "rot90",
    "round",
    "searchsorted",
    "select",
    "sign",
    "signbit",
    "sin",
    "sinc",
    "sinh",
    "size",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "trace",
    "transpose",
    "trapezoid",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "unravel_index",
    "vander",
    "var",
    "vdot",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]


# Shape and dtype helpers --------------------------------------------------------------------


def _float_dtype(dtype: str) -> str:
    return config.floatx() if dtype == "bool" or dtypes.is_int(dtype) else dtype


def _float64_for_int64(dtype: str) -> str:
    return "float64" if dtype == "int64" else _float_dtype(dtype)


def _sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def _bool_to_int32(dtype: str) -> str:
    return "int32" if dtype == "bool" else dtype


def _ndim(x) -> int:
    shape = getattr(x, "shape", None)
    return len(shape) if shape is not None else np.ndim(x)


def _unary(x, dtype=None) -> KerasTensor:
    """The symbolic result of an op that keeps ``x``'s shape; ``dtype`` a name or a rule."""
    d = dtype_of(x)
    if callable(dtype):
        d = dtype(d)
    elif dtype is not None:
        d = dtypes.standardize_dtype(dtype)
    return KerasTensor(shape_of(x), d)


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _axis(op: str, axis, ndim: int, arg: str = "axis") -> int:
    """``axis`` validated against ``ndim`` and made non-negative."""
    if not _is_int(axis):
        raise TypeError(f"`ops.{op}`: `{arg}` must be an int. Received: {arg}={axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`ops.{op}`: `{arg}`={axis} is out of range for a tensor of rank {ndim} "
            f"(valid: {-ndim} to {ndim - 1}). Received: {arg}={axis}"
        )
    return int(axis) % ndim


def _axes(op: str, axis, ndim: int, arg: str = "axis"):
    """A tuple of validated non-negative axes (``None`` stays ``None``)."""
    if axis is None:
        return None
    items = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    out = tuple(_axis(op, a, ndim, arg) for a in items)
    if len(set(out)) != len(out):
        raise ValueError(f"`ops.{op}`: `{arg}` has a repeated axis. Received: {arg}={axis!r}")
    return out


def _check_axis(op: str, x, axis, arg: str = "axis") -> None:
    if axis is None:
        return
    if type(axis) is int and -_ndim(x) <= axis < _ndim(x):
        return
    _axes(op, axis, _ndim(x), arg)


def _check_choice(op: str, arg: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must be one of {', '.join(map(repr, choices))}. "
            f"Received: {arg}={value!r}"
        )


def _reduced(op: str, x, axis, keepdims: bool, dtype) -> KerasTensor:
    """The symbolic result of a reduction of ``x`` over ``axis``."""
    shape = shape_of(x)
    axes = _axes(op, axis, len(shape))
    axes = range(len(shape)) if axes is None else axes
    if keepdims:
        out = [1 if i in axes else d for i, d in enumerate(shape)]
    else:
        out = [d for i, d in enumerate(shape) if i not in axes]
    d = dtype_of(x)
    return KerasTensor(out, dtype(d) if callable(dtype) else d if dtype is None else dtype)


def _result_dtype(*xs) -> str:
    return dtypes.result_type(*(dtype_of(x) for x in xs))


def _float_result_dtype(*xs) -> str:
    return dtypes.result_type(*(dtype_of(x) for x in xs), dtypes.WEAK_FLOAT)


# Creation ------------------------------------------------------------------------------------


def _check_shape(op: str, shape):
    dims = (shape,) if _is_int(shape) else shape
    try:
        dims = tuple(dims)
    except TypeError:
        raise TypeError(
            f"`ops.{op}`: `shape` must be an int or a tuple of ints. Received: shape={shape!r}"
        ) from None
    for d in dims:
        if not _is_int(d) or d < 0:
            raise ValueError(
                f"`ops.{op}`: `shape` must hold non-negative ints. Received: shape={shape!r}"
            )
    return dims


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; integer inputs give int32.

    Example:
        >>> lamina.ops.arange(3)  # [0, 1, 2], int32
    """
    if step is not None and not any_symbolic(step) and np.ndim(step) == 0 and step == 0:
        raise ValueError("`ops.arange`: `step` must not be zero. Received: step=0")
    return B.numpy.arange(start, stop, step=step, dtype=dtype)


def array(x, dtype=None):
    """A tensor holding ``x`` (lists, arrays, scalars), optionally cast to ``dtype``."""
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.array(x, dtype=dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx`` unless ``dtype`` is given)."""
    return B.numpy.zeros(_check_shape("zeros", shape), dtype=dtype)


def ones(shape, dtype=None):
    """A tensor of ones (``floatx`` unless ``dtype`` is given)."""
    return B.numpy.ones(_check_shape("ones", shape), dtype=dtype)


def empty(shape, dtype=None):
    """A tensor of the given shape; its values are unspecified (zeros on every backend)."""
    return B.numpy.empty(_check_shape("empty", shape), dtype=dtype)


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value`` (``floatx`` unless ``dtype`` is given)."""
    shape = _check_shape("full", shape)
    if any_symbolic(fill_value):
        return KerasTensor(shape, dtype or config.floatx())
    return B.numpy.full(shape, fill_value, dtype=dtype)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and, unless given, the dtype) of ``x``."""
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None):
    """Ones with the shape (and, unless given, the dtype) of ``x``."""
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.ones_like(x, dtype=dtype)


def empty_like(x, dtype=None):
    """A tensor with the shape (and, unless given, the dtype) of ``x``; values unspecified."""
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.empty_like(x, dtype=dtype)


def full_like(x, fill_value, dtype=None):
    """``fill_value`` in the shape (and, unless given, the dtype) of ``x``."""
    if any_symbolic(x, fill_value):
        return _unary(x, dtype)
    return B.numpy.full_like(x, fill_value, dtype=dtype)


def _check_count(op: str, arg: str, value, allow_none=False):
    if value is None and allow_none:
        return
    if not _is_int(value) or value < 0:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must be a non-negative int. Received: {arg}={value!r}"
        )


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the ``k``-th diagonal and zeros elsewhere."""
    _check_count("eye", "N", N)
    _check_count("eye", "M", M, allow_none=True)
    return B.numpy.eye(N, M=M, k=k, dtype=dtype)


def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix."""
    _check_count("identity", "n", n)
    return B.numpy.identity(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the ``k``-th diagonal of an ``N`` x ``M`` matrix, zeros above."""
    _check_count("tri", "N", N)
    _check_count("tri", "M", M, allow_none=True)
    return B.numpy.tri(N, M=M, k=k, dtype=dtype)


def _check_rank_at_least(op: str, x, rank: int, arg: str = "x"):
    ndim = _ndim(x)
    if ndim < rank:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must have rank >= {rank}. Received: {arg} with shape "
            f"{tuple(shape_of(x))}"
        )


def tril(x, k=0):
    """The lower triangle (at and below the ``k``-th diagonal) of the last two axes of ``x``."""
    _check_rank_at_least("tril", x, 2)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.tril(x, k=k)


def triu(x, k=0):
    """The upper triangle (at and above the ``k``-th diagonal) of the last two axes of ``x``."""
    _check_rank_at_least("triu", x, 2)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.triu(x, k=k)


def _check_num(op: str, num):
    if not _is_int(num) or num < 0:
        raise ValueError(f"`ops.{op}`: `num` must be a non-negative int. Received: num={num!r}")


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (tensors give one row per value).

    Example:
        >>> lamina.ops.linspace(0.0, 1.0, num=5)  # [0., 0.25, 0.5, 0.75, 1.]
    """
    _check_num("linspace", num)
    if any_symbolic(start, stop):
        return symbolic.infer(
            np_backend.linspace, start, stop, num, endpoint, retstep, dtype, axis=axis
        )
    return B.numpy.linspace(
        start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis
    )


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``num`` values spaced evenly on a log scale, from ``base**start`` to ``base**stop``."""
    _check_num("logspace", num)
    if any_symbolic(start, stop):
        return symbolic.infer(np_backend.logspace, start, stop, num, endpoint, base, dtype, axis)
    return B.numpy.logspace(
        start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis
    )


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values spaced evenly on a log scale, from ``start`` to ``stop``."""
    _check_num("geomspace", num)
    if any_symbolic(start, stop):
        return symbolic.infer(np_backend.geomspace, start, stop, num, endpoint, dtype, axis)
    return B.numpy.geomspace(start, stop, num=num, endpoint=endpoint, dtype=dtype, axis=axis)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors (``"xy"``: Cartesian, ``"ij"``: matrix)."""
    _check_choice("meshgrid", "indexing", indexing, ("xy", "ij"))
    if any_symbolic(x):
        sizes = [builtins.int(np.prod(shape_of(v))) if None not in shape_of(v) else None for v in x]
        if indexing == "xy" and len(sizes) >= 2:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        return [KerasTensor(sizes, dtype_of(v)) for v in x]
    return B.numpy.meshgrid(*x, indexing=indexing)


def diag(x, k=0):
    """The ``k``-th diagonal of a 2-D ``x``, or a 2-D tensor with a 1-D ``x`` on that diagonal."""
    if _ndim(x) not in (1, 2):
        raise ValueError(
            f"`ops.diag`: `x` must be 1-D or 2-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.diag, x, k)
    return B.numpy.diag(x, k=k)


def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on its ``k``-th diagonal."""
    if any_symbolic(x):
        return symbolic.infer(np_backend.diagflat, x, k)
    return B.numpy.diagflat(x, k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal over ``axis1`` and ``axis2``, appended as the last axis."""
    _check_rank_at_least("diagonal", x, 2)
    ndim = _ndim(x)
    if _axis("diagonal", axis1, ndim, "axis1") == _axis("diagonal", axis2, ndim, "axis2"):
        raise ValueError(
            f"`ops.diagonal`: `axis1` and `axis2` must differ. Received: axis1={axis1}, "
            f"axis2={axis2}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.diagonal, x, offset, axis1, axis2)
    return B.numpy.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D ``x`` (powers in decreasing order unless ``increasing``)."""
    if _ndim(x) != 1:
        raise ValueError(
            f"`ops.vander`: `x` must be 1-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.vander, x, N, increasing)
    return B.numpy.vander(x, N=N, increasing=increasing)


def copy(x):
    """A copy of ``x``."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.copy(x)


def _window(name, x):
    _check_count(name, "x", x)
    return getattr(B.numpy, name)(x)


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``."""
    return _window("bartlett", x)


def blackman(x):
    """The Blackman window of length ``x``."""
    return _window("blackman", x)


def hamming(x):
    """The Hamming window of length ``x``."""
    return _window("hamming", x)


def hanning(x):
    """The Hann window of length ``x``."""
    return _window("hanning", x)


def kaiser(x, beta):
    """The Kaiser window of length ``x`` with shape parameter ``beta``."""
    _check_count("kaiser", "x", x)
    return B.numpy.kaiser(x, beta)


# Element-wise, one input ---------------------------------------------------------------------


def abs(x):
    """Absolute value element-wise (alias of `absolute`)."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.abs(x)


def absolute(x):
    """Absolute value element-wise."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.absolute(x)


def fabs(x):
    """Absolute value element-wise, as floats."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.fabs(x)


def negative(x):
    """Numerical negative element-wise."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.negative(x)


def sign(x):
    """-1, 0 or 1 for the sign of each element."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.sign(x)


def square(x):
    """Square element-wise (bools give int32)."""
    if any_symbolic(x):
        return _unary(x, _bool_to_int32)
    return B.numpy.square(x)


def sqrt(x):
    """Non-negative square root element-wise; ints give floatx.

    Example:
        >>> lamina.ops.sqrt(np.array([4, 9]))  # [2., 3.], float32
    """
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sqrt(x)


def cbrt(x):
    """Cube root element-wise."""
    if any_symbolic(x):
        return _unary(x, _float64_for_int64)
    return B.numpy.cbrt(x)


def exp(x):
    """Exponential element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.exp(x)


def exp2(x):
    """``2 ** x`` element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.exp2(x)


def expm1(x):
    """``exp(x) - 1`` element-wise, accurate near zero."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.expm1(x)


def log(x):
    """Natural logarithm element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log(x)


def log1p(x):
    """``log(1 + x)`` element-wise, accurate near zero."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log1p(x)


def log2(x):
    """Base-2 logarithm element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log2(x)


def log10(x):
    """Base-10 logarithm element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.log10(x)


def sin(x):
    """Sine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sin(x)


def cos(x):
    """Cosine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.cos(x)


def tan(x):
    """Tangent element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.tan(x)


def arcsin(x):
    """Inverse sine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arcsin(x)


def arccos(x):
    """Inverse cosine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arccos(x)


def arctan(x):
    """Inverse tangent element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arctan(x)


def sinh(x):
    """Hyperbolic sine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sinh(x)


def cosh(x):
    """Hyperbolic cosine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.cosh(x)


def tanh(x):
    """Hyperbolic tangent element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.tanh(x)


def arcsinh(x):
    """Inverse hyperbolic sine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arcsinh(x)


def arccosh(x):
    """Inverse hyperbolic cosine element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arccosh(x)


def arctanh(x):
    """Inverse hyperbolic tangent element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.arctanh(x)


def sinc(x):
    """Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0), element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.sinc(x)


def i0(x):
    """Modified Bessel function of the first kind, order 0, element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.i0(x)


def deg2rad(x):
    """Degrees to radians element-wise."""
    if any_symbolic(x):
        return _unary(x, _float64_for_int64)
    return B.numpy.deg2rad(x)


def rad2deg(x):
    """Radians to degrees element-wise."""
    if any_symbolic(x):
        return _unary(x, _float64_for_int64)
    return B.numpy.rad2deg(x)


def floor(x):
    """Floor element-wise (ints give floatx, as in Keras)."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.floor(x)


def ceil(x):
    """Ceiling element-wise (ints give floatx, as in Keras)."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.ceil(x)


def trunc(x):
    """Round toward zero element-wise."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.trunc(x)


def round(x, decimals=0):
    """Round to ``decimals`` decimal places element-wise (halves to even)."""
    if not _is_int(decimals):
        raise TypeError(f"`ops.round`: `decimals` must be an int. Received: decimals={decimals!r}")
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.round(x, decimals=decimals)


def reciprocal(x):
    """``1 / x`` element-wise."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.reciprocal(x)


def conjugate(x):
    """Complex conjugate element-wise."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.conjugate(x)


def conj(x):
    """Complex conjugate element-wise (alias of `conjugate`)."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.conj(x)


def real(x):
    """Real part element-wise."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.real(x)


def imag(x):
    """Imaginary part element-wise (zeros for real tensors)."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.imag(x)


def angle(x):
    """Angle of complex values element-wise (0 or pi for reals)."""
    if any_symbolic(x):
        return _unary(x, _float_dtype)
    return B.numpy.angle(x)


def isnan(x):
    """True where ``x`` is NaN."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isnan(x)


def isinf(x):
    """True where ``x`` is positive or negative infinity."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isinf(x)


def isfinite(x):
    """True where ``x`` is neither infinite nor NaN."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isfinite(x)


def isneginf(x):
    """True where ``x`` is negative infinity."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isneginf(x)


def isposinf(x):
    """True where ``x`` is positive infinity."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isposinf(x)


def isreal(x):
    """True where ``x`` has no imaginary part."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.isreal(x)


def signbit(x):
    """True where the sign bit is set (negative values and -0.0)."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.signbit(x)


def logical_not(x):
    """Logical NOT element-wise."""
    if any_symbolic(x):
        return _unary(x, "bool")
    return B.numpy.logical_not(x)


def bitwise_invert(x):
    """Bitwise NOT element-wise (integers and bools)."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.bitwise_invert(x)


def bitwise_not(x):
    """Bitwise NOT element-wise (alias of `bitwise_invert`)."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.bitwise_not(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN with ``nan`` and infinities with ``posinf``/``neginf`` (default: dtype limits)."""
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def clip(x, x_min, x_max):
    """Limit values to ``[x_min, x_max]``; the result keeps ``x``'s dtype (bools give int32)."""
    if any_symbolic(x, x_min, x_max):
        shape = symbolic.broadcast_shapes(shape_of(x), shape_of(x_min), shape_of(x_max))
        return KerasTensor(shape, _bool_to_int32(dtype_of(x)))
    return B.numpy.clip(x, x_min, x_max)


# Element-wise, two inputs --------------------------------------------------------------------


def add(x1, x2):
    """Add arguments element-wise.

    Example:
        >>> lamina.ops.add(np.array([1, 2]), 3).shape
        (2,)
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.add(x1, x2)


def subtract(x1, x2):
    """Subtract arguments element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.subtract(x1, x2)


def multiply(x1, x2):
    """Multiply arguments element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.multiply(x1, x2)


def divide(x1, x2):
    """True division element-wise; ints give floatx.

    Example:
        >>> lamina.ops.divide(np.array([1, 2]), 2)  # [0.5, 1.], float32
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.divide(x1, x2)


def true_divide(x1, x2):
    """True division element-wise (alias of `divide`)."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.true_divide(x1, x2)


def divide_no_nan(x1, x2):
    """Division element-wise that gives 0 where the divisor is 0."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.divide_no_nan(x1, x2)


def floor_divide(x1, x2):
    """Largest integer not above ``x1 / x2``, element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.floor_divide(x1, x2)


def mod(x1, x2):
    """Remainder of floor division element-wise (sign of the divisor)."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_bool_to_int32(_result_dtype(x1, x2)))
    return B.numpy.mod(x1, x2)


def fmod(x1, x2):
    """Remainder of truncated division element-wise (sign of the dividend)."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_bool_to_int32(_result_dtype(x1, x2)))
    return B.numpy.fmod(x1, x2)


def power(x1, x2):
    """``x1 ** x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.power(x1, x2)


def maximum(x1, x2):
    """Element-wise maximum (NaN wins)."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.maximum(x1, x2)


def minimum(x1, x2):
    """Element-wise minimum (NaN wins)."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.minimum(x1, x2)


def fmax(x1, x2):
    """Element-wise maximum that ignores NaNs."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.fmax(x1, x2)


def fmin(x1, x2):
    """Element-wise minimum that ignores NaNs."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.fmin(x1, x2)


def arctan2(x1, x2):
    """Element-wise arc tangent of ``x1 / x2``, choosing the quadrant."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.arctan2(x1, x2)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float64_for_int64(_result_dtype(x1, x2)))
    return B.numpy.hypot(x1, x2)


def heaviside(x1, x2):
    """Heaviside step: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float64_for_int64(_result_dtype(x1, x2)))
    return B.numpy.heaviside(x1, x2)


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` element-wise, computed stably."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.logaddexp(x1, x2)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` element-wise, computed stably."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.logaddexp2(x1, x2)


def equal(x1, x2):
    """``x1 == x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.equal(x1, x2)


def not_equal(x1, x2):
    """``x1 != x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.not_equal(x1, x2)


def less(x1, x2):
    """``x1 < x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.less(x1, x2)


def less_equal(x1, x2):
    """``x1 <= x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.less_equal(x1, x2)


def greater(x1, x2):
    """``x1 > x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.greater(x1, x2)


def greater_equal(x1, x2):
    """``x1 >= x2`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.greater_equal(x1, x2)


def logical_and(x1, x2):
    """Logical AND element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.logical_and(x1, x2)


def logical_or(x1, x2):
    """Logical OR element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.logical_or(x1, x2)


def logical_xor(x1, x2):
    """Logical XOR element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.logical_xor(x1, x2)


def bitwise_and(x, y):
    """Bitwise AND element-wise."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_and(x, y)


def bitwise_or(x, y):
    """Bitwise OR element-wise."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_or(x, y)


def bitwise_xor(x, y):
    """Bitwise XOR element-wise."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_xor(x, y)


def bitwise_left_shift(x, y):
    """Shift the bits of ``x`` left by ``y`` element-wise."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_left_shift(x, y)


def bitwise_right_shift(x, y):
    """Shift the bits of ``x`` right by ``y`` element-wise."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.bitwise_right_shift(x, y)


def left_shift(x, y):
    """Shift the bits of ``x`` left by ``y`` (alias of `bitwise_left_shift`)."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.left_shift(x, y)


def right_shift(x, y):
    """Shift the bits of ``x`` right by ``y`` (alias of `bitwise_right_shift`)."""
    if any_symbolic(x, y):
        return symbolic.elementwise(x, y)
    return B.numpy.right_shift(x, y)


def gcd(x1, x2):
    """Greatest common divisor of integers, element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.gcd(x1, x2)


def lcm(x1, x2):
    """Least common multiple of integers, element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.lcm(x1, x2)


def ldexp(x1, x2):
    """``x1 * 2**x2`` element-wise (``x2`` integer)."""
    d2 = dtype_of(x2)
    if not (dtypes.is_int(d2) or d2 in ("bool", dtypes.WEAK_INT)):
        raise TypeError(f"`ops.ldexp`: `x2` must hold integers. Received: x2 with dtype {d2}")
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.ldexp(x1, x2)


def nextafter(x1, x2):
    """The next representable float after ``x1`` toward ``x2``, element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype=_float_result_dtype(x1, x2))
    return B.numpy.nextafter(x1, x2)


# Comparison and selection --------------------------------------------------------------------


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True (a bool scalar tensor) when `isclose` holds everywhere."""
    if any_symbolic(x1, x2):
        symbolic.broadcast_shapes(shape_of(x1), shape_of(x2))
        return KerasTensor((), "bool")
    return B.numpy.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of ``x1`` occurs in ``x2`` (False with ``invert``)."""
    if any_symbolic(x1, x2):
        return _unary(x1, "bool")
    return B.numpy.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``; with neither, the indices of true values.

    Example:
        >>> lamina.ops.where(np.array([True, False]), 1.0, 0.0)  # [1., 0.]
    """
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "`ops.where`: give both `x1` and `x2`, or neither (to get the indices where "
            f"`condition` holds). Received: x1={x1!r}, x2={x2!r}"
        )
    if x1 is None:
        return nonzero(condition)
    if any_symbolic(condition, x1, x2):
        shape = symbolic.broadcast_shapes(shape_of(condition), shape_of(x1), shape_of(x2))
        return KerasTensor(shape, _result_dtype(x1, x2))
    return B.numpy.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    """For each element, the value from the first choice whose condition holds, else ``default``."""
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise TypeError(
            "`ops.select`: `condlist` and `choicelist` must be lists of tensors. Received: "
            f"condlist={type(condlist).__name__}, choicelist={type(choicelist).__name__}"
        )
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(
            "`ops.select`: `condlist` and `choicelist` must be non-empty and of the same length. "
            f"Received: {len(condlist)} conditions and {len(choicelist)} choices"
        )
    if any_symbolic(condlist, choicelist, default):
        shape = symbolic.broadcast_shapes(*(shape_of(v) for v in (*condlist, *choicelist)))
        return KerasTensor(shape, _result_dtype(*choicelist, default))
    return B.numpy.select(condlist, choicelist, default=default)


# Reductions ----------------------------------------------------------------------------------


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None); bools and small ints accumulate in int32.

    Example:
        >>> lamina.ops.sum(np.ones((2, 3)), axis=1)  # [3., 3.]
    """
    if any_symbolic(x):
        return _reduced("sum", x, axis, keepdims, _sum_dtype)
    _check_axis("sum", x, axis)
    return B.numpy.sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis`` (all axes when None); bools and small ints accumulate in int32."""
    if any_symbolic(x):
        return _reduced("prod", x, axis, keepdims, dtype or _sum_dtype)
    _check_axis("prod", x, axis)
    return B.numpy.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``; ints give floatx, float16 stays float16.

    Example:
        >>> lamina.ops.mean(np.array([[1, 2], [3, 4]]), axis=0)  # [2., 3.], float32
    """
    if any_symbolic(x):
        return _reduced("mean", x, axis, keepdims, _float_dtype)
    _check_axis("mean", x, axis)
    return B.numpy.mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis`` (all axes when None), at least ``initial`` when given."""
    if any_symbolic(x):
        return _reduced("max", x, axis, keepdims, None)
    _check_axis("max", x, axis)
    return B.numpy.max(x, axis=axis, keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis`` (all axes when None), at most ``initial`` when given."""
    if any_symbolic(x):
        return _reduced("min", x, axis, keepdims, None)
    _check_axis("min", x, axis)
    return B.numpy.min(x, axis=axis, keepdims=keepdims, initial=initial)


def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (all axes when None)."""
    if any_symbolic(x):
        return _reduced("amax", x, axis, keepdims, None)
    _check_axis("amax", x, axis)
    return B.numpy.amax(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (all axes when None)."""
    if any_symbolic(x):
        return _reduced("amin", x, axis, keepdims, None)
    _check_axis("amin", x, axis)
    return B.numpy.amin(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    """Range (maximum minus minimum) over ``axis``."""
    if any_symbolic(x):
        return _reduced("ptp", x, axis, keepdims, None)
    _check_axis("ptp", x, axis)
    return B.numpy.ptp(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation over ``axis`` (population, ``ddof=0``)."""
    if any_symbolic(x):
        return _reduced("std", x, axis, keepdims, _float_dtype)
    _check_axis("std", x, axis)
    return B.numpy.std(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Variance over ``axis`` (population, ``ddof=0``)."""
    if any_symbolic(x):
        return _reduced("var", x, axis, keepdims, _float_dtype)
    _check_axis("var", x, axis)
    return B.numpy.var(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    """True where every element along ``axis`` is truthy."""
    if any_symbolic(x):
        return _reduced("all", x, axis, keepdims, "bool")
    _check_axis("all", x, axis)
    return B.numpy.all(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    """True where some element along ``axis`` is truthy."""
    if any_symbolic(x):
        return _reduced("any", x, axis, keepdims, "bool")
    _check_axis("any", x, axis)
    return B.numpy.any(x, axis=axis, keepdims=keepdims)


def _arg_reduce(op, x, axis, keepdims):
    if axis is None:
        return KerasTensor((1,) * len(shape_of(x)) if keepdims else (), "int32")
    return _reduced(op, x, axis, keepdims, "int32")


def argmax(x, axis=None, keepdims=False):
    """Index (int32) of the maximum along ``axis`` (of the flattened tensor when None)."""
    if axis is not None:
        _axis("argmax", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("argmax", x, axis, keepdims)
    return B.numpy.argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index (int32) of the minimum along ``axis`` (of the flattened tensor when None)."""
    if axis is not None:
        _axis("argmin", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("argmin", x, axis, keepdims)
    return B.numpy.argmin(x, axis=axis, keepdims=keepdims)


def count_nonzero(x, axis=None):
    """Number (int32) of non-zero elements along ``axis``."""
    if any_symbolic(x):
        return _reduced("count_nonzero", x, axis, False, "int32")
    _check_axis("count_nonzero", x, axis)
    return B.numpy.count_nonzero(x, axis=axis)


def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``; ``weights`` match ``x`` or, 1-D, the length of ``axis``."""
    if axis is not None:
        _axis("average", axis, _ndim(x))
    if weights is not None:
        w_shape, x_shape = tuple(shape_of(weights)), tuple(shape_of(x))
        same = len(w_shape) == len(x_shape) and builtins.all(
            a == b or a is None or b is None for a, b in zip(w_shape, x_shape)
        )
        if not same and not (
            axis is not None and len(w_shape) == 1 and w_shape[0] in (x_shape[axis], None)
        ):
            raise ValueError(
                "`ops.average`: `weights` must have the shape of `x`, or be 1-D with the length "
                f"of `x` along `axis`. Received: x.shape={x_shape}, weights.shape={w_shape}, "
                f"axis={axis}"
            )
    if any_symbolic(x, weights):
        if weights is None:
            dtype = _float_dtype(dtype_of(x))
        else:
            dtype = _float_result_dtype(x, weights)
        return _reduced("average", x, axis, False, dtype)
    return B.numpy.average(x, axis=axis, weights=weights)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``; ``q``'s axes come first."""
    _check_choice("quantile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("quantile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("quantile", x, axis)
    return B.numpy.quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``; ``q``'s axes come first."""
    _check_choice("percentile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("percentile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("percentile", x, axis)
    return B.numpy.percentile(x, q, axis=axis, method=method, keepdims=keepdims)


def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (all axes when None)."""
    if any_symbolic(x):
        return _reduced("median", x, axis, keepdims, _float_dtype)
    _check_axis("median", x, axis)
    return B.numpy.median(x, axis=axis, keepdims=keepdims)


def _cumulative(op, x, axis, dtype):
    if axis is None:
        shape = shape_of(x)
        n = None if None in shape else builtins.int(np.prod(shape))
        shape = (n,)
    else:
        _axis(op, axis, _ndim(x))
        shape = shape_of(x)
    return KerasTensor(shape, dtype or _bool_to_int32(dtype_of(x)))


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (over the flattened tensor when None)."""
    if any_symbolic(x):
        return _cumulative("cumsum", x, axis, dtype)
    _check_axis("cumsum", x, axis)
    return B.numpy.cumsum(x, axis=axis, dtype=dtype)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (over the flattened tensor when None)."""
    if any_symbolic(x):
        return _cumulative("cumprod", x, axis, dtype)
    _check_axis("cumprod", x, axis)
    return B.numpy.cumprod(x, axis=axis, dtype=dtype)


# NaN-ignoring reductions ---------------------------------------------------------------------


def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis``, treating NaNs as zero."""
    if any_symbolic(x):
        return _reduced("nansum", x, axis, keepdims, _sum_dtype)
    _check_axis("nansum", x, axis)
    return B.numpy.nansum(x, axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis``, treating NaNs as one."""
    if any_symbolic(x):
        return _reduced("nanprod", x, axis, keepdims, _sum_dtype)
    _check_axis("nanprod", x, axis)
    return B.numpy.nanprod(x, axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the non-NaN elements (NaN where all are NaN).

    Example:
        >>> lamina.ops.nanmean(np.array([1.0, np.nan, 3.0]))  # 2.0
    """
    if any_symbolic(x):
        return _reduced("nanmean", x, axis, keepdims, _float_dtype)
    _check_axis("nanmean", x, axis)
    return B.numpy.nanmean(x, axis=axis, keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    """Variance over ``axis`` of the non-NaN elements."""
    if any_symbolic(x):
        return _reduced("nanvar", x, axis, keepdims, _float_dtype)
    _check_axis("nanvar", x, axis)
    return B.numpy.nanvar(x, axis=axis, keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    """Standard deviation over ``axis`` of the non-NaN elements."""
    if any_symbolic(x):
        return _reduced("nanstd", x, axis, keepdims, _float_dtype)
    _check_axis("nanstd", x, axis)
    return B.numpy.nanstd(x, axis=axis, keepdims=keepdims)


def nanmax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` ignoring NaNs (NaN where all are NaN)."""
    if any_symbolic(x):
        return _reduced("nanmax", x, axis, keepdims, None)
    _check_axis("nanmax", x, axis)
    return B.numpy.nanmax(x, axis=axis, keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` ignoring NaNs (NaN where all are NaN)."""
    if any_symbolic(x):
        return _reduced("nanmin", x, axis, keepdims, None)
    _check_axis("nanmin", x, axis)
    return B.numpy.nanmin(x, axis=axis, keepdims=keepdims)


def nanargmax(x, axis=None, keepdims=False):
    """Index (int32) of the maximum along ``axis`` ignoring NaNs."""
    if axis is not None:
        _axis("nanargmax", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("nanargmax", x, axis, keepdims)
    return B.numpy.nanargmax(x, axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    """Index (int32) of the minimum along ``axis`` ignoring NaNs."""
    if axis is not None:
        _axis("nanargmin", axis, _ndim(x))
    if any_symbolic(x):
        return _arg_reduce("nanargmin", x, axis, keepdims)
    return B.numpy.nanargmin(x, axis=axis, keepdims=keepdims)


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis``, treating NaNs as zero."""
    if any_symbolic(x):
        return _cumulative("nancumsum", x, axis, dtype)
    _check_axis("nancumsum", x, axis)
    return B.numpy.nancumsum(x, axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis``, treating NaNs as one."""
    if any_symbolic(x):
        return _cumulative("nancumprod", x, axis, dtype)
    _check_axis("nancumprod", x, axis)
    return B.numpy.nancumprod(x, axis=axis, dtype=dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles over ``axis`` of the non-NaN elements."""
    _check_choice("nanquantile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("nanquantile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("nanquantile", x, axis)
    return B.numpy.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles over ``axis`` of the non-NaN elements."""
    _check_choice("nanpercentile", "method", method, _QUANTILE_METHODS)
    if any_symbolic(x, q):
        r = _reduced("nanpercentile", x, axis, keepdims, _float_dtype)
        return KerasTensor((*shape_of(q), *r.shape), r.dtype)
    _check_axis("nanpercentile", x, axis)
    return B.numpy.nanpercentile(x, q, axis=axis, method=method, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """Median over ``axis`` of the non-NaN elements."""
    if any_symbolic(x):
        return _reduced("nanmedian", x, axis, keepdims, _float_dtype)
    _check_axis("nanmedian", x, axis)
    return B.numpy.nanmedian(x, axis=axis, keepdims=keepdims)


# Sorting and searching -----------------------------------------------------------------------


def sort(x, axis=-1):
    """Sorted copy of ``x`` along ``axis`` (the flattened tensor when None)."""
    if any_symbolic(x):
        return _cumulative("sort", x, axis, dtype_of(x))
    _check_axis("sort", x, axis)
    return B.numpy.sort(x, axis=axis)


def argsort(x, axis=-1):
    """Indices (int32) that sort ``x`` along ``axis`` (the flattened tensor when None)."""
    if any_symbolic(x):
        return _cumulative("argsort", x, axis, "int32")
    _check_axis("argsort", x, axis)
    return B.numpy.argsort(x, axis=axis)


def argpartition(x, kth, axis=-1):
    """Indices (int32) that put the ``kth`` element in its sorted place along ``axis``."""
    if axis is not None:
        n = shape_of(x)[_axis("argpartition", axis, _ndim(x))]
        if n is not None and not -n <= kth < n:
            raise ValueError(
                f"`ops.argpartition`: `kth`={kth} is out of range for axis {axis} of size {n}."
            )
    if any_symbolic(x):
        return _cumulative("argpartition", x, axis, "int32")
    return B.numpy.argpartition(x, kth, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    """Indices (int32) where ``values`` would be inserted to keep a 1-D sequence sorted."""
    _check_choice("searchsorted", "side", side, ("left", "right"))
    if _ndim(sorted_sequence) != 1:
        raise ValueError(
            "`ops.searchsorted`: `sorted_sequence` must be 1-D. Received: sorted_sequence with "
            f"shape {tuple(shape_of(sorted_sequence))}"
        )
    if any_symbolic(sorted_sequence, values):
        return KerasTensor(shape_of(values), "int32")
    return B.numpy.searchsorted(sorted_sequence, values, side=side)


def digitize(x, bins):
    """Index (int32) of the bin of each element (``bins[i-1] <= x < bins[i]``, increasing bins)."""
    if _ndim(bins) != 1:
        raise ValueError(
            f"`ops.digitize`: `bins` must be 1-D. Received: bins with shape {tuple(shape_of(bins))}"
        )
    if any_symbolic(x, bins):
        return KerasTensor(shape_of(x), "int32")
    return B.numpy.digitize(x, bins)


# Shape and layout ----------------------------------------------------------------------------


def reshape(x, newshape):
    """Give a tensor a new shape; one dimension may be -1."""
    if any_symbolic(x):
        newshape = (newshape,) if _is_int(newshape) else tuple(newshape)
        shape = shape_of(x)
        if None in shape:
            known = [d for d in newshape if d != -1]
            if newshape.count(-1) > 1:
                raise ValueError(
                    f"`ops.reshape`: at most one dimension of `newshape` may be -1. "
                    f"Received: newshape={newshape}"
                )
            if len(known) == len(newshape):
                return KerasTensor(newshape, dtype_of(x))
            return KerasTensor([None if d == -1 else d for d in newshape], dtype_of(x))
        return symbolic.infer(np_backend.reshape, x, newshape)
    return B.numpy.reshape(x, newshape)


def expand_dims(x, axis):
    """Insert axes of size 1 at the positions ``axis`` (an int or a tuple) of the result."""
    ndim = _ndim(x)
    axes = (axis,) if _is_int(axis) else tuple(axis)
    out_ndim = ndim + len(axes)
    axes = _axes("expand_dims", axes, out_ndim)
    if any_symbolic(x):
        dims = iter(shape_of(x))
        return KerasTensor([1 if i in axes else next(dims) for i in range(out_ndim)], dtype_of(x))
    return B.numpy.expand_dims(x, axis)


def squeeze(x, axis=None):
    """Remove axes of size 1 (the ones in ``axis``, or all of them when None)."""
    shape = shape_of(x)
    axes = _axes("squeeze", axis, len(shape))
    if axes is not None:
        for a in axes:
            if shape[a] is not None and shape[a] != 1:
                raise ValueError(
                    f"`ops.squeeze`: cannot squeeze axis {a}, whose size is {shape[a]}, not 1. "
                    f"Received: axis={axis!r} for shape {tuple(shape)}"
                )
    if any_symbolic(x):
        if axes is None:
            axes = [i for i, d in enumerate(shape) if d == 1]
        return KerasTensor([d for i, d in enumerate(shape) if i not in axes], dtype_of(x))
    return B.numpy.squeeze(x, axis=axis)


def transpose(x, axes=None):
    """Permute the axes (reverse them when ``axes`` is None).

    Example:
        >>> lamina.ops.transpose(np.ones((2, 3, 4)), (0, 2, 1)).shape
        (2, 4, 3)
    """
    shape = shape_of(x)
    if axes is not None:
        perm = _axes("transpose", axes, len(shape), "axes")
        if len(perm) != len(shape):
            raise ValueError(
                f"`ops.transpose`: `axes` must list every axis of a rank-{len(shape)} tensor once. "
                f"Received: axes={axes!r}"
            )
    if any_symbolic(x):
        perm = range(len(shape) - 1, -1, -1) if axes is None else perm
        return KerasTensor([shape[i] for i in perm], dtype_of(x))
    return B.numpy.transpose(x, axes=axes)


def moveaxis(x, source, destination):
    """Move axes ``source`` to positions ``destination`` (ints or sequences)."""
    ndim = _ndim(x)
    src = _axes("moveaxis", source, ndim, "source")
    dst = _axes("moveaxis", destination, ndim, "destination")
    if len(src) != len(dst):
        raise ValueError(
            "`ops.moveaxis`: `source` and `destination` must have the same number of axes. "
            f"Received: source={source!r}, destination={destination!r}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.moveaxis, x, source, destination)
    return B.numpy.moveaxis(x, source, destination)


def swapaxes(x, axis1, axis2):
    """Interchange two axes."""
    ndim = _ndim(x)
    a1, a2 = _axis("swapaxes", axis1, ndim, "axis1"), _axis("swapaxes", axis2, ndim, "axis2")
    if any_symbolic(x):
        shape = list(shape_of(x))
        shape[a1], shape[a2] = shape[a2], shape[a1]
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.swapaxes(x, axis1, axis2)


def _check_tensor_list(op, xs, arg="xs"):
    if not isinstance(xs, (list, tuple)) or len(xs) == 0:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must be a non-empty list of tensors. Received: {arg}={xs!r}"
        )


def concatenate(xs, axis=0):
    """Join tensors along an existing axis; dtypes are promoted.

    Example:
        >>> lamina.ops.concatenate([np.ones((2, 3)), np.zeros((1, 3))], axis=0).shape
        (3, 3)
    """
    _check_tensor_list("concatenate", xs)
    if any_symbolic(xs):
        if axis is None:
            return symbolic.infer(np_backend.concatenate, list(xs), axis=None)
        shapes = [tuple(shape_of(v)) for v in xs]
        ndim = len(shapes[0])
        a = _axis("concatenate", axis, ndim)
        out = list(shapes[0])
        for s in shapes[1:]:
            if len(s) != ndim:
                raise ValueError(
                    "`ops.concatenate`: all tensors must have the same rank. Received shapes "
                    f"{shapes}"
                )
            for i in range(ndim):
                if i == a:
                    out[i] = None if out[i] is None or s[i] is None else out[i] + s[i]
                elif out[i] is None:
                    out[i] = s[i]
                elif s[i] is not None and s[i] != out[i]:
                    raise ValueError(
                        f"`ops.concatenate`: shapes {shapes} differ on axis {i}, which is not the "
                        f"concatenation axis ({axis})."
                    )
        return KerasTensor(out, _result_dtype(*xs))
    return B.numpy.concatenate(xs, axis=axis)


def stack(x, axis=0):
    """Join tensors of the same shape along a new axis; dtypes are promoted."""
    _check_tensor_list("stack", x, "x")
    if any_symbolic(x):
        shape = symbolic.broadcast_shapes(*(shape_of(v) for v in x))
        shapes = [tuple(shape_of(v)) for v in x]
        if builtins.any(len(s) != len(shape) for s in shapes):
            raise ValueError(
                f"`ops.stack`: all tensors must have the same shape. Received {shapes}"
            )
        a = _axis("stack", axis, len(shape) + 1)
        out = list(shape)
        out.insert(a, len(x))
        return KerasTensor(out, _result_dtype(*x))
    return B.numpy.stack(x, axis=axis)


def hstack(xs):
    """Join tensors column-wise (along axis 1, or axis 0 for 1-D tensors)."""
    _check_tensor_list("hstack", xs)
    if any_symbolic(xs):
        return symbolic.infer(np_backend.hstack, list(xs))
    return B.numpy.hstack(xs)


def vstack(xs):
    """Join tensors row-wise (along axis 0; 1-D tensors become rows)."""
    _check_tensor_list("vstack", xs)
    if any_symbolic(xs):
        return symbolic.infer(np_backend.vstack, list(xs))
    return B.numpy.vstack(xs)


def dstack(xs):
    """Join tensors depth-wise (along axis 2, after making them at least 3-D)."""
    _check_tensor_list("dstack", xs)
    if any_symbolic(xs):
        return symbolic.infer(np_backend.dstack, list(xs))
    return B.numpy.dstack(xs)


def _check_split(op, x, indices_or_sections, axis, exact):
    ndim = _ndim(x)
    a = _axis(op, axis, ndim)
    n = shape_of(x)[a]
    if _is_int(indices_or_sections):
        if indices_or_sections <= 0:
            raise ValueError(
                f"`ops.{op}`: `indices_or_sections` must be a positive int or a list of indices. "
                f"Received: indices_or_sections={indices_or_sections}"
            )
        if exact and n is not None and n % indices_or_sections:
            raise ValueError(
                f"`ops.{op}`: `indices_or_sections`={indices_or_sections} does not divide axis "
                f"{axis} of size {n}. Use `ops.array_split` for unequal parts, or pass a list of "
                "split indices."
            )
    return a, n


def _split_symbolic(x, indices_or_sections, a, n, exact):
    shape = list(shape_of(x))
    if _is_int(indices_or_sections):
        k = indices_or_sections
        if n is None:
            sizes = [None] * k
        else:
            sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    else:
        bounds = [0, *indices_or_sections]
        sizes = []
        for i, start in enumerate(bounds):
            stop = bounds[i + 1] if i + 1 < len(bounds) else n
            if stop is None or start < 0 or (i + 1 < len(bounds) and stop < 0):
                sizes.append(None)
            else:
                sizes.append(builtins.max(0, stop - start))
    out = []
    for size in sizes:
        s = list(shape)
        s[a] = size
        out.append(KerasTensor(s, dtype_of(x)))
    return out


def split(x, indices_or_sections, axis=0):
    """Split into equal parts (an int that must divide the axis) or at the given indices.

    Example:
        >>> [p.shape for p in lamina.ops.split(np.ones((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    a, n = _check_split("split", x, indices_or_sections, axis, exact=True)
    if any_symbolic(x):
        return _split_symbolic(x, indices_or_sections, a, n, True)
    return B.numpy.split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    """Split into ``indices_or_sections`` nearly equal parts (the first ones one longer)."""
    a, n = _check_split("array_split", x, indices_or_sections, axis, exact=False)
    if any_symbolic(x):
        return _split_symbolic(x, indices_or_sections, a, n, False)
    return B.numpy.array_split(x, indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D tensors)."""
    return split(x, indices_or_sections, axis=1 if _ndim(x) > 1 else 0)


def vsplit(x, indices_or_sections):
    """Split along axis 0 (the tensor must be at least 2-D)."""
    _check_rank_at_least("vsplit", x, 2)
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    """Split along axis 2 (the tensor must be at least 3-D)."""
    _check_rank_at_least("dsplit", x, 3)
    return split(x, indices_or_sections, axis=2)


def tile(x, repeats):
    """Repeat the whole tensor ``repeats`` times along each axis."""
    if any_symbolic(x):
        return symbolic.infer(np_backend.tile, x, repeats)
    return B.numpy.tile(x, repeats)


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened tensor when None)."""
    _check_axis("repeat", x, axis)
    if any_symbolic(x, repeats):
        if any_symbolic(repeats):
            shape = list(shape_of(x)) if axis is not None else [None]
            if axis is not None:
                shape[_axis("repeat", axis, len(shape))] = None
            return KerasTensor(shape, dtype_of(x))
        return symbolic.infer(np_backend.repeat, x, repeats, axis)
    return B.numpy.repeat(x, repeats, axis=axis)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad with ``pad_width`` (an int, a pair, or one pair per axis) in the given ``mode``.

    Example:
        >>> lamina.ops.pad(np.ones((2, 3)), ((1, 1), (0, 2))).shape
        (4, 5)
    """
    _check_choice("pad", "mode", mode, _PAD_MODES)
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"`ops.pad`: `constant_values` only applies to mode='constant'. Received: "
            f"mode={mode!r}, constant_values={constant_values!r}"
        )
    ndim = _ndim(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype="int64"), (ndim, 2))
    except ValueError:
        raise ValueError(
            f"`ops.pad`: `pad_width` must be an int, a pair, or one (before, after) pair per "
            f"axis of a rank-{ndim} tensor. Received: pad_width={pad_width!r}"
        ) from None
    if (widths < 0).any():
        raise ValueError(f"`ops.pad`: `pad_width` must be >= 0. Received: pad_width={pad_width!r}")
    if any_symbolic(x):
        shape = [None if d is None else d + int(w.sum()) for d, w in zip(shape_of(x), widths)]
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.pad(x, pad_width, mode=mode, constant_values=constant_values)


def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    _check_axis("flip", x, axis)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.flip(x, axis=axis)


def fliplr(x):
    """Reverse the order of columns (axis 1)."""
    _check_rank_at_least("fliplr", x, 2)
    return flip(x, axis=1)


def flipud(x):
    """Reverse the order of rows (axis 0)."""
    _check_rank_at_least("flipud", x, 1)
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    _check_rank_at_least("rot90", array, 2, "array")
    ndim = _ndim(array)
    plane = _axes("rot90", axes, ndim, "axes")
    if len(plane) != 2:
        raise ValueError(f"`ops.rot90`: `axes` must be two different axes. Received: axes={axes!r}")
    if any_symbolic(array):
        shape = list(shape_of(array))
        if k % 2:
            shape[plane[0]], shape[plane[1]] = shape[plane[1]], shape[plane[0]]
        return KerasTensor(shape, dtype_of(array))
    return B.numpy.rot90(array, k=k, axes=axes)


def roll(x, shift, axis=None):
    """Shift elements cyclically by ``shift`` along ``axis`` (the flattened tensor when None)."""
    _check_axis("roll", x, axis)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.roll(x, shift, axis=axis)


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape``."""
    shape = (shape,) if _is_int(shape) else tuple(shape)
    x_shape = tuple(shape_of(x))
    ok = len(x_shape) <= len(shape) and builtins.all(
        a in (1, b, None) or b is None for a, b in zip(x_shape[::-1], shape[::-1])
    )
    if not ok:
        raise ValueError(
            f"`ops.broadcast_to`: a tensor of shape {x_shape} cannot be broadcast to shape={shape}."
        )
    if any_symbolic(x):
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.broadcast_to(x, shape)


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened tensor when None)."""
    _check_axis("take", x, axis)
    if any_symbolic(x, indices):
        shape = list(shape_of(x))
        if axis is None:
            return KerasTensor(shape_of(indices), dtype_of(x))
        a = _axis("take", axis, len(shape))
        return KerasTensor([*shape[:a], *shape_of(indices), *shape[a + 1 :]], dtype_of(x))
    return B.numpy.take(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    """Pick values along ``axis`` with ``indices`` of the same rank (e.g. from `argsort`)."""
    if axis is not None:
        a = _axis("take_along_axis", axis, _ndim(x))
        if _ndim(indices) != _ndim(x):
            raise ValueError(
                "`ops.take_along_axis`: `indices` must have the rank of `x`. Received: "
                f"x.shape={tuple(shape_of(x))}, indices.shape={tuple(shape_of(indices))}"
            )
    if any_symbolic(x, indices):
        if axis is None:
            return KerasTensor(shape_of(indices), dtype_of(x))
        xs, ixs = list(shape_of(x)), list(shape_of(indices))
        xs[a] = 1
        shape = list(symbolic.broadcast_shapes(tuple(xs), tuple(ixs)))
        shape[a] = ixs[a]
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.take_along_axis(x, indices, axis=axis)


def ravel(x):
    """The tensor flattened to 1-D."""
    if any_symbolic(x):
        shape = shape_of(x)
        return KerasTensor((None if None in shape else builtins.int(np.prod(shape)),), dtype_of(x))
    return B.numpy.ravel(x)


def size(x):
    """The number of elements of ``x`` (an int32 scalar tensor)."""
    if any_symbolic(x):
        return KerasTensor((), "int32")
    return B.numpy.size(x)


def ndim(x):
    """The number of dimensions of ``x`` (a Python int)."""
    return _ndim(x)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened when None)."""
    if axis is not None:
        return concatenate([x1, x2], axis=axis)
    if any_symbolic(x1, x2):
        return concatenate([ravel(x1), ravel(x2)], axis=0)
    return B.numpy.append(x1, x2, axis=axis)


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    if not _is_int(n) or n < 0:
        raise ValueError(f"`ops.diff`: `n` must be a non-negative int. Received: n={n!r}")
    _check_rank_at_least("diff", a, 1, "a")
    if any_symbolic(a):
        shape = list(shape_of(a))
        ax = _axis("diff", axis, len(shape))
        shape[ax] = None if shape[ax] is None else builtins.max(shape[ax] - n, 0)
        return KerasTensor(shape, dtype_of(a))
    _check_axis("diff", a, axis)
    return B.numpy.diff(a, n=n, axis=axis)


def nonzero(x):
    """The indices (a tuple of int32 tensors, one per axis) of the non-zero elements."""
    if any_symbolic(x):
        return tuple(KerasTensor((None,), "int32") for _ in range(builtins.max(_ndim(x), 1)))
    return B.numpy.nonzero(x)


def unravel_index(indices, shape):
    """Flat ``indices`` as a tuple of coordinate tensors for a tensor of ``shape``."""
    shape = (shape,) if _is_int(shape) else tuple(shape)
    if any_symbolic(indices):
        dtype = _bool_to_int32(dtype_of(indices))
        return tuple(KerasTensor(shape_of(indices), dtype) for _ in shape)
    return B.numpy.unravel_index(indices, shape)


# Products ------------------------------------------------------------------------------------


def matmul(x1, x2):
    """Matrix product of two tensors, with NumPy's broadcasting of leading dimensions.

    Example:
        >>> lamina.ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.matmul, x1, x2)
    return B.numpy.matmul(x1, x2)


def dot(x1, x2):
    """Dot product: inner for 1-D, matrix product for 2-D, sum over last/second-to-last axes."""
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.dot, x1, x2)
    return B.numpy.dot(x1, x2)


def vdot(x1, x2):
    """Dot product of the flattened tensors (conjugating ``x1``)."""
    if any_symbolic(x1, x2):
        return KerasTensor((), _result_dtype(x1, x2))
    return B.numpy.vdot(x1, x2)


def inner(x1, x2):
    """Inner product over the last axes."""
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.inner, x1, x2)
    return B.numpy.inner(x1, x2)


def outer(x1, x2):
    """Outer product of the flattened tensors."""
    if any_symbolic(x1, x2):
        n1, n2 = shape_of(ravel(x1))[0], shape_of(ravel(x2))[0]
        return KerasTensor((n1, n2), _result_dtype(x1, x2))
    return B.numpy.outer(x1, x2)


def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes`` (an int: the last/first ``axes`` axes; or two lists)."""
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.tensordot, x1, x2, axes)
    return B.numpy.tensordot(x1, x2, axes=axes)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over ``operands`` as described by ``subscripts``.

    Example:
        >>> lamina.ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    if not isinstance(subscripts, str):
        raise TypeError(
            f"`ops.einsum`: `subscripts` must be a string such as 'ij,jk->ik'. Received: "
            f"subscripts={subscripts!r}"
        )
    if any_symbolic(operands):
        return symbolic.infer(np_backend.einsum, subscripts, *operands, **kwargs)
    return B.numpy.einsum(subscripts, *operands, **kwargs)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-element vectors along the given axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    for name, t, a in (("axisa", x1, axisa), ("axisb", x2, axisb)):
        n = shape_of(t)[_axis("cross", a, _ndim(t), name)]
        if n is not None and n not in (2, 3):
            raise ValueError(
                f"`ops.cross`: the vectors must have 2 or 3 elements, but `{name}`={a} has size "
                f"{n}. Received: x1.shape={tuple(shape_of(x1))}, x2.shape={tuple(shape_of(x2))}"
            )
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.cross, x1, x2, axisa, axisb, axisc)
    return B.numpy.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc)


def kron(x1, x2):
    """Kronecker product."""
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.kron, x1, x2)
    return B.numpy.kron(x1, x2)


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along the ``offset`` diagonal over ``axis1`` and ``axis2``."""
    _check_rank_at_least("trace", x, 2)
    ndim = _ndim(x)
    if _axis("trace", axis1, ndim, "axis1") == _axis("trace", axis2, ndim, "axis2"):
        raise ValueError(
            f"`ops.trace`: `axis1` and `axis2` must differ. Received: axis1={axis1}, axis2={axis2}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.trace, x, offset, axis1, axis2)
    return B.numpy.trace(x, offset=offset, axis1=axis1, axis2=axis2)


# Statistics and signals ----------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (or summed ``weights``) of each non-negative int value in a 1-D ``x``."""
    if sparse:
        raise ValueError(
            "`ops.bincount`: sparse outputs are not supported by Lamina. Received: sparse=True"
        )
    if _ndim(x) != 1:
        raise ValueError(
            f"`ops.bincount`: `x` must be 1-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if not _is_int(minlength) or minlength < 0:
        raise ValueError(
            f"`ops.bincount`: `minlength` must be a non-negative int. Received: {minlength!r}"
        )
    if any_symbolic(x, weights):
        dtype = "int32" if weights is None else _result_dtype(x, weights)
        return KerasTensor((None,), dtype)
    return B.numpy.bincount(x, weights=weights, minlength=minlength)


def histogram(x, bins=10, range=None):
    """Counts (int32) of ``x`` in ``bins`` equal bins over ``range``, and the bin edges."""
    if not _is_int(bins) or bins < 1:
        raise ValueError(f"`ops.histogram`: `bins` must be a positive int. Received: bins={bins!r}")
    if range is not None and (len(range) != 2 or range[0] > range[1]):
        raise ValueError(
            f"`ops.histogram`: `range` must be a (min, max) pair with min <= max. Received: "
            f"range={range!r}"
        )
    if any_symbolic(x):
        return KerasTensor((bins,), "int32"), KerasTensor((bins + 1,), _float_dtype(dtype_of(x)))
    return B.numpy.histogram(x, bins=bins, range=range)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors (``mode``: ``"valid"``, ``"same"`` or ``"full"``)."""
    _check_choice("correlate", "mode", mode, ("valid", "same", "full"))
    for name, t in (("x1", x1), ("x2", x2)):
        if _ndim(t) != 1:
            raise ValueError(
                f"`ops.correlate`: `{name}` must be 1-D. Received: {name} with shape "
                f"{tuple(shape_of(t))}"
            )
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.correlate, x1, x2, mode)
    return B.numpy.correlate(x1, x2, mode=mode)


def corrcoef(x):
    """Pearson correlation coefficients of the rows (variables) of ``x``."""
    if _ndim(x) not in (1, 2):
        raise ValueError(
            f"`ops.corrcoef`: `x` must be 1-D or 2-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.corrcoef, x)
    return B.numpy.corrcoef(x)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule (sample points ``x`` or ``dx``)."""
    _check_rank_at_least("trapezoid", y, 1, "y")
    _check_axis("trapezoid", y, axis)
    if any_symbolic(y, x):
        return symbolic.infer(np_backend.trapezoid, y, x, dx, axis)
    return B.numpy.trapezoid(y, x=x, dx=dx, axis=axis)


# Indexing ------------------------------------------------------------------------------------


def _is_index_array(k) -> bool:
    return not (
        k is None
        or k is Ellipsis
        or isinstance(k, builtins.slice)
        or _is_int(k)
        or (hasattr(k, "shape") and len(k.shape) == 0 and dtype_of(k) != "bool")
    )


def get_item(x, key):
    """``x[key]`` with ints, slices, ``None``, ``...`` and int or bool index tensors.

    Example:
        >>> lamina.ops.get_item(np.ones((4, 5)), (slice(1, 3), None, 0)).shape
        (2, 1)
    """
    if any_symbolic(x, key):
        return _get_item_symbolic(x, key)
    return B.numpy.get_item(x, key)


def _count_true(mask) -> int:
    if not isinstance(mask, (np.ndarray, list, tuple)):
        mask = B.core.convert_to_numpy(mask)
    return builtins.int(np.count_nonzero(mask))


def _get_item_symbolic(x, key):
    shape = tuple(shape_of(x))
    key = key if isinstance(key, tuple) else (key,)
    items = []  # (kind, value): "none", "int", "slice", "array" (shape), "mask" (ndim)
    for k in key:
        if k is None:
            items.append(("none", None))
        elif k is Ellipsis:
            items.append(("ellipsis", None))
        elif isinstance(k, builtins.slice):
            items.append(("slice", k))
        elif _is_int(k) or (hasattr(k, "shape") and len(k.shape) == 0 and dtype_of(k) != "bool"):
            items.append(("int", k if _is_int(k) else None))
        else:
            k_shape = tuple(shape_of(k)) if hasattr(k, "shape") else np.shape(k)
            k_dtype = (
                dtype_of(k)
                if hasattr(k, "dtype")
                else dtypes.standardize_dtype(np.asarray(k).dtype)
            )
            if k_dtype == "bool":
                count = None if type(k) is KerasTensor else _count_true(k)
                items.append(("mask", (k_shape, count)))
            elif dtypes.is_int(k_dtype):
                items.append(("array", k_shape))
            else:
                raise IndexError(
                    f"`ops.get_item`: index tensors must be integer or bool. Received an index "
                    f"of dtype {k_dtype}"
                )
    if builtins.sum(kind == "ellipsis" for kind, _ in items) > 1:
        raise IndexError("`ops.get_item`: an index can only have a single ellipsis ('...').")
    used = builtins.sum(
        len(v[0]) if kind == "mask" else 1
        for kind, v in items
        if kind in ("int", "slice", "array", "mask")
    )
    if used > len(shape):
        raise IndexError(
            f"`ops.get_item`: too many indices ({used}) for a tensor of rank {len(shape)}."
        )
    if builtins.all(kind != "ellipsis" for kind, _ in items):
        items.append(("ellipsis", None))
    has_array = builtins.any(kind in ("array", "mask") for kind, _ in items)
    out, adv_shapes, adv_pos, dim = [], [], [], 0
    for kind, v in items:
        if kind == "none":
            out.append(1)
        elif kind == "ellipsis":
            count = len(shape) - used
            out.extend(shape[dim : dim + count])
            dim += count
        elif kind == "slice":
            size = shape[dim]
            if size is not None and builtins.all(
                s is None or _is_int(s) for s in (v.start, v.stop, v.step)
            ):
                out.append(len(builtins.range(*v.indices(size))))
            elif v.start is None and v.stop is None and v.step in (None, 1):
                out.append(size)
            else:
                out.append(None)
            dim += 1
        elif kind == "int":
            size = shape[dim]
            if v is not None and size is not None and not -size <= v < size:
                raise IndexError(
                    f"`ops.get_item`: index {v} is out of bounds for axis {dim} with size {size}."
                )
            if has_array:
                adv_shapes.append(())
                adv_pos.append(len(out))
            dim += 1
        elif kind == "array":
            adv_shapes.append(v)
            adv_pos.append(len(out))
            dim += 1
        else:  # mask: one index per true element
            adv_shapes.append((v[1],))
            adv_pos.append(len(out))
            dim += len(v[0])
    if adv_shapes:
        adv = list(symbolic.broadcast_shapes(*adv_shapes))
        contiguous = builtins.all(p == adv_pos[0] for p in adv_pos)
        at = adv_pos[0] if contiguous else 0
        out = out[:at] + adv + out[at:]
    return KerasTensor(out, dtype_of(x))
