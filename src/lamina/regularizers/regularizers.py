"""Weight penalties: `L1`, `L2`, `L1L2`, `OrthogonalRegularizer`, and their base `Regularizer`.

A regularizer maps a weight (or a layer's output) to a scalar that is added to the loss. They
compute with `lamina.ops`, so they run on every backend and inside compiled steps.
"""

from __future__ import annotations

import math
import numbers

from lamina import ops
from lamina.backend import standardize_dtype


class Regularizer:
    """Base class of regularizers: callables ``weight -> scalar penalty``.

    Subclasses implement ``__call__`` and ``get_config``. Any function of one tensor that returns
    a scalar also works wherever a regularizer is accepted.

    Example:
        >>> class Sum(lamina.regularizers.Regularizer):
        ...     def __call__(self, x):
        ...         return lamina.ops.sum(x)
        >>> print(float(Sum()(np.ones((2, 2), "float32"))))
        4.0
    """

    def __call__(self, x):
        """The penalty for ``x``; the base class adds none (0.0)."""
        return 0.0

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Rebuilds a regularizer from the output of `get_config`."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


class L1L2(Regularizer):
    """Penalty ``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    Args:
        l1: non-negative L1 factor.
        l2: non-negative L2 factor.

    Example:
        >>> reg = lamina.regularizers.L1L2(l1=0.1, l2=0.01)
        >>> print(round(float(reg(np.array([1.0, -2.0], "float32"))), 4))
        0.35
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = validate_factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x):
        penalty = None
        if self.l1:
            penalty = _l1(x, self.l1)
        if self.l2:
            term = _l2(x, self.l2)
            penalty = term if penalty is None else ops.add(penalty, term)
        if penalty is None:
            return ops.zeros((), dtype=_float_dtype(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """Penalty ``l1 * sum(abs(x))``.

    Args:
        l1: non-negative factor.

    Example:
        >>> print(float(lamina.regularizers.L1(0.5)(np.array([1.0, -2.0], "float32"))))
        1.5
    """

    def __init__(self, l1=0.01):
        self.l1 = validate_factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x):
        return _l1(x, self.l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """Penalty ``l2 * sum(square(x))``.

    Args:
        l2: non-negative factor.

    Example:
        >>> print(float(lamina.regularizers.L2(0.5)(np.array([1.0, -2.0], "float32"))))
        2.5
    """

    def __init__(self, l2=0.01):
        self.l2 = validate_factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x):
        return _l2(x, self.l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalty that pushes the rows (or columns) of a 2D weight to be orthogonal.

    The rows (``mode="rows"``) or columns (``mode="columns"``) are L2-normalized; the penalty is
    ``factor * 0.5 * sum(|dot products of distinct pairs|) / num_pairs`` (Keras 3's formula).

    Args:
        factor: non-negative factor.
        mode: ``"rows"`` or ``"columns"``.

    Example:
        >>> reg = lamina.regularizers.OrthogonalRegularizer(factor=1.0)
        >>> print(float(reg(np.eye(3, dtype="float32"))))
        0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = validate_factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(
                "`OrthogonalRegularizer`: `mode` must be 'rows' or 'columns'. "
                f"Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, inputs):
        shape = tuple(inputs.shape)
        if len(shape) != 2:
            raise ValueError(
                "`OrthogonalRegularizer` needs a rank-2 input (a matrix). "
                f"Received: inputs.shape={shape}"
            )
        axis = 1 if self.mode == "rows" else 0
        size = shape[0] if self.mode == "rows" else shape[1]
        x = ops.normalize(inputs, axis=axis)
        if self.mode == "rows":
            product = ops.matmul(x, ops.transpose(x))
        else:
            product = ops.matmul(ops.transpose(x), x)
        off_diagonal = ops.multiply(
            product, ops.subtract(1.0, ops.eye(size, dtype=_float_dtype(x)))
        )
        num_pairs = size * (size - 1.0) / 2.0
        total = ops.sum(ops.absolute(off_diagonal))
        return ops.multiply(total, self.factor * 0.5 / num_pairs) if num_pairs else total

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def validate_factor(value, name: str, owner: str) -> float:
    """``value`` as a float if it is a finite non-negative number, else a ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"`{owner}`: `{name}` must be a finite non-negative float. Received: {name}={value!r}"
        )
    return float(value)


def _float_dtype(x) -> str:
    dtype = standardize_dtype(x.dtype)
    return dtype if dtype in ("float16", "bfloat16", "float32", "float64") else "float32"


def _l1(x, factor: float):
    return ops.multiply(ops.sum(ops.absolute(x)), factor)


def _l2(x, factor: float):
    return ops.multiply(ops.sum(ops.square(x)), factor)
