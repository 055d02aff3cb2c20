"""Seeded sampling with TensorFlow's stateless random ops (``tf.random.stateless_*``).

``seed`` is what `lamina.random.draw_seed` returns (a base seed and a counter, possibly a
tensor inside `tf.function`) or a Python int; the same seed gives the same values.
"""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.common import dtypes
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype


def _seed(seed):
    if isinstance(seed, int):
        return tf.constant([seed % 2**63, 0], tf.int64)
    return tf.reshape(tf.cast(convert_to_tensor(seed), tf.int64), [2])


def _dtype(dtype, default=None):
    return to_tf_dtype(dtypes.standardize_dtype(dtype if dtype is not None else default))


def _shape(shape):
    return [d if tf.is_tensor(d) else int(d) for d in shape]


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random.stateless_normal(
        _shape(shape), seed=_seed(seed), mean=mean, stddev=stddev, dtype=_dtype(dtype)
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return tf.random.stateless_uniform(
        _shape(shape), seed=_seed(seed), minval=minval, maxval=maxval, dtype=_dtype(dtype)
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random.stateless_truncated_normal(
        _shape(shape), seed=_seed(seed), mean=mean, stddev=stddev, dtype=_dtype(dtype)
    )


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = _dtype(dtype)
    work = dtype if dtype in (tf.int32, tf.int64) else tf.int64
    values = tf.random.stateless_uniform(
        _shape(shape), seed=_seed(seed), minval=minval, maxval=maxval, dtype=work
    )
    return tf.cast(values, dtype)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    shape = tf.shape(logits)
    flat = tf.reshape(logits, [-1, shape[-1]])
    samples = tf.random.stateless_categorical(flat, num_samples, seed=_seed(seed), dtype=tf.int64)
    out_shape = tf.concat([shape[:-1], [num_samples]], axis=0)
    return tf.cast(tf.reshape(samples, out_shape), _dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert_to_tensor(inputs)
    if isinstance(rate, (int, float)) and rate >= 1:
        return tf.zeros_like(x)
    shape = tf.shape(x) if noise_shape is None else _shape(noise_shape)
    noise = tf.random.stateless_uniform(shape, seed=_seed(seed), dtype=tf.float32)
    keep = noise >= rate
    return tf.where(keep, x / tf.cast(1 - rate, x.dtype), tf.zeros((), x.dtype))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    n = tf.shape(x)[axis]
    keys = tf.random.stateless_uniform([n], seed=_seed(seed), dtype=tf.float32)
    return tf.gather(x, tf.argsort(keys), axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _dtype(dtype)
    return tf.random.stateless_gamma(
        _shape(shape), seed=_seed(seed), alpha=tf.cast(alpha, dtype), dtype=dtype
    )


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _dtype(dtype)
    values = tf.random.stateless_binomial(
        _shape(shape),
        seed=_seed(seed),
        counts=tf.cast(convert_to_tensor(counts), tf.float32),
        probs=tf.cast(convert_to_tensor(probabilities), tf.float32),
        output_dtype=tf.float32,
    )
    return tf.cast(values, dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = _dtype(dtype)
    seeds = tf.random.experimental.stateless_split(_seed(seed), 2)
    a = tf.random.stateless_gamma(
        _shape(shape), seed=seeds[0], alpha=tf.cast(convert_to_tensor(alpha), dtype), dtype=dtype
    )
    b = tf.random.stateless_gamma(
        _shape(shape), seed=seeds[1], alpha=tf.cast(convert_to_tensor(beta), dtype), dtype=dtype
    )
    return a / (a + b)
