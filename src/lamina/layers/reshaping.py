"""Reshaping layers: `Flatten`, `Reshape`, `Permute`, `RepeatVector`.

Their outputs keep the input's dtype; the batch axis is never touched.
"""

from __future__ import annotations

import math

from lamina import config, ops
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec

__all__ = ["Flatten", "Permute", "RepeatVector", "Reshape"]


class _KeepDtype(Layer):
    """Output dtype = input dtype; output shape from `compute_output_shape`."""

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), inputs.dtype)


class Flatten(_KeepDtype):
    """Flattens every axis but the batch axis: ``(batch, d1, ..., dn) -> (batch, d1*...*dn)``.

    Args:
        data_format: "channels_last" or "channels_first". With "channels_first" the channel axis
            (1) is moved last before flattening, so the element order matches channels_last
            models. Default from `lamina.config.image_data_format()`.

    Example:
        >>> print(lamina.layers.Flatten()(np.ones((2, 28, 28))).shape)
        (2, 784)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        shape = tuple(inputs.shape)
        rank = len(shape)
        if self._channels_first and rank > 2:
            inputs = ops.transpose(inputs, (0, *range(2, rank), 1))
        rest = shape[1:]
        if all(isinstance(d, int) for d in rest):
            flat = math.prod(rest)
            if shape[0] is not None:
                return ops.reshape(inputs, (shape[0], flat))
            return ops.reshape(inputs, (-1, flat))
        return ops.reshape(inputs, (ops.shape(inputs)[0], -1))

    def compute_output_shape(self, input_shape):
        rest = tuple(input_shape)[1:]
        flat = math.prod(rest) if all(d is not None for d in rest) else None
        return (input_shape[0], flat)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _check_shape_arg(layer, arg, value):
    try:
        value = tuple(value)
    except TypeError:
        value = (value,)
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in value):
        raise ValueError(f"{layer}: `{arg}` must be a tuple of integers. Received: {arg}={value!r}")
    return value


class Reshape(_KeepDtype):
    """Reshapes each sample to ``target_shape`` (the batch axis is kept).

    Args:
        target_shape: the new shape of one sample; one entry may be -1 (inferred).

    Example:
        >>> print(lamina.layers.Reshape((3, 4))(np.ones((2, 12))).shape)
        (2, 3, 4)
        >>> print(lamina.layers.Reshape((-1, 2))(np.ones((2, 12))).shape)
        (2, 6, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = _check_shape_arg("Reshape", "target_shape", target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d < -1 for d in target_shape):
            raise ValueError(
                "Reshape: `target_shape` may contain at most one -1 (an inferred size) and "
                f"otherwise non-negative sizes. Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape
        self._call_shape = (-1, *target_shape) if -1 not in target_shape else None

    def build(self, input_shape):
        resolved = self._resolve(tuple(input_shape))
        if None not in resolved:
            self._call_shape = (-1, *resolved)
        self.built = True

    def _resolve(self, input_shape):
        """``target_shape`` with -1 replaced (None when the input size is unknown); checked."""
        rest = input_shape[1:]
        known = None not in rest
        total = math.prod(rest) if known else None
        target = self.target_shape
        if -1 not in target:
            if known and total != math.prod(target):
                raise ValueError(
                    f"Reshape layer {self.name!r}: cannot reshape inputs of shape {input_shape} "
                    f"({total} values per sample) to target_shape {target} "
                    f"({math.prod(target)} values per sample)."
                )
            return target
        if not known:
            return tuple(None if d == -1 else d for d in target)
        others = math.prod(d for d in target if d != -1)
        if others == 0 or total % others:
            raise ValueError(
                f"Reshape layer {self.name!r}: cannot reshape inputs of shape {input_shape} "
                f"({total} values per sample) to target_shape {target}: {total} is not a multiple "
                f"of {others}."
            )
        return tuple(total // others if d == -1 else d for d in target)

    def call(self, inputs):
        if self._call_shape is not None:
            return ops.reshape(inputs, self._call_shape)
        return ops.reshape(inputs, (ops.shape(inputs)[0], *self.target_shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolve(tuple(input_shape)))

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(_KeepDtype):
    """Permutes the non-batch axes of the input.

    Args:
        dims: a permutation of ``1..rank-1`` (1-indexed: the batch axis is not included),
            e.g. ``(2, 1)`` swaps the first two non-batch axes.

    Example:
        >>> print(lamina.layers.Permute((2, 1))(np.ones((4, 10, 64))).shape)
        (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = _check_shape_arg("Permute", "dims", dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Permute: `dims` must be a permutation of 1..n (the non-batch axes, counted from "
                f"1). Received: dims={dims}"
            )
        self.dims = dims
        self._perm = (0, *dims)
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, self._perm)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[i] for i in self._perm)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(_KeepDtype):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``.

    Args:
        n: number of repetitions (int).

    Example:
        >>> print(lamina.layers.RepeatVector(3)(np.ones((2, 5))).shape)
        (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"RepeatVector: `n` must be a non-negative integer. Received: n={n!r}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
