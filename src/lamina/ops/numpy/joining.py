"""NumPy-style joining and splitting ops: `concatenate`, `stack`, `hstack`, `split`, `append`, ..."""

from __future__ import annotations

import builtins

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import numpy as np_backend
from lamina.ops import symbolic
from lamina.ops.numpy._common import (
    _axis,
    _check_rank_at_least,
    _is_int,
    _ndim,
    _result_dtype,
)
from lamina.ops.numpy.shapes import ravel
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "append",
    "array_split",
    "concatenate",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "split",
    "stack",
    "vsplit",
    "vstack",
]


def _check_tensor_list(op, xs, arg="xs"):
    if not isinstance(xs, (list, tuple)) or len(xs) == 0:
        raise ValueError(
            f"`ops.{op}`: `{arg}` must be a non-empty list of tensors. Received: {arg}={xs!r}"
        )


def concatenate(xs, axis=0):
    """Join tensors along an existing axis; dtypes are promoted.

    Example:
        >>> lamina.ops.concatenate([np.ones((2, 3)), np.zeros((1, 3))], axis=0).shape
        (3, 3)
    """
    _check_tensor_list("concatenate", xs)
    if any_symbolic(xs):
        if axis is None:
            return symbolic.infer(np_backend.concatenate, list(xs), axis=None)
        shapes = [tuple(shape_of(v)) for v in xs]
        ndim = len(shapes[0])
        a = _axis("concatenate", axis, ndim)
        out = list(shapes[0])
        for s in shapes[1:]:
            if len(s) != ndim:
                raise ValueError(
                    "`ops.concatenate`: all tensors must have the same rank. Received shapes "
                    f"{shapes}"
                )
            for i in range(ndim):
                if i == a:
                    out[i] = None if out[i] is None or s[i] is None else out[i] + s[i]
                elif out[i] is None:
                    out[i] = s[i]
                elif s[i] is not None and s[i] != out[i]:
                    raise ValueError(
                        f"`ops.concatenate`: shapes {shapes} differ on axis {i}, which is not the "
                        f"concatenation axis ({axis})."
                    )
        return KerasTensor(out, _result_dtype(*xs))
    return B.numpy.concatenate(xs, axis=axis)


def stack(x, axis=0):
    """Join tensors of the same shape along a new axis; dtypes are promoted.

    Example:
        >>> lamina.ops.stack([np.ones(3), np.zeros(3)], axis=1).shape
        (3, 2)
    """
    _check_tensor_list("stack", x, "x")
    if any_symbolic(x):
        shape = symbolic.broadcast_shapes(*(shape_of(v) for v in x))
        shapes = [tuple(shape_of(v)) for v in x]
        if builtins.any(len(s) != len(shape) for s in shapes):
            raise ValueError(
                f"`ops.stack`: all tensors must have the same shape. Received {shapes}"
            )
        a = _axis("stack", axis, len(shape) + 1)
        out = list(shape)
        out.insert(a, len(x))
        return KerasTensor(out, _result_dtype(*x))
    return B.numpy.stack(x, axis=axis)


def hstack(xs):
    """Join tensors column-wise (along axis 1, or axis 0 for 1-D tensors).

    Example:
        >>> lamina.ops.hstack([np.array([1, 2]), np.array([3])])
        array([1, 2, 3])
    """
    _check_tensor_list("hstack", xs)
    if any_symbolic(xs):
        return symbolic.infer(np_backend.hstack, list(xs))
    return B.numpy.hstack(xs)


def vstack(xs):
    """Join tensors row-wise (along axis 0; 1-D tensors become rows).

    Example:
        >>> lamina.ops.vstack([np.array([1, 2]), np.array([3, 4])])
        array([[1, 2],
               [3, 4]])
    """
    _check_tensor_list("vstack", xs)
    if any_symbolic(xs):
        return symbolic.infer(np_backend.vstack, list(xs))
    return B.numpy.vstack(xs)


