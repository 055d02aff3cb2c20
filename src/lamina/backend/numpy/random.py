"""Seeded sampling with NumPy: each call builds ``np.random.default_rng`` from its seed.

``seed`` is what `lamina.random.draw_seed` returns (two integers: a base seed and a counter)
or a Python int; the same seed gives the same values.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.numpy.core import convert_to_numpy, convert_to_tensor


def _rng(seed):
    if seed is None:
        return np.random.default_rng()
    values = np.asarray(convert_to_numpy(seed)).ravel()
    return np.random.default_rng([int(v) % 2**64 for v in values])


def _dtype(dtype, default=None):
    return dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype if dtype is not None else default))


def _shape(shape):
    return tuple(int(d) for d in shape)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    values = _rng(seed).standard_normal(_shape(shape))
    return (values * stddev + mean).astype(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    values = _rng(seed).uniform(size=_shape(shape))
    return (minval + values * (maxval - minval)).astype(_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    rng = _rng(seed)
    values = rng.standard_normal(_shape(shape))
    outside = np.abs(values) > 2
    while np.any(outside):  # redraw until every value lies within two standard deviations
        values[outside] = rng.standard_normal(int(np.sum(outside)))
        outside = np.abs(values) > 2
    return (values * stddev + mean).astype(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    values = _rng(seed).integers(minval, maxval, size=_shape(shape))
    return values.astype(_dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = np.asarray(convert_to_tensor(logits), dtype=np.float64)
    gumbel = -np.log(-np.log(_rng(seed).uniform(size=(*logits.shape, num_samples))))
    samples = np.argmax(logits[..., None] + gumbel, axis=-2)
    return samples.astype(_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert_to_tensor(inputs)
    if rate >= 1:
        return np.zeros_like(x)
    shape = x.shape if noise_shape is None else _shape(noise_shape)
    keep = _rng(seed).uniform(size=shape) >= rate
    return np.where(keep, x / np.asarray(1 - rate, x.dtype), np.zeros((), x.dtype))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    order = _rng(seed).permutation(x.shape[axis])
    return np.take(x, order, axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    return _rng(seed).gamma(alpha, size=_shape(shape)).astype(_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    counts = np.asarray(convert_to_numpy(counts))
    probabilities = np.asarray(convert_to_numpy(probabilities))
    values = _rng(seed).binomial(counts.astype(np.int64), probabilities, size=_shape(shape))
    return values.astype(_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    alpha = np.asarray(convert_to_numpy(alpha))
    beta = np.asarray(convert_to_numpy(beta))
    return _rng(seed).beta(alpha, beta, size=_shape(shape)).astype(_dtype(dtype))
