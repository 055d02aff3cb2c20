"""Host-side sampling for initializers: NumPy's Philox generator, float64 results.

Initial weights are drawn here, on the CPU, and converted to a backend tensor once. Every backend
therefore starts from the same bits for the same seed, which framework samplers (each with its
own algorithm) cannot give.
"""

from __future__ import annotations

import math

import numpy as np

from lamina.backend.common import dtypes

_TRUNCATION = 2.0  # truncated normals keep values within 2 standard deviations, as Keras.


def generator(seed) -> np.random.Generator:
    """A Philox generator for an integer seed or a sequence of non-negative integers."""
    if isinstance(seed, (list, tuple)):
        entropy = [int(s) for s in seed]
    else:
        seed = int(seed)
        # SeedSequence takes non-negative entropy; keep negative seeds distinct from positive ones.
        entropy = seed if seed >= 0 else [-seed, 1]
    return np.random.Generator(np.random.Philox(np.random.SeedSequence(entropy)))


def uniform(shape, minval: float, maxval: float, seed) -> np.ndarray:
    """Uniform samples in ``[minval, maxval)``, float64."""
    u = generator(seed).random(size=tuple(shape), dtype=np.float64)
    return minval + (maxval - minval) * u


def normal(shape, mean: float, stddev: float, seed) -> np.ndarray:
    """Normal samples, float64."""
    z = generator(seed).standard_normal(size=tuple(shape), dtype=np.float64)
    return mean + stddev * z


def truncated_normal(shape, mean: float, stddev: float, seed) -> np.ndarray:
    """Normal samples redrawn until within ``2 * stddev`` of the mean, float64.

    Draws come in batches whose sizes depend only on how many values are still missing, so the
    result is a function of (shape, seed).
    """
    rng = generator(seed)
    size = math.prod(shape)
    out = np.empty(size, dtype=np.float64)
    filled = 0
    while filled < size:
        missing = size - filled
        # About 95.4% of draws are kept; ask for a little more than needed to rarely loop.
        z = rng.standard_normal(size=missing + missing // 16 + 8, dtype=np.float64)
        z = z[np.abs(z) <= _TRUNCATION][:missing]
        out[filled : filled + z.size] = z
        filled += z.size
    return mean + stddev * out.reshape(tuple(shape))


def cast(values: np.ndarray, dtype: str) -> np.ndarray:
    """Round float64 host values to ``dtype`` (bfloat16 through ml_dtypes)."""
    return np.asarray(values).astype(dtypes.to_numpy_dtype(dtype))
