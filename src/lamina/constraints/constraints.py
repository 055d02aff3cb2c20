"""Weight constraints: projections applied to a weight after each optimizer update.

`MaxNorm`, `MinMaxNorm`, `NonNeg` and `UnitNorm`, with their base `Constraint`. They compute
with `lamina.ops`, so they run on every backend and inside compiled steps.
"""

from __future__ import annotations

import numbers

from lamina import config, ops


class Constraint:
    """Base class of constraints: callables ``weight -> projected weight``.

    Subclasses implement ``__call__`` and, when their constructor takes arguments,
    ``get_config``.

    Example:
        >>> class Clip(lamina.constraints.Constraint):
        ...     def __call__(self, w):
        ...         return lamina.ops.clip(w, -1.0, 1.0)
        >>> print(lamina.ops.convert_to_numpy(Clip()(np.array([-3.0, 0.5]))).tolist())
        [-1.0, 0.5]
    """

    def __call__(self, w):
        """The projected weight; the base class returns ``w`` unchanged."""
        return w

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Rebuilds a constraint from the output of `get_config`."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


class MaxNorm(Constraint):
    """Rescales the weight slices along ``axis`` whose L2 norm exceeds ``max_value``.

    Args:
        max_value: the largest norm allowed.
        axis: axis or axes along which norms are taken: 0 for a `Dense` kernel
            ``(input_dim, units)``; ``[0, 1, 2]`` for a channels-last `Conv2D` kernel.

    Example:
        >>> w = lamina.constraints.MaxNorm(1.0)(np.array([[3.0], [4.0]]))
        >>> print(np.round(lamina.ops.convert_to_numpy(w).ravel(), 4).tolist())
        [0.6, 0.8]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _non_negative(max_value, "max_value", "MaxNorm")
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0.0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, config.epsilon())))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the L2 norms of the weight slices along ``axis`` into ``[min_value, max_value]``.

    Each slice is rescaled to ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``:
    ``rate=1`` enforces the bounds strictly, a smaller rate approaches them gradually.

    Args:
        min_value: the smallest norm allowed.
        max_value: the largest norm allowed.
        rate: how strictly to enforce the bounds, in ``[0, 1]``.
        axis: axis or axes along which norms are taken (see `MaxNorm`).

    Example:
        >>> w = lamina.constraints.MinMaxNorm(1.0, 2.0)(np.array([[0.3], [0.4]]))
        >>> print(np.round(lamina.ops.convert_to_numpy(w).ravel(), 4).tolist())
        [0.6, 0.8]
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _non_negative(min_value, "min_value", "MinMaxNorm")
        self.max_value = _non_negative(max_value, "max_value", "MinMaxNorm")
        if min_value > max_value:
            raise ValueError(
                "`MinMaxNorm`: `min_value` must not exceed `max_value`. "
                f"Received: min_value={min_value!r}, max_value={max_value!r}"
            )
        if not isinstance(rate, numbers.Real) or not 0.0 <= rate <= 1.0:
            raise ValueError(f"`MinMaxNorm`: `rate` must be in [0, 1]. Received: rate={rate!r}")
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(ops.multiply(clipped, self.rate), ops.multiply(norms, 1.0 - self.rate))
        return ops.multiply(w, ops.divide(desired, ops.add(norms, config.epsilon())))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Replaces negative weights with 0.

    Example:
        >>> w = lamina.constraints.NonNeg()(np.array([-1.0, 2.0], "float32"))
        >>> print(lamina.ops.convert_to_numpy(w).tolist())
        [0.0, 2.0]
    """

    def __call__(self, w):
        return ops.maximum(w, 0)


class UnitNorm(Constraint):
    """Rescales each weight slice along ``axis`` to L2 norm 1.

    Args:
        axis: axis or axes along which norms are taken (see `MaxNorm`).

    Example:
        >>> w = lamina.constraints.UnitNorm()(np.array([[3.0], [4.0]]))
        >>> print(np.round(lamina.ops.convert_to_numpy(w).ravel(), 4).tolist())
        [0.6, 0.8]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return ops.divide(w, ops.add(_norms(w, self.axis), config.epsilon()))

    def get_config(self):
        return {"axis": self.axis}


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis  # lists come from JSON configs
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


def _non_negative(value, name: str, owner: str):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(
            f"`{owner}`: `{name}` must be a non-negative number. Received: {name}={value!r}"
        )
    return value
