"""NumPy-style shape and layout ops: `reshape`, `transpose`, `tile`, `pad`, `take`, ... (joining
and splitting are in `joining`)."""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import numpy as np_backend
from lamina.ops import symbolic
from lamina.ops.numpy._common import (
    _axes,
    _axis,
    _bool_to_int32,
    _check_axis,
    _check_choice,
    _check_rank_at_least,
    _is_int,
    _ndim,
    _unary,
)
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "broadcast_to",
    "diff",
    "expand_dims",
    "flip",
    "fliplr",
    "flipud",
    "moveaxis",
    "ndim",
    "nonzero",
    "pad",
    "ravel",
    "repeat",
    "reshape",
    "roll",
    "rot90",
    "size",
    "squeeze",
    "swapaxes",
    "take",
    "take_along_axis",
    "tile",
    "transpose",
    "unravel_index",
]


# Shape and layout ----------------------------------------------------------------------------


def reshape(x, newshape):
    """Give a tensor a new shape; one dimension may be -1.

    Example:
        >>> lamina.ops.reshape(np.arange(6), (2, -1)).shape
        (2, 3)
    """
    if any_symbolic(x):
        newshape = (newshape,) if _is_int(newshape) else tuple(newshape)
        shape = shape_of(x)
        if None in shape:
            known = [d for d in newshape if d != -1]
            if newshape.count(-1) > 1:
                raise ValueError(
                    f"`ops.reshape`: at most one dimension of `newshape` may be -1. "
                    f"Received: newshape={newshape}"
                )
            if len(known) == len(newshape):
                return KerasTensor(newshape, dtype_of(x))
            return KerasTensor([None if d == -1 else d for d in newshape], dtype_of(x))
        return symbolic.infer(np_backend.reshape, x, newshape)
    return B.numpy.reshape(x, newshape)


def expand_dims(x, axis):
    """Insert axes of size 1 at the positions ``axis`` (an int or a tuple) of the result.

    Example:
        >>> lamina.ops.expand_dims(np.ones((2, 3)), axis=0).shape
        (1, 2, 3)
    """
    ndim = _ndim(x)
    axes = (axis,) if _is_int(axis) else tuple(axis)
    out_ndim = ndim + len(axes)
    axes = _axes("expand_dims", axes, out_ndim)
    if any_symbolic(x):
        dims = iter(shape_of(x))
        return KerasTensor([1 if i in axes else next(dims) for i in range(out_ndim)], dtype_of(x))
    return B.numpy.expand_dims(x, axis)


def squeeze(x, axis=None):
    """Remove axes of size 1 (the ones in ``axis``, or all of them when None).

    Example:
        >>> lamina.ops.squeeze(np.ones((1, 3, 1))).shape
        (3,)
    """
    shape = shape_of(x)
    axes = _axes("squeeze", axis, len(shape))
    if axes is not None:
        for a in axes:
            if shape[a] is not None and shape[a] != 1:
                raise ValueError(
                    f"`ops.squeeze`: cannot squeeze axis {a}, whose size is {shape[a]}, not 1. "
                    f"Received: axis={axis!r} for shape {tuple(shape)}"
                )
    if any_symbolic(x):
        if axes is None:
            axes = [i for i, d in enumerate(shape) if d == 1]
        return KerasTensor([d for i, d in enumerate(shape) if i not in axes], dtype_of(x))
    return B.numpy.squeeze(x, axis=axis)


def transpose(x, axes=None):
    """Permute the axes (reverse them when ``axes`` is None).

    Example:
        >>> lamina.ops.transpose(np.ones((2, 3, 4)), (0, 2, 1)).shape
        (2, 4, 3)
    """
    shape = shape_of(x)
    if axes is not None:
        perm = _axes("transpose", axes, len(shape), "axes")
        if len(perm) != len(shape):
            raise ValueError(
                f"`ops.transpose`: `axes` must list every axis of a rank-{len(shape)} tensor once. "
                f"Received: axes={axes!r}"
            )
    if any_symbolic(x):
        perm = range(len(shape) - 1, -1, -1) if axes is None else perm
        return KerasTensor([shape[i] for i in perm], dtype_of(x))
    return B.numpy.transpose(x, axes=axes)


