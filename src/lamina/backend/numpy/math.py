"""Math ops on NumPy arrays: reductions, segments, top-k, special functions, FFT."""

from __future__ import annotations

import math as _math

import numpy as np

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.numpy.core import convert_to_tensor


def _float(x):
    x = convert_to_tensor(x)
    if x.dtype.kind in "biu":
        return x.astype(dtypes.to_numpy_dtype(config.floatx()))
    return x


def logsumexp(x, axis=None, keepdims=False):
    x = _float(x)
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, np.zeros((), x.dtype))
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    if not keepdims:
        out = np.squeeze(out, axis=axis)
    return np.asarray(out, dtype=x.dtype)


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    # A stable sort of the negated values keeps the lower index first among ties.
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order.astype(np.int32)


def in_top_k(targets, predictions, k):
    targets = convert_to_tensor(targets).astype(np.int64)
    predictions = convert_to_tensor(predictions)
    target_values = np.take_along_axis(predictions, targets[:, None], axis=-1)
    # Ties are in: count the predictions strictly larger than the target's.
    larger = np.sum(predictions > target_values, axis=-1)
    return (larger < k) & np.isfinite(target_values[:, 0])


def _segments(data, segment_ids, num_segments):
    data = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids).astype(np.int64)
    if num_segments is None:
        num_segments = int(np.max(ids)) + 1 if ids.size else 0
    keep = (ids >= 0) & (ids < num_segments)
    return data[keep], ids[keep], int(num_segments), data


def _segment_reduce(data, segment_ids, num_segments, ufunc, init):
    values, ids, n, data = _segments(data, segment_ids, num_segments)
    out = np.full((n, *data.shape[1:]), init, dtype=data.dtype)
    ufunc.at(out, ids, values)
    return out


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(data, segment_ids, num_segments, np.add, 0)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    low = -np.inf if data.dtype.kind == "f" else np.iinfo(data.dtype).min
    return _segment_reduce(data, segment_ids, num_segments, np.maximum, low)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    high = np.inf if data.dtype.kind == "f" else np.iinfo(data.dtype).max
    return _segment_reduce(data, segment_ids, num_segments, np.minimum, high)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(data, segment_ids, num_segments, np.multiply, 1)


try:  # SciPy's vectorized kernels when SciPy is installed; Python's math module otherwise
    from scipy import special as _special

    _erf_scalar, _erfc_scalar = _special.erf, _special.erfc
except ImportError:  # pragma: no cover - SciPy comes with JAX and TensorFlow installs
    _special = None
    _erf_scalar = np.vectorize(_math.erf, otypes=[np.float64])
    _erfc_scalar = np.vectorize(_math.erfc, otypes=[np.float64])


def erf(x):
    x = _float(x)
    return _erf_scalar(np.asarray(x, np.float64)).astype(x.dtype)


def erfc(x):
    x = _float(x)
    return _erfc_scalar(np.asarray(x, np.float64)).astype(x.dtype)


def erfinv(x):
    x = _float(x)
    if _special is not None:
        return _special.erfinv(np.asarray(x, np.float64)).astype(x.dtype)
    y = np.asarray(x, np.float64)
    # Giles' single-precision approximation, refined by Newton steps on erf.
    w = -np.log(np.maximum((1 - y) * (1 + y), 1e-300))
    small = w - 2.5
    big = np.sqrt(np.maximum(w, 5)) - 3
    p_small = np.polyval(
        [
            2.81022636e-08,
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ],
        small,
    )
    p_big = np.polyval(
        [
            -0.000200214257,
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ],
        big,
    )
    z = np.where(w < 5, p_small, p_big) * y
    inside = np.abs(y) < 1
    for _ in range(3):
        step = (_erf_scalar(z) - y) / (2 / np.sqrt(np.pi) * np.exp(-z * z))
        z = np.where(inside, z - step, z)
    z = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, np.where(inside, z, np.nan)))
    return z.astype(x.dtype)


def rsqrt(x):
    x = _float(x)
    with np.errstate(divide="ignore"):
        return (1 / np.sqrt(x)).astype(x.dtype)


def logdet(x):
    x = _float(x)
    sign, value = np.linalg.slogdet(x)
    return np.where(sign > 0, value, np.nan).astype(x.dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    windows = np.lib.stride_tricks.sliding_window_view(x, sequence_length, axis=-1)
    return np.ascontiguousarray(windows[..., ::sequence_stride, :])


def _complex_input(x):
    real, imag = x
    real, imag = _float(real), _float(imag)
    return real + 1j * imag, real.dtype


def fft(x):
    z, dtype = _complex_input(x)
    out = np.fft.fft(z, axis=-1)
    return out.real.astype(dtype), out.imag.astype(dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    out = np.fft.fft2(z, axes=(-2, -1))
    return out.real.astype(dtype), out.imag.astype(dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    out = np.fft.ifft2(z, axes=(-2, -1))
    return out.real.astype(dtype), out.imag.astype(dtype)


def rfft(x, fft_length=None):
    x = _float(x)
    out = np.fft.rfft(x, n=fft_length, axis=-1)
    return out.real.astype(x.dtype), out.imag.astype(x.dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    return np.fft.irfft(z, n=fft_length, axis=-1).astype(dtype)
