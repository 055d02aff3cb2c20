"""Initializers without randomness: `Zeros`, `Ones`, `Constant`, `Identity`."""

from __future__ import annotations

import numpy as np

from lamina.initializers.initializer import Initializer, host_to_tensor, standardize_shape


class Zeros(Initializer):
    """Initializer that fills tensors with 0.

    Example:
        >>> print(lamina.initializers.Zeros()((2, 3)).shape)
        (2, 3)
    """

    def __call__(self, shape, dtype=None):
        """Zeros of ``shape``; any numeric or bool ``dtype`` (default floatx)."""
        return host_to_tensor(np.zeros(standardize_shape(shape)), dtype)


class Ones(Initializer):
    """Initializer that fills tensors with 1.

    Example:
        >>> print(lamina.initializers.Ones()((2, 3)).shape)
        (2, 3)
    """

    def __call__(self, shape, dtype=None):
        """Ones of ``shape``; any numeric or bool ``dtype`` (default floatx)."""
        return host_to_tensor(np.ones(standardize_shape(shape)), dtype)


class Constant(Initializer):
    """Initializer that fills tensors with ``value``.

    Args:
        value: a Python scalar, or an array that broadcasts to the requested shape.

    Example:
        >>> t = lamina.initializers.Constant(3.0)((2, 2))
        >>> print(lamina.ops.convert_to_numpy(t).tolist())
        [[3.0, 3.0], [3.0, 3.0]]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        """``value`` broadcast to ``shape``, in ``dtype`` (default floatx)."""
        shape = standardize_shape(shape)
        value = _to_host(self.value)
        try:
            values = np.broadcast_to(value, shape)
        except ValueError:
            raise ValueError(
                f"`Constant`: `value` of shape {value.shape} does not broadcast to the requested "
                f"shape {shape}."
            ) from None
        return host_to_tensor(values, dtype)

    def get_config(self):
        value = self.value
        if not isinstance(value, (int, float, bool)):
            value = _to_host(value).tolist()
        return {"value": value}

    @classmethod
    def from_config(cls, config):
        value = config.get("value", 0.0)
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            value = np.asarray(value["config"]["value"], dtype=value["config"].get("dtype"))
        return cls(value)


class Identity(Initializer):
    """Initializer that gives ``gain`` times the identity matrix (rank 2 shapes only).

    Args:
        gain: multiplicative factor applied to the identity matrix.

    Example:
        >>> t = lamina.initializers.Identity(gain=2.0)((2, 3))
        >>> print(lamina.ops.convert_to_numpy(t).tolist())
        [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        """``gain * eye(rows, cols)`` in ``dtype`` (default floatx)."""
        shape = standardize_shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "`Identity` initializes 2D matrices only. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return host_to_tensor(float(self.gain) * np.eye(*shape, dtype=np.float64), dtype)

    def get_config(self):
        return {"gain": self.gain}


def _to_host(value) -> np.ndarray:
    from lamina.backend import Variable, convert_to_numpy, is_tensor

    if isinstance(value, Variable) or is_tensor(value):
        return np.asarray(convert_to_numpy(value))
    return np.asarray(value)
