"""NumPy-style ops that create tensors: `zeros`, `arange`, `eye`, `linspace`, ..."""

from __future__ import annotations

import builtins

import numpy as np

from lamina import config
from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import numpy as np_backend
from lamina.ops import symbolic
from lamina.ops.numpy._common import (
    _axis,
    _check_choice,
    _check_rank_at_least,
    _is_int,
    _ndim,
    _unary,
)
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "arange",
    "array",
    "bartlett",
    "blackman",
    "copy",
    "diag",
    "diagflat",
    "diagonal",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "geomspace",
    "hamming",
    "hanning",
    "identity",
    "kaiser",
    "linspace",
    "logspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tri",
    "tril",
    "triu",
    "vander",
    "zeros",
    "zeros_like",
]


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
        >>> lamina.ops.arange(3)
        array([0, 1, 2], dtype=int32)
    """
    if step is not None and not any_symbolic(step) and np.ndim(step) == 0 and step == 0:
        raise ValueError("`ops.arange`: `step` must not be zero. Received: step=0")
    return B.numpy.arange(start, stop, step=step, dtype=dtype)


def array(x, dtype=None):
    """A tensor holding ``x`` (lists, arrays, scalars), optionally cast to ``dtype``.

    Example:
        >>> lamina.ops.array([1, 2], dtype="float32")
        array([1., 2.], dtype=float32)
    """
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.array(x, dtype=dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx`` unless ``dtype`` is given).

    Example:
        >>> lamina.ops.zeros((2, 2))
        array([[0., 0.],
               [0., 0.]], dtype=float32)
    """
    return B.numpy.zeros(_check_shape("zeros", shape), dtype=dtype)


def ones(shape, dtype=None):
    """A tensor of ones (``floatx`` unless ``dtype`` is given).

    Example:
        >>> lamina.ops.ones((2,))
        array([1., 1.], dtype=float32)
    """
    return B.numpy.ones(_check_shape("ones", shape), dtype=dtype)


def empty(shape, dtype=None):
    """A tensor of the given shape; its values are unspecified (zeros on every backend).

    Example:
        >>> lamina.ops.empty((2, 3)).shape
        (2, 3)
    """
    return B.numpy.empty(_check_shape("empty", shape), dtype=dtype)


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value`` (``floatx`` unless ``dtype`` is given).

    Example:
        >>> lamina.ops.full((2,), 7)
        array([7., 7.], dtype=float32)
    """
    shape = _check_shape("full", shape)
    if any_symbolic(fill_value):
        return KerasTensor(shape, dtype or config.floatx())
    return B.numpy.full(shape, fill_value, dtype=dtype)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and, unless given, the dtype) of ``x``.

    Example:
        >>> lamina.ops.zeros_like(np.array([1.5, 2.5]))
        array([0., 0.])
    """
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None):
    """Ones with the shape (and, unless given, the dtype) of ``x``.

    Example:
        >>> lamina.ops.ones_like(np.array([[1, 2]]))
        array([[1, 1]])
    """
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.ones_like(x, dtype=dtype)


def empty_like(x, dtype=None):
    """A tensor with the shape (and, unless given, the dtype) of ``x``; values unspecified.

    Example:
        >>> lamina.ops.empty_like(np.ones((2, 3))).shape
        (2, 3)
    """
    if any_symbolic(x):
        return _unary(x, dtype)
    return B.numpy.empty_like(x, dtype=dtype)


def full_like(x, fill_value, dtype=None):
    """``fill_value`` in the shape (and, unless given, the dtype) of ``x``.

    Example:
        >>> lamina.ops.full_like(np.array([1, 2]), 5)
        array([5, 5])
    """
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
    """A 2-D tensor with ones on the ``k``-th diagonal and zeros elsewhere.

    Example:
        >>> lamina.ops.eye(2, 3)
        array([[1., 0., 0.],
               [0., 1., 0.]], dtype=float32)
    """
    _check_count("eye", "N", N)
    _check_count("eye", "M", M, allow_none=True)
    return B.numpy.eye(N, M=M, k=k, dtype=dtype)


def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix.

    Example:
        >>> lamina.ops.identity(2)
        array([[1., 0.],
               [0., 1.]], dtype=float32)
    """
    _check_count("identity", "n", n)
    return B.numpy.identity(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the ``k``-th diagonal of an ``N`` x ``M`` matrix, zeros above.

    Example:
        >>> lamina.ops.tri(3)
        array([[1., 0., 0.],
               [1., 1., 0.],
               [1., 1., 1.]], dtype=float32)
    """
    _check_count("tri", "N", N)
    _check_count("tri", "M", M, allow_none=True)
    return B.numpy.tri(N, M=M, k=k, dtype=dtype)


def tril(x, k=0):
    """The lower triangle (at and below the ``k``-th diagonal) of the last two axes of ``x``.

    Example:
        >>> lamina.ops.tril(np.arange(1, 10).reshape(3, 3))
        array([[1, 0, 0],
               [4, 5, 0],
               [7, 8, 9]])
    """
    _check_rank_at_least("tril", x, 2)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.tril(x, k=k)


