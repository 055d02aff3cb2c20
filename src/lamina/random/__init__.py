"""`lamina.random`: seeded random ops with Keras 3's signatures.

``seed`` is an int (the same values on every call), a `SeedGenerator` (new values on each
call, repeatable from its initial seed) or ``None`` (the global seed generator, which
`lamina.utils.set_random_seed` reseeds). The same seed gives the same values on one backend;
values differ between backends.

Example:
    >>> lamina.random.uniform((2, 3), seed=42).shape
    (2, 3)
"""

from __future__ import annotations

import numbers

from lamina import config
from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of
from lamina.random.seed_generator import (
    SeedGenerator,
    draw_seed,
    global_seed_generator,
    make_default_seed,
    set_global_seed,
)

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "draw_seed",
    "dropout",
    "gamma",
    "global_seed_generator",
    "make_default_seed",
    "normal",
    "randint",
    "set_global_seed",
    "shuffle",
    "truncated_normal",
    "uniform",
]


def _shape(op, shape):
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(
            f"`random.{op}`: `shape` must be a tuple of ints. Received: shape={shape!r}"
        ) from None
    for d in shape:
        if isinstance(d, numbers.Integral) and d < 0:
            raise ValueError(
                f"`random.{op}`: `shape` must not hold negative sizes. Received: shape={shape}"
            )
    return shape


def _float_dtype(op, dtype):
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    if dtype not in dtypes.FLOAT_TYPES:
        raise ValueError(f"`random.{op}`: `dtype` must be a float type. Received: dtype={dtype!r}")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution.

    Example:
        >>> lamina.random.normal((2, 2), stddev=0.1, seed=1).shape
        (2, 2)
    """
    shape, dtype = _shape("normal", shape), _float_dtype("normal", dtype)
    return B.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=draw_seed(seed))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution on ``[minval, maxval)``.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.uniform((2, 3), minval=-1.0, maxval=1.0, seed=0))
        >>> x.shape, x.dtype
        ((2, 3), dtype('float32'))
        >>> bool(((x >= -1.0) & (x < 1.0)).all())
        True
    """
    shape, dtype = _shape("uniform", shape), _float_dtype("uniform", dtype)
    return B.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=draw_seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution cut at two standard deviations from the mean.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.truncated_normal((1000,), stddev=0.5, seed=0))
        >>> bool((np.abs(x) <= 1.0).all())
        True
    """
    shape, dtype = _shape("truncated_normal", shape), _float_dtype("truncated_normal", dtype)
    return B.random.truncated_normal(
        shape, mean=mean, stddev=stddev, dtype=dtype, seed=draw_seed(seed)
    )


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from ``[minval, maxval)``.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.randint((2, 5), 0, 3, seed=0))
        >>> x.dtype, bool(((x >= 0) & (x < 3)).all())
        (dtype('int32'), True)
    """
    shape = _shape("randint", shape)
    dtype = dtypes.standardize_dtype(dtype)
    if dtype not in dtypes.INT_TYPES:
        raise ValueError(f"`random.randint`: `dtype` must be an integer type. Received: {dtype!r}")
    if isinstance(minval, numbers.Integral) and isinstance(maxval, numbers.Integral):
        if maxval <= minval:
            raise ValueError(
                f"`random.randint`: `maxval` must be larger than `minval`. Received: "
                f"minval={minval}, maxval={maxval}"
            )
    return B.random.randint(shape, minval, maxval, dtype=dtype, seed=draw_seed(seed))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn from softmax.

    Example:
        >>> logits = np.array([[0.0, -100.0], [-100.0, 0.0]])  # row 0: class 0, row 1: class 1
        >>> lamina.ops.convert_to_numpy(lamina.random.categorical(logits, 3, seed=0))
        array([[0, 0, 0],
               [1, 1, 1]], dtype=int32)
    """
    lshape = tuple(shape_of(logits))
    if len(lshape) != 2:
        raise ValueError(
            "`random.categorical`: `logits` must have shape (batch, num_classes). "
            f"Received: logits.shape={lshape}"
        )
    if not isinstance(num_samples, int) or num_samples < 0:
        raise ValueError(
            f"`random.categorical`: `num_samples` must be a non-negative int. Received: {num_samples!r}"
        )
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(logits):
        return KerasTensor((lshape[0], num_samples), dtype)
    return B.random.categorical(logits, num_samples, dtype=dtype, seed=draw_seed(seed))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    ``noise_shape`` (``None`` entries take the input's size) shares the mask along axes of
    size 1.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.dropout(np.ones((2, 4)), 0.5, seed=0))
        >>> bool(np.isin(x, [0.0, 2.0]).all())  # kept values are scaled by 1 / (1 - 0.5)
        True
    """
    if not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
        raise ValueError(f"`random.dropout`: `rate` must be in [0, 1]. Received: rate={rate!r}")
    in_shape = tuple(shape_of(inputs))
    if noise_shape is not None:
        noise_shape = tuple(noise_shape)
        if len(noise_shape) != len(in_shape):
            raise ValueError(
                f"`random.dropout`: `noise_shape`={noise_shape} must have the rank of the inputs "
                f"({in_shape})."
            )
        noise_shape = tuple(d if n is None else n for n, d in zip(noise_shape, in_shape))
    if any_symbolic(inputs):
        return KerasTensor(in_shape, dtype_of(inputs))
    if noise_shape is not None and None in noise_shape:  # unknown sizes inside tf.function
        actual = B.core.shape(B.core.convert_to_tensor(inputs))
        noise_shape = tuple(a if n is None else n for n, a in zip(noise_shape, actual))
    return B.random.dropout(inputs, rate, noise_shape=noise_shape, seed=draw_seed(seed))


def shuffle(x, axis=0, seed=None):
    """``x`` with its slices along ``axis`` in a random order.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.shuffle(np.arange(5), seed=0))
        >>> sorted(x.tolist())
        [0, 1, 2, 3, 4]
    """
    shape = tuple(shape_of(x))
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"`random.shuffle`: `axis`={axis} is out of range for shape {shape}.")
    if any_symbolic(x):
        return KerasTensor(shape, dtype_of(x))
    return B.random.shuffle(x, axis=axis, seed=draw_seed(seed))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from a gamma distribution with concentration ``alpha`` (rate 1).

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.gamma((1000,), alpha=2.0, seed=0))
        >>> bool((x > 0).all()), round(float(x.mean()))  # the mean is alpha
        (True, 2)
    """
    shape, dtype = _shape("gamma", shape), _float_dtype("gamma", dtype)
    return B.random.gamma(shape, alpha, dtype=dtype, seed=draw_seed(seed))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Numbers of successes in ``counts`` trials of success probability ``probabilities``.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.binomial((4,), counts=10, probabilities=0.5, seed=0))
        >>> x.dtype, bool(((x >= 0) & (x <= 10) & (x == np.round(x))).all())
        (dtype('float32'), True)
    """
    shape = _shape("binomial", shape)
    dtype = dtypes.standardize_dtype(dtype or config.floatx())
    return B.random.binomial(shape, counts, probabilities, dtype=dtype, seed=draw_seed(seed))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from a beta distribution with concentrations ``alpha`` and ``beta``.

    Example:
        >>> x = lamina.ops.convert_to_numpy(lamina.random.beta((1000,), alpha=2.0, beta=2.0, seed=0))
        >>> bool(((x > 0) & (x < 1)).all()), round(float(x.mean()), 1)
        (True, 0.5)
    """
    shape, dtype = _shape("beta", shape), _float_dtype("beta", dtype)
    return B.random.beta(shape, alpha, beta, dtype=dtype, seed=draw_seed(seed))
