"""NumPy-style ops: `lamina.ops.add`, `lamina.ops.matmul`, `lamina.ops.reshape`, ...

Each op has Keras 3's name, signature and defaults. On backend tensors, NumPy arrays, Python
scalars and Variables it calls the active backend directly (the fast path is one type check);
on symbolic `KerasTensor`s it returns a `KerasTensor` with the inferred shape and dtype.
"""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.numpy import numpy as np_backend
from lamina.ops import symbolic
from lamina.ops.symbolic import any_symbolic

__all__ = ["add", "arange", "matmul", "multiply", "reshape", "sum"]


def add(x1, x2):
    """Add arguments element-wise.

    Example:
        >>> lamina.ops.add(np.array([1, 2]), 3).shape
        (2,)
    """
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.add(x1, x2)


def multiply(x1, x2):
    """Multiply arguments element-wise."""
    if any_symbolic(x1, x2):
        return symbolic.elementwise(x1, x2)
    return B.numpy.multiply(x1, x2)


def matmul(x1, x2):
    """Matrix product of two tensors, with NumPy's broadcasting of leading dimensions."""
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.matmul, x1, x2)
    return B.numpy.matmul(x1, x2)


def reshape(x, newshape):
    """Give a tensor a new shape; one dimension may be -1."""
    if any_symbolic(x):
        return symbolic.infer(np_backend.reshape, x, newshape)
    return B.numpy.reshape(x, newshape)


def sum(x, axis=None, keepdims=False):
    """Sum of elements over the given axis (all axes when None)."""
    if any_symbolic(x):
        return symbolic.infer(np_backend.sum, x, axis=axis, keepdims=keepdims)
    return B.numpy.sum(x, axis=axis, keepdims=keepdims)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in ``[start, stop)``; integer inputs give int32."""
    return B.numpy.arange(start, stop, step=step, dtype=dtype)

