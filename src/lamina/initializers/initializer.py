"""`Initializer`: the base class of every initializer, and the host-to-backend hand-off."""

from __future__ import annotations

import numbers

import numpy as np

from lamina.backend.common import dtypes
from lamina.initializers import host_random


class Initializer:
    """Base class of initializers: objects called with ``(shape, dtype=None)`` for a tensor.

    Subclasses implement ``__call__`` and, when their constructor takes arguments,
    ``get_config``; the default `from_config` passes the config to the constructor.

    Example:
        >>> class Halves(lamina.initializers.Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return lamina.ops.multiply(lamina.initializers.Ones()(shape, dtype), 0.5)
        >>> print(Halves()((2, 3)).shape)
        (2, 3)
    """

    def __call__(self, shape, dtype=None):
        """A tensor of ``shape`` and ``dtype`` (default `lamina.config.floatx()`)."""
        raise TypeError(
            f"`{self.__class__.__name__}` does not define `__call__(shape, dtype=None)`: "
            "`Initializer` is a base class, and subclasses say how values are made."
        )

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Rebuilds an initializer from the output of `get_config`."""
        return cls(**config)

    def clone(self):
        """A new initializer with the same config."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


def standardize_shape(shape) -> tuple[int, ...]:
    """``shape`` as a tuple of non-negative Python ints, or a ValueError that shows it."""
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(
            f"An initializer's `shape` must be a tuple of integers. Received: shape={shape!r}"
        ) from None
    out = []
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ValueError(
                "An initializer's `shape` must hold non-negative integers (no `None`: weights "
                f"have fully known shapes). Received: shape={shape!r}"
            )
        out.append(int(d))
    return tuple(out)


def standardize_float_dtype(dtype, initializer: str) -> str:
    """The dtype name, defaulting to floatx; raises unless it is a float type."""
    dtype = dtypes.standardize_dtype(dtype)
    if not dtypes.is_float(dtype):
        raise ValueError(
            f"`{initializer}` draws random floats and needs a float `dtype` "
            f"({', '.join(dtypes.FLOAT_TYPES)}). Received: dtype={dtype!r}"
        )
    return dtype


def host_to_tensor(values: np.ndarray, dtype) -> object:
    """Rounds float64 host values to ``dtype`` once, then makes a tensor of the active backend."""
    from lamina.backend import convert_to_tensor

    dtype = dtypes.standardize_dtype(dtype)
    return convert_to_tensor(host_random.cast(values, dtype), dtype=dtype)