def triu(x, k=0):
    """The upper triangle (at and above the ``k``-th diagonal) of the last two axes of ``x``.

    Example:
        >>> lamina.ops.triu(np.arange(1, 10).reshape(3, 3))
        array([[1, 2, 3],
               [0, 5, 6],
               [0, 0, 9]])
    """
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
        >>> lamina.ops.linspace(0.0, 1.0, num=5)
        array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
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
    """``num`` values spaced evenly on a log scale, from ``base**start`` to ``base**stop``.

    Example:
        >>> lamina.ops.logspace(0.0, 2.0, num=3)
        array([  1.,  10., 100.], dtype=float32)
    """
    _check_num("logspace", num)
    if any_symbolic(start, stop):
        return symbolic.infer(np_backend.logspace, start, stop, num, endpoint, base, dtype, axis)
    return B.numpy.logspace(
        start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis
    )


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values spaced evenly on a log scale, from ``start`` to ``stop``.

    Example:
        >>> lamina.ops.geomspace(1.0, 100.0, num=3)
        array([  1.,  10., 100.], dtype=float32)
    """
    _check_num("geomspace", num)
    if any_symbolic(start, stop):
        return symbolic.infer(np_backend.geomspace, start, stop, num, endpoint, dtype, axis)
    return B.numpy.geomspace(start, stop, num=num, endpoint=endpoint, dtype=dtype, axis=axis)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors (``"xy"``: Cartesian, ``"ij"``: matrix).

    Example:
        >>> xs, ys = lamina.ops.meshgrid(np.array([1, 2, 3]), np.array([4, 5]))
        >>> xs
        array([[1, 2, 3],
               [1, 2, 3]])
        >>> ys
        array([[4, 4, 4],
               [5, 5, 5]])
    """
    _check_choice("meshgrid", "indexing", indexing, ("xy", "ij"))
    if any_symbolic(x):
        sizes = [builtins.int(np.prod(shape_of(v))) if None not in shape_of(v) else None for v in x]
        if indexing == "xy" and len(sizes) >= 2:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        return [KerasTensor(sizes, dtype_of(v)) for v in x]
    return B.numpy.meshgrid(*x, indexing=indexing)


def diag(x, k=0):
    """The ``k``-th diagonal of a 2-D ``x``, or a 2-D tensor with a 1-D ``x`` on that diagonal.

    Example:
        >>> lamina.ops.diag(np.array([1, 2]))
        array([[1, 0],
               [0, 2]])
        >>> lamina.ops.diag(np.array([[1, 2], [3, 4]]))
        array([1, 4])
    """
    if _ndim(x) not in (1, 2):
        raise ValueError(
            f"`ops.diag`: `x` must be 1-D or 2-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.diag, x, k)
    return B.numpy.diag(x, k=k)


def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on its ``k``-th diagonal.

    Example:
        >>> lamina.ops.diagflat(np.array([[1, 2]]))
        array([[1, 0],
               [0, 2]])
    """
    if any_symbolic(x):
        return symbolic.infer(np_backend.diagflat, x, k)
    return B.numpy.diagflat(x, k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal over ``axis1`` and ``axis2``, appended as the last axis.

    Example:
        >>> lamina.ops.diagonal(np.arange(9).reshape(3, 3))
        array([0, 4, 8])
    """
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
    """The Vandermonde matrix of a 1-D ``x`` (powers in decreasing order unless ``increasing``).

    Example:
        >>> lamina.ops.vander(np.array([1, 2, 3]))
        array([[1, 1, 1],
               [4, 2, 1],
               [9, 3, 1]])
    """
    if _ndim(x) != 1:
        raise ValueError(
            f"`ops.vander`: `x` must be 1-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.vander, x, N, increasing)
    return B.numpy.vander(x, N=N, increasing=increasing)


def copy(x):
    """A copy of ``x``.

    Example:
        >>> lamina.ops.copy(np.array([1, 2]))
        array([1, 2])
    """
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.copy(x)


def _window(name, x):
    _check_count(name, "x", x)
    return getattr(B.numpy, name)(x)


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``.

    Example:
        >>> lamina.ops.bartlett(5)
        array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _window("bartlett", x)


def blackman(x):
    """The Blackman window of length ``x``.

    Example:
        >>> np.round(lamina.ops.blackman(5), 3)
        array([-0.  ,  0.34,  1.  ,  0.34, -0.  ], dtype=float32)
    """
    return _window("blackman", x)


def hamming(x):
    """The Hamming window of length ``x``.

    Example:
        >>> np.round(lamina.ops.hamming(5), 3)
        array([0.08, 0.54, 1.  , 0.54, 0.08], dtype=float32)
    """
    return _window("hamming", x)


def hanning(x):
    """The Hann window of length ``x``.

    Example:
        >>> lamina.ops.hanning(5)
        array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _window("hanning", x)


def kaiser(x, beta):
    """The Kaiser window of length ``x`` with shape parameter ``beta``.

    Example:
        >>> np.round(lamina.ops.kaiser(5, 5.0), 3)
        array([0.037, 0.553, 1.   , 0.553, 0.037], dtype=float32)
    """
    _check_count("kaiser", "x", x)
    return B.numpy.kaiser(x, beta)
