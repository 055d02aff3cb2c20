"""Seeded sampling with `jax.random`: the seed's two integers are the raw threefry key.

``seed`` is what `lamina.random.draw_seed` returns (a base seed and a counter, possibly traced
inside a compiled step) or a Python int; the same seed gives the same values.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from lamina.backend.common import dtypes
from lamina.backend.jax.core import convert_to_tensor


def _key(seed):
    if isinstance(seed, int):
        return jax.random.PRNGKey(seed)
    data = jnp.asarray(convert_to_tensor(seed)).astype(jnp.uint32).reshape(2)
    return jax.random.wrap_key_data(data)


def _dtype(dtype, default=None):
    return dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype if dtype is not None else default))


def _shape(shape):
    return tuple(int(d) for d in shape)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _dtype(dtype)
    return jax.random.normal(_key(seed), _shape(shape), dtype=dtype) * stddev + mean


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return jax.random.uniform(
        _key(seed), _shape(shape), dtype=_dtype(dtype), minval=minval, maxval=maxval
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _dtype(dtype)
    values = jax.random.truncated_normal(_key(seed), -2.0, 2.0, _shape(shape), dtype=dtype)
    return values * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(_key(seed), _shape(shape), minval, maxval, dtype=_dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    samples = jax.random.categorical(
        _key(seed), logits[..., None, :], axis=-1, shape=(*logits.shape[:-1], num_samples)
    )
    return samples.astype(_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert_to_tensor(inputs)
    if isinstance(rate, (int, float)) and rate >= 1:
        return jnp.zeros_like(x)
    shape = x.shape if noise_shape is None else _shape(noise_shape)
    keep = jax.random.bernoulli(_key(seed), 1.0 - rate, shape)
    return jnp.where(keep, x / jnp.asarray(1 - rate, x.dtype), jnp.zeros((), x.dtype))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    return jax.random.permutation(_key(seed), x, axis=axis, independent=False)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _dtype(dtype)
    return jax.random.gamma(_key(seed), jnp.asarray(alpha, dtype), _shape(shape), dtype=dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _dtype(dtype)
    counts = jnp.asarray(convert_to_tensor(counts), jnp.float32)
    probabilities = jnp.asarray(convert_to_tensor(probabilities), jnp.float32)
    values = jax.random.binomial(_key(seed), counts, probabilities, _shape(shape))
    return values.astype(dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = _dtype(dtype)
    a = jnp.asarray(convert_to_tensor(alpha), dtype)
    b = jnp.asarray(convert_to_tensor(beta), dtype)
    return jax.random.beta(_key(seed), a, b, _shape(shape), dtype=dtype)
