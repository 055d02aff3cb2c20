"""Math ops: log-sum-exp, top-k, segment reductions, special functions, FFT.

Keras 3's names, signatures and defaults. Integer inputs of float-valued functions give
`floatx` results.
"""

from __future__ import annotations

from lamina import config
from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import math as np_math
from lamina.ops import symbolic
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "erf",
    "erfc",
    "erfinv",
    "extract_sequences",
    "fft",
    "fft2",
    "ifft2",
    "in_top_k",
    "irfft",
    "logdet",
    "logsumexp",
    "rfft",
    "rsqrt",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "top_k",
]


def _float_dtype(x) -> str:
    dtype = dtype_of(x)
    return dtype if dtype in dtypes.FLOAT_TYPES else config.floatx()


def _unary_float(x):
    return KerasTensor(shape_of(x), _float_dtype(x))


def _reduced_shape(shape, axis, keepdims):
    ndim = len(shape)
    if axis is None:
        axes = set(range(ndim))
    else:
        axes = {a % ndim for a in (axis if isinstance(axis, (list, tuple)) else (axis,))}
    out = []
    for i, d in enumerate(shape):
        if i not in axes:
            out.append(d)
        elif keepdims:
            out.append(1)
    return tuple(out)


def _check_axes(op, x, axis):
    if axis is None:
        return
    ndim = len(shape_of(x))
    for a in axis if isinstance(axis, (list, tuple)) else (axis,):
        if not isinstance(a, int) or not -ndim <= a < ndim:
            raise ValueError(
                f"`ops.{op}`: `axis`={axis!r} is out of range for an input of rank {ndim}."
            )


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow.

    Example:
        >>> lamina.ops.logsumexp(np.array([0.0, 0.0]))
        array(0.69314718)
    """
    _check_axes("logsumexp", x, axis)
    if any_symbolic(x):
        return KerasTensor(_reduced_shape(shape_of(x), axis, keepdims), _float_dtype(x))
    return B.math.logsumexp(x, axis=axis, keepdims=keepdims)


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their (int32) indices.

    Example:
        >>> values, indices = lamina.ops.top_k(np.array([1.0, 3.0, 2.0]), 2)
        >>> values, indices
        (array([3., 2.]), array([1, 2], dtype=int32))
    """
    shape = tuple(shape_of(x))
    if not shape:
        raise ValueError("`ops.top_k`: `x` must have rank >= 1. Received a scalar.")
    if not isinstance(k, int) or k < 0 or (shape[-1] is not None and k > shape[-1]):
        raise ValueError(
            f"`ops.top_k`: `k` must be an int in [0, {shape[-1]}] (the size of the last axis). "
            f"Received: k={k!r}"
        )
    if any_symbolic(x):
        out = (*shape[:-1], k)
        return KerasTensor(out, dtype_of(x)), KerasTensor(out, "int32")
    return B.math.top_k(x, k, sorted=sorted)


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions (ties count as in).

    Example:
        >>> predictions = np.array([[0.1, 0.9, 0.0], [0.2, 0.3, 0.5]])
        >>> lamina.ops.in_top_k(np.array([1, 0]), predictions, k=1)
        array([ True, False])
    """
    pshape, tshape = tuple(shape_of(predictions)), tuple(shape_of(targets))
    if len(pshape) != 2 or len(tshape) != 1:
        raise ValueError(
            "`ops.in_top_k`: `predictions` must be (batch, classes) and `targets` (batch,). "
            f"Received: predictions.shape={pshape}, targets.shape={tshape}"
        )
    if any_symbolic(targets, predictions):
        return KerasTensor(tshape, "bool")
    return B.math.in_top_k(targets, predictions, k)


def _segment_op(name, data, segment_ids, num_segments, sorted):
    dshape, ishape = tuple(shape_of(data)), tuple(shape_of(segment_ids))
    if (
        len(ishape) != 1
        or not dshape
        or (ishape[0] is not None and dshape[0] is not None and ishape[0] != dshape[0])
    ):
        raise ValueError(
            f"`ops.{name}`: `segment_ids` must be 1-D with one id per row of `data`. "
            f"Received: data.shape={dshape}, segment_ids.shape={ishape}"
        )
    if num_segments is not None and (not isinstance(num_segments, int) or num_segments < 0):
        raise ValueError(
            f"`ops.{name}`: `num_segments` must be a non-negative int. "
            f"Received: num_segments={num_segments!r}"
        )
    if any_symbolic(data, segment_ids):
        return KerasTensor((num_segments, *dshape[1:]), dtype_of(data))
    return getattr(B.math, name)(data, segment_ids, num_segments=num_segments, sorted=sorted)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sum of the rows of ``data`` that share a segment id (ids outside the range are dropped).

    Example:
        >>> lamina.ops.segment_sum(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1]))
        array([3., 3.])
    """
    return _segment_op("segment_sum", data, segment_ids, num_segments, sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` per segment; empty segments hold the lowest value.

    Example:
        >>> lamina.ops.segment_max(np.array([1, 5, 3, 2]), np.array([0, 0, 1, 1]))
        array([5, 3])
    """
    return _segment_op("segment_max", data, segment_ids, num_segments, sorted)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minimum of the rows of ``data`` per segment; empty segments hold the highest value.

    Example:
        >>> lamina.ops.segment_min(np.array([1, 5, 3, 2]), np.array([0, 0, 1, 1]))
        array([1, 2])
    """
    return _segment_op("segment_min", data, segment_ids, num_segments, sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of ``data`` per segment; empty segments hold 1.

    Example:
        >>> lamina.ops.segment_prod(np.array([1, 5, 3, 2]), np.array([0, 0, 1, 1]))
        array([5, 6])
    """
    return _segment_op("segment_prod", data, segment_ids, num_segments, sorted)


def erf(x):
    """The error function ``2 / sqrt(pi) * integral_0^x exp(-t**2) dt``.

    Example:
        >>> np.round(lamina.ops.erf(np.array([0.0, 1.0])), 4)
        array([0.    , 0.8427])
    """
    if any_symbolic(x):
        return _unary_float(x)
    return B.math.erf(x)


def erfc(x):
    """The complementary error function ``1 - erf(x)``.

    Example:
        >>> np.round(lamina.ops.erfc(np.array([0.0, 1.0])), 4)
        array([1.    , 0.1573])
    """
    if any_symbolic(x):
        return _unary_float(x)
    return B.math.erfc(x)


def erfinv(x):
    """The inverse error function, on (-1, 1).

    Example:
        >>> np.round(lamina.ops.erfinv(np.array([0.0, 0.5])), 4)
        array([0.    , 0.4769])
    """
    if any_symbolic(x):
        return _unary_float(x)
    return B.math.erfinv(x)


def rsqrt(x):
    """Reciprocal square root ``1 / sqrt(x)``.

    Example:
        >>> lamina.ops.rsqrt(np.array([1.0, 4.0]))
        array([1. , 0.5])
    """
    if any_symbolic(x):
        return _unary_float(x)
    return B.math.rsqrt(x)


def logdet(x):
    """Log-determinant of (batches of) positive-definite matrices (NaN when det <= 0).

    Example:
        >>> lamina.ops.logdet(np.array([[2.0, 0.0], [0.0, 3.0]]))
        array(1.79175947)
    """
    shape = tuple(shape_of(x))
    if len(shape) < 2:
        raise ValueError(f"`ops.logdet`: `x` must have rank >= 2. Received: x.shape={shape}")
    if any_symbolic(x):
        return KerasTensor(shape[:-2], _float_dtype(x))
    return B.math.logdet(x)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` taken every ``sequence_stride`` along the last axis.

    Example:
        >>> lamina.ops.extract_sequences(np.arange(6.0), 3, 2)
        array([[0., 1., 2.],
               [2., 3., 4.]])
    """
    shape = tuple(shape_of(x))
    for name, v in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(
                f"`ops.extract_sequences`: `{name}` must be a positive int. Received: {v!r}"
            )
    if not shape or (shape[-1] is not None and shape[-1] < sequence_length):
        raise ValueError(
            "`ops.extract_sequences`: the last axis of `x` must be at least `sequence_length`="
            f"{sequence_length}. Received: x.shape={shape}"
        )
    if any_symbolic(x):
        n = shape[-1]
        count = None if n is None else (n - sequence_length) // sequence_stride + 1
        return KerasTensor((*shape[:-1], count, sequence_length), dtype_of(x))
    return B.math.extract_sequences(x, sequence_length, sequence_stride)


def _check_complex_pair(op, x):
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        raise ValueError(
            f"`ops.{op}`: `x` must be a tuple (real, imag) of two tensors. Received: {type(x)}"
        )
    if tuple(shape_of(x[0])) != tuple(shape_of(x[1])):
        raise ValueError(
            f"`ops.{op}`: the real and imaginary parts must have the same shape. Received: "
            f"{tuple(shape_of(x[0]))} and {tuple(shape_of(x[1]))}"
        )


def fft(x):
    """Fast Fourier transform along the last axis of ``x = (real, imag)``; returns a pair.

    Example:
        >>> lamina.ops.fft((np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4)))
        (array([10., -2., -2., -2.]), array([ 0.,  2.,  0., -2.]))
    """
    _check_complex_pair("fft", x)
    if any_symbolic(x):
        out = _unary_float(x[0])
        return out, KerasTensor(out.shape, out.dtype)
    return B.math.fft(x)


def fft2(x):
    """2-D FFT over the last two axes of ``x = (real, imag)``; returns a pair.

    Example:
        >>> real, imag = lamina.ops.fft2((np.ones((2, 2)), np.zeros((2, 2))))
        >>> real
        array([[4., 0.],
               [0., 0.]])
    """
    _check_complex_pair("fft2", x)
    if any_symbolic(x):
        out = _unary_float(x[0])
        return out, KerasTensor(out.shape, out.dtype)
    return B.math.fft2(x)


def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``x = (real, imag)``; returns a pair.

    Example:
        >>> real, imag = lamina.ops.ifft2((np.array([[4.0, 0.0], [0.0, 0.0]]), np.zeros((2, 2))))
        >>> real
        array([[1., 1.],
               [1., 1.]])
    """
    _check_complex_pair("ifft2", x)
    if any_symbolic(x):
        out = _unary_float(x[0])
        return out, KerasTensor(out.shape, out.dtype)
    return B.math.ifft2(x)


def rfft(x, fft_length=None):
    """FFT of a real signal along the last axis: ``fft_length // 2 + 1`` (real, imag) bins.

    Example:
        >>> lamina.ops.rfft(np.array([1.0, 2.0, 3.0, 4.0]))
        (array([10., -2., -2.]), array([0., 2., 0.]))
    """
    if any_symbolic(x):
        return symbolic.infer(np_math.rfft, x, fft_length=fft_length)
    return B.math.rfft(x, fft_length=fft_length)


def irfft(x, fft_length=None):
    """Inverse of `rfft`: a real signal of ``fft_length`` (default ``2 * (bins - 1)``).

    Example:
        >>> lamina.ops.irfft((np.array([10.0, -2.0, -2.0]), np.array([0.0, 2.0, 0.0])))
        array([1., 2., 3., 4.])
    """
    _check_complex_pair("irfft", x)
    if any_symbolic(x):
        return symbolic.infer(np_math.irfft, x, fft_length=fft_length)
    return B.math.irfft(x, fft_length=fft_length)