def moveaxis(x, source, destination):
    """Move axes ``source`` to positions ``destination`` (ints or sequences).

    Example:
        >>> lamina.ops.moveaxis(np.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    ndim = _ndim(x)
    src = _axes("moveaxis", source, ndim, "source")
    dst = _axes("moveaxis", destination, ndim, "destination")
    if len(src) != len(dst):
        raise ValueError(
            "`ops.moveaxis`: `source` and `destination` must have the same number of axes. "
            f"Received: source={source!r}, destination={destination!r}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.moveaxis, x, source, destination)
    return B.numpy.moveaxis(x, source, destination)


def swapaxes(x, axis1, axis2):
    """Interchange two axes.

    Example:
        >>> lamina.ops.swapaxes(np.ones((2, 3, 4)), 0, 2).shape
        (4, 3, 2)
    """
    ndim = _ndim(x)
    a1, a2 = _axis("swapaxes", axis1, ndim, "axis1"), _axis("swapaxes", axis2, ndim, "axis2")
    if any_symbolic(x):
        shape = list(shape_of(x))
        shape[a1], shape[a2] = shape[a2], shape[a1]
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.swapaxes(x, axis1, axis2)


def tile(x, repeats):
    """Repeat the whole tensor ``repeats`` times along each axis.

    Example:
        >>> lamina.ops.tile(np.array([1, 2]), 2)
        array([1, 2, 1, 2])
    """
    if any_symbolic(x):
        return symbolic.infer(np_backend.tile, x, repeats)
    return B.numpy.tile(x, repeats)


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened tensor when None).

    Example:
        >>> lamina.ops.repeat(np.array([1, 2]), 2)
        array([1, 1, 2, 2])
    """
    _check_axis("repeat", x, axis)
    if any_symbolic(x, repeats):
        if any_symbolic(repeats):
            shape = list(shape_of(x)) if axis is not None else [None]
            if axis is not None:
                shape[_axis("repeat", axis, len(shape))] = None
            return KerasTensor(shape, dtype_of(x))
        return symbolic.infer(np_backend.repeat, x, repeats, axis)
    return B.numpy.repeat(x, repeats, axis=axis)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad with ``pad_width`` (an int, a pair, or one pair per axis) in the given ``mode``.

    Example:
        >>> lamina.ops.pad(np.ones((2, 3)), ((1, 1), (0, 2))).shape
        (4, 5)
    """
    _check_choice("pad", "mode", mode, _PAD_MODES)
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"`ops.pad`: `constant_values` only applies to mode='constant'. Received: "
            f"mode={mode!r}, constant_values={constant_values!r}"
        )
    ndim = _ndim(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype="int64"), (ndim, 2))
    except ValueError:
        raise ValueError(
            f"`ops.pad`: `pad_width` must be an int, a pair, or one (before, after) pair per "
            f"axis of a rank-{ndim} tensor. Received: pad_width={pad_width!r}"
        ) from None
    if (widths < 0).any():
        raise ValueError(f"`ops.pad`: `pad_width` must be >= 0. Received: pad_width={pad_width!r}")
    if any_symbolic(x):
        shape = [None if d is None else d + int(w.sum()) for d, w in zip(shape_of(x), widths)]
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.pad(x, pad_width, mode=mode, constant_values=constant_values)


def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None).

    Example:
        >>> lamina.ops.flip(np.array([1, 2, 3]))
        array([3, 2, 1])
    """
    _check_axis("flip", x, axis)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.flip(x, axis=axis)


def fliplr(x):
    """Reverse the order of columns (axis 1).

    Example:
        >>> lamina.ops.fliplr(np.array([[1, 2, 3]]))
        array([[3, 2, 1]])
    """
    _check_rank_at_least("fliplr", x, 2)
    return flip(x, axis=1)


