"""NumPy-style comparison and selection ops: `isclose`, `allclose`, `isin`, `where`, `select`."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops import symbolic
from lamina.ops.numpy._common import (
    _result_dtype,
    _unary,
)
from lamina.ops.numpy.shapes import nonzero
from lamina.ops.symbolic import any_symbolic, shape_of

__all__ = [
    "allclose",
    "isclose",
    "isin",
    "select",
    "where",
]


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` element-wise.

    Example:
        >>> lamina.ops.isclose(np.array([1.0, 1.1]), np.array([1.0, 1.0]))
        array([ True, False])
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2, dtype="bool")
    return B.numpy.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True (a bool scalar tensor) when `isclose` holds everywhere.

    Example:
        >>> lamina.ops.allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
        array(True)
    """
    if any_symbolic(x1, x2):
        symbolic.broadcast_shapes(shape_of(x1), shape_of(x2))
        return KerasTensor((), "bool")
    return B.numpy.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of ``x1`` occurs in ``x2`` (False with ``invert``).

    Example:
        >>> lamina.ops.isin(np.array([1, 2, 3]), np.array([2, 4]))
        array([False,  True, False])
    """
    if any_symbolic(x1, x2):
        return _unary(x1, "bool")
    return B.numpy.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``; with neither, the indices of true values.

    Example:
        >>> lamina.ops.where(np.array([True, False]), 1.0, 0.0)
        array([1., 0.], dtype=float32)
        >>> lamina.ops.where(np.array([0, 3, 5]))
        (array([1, 2], dtype=int32),)
    """
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "`ops.where`: give both `x1` and `x2`, or neither (to get the indices where "
            f"`condition` holds). Received: x1={x1!r}, x2={x2!r}"
        )
    if x1 is None:
        return nonzero(condition)
    if any_symbolic(condition, x1, x2):
        shape = symbolic.broadcast_shapes(shape_of(condition), shape_of(x1), shape_of(x2))
        return KerasTensor(shape, _result_dtype(x1, x2))
    return B.numpy.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    """For each element, the value from the first choice whose condition holds, else ``default``.

    Example:
        >>> x = np.array([-2, 0, 3])
        >>> lamina.ops.select([x < 0, x > 0], [-x, 10 * x])
        array([ 2,  0, 30])
    """
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise TypeError(
            "`ops.select`: `condlist` and `choicelist` must be lists of tensors. Received: "
            f"condlist={type(condlist).__name__}, choicelist={type(choicelist).__name__}"
        )
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(
            "`ops.select`: `condlist` and `choicelist` must be non-empty and of the same length. "
            f"Received: {len(condlist)} conditions and {len(choicelist)} choices"
        )
    if any_symbolic(condlist, choicelist, default):
        shape = symbolic.broadcast_shapes(*(shape_of(v) for v in (*condlist, *choicelist)))
        return KerasTensor(shape, _result_dtype(*choicelist, default))
    return B.numpy.select(condlist, choicelist, default=default)