def dstack(xs):
    """Join tensors depth-wise (along axis 2, after making them at least 3-D).

    Example:
        >>> lamina.ops.dstack([np.ones((2, 3)), np.zeros((2, 3))]).shape
        (2, 3, 2)
    """
    _check_tensor_list("dstack", xs)
    if any_symbolic(xs):
        return symbolic.infer(np_backend.dstack, list(xs))
    return B.numpy.dstack(xs)


def _check_split(op, x, indices_or_sections, axis, exact):
    ndim = _ndim(x)
    a = _axis(op, axis, ndim)
    n = shape_of(x)[a]
    if _is_int(indices_or_sections):
        if indices_or_sections <= 0:
            raise ValueError(
                f"`ops.{op}`: `indices_or_sections` must be a positive int or a list of indices. "
                f"Received: indices_or_sections={indices_or_sections}"
            )
        if exact and n is not None and n % indices_or_sections:
            raise ValueError(
                f"`ops.{op}`: `indices_or_sections`={indices_or_sections} does not divide axis "
                f"{axis} of size {n}. Use `ops.array_split` for unequal parts, or pass a list of "
                "split indices."
            )
    return a, n


def _split_symbolic(x, indices_or_sections, a, n, exact):
    shape = list(shape_of(x))
    if _is_int(indices_or_sections):
        k = indices_or_sections
        if n is None:
            sizes = [None] * k
        else:
            sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    else:
        bounds = [0, *indices_or_sections]
        sizes = []
        for i, start in enumerate(bounds):
            stop = bounds[i + 1] if i + 1 < len(bounds) else n
            if stop is None or start < 0 or (i + 1 < len(bounds) and stop < 0):
                sizes.append(None)
            else:
                sizes.append(builtins.max(0, stop - start))
    out = []
    for size in sizes:
        s = list(shape)
        s[a] = size
        out.append(KerasTensor(s, dtype_of(x)))
    return out


def split(x, indices_or_sections, axis=0):
    """Split into equal parts (an int that must divide the axis) or at the given indices.

    Example:
        >>> [p.shape for p in lamina.ops.split(np.ones((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    a, n = _check_split("split", x, indices_or_sections, axis, exact=True)
    if any_symbolic(x):
        return _split_symbolic(x, indices_or_sections, a, n, True)
    return B.numpy.split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    """Split into ``indices_or_sections`` nearly equal parts (the first ones one longer).

    Example:
        >>> lamina.ops.array_split(np.arange(5), 2)
        [array([0, 1, 2]), array([3, 4])]
    """
    a, n = _check_split("array_split", x, indices_or_sections, axis, exact=False)
    if any_symbolic(x):
        return _split_symbolic(x, indices_or_sections, a, n, False)
    return B.numpy.array_split(x, indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D tensors).

    Example:
        >>> [p.shape for p in lamina.ops.hsplit(np.ones((2, 4)), 2)]
        [(2, 2), (2, 2)]
    """
    return split(x, indices_or_sections, axis=1 if _ndim(x) > 1 else 0)


def vsplit(x, indices_or_sections):
    """Split along axis 0 (the tensor must be at least 2-D).

    Example:
        >>> lamina.ops.vsplit(np.array([[1, 2], [3, 4]]), 2)
        [array([[1, 2]]), array([[3, 4]])]
    """
    _check_rank_at_least("vsplit", x, 2)
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    """Split along axis 2 (the tensor must be at least 3-D).

    Example:
        >>> [p.shape for p in lamina.ops.dsplit(np.ones((2, 2, 4)), [1])]
        [(2, 2, 1), (2, 2, 3)]
    """
    _check_rank_at_least("dsplit", x, 3)
    return split(x, indices_or_sections, axis=2)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened when None).

    Example:
        >>> lamina.ops.append(np.array([1, 2]), np.array([3]))
        array([1, 2, 3])
    """
    if axis is not None:
        return concatenate([x1, x2], axis=axis)
    if any_symbolic(x1, x2):
        return concatenate([ravel(x1), ravel(x2)], axis=0)
    return B.numpy.append(x1, x2, axis=axis)