def flipud(x):
    """Reverse the order of rows (axis 0).

    Example:
        >>> lamina.ops.flipud(np.array([[1, 2], [3, 4]]))
        array([[3, 4],
               [1, 2]])
    """
    _check_rank_at_least("flipud", x, 1)
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``.

    Example:
        >>> lamina.ops.rot90(np.array([[1, 2], [3, 4]]))
        array([[2, 4],
               [1, 3]])
    """
    _check_rank_at_least("rot90", array, 2, "array")
    ndim = _ndim(array)
    plane = _axes("rot90", axes, ndim, "axes")
    if len(plane) != 2:
        raise ValueError(f"`ops.rot90`: `axes` must be two different axes. Received: axes={axes!r}")
    if any_symbolic(array):
        shape = list(shape_of(array))
        if k % 2:
            shape[plane[0]], shape[plane[1]] = shape[plane[1]], shape[plane[0]]
        return KerasTensor(shape, dtype_of(array))
    return B.numpy.rot90(array, k=k, axes=axes)


def roll(x, shift, axis=None):
    """Shift elements cyclically by ``shift`` along ``axis`` (the flattened tensor when None).

    Example:
        >>> lamina.ops.roll(np.array([1, 2, 3, 4]), 1)
        array([4, 1, 2, 3])
    """
    _check_axis("roll", x, axis)
    if any_symbolic(x):
        return _unary(x)
    return B.numpy.roll(x, shift, axis=axis)


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape``.

    Example:
        >>> lamina.ops.broadcast_to(np.array([1, 2]), (2, 2))
        array([[1, 2],
               [1, 2]])
    """
    shape = (shape,) if _is_int(shape) else tuple(shape)
    x_shape = tuple(shape_of(x))
    ok = len(x_shape) <= len(shape) and builtins.all(
        a in (1, b, None) or b is None for a, b in zip(x_shape[::-1], shape[::-1])
    )
    if not ok:
        raise ValueError(
            f"`ops.broadcast_to`: a tensor of shape {x_shape} cannot be broadcast to shape={shape}."
        )
    if any_symbolic(x):
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.broadcast_to(x, shape)


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened tensor when None).

    Example:
        >>> lamina.ops.take(np.array([10, 20, 30]), np.array([2, 0]))
        array([30, 10])
    """
    _check_axis("take", x, axis)
    if any_symbolic(x, indices):
        shape = list(shape_of(x))
        if axis is None:
            return KerasTensor(shape_of(indices), dtype_of(x))
        a = _axis("take", axis, len(shape))
        return KerasTensor([*shape[:a], *shape_of(indices), *shape[a + 1 :]], dtype_of(x))
    return B.numpy.take(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    """Pick values along ``axis`` with ``indices`` of the same rank (e.g. from `argsort`).

    Example:
        >>> x = np.array([30, 10, 20])
        >>> lamina.ops.take_along_axis(x, lamina.ops.argsort(x), axis=0)
        array([10, 20, 30])
    """
    if axis is not None:
        a = _axis("take_along_axis", axis, _ndim(x))
        if _ndim(indices) != _ndim(x):
            raise ValueError(
                "`ops.take_along_axis`: `indices` must have the rank of `x`. Received: "
                f"x.shape={tuple(shape_of(x))}, indices.shape={tuple(shape_of(indices))}"
            )
    if any_symbolic(x, indices):
        if axis is None:
            return KerasTensor(shape_of(indices), dtype_of(x))
        xs, ixs = list(shape_of(x)), list(shape_of(indices))
        xs[a] = 1
        shape = list(symbolic.broadcast_shapes(tuple(xs), tuple(ixs)))
        shape[a] = ixs[a]
        return KerasTensor(shape, dtype_of(x))
    return B.numpy.take_along_axis(x, indices, axis=axis)


def ravel(x):
    """The tensor flattened to 1-D.

    Example:
        >>> lamina.ops.ravel(np.array([[1, 2], [3, 4]]))
        array([1, 2, 3, 4])
    """
    if any_symbolic(x):
        shape = shape_of(x)
        return KerasTensor((None if None in shape else builtins.int(np.prod(shape)),), dtype_of(x))
    return B.numpy.ravel(x)


def size(x):
    """The number of elements of ``x`` (an int32 scalar tensor).

    Example:
        >>> lamina.ops.size(np.ones((2, 3)))
        array(6, dtype=int32)
    """
    if any_symbolic(x):
        return KerasTensor((), "int32")
    return B.numpy.size(x)


def ndim(x):
    """The number of dimensions of ``x`` (a Python int).

    Example:
        >>> lamina.ops.ndim(np.ones((2, 3)))
        2
    """
    return _ndim(x)


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``.

    Example:
        >>> lamina.ops.diff(np.array([1, 4, 9, 16]))
        array([3, 5, 7])
    """
    if not _is_int(n) or n < 0:
        raise ValueError(f"`ops.diff`: `n` must be a non-negative int. Received: n={n!r}")
    _check_rank_at_least("diff", a, 1, "a")
    if any_symbolic(a):
        shape = list(shape_of(a))
        ax = _axis("diff", axis, len(shape))
        shape[ax] = None if shape[ax] is None else builtins.max(shape[ax] - n, 0)
        return KerasTensor(shape, dtype_of(a))
    _check_axis("diff", a, axis)
    return B.numpy.diff(a, n=n, axis=axis)


def nonzero(x):
    """The indices (a tuple of int32 tensors, one per axis) of the non-zero elements.

    Example:
        >>> lamina.ops.nonzero(np.array([[0, 1], [2, 0]]))
        (array([0, 1], dtype=int32), array([1, 0], dtype=int32))
    """
    if any_symbolic(x):
        return tuple(KerasTensor((None,), "int32") for _ in range(builtins.max(_ndim(x), 1)))
    return B.numpy.nonzero(x)


def unravel_index(indices, shape):
    """Flat ``indices`` as a tuple of coordinate tensors for a tensor of ``shape``.

    Example:
        >>> lamina.ops.unravel_index(np.array([1, 5]), (2, 3))
        (array([0, 1]), array([1, 2]))
    """
    shape = (shape,) if _is_int(shape) else tuple(shape)
    if any_symbolic(indices):
        dtype = _bool_to_int32(dtype_of(indices))
        return tuple(KerasTensor(shape_of(indices), dtype) for _ in shape)
    return B.numpy.unravel_index(indices, shape)
