"""Math ops on TensorFlow tensors: reductions, segments, top-k, special functions, FFT."""

from __future__ import annotations

import tensorflow as tf

from lamina import config
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype


def _float(x):
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        return tf.cast(x, to_tf_dtype(config.floatx()))
    return x


def logsumexp(x, axis=None, keepdims=False):
    return tf.reduce_logsumexp(_float(x), axis=axis, keepdims=keepdims)


def top_k(x, k, sorted=True):
    values, indices = tf.math.top_k(convert_to_tensor(x), k, sorted=True)
    return values, tf.cast(indices, tf.int32)


def in_top_k(targets, predictions, k):
    targets = tf.cast(convert_to_tensor(targets), tf.int64)
    predictions = convert_to_tensor(predictions)
    target_values = tf.gather(predictions, targets[:, None], batch_dims=1)
    larger = tf.reduce_sum(tf.cast(predictions > target_values, tf.int32), axis=-1)
    return (larger < k) & tf.math.is_finite(target_values[:, 0])


def _segment(fn, data, segment_ids, num_segments, identity):
    data = convert_to_tensor(data)
    ids = tf.cast(convert_to_tensor(segment_ids), tf.int64)
    if num_segments is None:
        num_segments = tf.reduce_max(ids) + 1
    out = fn(data, ids, num_segments)
    if identity is None:
        return out
    # Empty segments hold the reduction's identity (as in JAX), not the dtype's extreme value.
    counts = tf.math.unsorted_segment_sum(tf.ones_like(ids, tf.int32), ids, num_segments)
    present = tf.reshape(counts > 0, [-1] + [1] * (data.shape.rank - 1))
    return tf.where(present, out, tf.cast(identity, data.dtype))


def _lowest(dtype):
    return float("-inf") if dtype.is_floating else dtype.min


def _highest(dtype):
    return float("inf") if dtype.is_floating else dtype.max


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(tf.math.unsorted_segment_sum, data, segment_ids, num_segments, None)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    return _segment(
        tf.math.unsorted_segment_max, data, segment_ids, num_segments, _lowest(data.dtype)
    )


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    return _segment(
        tf.math.unsorted_segment_min, data, segment_ids, num_segments, _highest(data.dtype)
    )


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(tf.math.unsorted_segment_prod, data, segment_ids, num_segments, None)


def erf(x):
    return tf.math.erf(_float(x))


def erfc(x):
    return tf.math.erfc(_float(x))


def erfinv(x):
    return tf.math.erfinv(_float(x))


def rsqrt(x):
    return tf.math.rsqrt(_float(x))


def logdet(x):
    sign, value = tf.linalg.slogdet(_float(x))
    return tf.where(sign > 0, value, tf.cast(float("nan"), value.dtype))


def extract_sequences(x, sequence_length, sequence_stride):
    return tf.signal.frame(convert_to_tensor(x), sequence_length, sequence_stride, axis=-1)


def _complex_input(x):
    real, imag = _float(x[0]), _float(x[1])
    return tf.complex(real, tf.cast(imag, real.dtype)), real.dtype


def fft(x):
    z, dtype = _complex_input(x)
    out = tf.signal.fft(z)
    return tf.cast(tf.math.real(out), dtype), tf.cast(tf.math.imag(out), dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    out = tf.signal.fft2d(z)
    return tf.cast(tf.math.real(out), dtype), tf.cast(tf.math.imag(out), dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    out = tf.signal.ifft2d(z)
    return tf.cast(tf.math.real(out), dtype), tf.cast(tf.math.imag(out), dtype)


def rfft(x, fft_length=None):
    x = _float(x)
    length = None if fft_length is None else [fft_length]
    out = tf.signal.rfft(x, fft_length=length)
    return tf.cast(tf.math.real(out), x.dtype), tf.cast(tf.math.imag(out), x.dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    length = None if fft_length is None else [fft_length]
    return tf.cast(tf.signal.irfft(z, fft_length=length), dtype)
