"""NumPy-style shape and layout ops: `reshape`, `transpose`, `concatenate`, `split`, `pad`, ..."""

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
    _result_dtype,
    _unary,
)
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "append",
    "array_split",
    "broadcast_to",
    "concatenate",
    "diff",
    "dsplit",
    "dstack",
    "expand_dims",
    "flip",
    "fliplr",
    "flipud",
    "hsplit",
    "hstack",
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
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "take",
    "take_along_axis",
    "tile",
    "transpose",
    "unravel_index",
    "vsplit",
    "vstack",
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
