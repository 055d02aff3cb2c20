"""Random initializers: normal, uniform, truncated normal, variance scaling, orthogonal.

Values are drawn on the host by NumPy (Philox generator, float64), rounded once to the requested
dtype and converted to a tensor of the active backend: for a given seed, every backend gets
bit-identical values.

Seeds follow Keras 3. An integer seed gives the same values on every call. ``seed=None`` draws a
seed when the initializer is built, from a stream that `lamina.utils.set_random_seed` reseeds, so
an unseeded initializer also repeats its values across calls, while two unseeded initializers
differ; a program that calls ``set_random_seed(n)`` first builds the same weights every run. A
`lamina.random.SeedGenerator` seed (when that module is present) gives new values on every call.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from lamina.initializers import host_random
from lamina.initializers.initializer import (
    Initializer,
    host_to_tensor,
    standardize_float_dtype,
    standardize_shape,
)
from lamina.utils import rng_utils

# sqrt(scale) / this constant is the stddev of a normal truncated at 2 stddevs whose
# standard deviation after truncation is sqrt(scale) (Keras's constant).
_TRUNCATED_STDDEV_CORRECTION = 0.87962566103423978

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class RandomInitializer(Initializer):
    """Base class of the seeded initializers.

    Args:
        seed: an int (the same values on each call), ``None`` (a seed drawn at construction from
            the stream that `lamina.utils.set_random_seed` reseeds) or a
            `lamina.random.SeedGenerator` (new values on each call).

    Example:
        >>> fixed = lamina.initializers.RandomNormal(seed=1)  # a RandomInitializer
        >>> bool((lamina.ops.convert_to_numpy(fixed((2, 2))) == fixed((2, 2))).all())
        True
        >>> fresh = lamina.initializers.RandomNormal(seed=lamina.random.SeedGenerator(1))
        >>> bool((lamina.ops.convert_to_numpy(fresh((2, 2))) != fresh((2, 2))).any())
        True
    """

    def __init__(self, seed=None):
        self._init_seed = seed
        self.seed = _standardize_seed(seed, self.__class__.__name__)

    def get_config(self):
        return {"seed": _serialize_seed(self._init_seed)}

    def _host_seed(self):
        """The seed of this call: the int itself, or the next state of a SeedGenerator."""
        if isinstance(self.seed, int):
            return self.seed
        from lamina.backend import convert_to_numpy

        state = np.asarray(convert_to_numpy(self.seed.next())).ravel()
        return [int(s) % 2**64 for s in state]


class RandomNormal(RandomInitializer):
    """Initializer that draws from a normal distribution.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the values.
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).

    Example:
        >>> t = lamina.initializers.RandomNormal(stddev=1.0, seed=1)((3, 4))
        >>> print(t.shape)
        (3, 4)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """Normal values of ``shape`` in float ``dtype`` (default floatx)."""
        shape = standardize_shape(shape)
        dtype = standardize_float_dtype(dtype, "RandomNormal")
        values = host_random.normal(shape, self.mean, self.stddev, self._host_seed())
        return host_to_tensor(values, dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Initializer that draws from a normal distribution, redrawing values beyond 2 stddevs.

    Args:
        mean: mean of the (untruncated) distribution.
        stddev: standard deviation of the (untruncated) distribution.
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).

    Example:
        >>> t = lamina.initializers.TruncatedNormal(stddev=1.0, seed=1)((3, 4))
        >>> print(t.shape)
        (3, 4)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """Truncated normal values of ``shape`` in float ``dtype`` (default floatx)."""
        shape = standardize_shape(shape)
        dtype = standardize_float_dtype(dtype, "TruncatedNormal")
        values = host_random.truncated_normal(shape, self.mean, self.stddev, self._host_seed())
        return host_to_tensor(values, dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Initializer that draws from a uniform distribution on ``[minval, maxval)``.

    Args:
        minval: lower bound (inclusive).
        maxval: upper bound (exclusive).
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).

    Example:
        >>> t = lamina.initializers.RandomUniform(-1.0, 1.0, seed=1)((3, 4))
        >>> print(t.shape)
        (3, 4)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """Uniform values of ``shape`` in float ``dtype`` (default floatx)."""
        shape = standardize_shape(shape)
        dtype = standardize_float_dtype(dtype, "RandomUniform")
        values = host_random.uniform(shape, self.minval, self.maxval, self._host_seed())
        return host_to_tensor(values, dtype)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Initializer whose scale adapts to the shape of the weight.

    With ``distribution="truncated_normal"`` or ``"untruncated_normal"`` values have mean 0 and
    standard deviation (after truncation) ``sqrt(scale / n)``; with ``"uniform"`` they lie in
    ``[-limit, limit]`` with ``limit = sqrt(3 * scale / n)``. ``n`` is the fan in, the fan out or
    their average (``mode``); see `compute_fans`.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"`` (``"normal"`` is an alias), ``"untruncated_normal"``
            or ``"uniform"``.
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> init = lamina.initializers.VarianceScaling(2.0, "fan_in", "uniform", seed=0)
        >>> print(init((3, 3, 8, 16)).shape)
        (3, 3, 8, 16)
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if not isinstance(scale, numbers.Real) or not scale > 0.0:
            raise ValueError(
                f"`VarianceScaling`: `scale` must be a positive float. Received: scale={scale!r}"
            )
        if mode not in _MODES:
            raise ValueError(
                f"`VarianceScaling`: `mode` must be one of {_MODES}. Received: mode={mode!r}"
            )
        dist = str(distribution).lower()
        dist = "truncated_normal" if dist == "normal" else dist
        if dist not in _DISTRIBUTIONS:
            raise ValueError(
                f"`VarianceScaling`: `distribution` must be one of {_DISTRIBUTIONS}. "
                f"Received: distribution={distribution!r}"
            )
        if (input_axes is None) != (output_axes is None):
            raise ValueError(
                "`VarianceScaling`: give both `input_axes` and `output_axes`, or neither. "
                f"Received: input_axes={input_axes!r}, output_axes={output_axes!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = dist
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """Values of ``shape`` in float ``dtype`` (default floatx), scaled by the fans."""
        shape = standardize_shape(shape)
        dtype = standardize_float_dtype(dtype, self.__class__.__name__)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        seed = self._host_seed()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV_CORRECTION
            values = host_random.truncated_normal(shape, 0.0, stddev, seed)
        elif self.distribution == "untruncated_normal":
            values = host_random.normal(shape, 0.0, math.sqrt(scale), seed)
        else:
            limit = math.sqrt(3.0 * scale)
            values = host_random.uniform(shape, -limit, limit, seed)
        return host_to_tensor(values, dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _PresetVarianceScaling(VarianceScaling):
    """A `VarianceScaling` with fixed scale, mode and distribution (Glorot, He, LeCun)."""

    _preset: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._preset
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {
            "seed": _serialize_seed(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class GlorotUniform(_PresetVarianceScaling):
    """Glorot (Xavier) uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    Args:
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> print(lamina.initializers.GlorotUniform(seed=0)((4, 5)).shape)
        (4, 5)
    """

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_PresetVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, ``stddev = sqrt(2 / (fan_in + fan_out))``.

    Args:
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> print(lamina.initializers.GlorotNormal(seed=0)((4, 5)).shape)
        (4, 5)
    """

    _preset = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_PresetVarianceScaling):
    """He uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / fan_in)``.

    Args:
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> print(lamina.initializers.HeUniform(seed=0)((4, 5)).shape)
        (4, 5)
    """

    _preset = (2.0, "fan_in", "uniform")


class HeNormal(_PresetVarianceScaling):
    """He normal: truncated normal, ``stddev = sqrt(2 / fan_in)``.

    Args:
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> print(lamina.initializers.HeNormal(seed=0)((4, 5)).shape)
        (4, 5)
    """

    _preset = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_PresetVarianceScaling):
    """LeCun uniform: ``U(-limit, limit)``, ``limit = sqrt(3 / fan_in)``.

    Args:
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> print(lamina.initializers.LecunUniform(seed=0)((4, 5)).shape)
        (4, 5)
    """

    _preset = (1.0, "fan_in", "uniform")


class LecunNormal(_PresetVarianceScaling):
    """LeCun normal: truncated normal, ``stddev = sqrt(1 / fan_in)``.

    Args:
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).
        input_axes: optional axes whose sizes multiply into the fan in.
        output_axes: optional axes whose sizes multiply into the fan out.

    Example:
        >>> print(lamina.initializers.LecunNormal(seed=0)((4, 5)).shape)
        (4, 5)
    """

    _preset = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """Initializer that gives an orthogonal matrix (times ``gain``).

    A normal matrix is drawn and factored ``Q R`` (in float64, on the host); ``Q`` with its
    columns' signs fixed by ``diag(R)`` is the result. Shapes of rank above 2 are treated as
    ``(prod(shape[:-1]), shape[-1])`` matrices. With fewer rows than columns the rows are
    orthonormal, otherwise the columns are.

    Args:
        gain: multiplicative factor applied to the orthogonal matrix.
        seed: an int, ``None`` or a `SeedGenerator` (see `RandomInitializer`).

    Example:
        >>> q = lamina.ops.convert_to_numpy(lamina.initializers.Orthogonal(seed=0)((3, 3)))
        >>> print(np.allclose(q.T @ q, np.eye(3), atol=1e-6))
        True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """An orthogonal matrix reshaped to ``shape`` in float ``dtype`` (default floatx)."""
        shape = standardize_shape(shape)
        dtype = standardize_float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                "`Orthogonal` initializes tensors of rank 2 or more. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = host_random.normal((max(rows, cols), min(rows, cols)), 0.0, 1.0, self._host_seed())
        q, r = np.linalg.qr(a)
        signs = np.sign(np.diag(r))
        q = q * np.where(signs == 0, 1.0, signs)
        if rows < cols:
            q = q.T
        return host_to_tensor(float(self.gain) * q.reshape(shape), dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    Rank 0: ``(1, 1)``; rank 1: ``(n, n)``; rank 2: ``(rows, cols)``; convolution kernels
    ``(*spatial, in, out)``: the receptive field size times ``in`` and times ``out``. Explicit
    ``input_axes`` and ``output_axes`` multiply the sizes of those axes instead.

    Example:
        >>> lamina.initializers.compute_fans((4, 5))
        (4, 5)
        >>> lamina.initializers.compute_fans((3, 3, 16, 32))  # a Conv2D kernel
        (144, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


def _seed_generator_class():
    try:
        from lamina.random import SeedGenerator
    except ImportError:
        return None
    return SeedGenerator


def _standardize_seed(seed, owner: str):
    if seed is None:
        return rng_utils.make_default_seed()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return int(seed)
    generator_cls = _seed_generator_class()
    if generator_cls is not None:
        if isinstance(seed, generator_cls):
            return seed
        if isinstance(seed, dict) and seed.get("class_name") == "SeedGenerator":
            return generator_cls.from_config(seed.get("config", {}))
    raise ValueError(
        f"`{owner}`: `seed` must be an integer, None or a `lamina.random.SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed).__name__})"
    )


def _serialize_seed(seed):
    if seed is None or isinstance(seed, int):
        return seed
    if isinstance(seed, numbers.Integral):
        return int(seed)
    if isinstance(seed, dict):
        return seed
    return {
        "module": "keras.random",
        "class_name": "SeedGenerator",
        "config": seed.get_config(),
        "registered_name": None,
    }
