"""Math ops on JAX arrays: reductions, segments, top-k, special functions, FFT."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.jax.core import convert_to_tensor


def _float(x):
    x = convert_to_tensor(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x.astype(dtypes.to_numpy_dtype(config.floatx()))
    return x


def logsumexp(x, axis=None, keepdims=False):
    return jsp.logsumexp(_float(x), axis=axis, keepdims=keepdims)


def top_k(x, k, sorted=True):
    values, indices = jax.lax.top_k(convert_to_tensor(x), k)
    return values, indices.astype(jnp.int32)


def in_top_k(targets, predictions, k):
    targets = convert_to_tensor(targets).astype(jnp.int32)
    predictions = convert_to_tensor(predictions)
    target_values = jnp.take_along_axis(predictions, targets[:, None], axis=-1)
    larger = jnp.sum(predictions > target_values, axis=-1)
    return (larger < k) & jnp.isfinite(target_values[:, 0])


def _num_segments(segment_ids, num_segments):
    if num_segments is None:
        return int(jnp.max(segment_ids)) + 1 if segment_ids.size else 0
    return int(num_segments)


def _segment(fn, data, segment_ids, num_segments, sorted):
    data = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids).astype(jnp.int32)
    n = _num_segments(ids, num_segments)
    return fn(data, ids, num_segments=n, indices_are_sorted=sorted)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_sum, data, segment_ids, num_segments, sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_max, data, segment_ids, num_segments, sorted)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_min, data, segment_ids, num_segments, sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(jax.ops.segment_prod, data, segment_ids, num_segments, sorted)


def erf(x):
    return jax.lax.erf(_float(x))


def erfc(x):
    return jax.lax.erfc(_float(x))


def erfinv(x):
    return jax.lax.erf_inv(_float(x))


def rsqrt(x):
    return jax.lax.rsqrt(_float(x))


def logdet(x):
    sign, value = jnp.linalg.slogdet(_float(x))
    return jnp.where(sign > 0, value, jnp.nan)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    count = (x.shape[-1] - sequence_length) // sequence_stride + 1
    starts = jnp.arange(count) * sequence_stride
    index = starts[:, None] + jnp.arange(sequence_length)[None, :]
    return x[..., index]


def _complex_input(x):
    real, imag = _float(x[0]), _float(x[1])
    return jax.lax.complex(real, imag.astype(real.dtype)), real.dtype


def fft(x):
    z, dtype = _complex_input(x)
    out = jnp.fft.fft(z, axis=-1)
    return jnp.real(out).astype(dtype), jnp.imag(out).astype(dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    out = jnp.fft.fft2(z, axes=(-2, -1))
    return jnp.real(out).astype(dtype), jnp.imag(out).astype(dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    out = jnp.fft.ifft2(z, axes=(-2, -1))
    return jnp.real(out).astype(dtype), jnp.imag(out).astype(dtype)


def rfft(x, fft_length=None):
    x = _float(x)
    out = jnp.fft.rfft(x, n=fft_length, axis=-1)
    return jnp.real(out).astype(x.dtype), jnp.imag(out).astype(x.dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    return jnp.fft.irfft(z, n=fft_length, axis=-1).astype(dtype)
