"""Regularization layers: `Dropout`, `SpatialDropout1D/2D/3D`, `GaussianNoise`, `GaussianDropout`,
`ActivityRegularization`.

The random layers act only when called with ``training=True`` (as `fit` does); otherwise they
return their input unchanged. Their randomness comes from a `lamina.random.SeedGenerator`.
"""

from __future__ import annotations

import math

from lamina import config, ops, random, regularizers
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec

__all__ = [
    "ActivityRegularization",
    "Dropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]


def _check_rate(layer, rate):
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(
            f"{layer}: `rate` must be a float between 0 and 1 (the fraction of inputs to drop). "
            f"Received: rate={rate!r}"
        )
    return float(rate) if not isinstance(rate, int) else rate


class _SameShape(Layer):
    """A layer whose output has its input's shape and dtype."""

    supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(inputs.shape, inputs.dtype)


class Dropout(_SameShape):
    """Sets a fraction ``rate`` of inputs to 0 during training and scales the rest by
    ``1 / (1 - rate)``; at inference it returns its input.

    Args:
        rate: float in [0, 1], the fraction of inputs to drop.
        noise_shape: shape of the binary mask, broadcast against the input (None entries take
            the input's size), e.g. ``(batch, 1, features)`` to drop whole features.
        seed: int seed of the layer's `SeedGenerator`.

    Example:
        >>> layer = lamina.layers.Dropout(0.5, seed=1)
        >>> print(lamina.ops.convert_to_numpy(layer(np.ones((2, 4)), training=False)))
        [[1. 1. 1. 1.]
         [1. 1. 1. 1.]]
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_rate(type(self).__name__, rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._noise_shape = self.noise_shape  # None entries: the input's size (per call)
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(
                inputs, self.rate, noise_shape=self._noise_shape, seed=self.seed_generator
            )
        return inputs

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
        }


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one mask value per (sample, channel)."""

    _rank = None  # spatial rank, set by subclasses

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        # One mask value per (sample, channel), shared over the spatial axes.
        ones = (1,) * self._rank
        if self.data_format == "channels_first":
            self._noise_shape = (None, None, *ones)
        else:
            self._noise_shape = (None, *ones, None)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("noise_shape", None)
        cfg["data_format"] = self.data_format
        return cfg


class SpatialDropout1D(_SpatialDropout):
    """Drops whole 1D feature maps (channels) of ``(batch, steps, channels)`` inputs.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        seed: int seed.

    Example:
        >>> print(lamina.layers.SpatialDropout1D(0.5)(np.ones((2, 3, 4))).shape)
        (2, 3, 4)
    """

    _rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("data_format", None)
        return cfg


class SpatialDropout2D(_SpatialDropout):
    """Drops whole 2D feature maps of ``(batch, rows, cols, channels)`` inputs
    (``(batch, channels, rows, cols)`` with ``data_format="channels_first"``).

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        data_format: "channels_last" or "channels_first"; default from `lamina.config`.
        seed: int seed.

    Example:
        >>> print(lamina.layers.SpatialDropout2D(0.5)(np.ones((2, 3, 3, 4))).shape)
        (2, 3, 3, 4)
    """

    _rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole 3D feature maps of ``(batch, d1, d2, d3, channels)`` inputs.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        data_format: "channels_last" or "channels_first"; default from `lamina.config`.
        seed: int seed.

    Example:
        >>> print(lamina.layers.SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 3))).shape)
        (1, 2, 2, 2, 3)
    """

    _rank = 3


class GaussianNoise(_SameShape):
    """Adds zero-centred Gaussian noise of standard deviation ``stddev`` during training.

    Args:
        stddev: float, standard deviation of the noise.
        seed: int seed.

    Example:
        >>> print(lamina.layers.GaussianNoise(0.1)(np.ones((2, 3))).shape)
        (2, 3)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, (int, float)) or stddev < 0:
            raise ValueError(
                f"GaussianNoise: `stddev` must be a non-negative float. Received: stddev={stddev!r}"
            )
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(
                ops.shape(inputs),
                mean=0.0,
                stddev=self.stddev,
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return ops.add(inputs, noise)
        return inputs

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_SameShape):
    """Multiplies inputs by Gaussian noise of mean 1 and variance ``rate / (1 - rate)`` during
    training.

    Args:
        rate: float in [0, 1), the equivalent drop probability.
        seed: int seed.

    Example:
        >>> print(lamina.layers.GaussianDropout(0.2)(np.ones((2, 3))).shape)
        (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_rate("GaussianDropout", rate)
        self.seed = seed
        self._stddev = math.sqrt(self.rate / (1.0 - self.rate)) if 0 < self.rate < 1 else None
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self._stddev is not None:
            noise = random.normal(
                ops.shape(inputs),
                mean=1.0,
                stddev=self._stddev,
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return ops.multiply(inputs, noise)
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class ActivityRegularization(_SameShape):
    """Returns its input and adds ``l1 * sum(|x|) + l2 * sum(x**2)`` of it to the layer's losses.

    Args:
        l1: L1 factor (non-negative float).
        l2: L2 factor (non-negative float).

    Example:
        >>> layer = lamina.layers.ActivityRegularization(l2=0.1)
        >>> _ = layer(np.ones((1, 2)))
        >>> print(len(layer.losses))
        1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs):
        return inputs

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("activity_regularizer", None)
        return {**cfg, "l1": self.l1, "l2": self.l2}
