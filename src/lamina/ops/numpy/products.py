"""NumPy-style products, statistics, signals and indexing: `matmul`, `einsum`, `histogram`, `get_item`, ..."""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import numpy as np_backend
from lamina.ops import symbolic
from lamina.ops.numpy._common import (
    _axis,
    _check_axis,
    _check_choice,
    _check_rank_at_least,
    _float_dtype,
    _is_int,
    _ndim,
    _result_dtype,
)
from lamina.ops.numpy.shapes import ravel
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "bincount",
    "corrcoef",
    "correlate",
    "cross",
    "dot",
    "einsum",
    "get_item",
    "histogram",
    "inner",
    "kron",
    "matmul",
    "outer",
    "tensordot",
    "trace",
    "trapezoid",
    "vdot",
]


# Products ------------------------------------------------------------------------------------


def matmul(x1, x2):
    """Matrix product of two tensors, with NumPy's broadcasting of leading dimensions.

    Example:
        >>> lamina.ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.matmul, x1, x2)
    return B.numpy.matmul(x1, x2)


def dot(x1, x2):
    """Dot product: inner for 1-D, matrix product for 2-D, sum over last/second-to-last axes.

    Example:
        >>> lamina.ops.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))
        array(32)
    """
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.dot, x1, x2)
    return B.numpy.dot(x1, x2)


def vdot(x1, x2):
    """Dot product of the flattened tensors (conjugating ``x1``).

    Example:
        >>> lamina.ops.vdot(np.array([[1, 2], [3, 4]]), np.array([[1, 0], [0, 1]]))
        array(5)
    """
    if any_symbolic(x1, x2):
        return KerasTensor((), _result_dtype(x1, x2))
    return B.numpy.vdot(x1, x2)


def inner(x1, x2):
    """Inner product over the last axes.

    Example:
        >>> lamina.ops.inner(np.array([1, 2]), np.array([3, 4]))
        array(11)
    """
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.inner, x1, x2)
    return B.numpy.inner(x1, x2)


def outer(x1, x2):
    """Outer product of the flattened tensors.

    Example:
        >>> lamina.ops.outer(np.array([1, 2]), np.array([1, 10, 100]))
        array([[  1,  10, 100],
               [  2,  20, 200]])
    """
    if any_symbolic(x1, x2):
        n1, n2 = shape_of(ravel(x1))[0], shape_of(ravel(x2))[0]
        return KerasTensor((n1, n2), _result_dtype(x1, x2))
    return B.numpy.outer(x1, x2)


def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes`` (an int: the last/first ``axes`` axes; or two lists).

    Example:
        >>> lamina.ops.tensordot(np.ones((2, 3, 4)), np.ones((3, 4, 5)), axes=2).shape
        (2, 5)
    """
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.tensordot, x1, x2, axes)
    return B.numpy.tensordot(x1, x2, axes=axes)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over ``operands`` as described by ``subscripts``.

    Example:
        >>> lamina.ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    if not isinstance(subscripts, str):
        raise TypeError(
            f"`ops.einsum`: `subscripts` must be a string such as 'ij,jk->ik'. Received: "
            f"subscripts={subscripts!r}"
        )
    if any_symbolic(operands):
        return symbolic.infer(np_backend.einsum, subscripts, *operands, **kwargs)
    return B.numpy.einsum(subscripts, *operands, **kwargs)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-element vectors along the given axes.

    Example:
        >>> lamina.ops.cross(np.array([1, 0, 0]), np.array([0, 1, 0]))
        array([0, 0, 1])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    for name, t, a in (("axisa", x1, axisa), ("axisb", x2, axisb)):
        n = shape_of(t)[_axis("cross", a, _ndim(t), name)]
        if n is not None and n not in (2, 3):
            raise ValueError(
                f"`ops.cross`: the vectors must have 2 or 3 elements, but `{name}`={a} has size "
                f"{n}. Received: x1.shape={tuple(shape_of(x1))}, x2.shape={tuple(shape_of(x2))}"
            )
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.cross, x1, x2, axisa, axisb, axisc)
    return B.numpy.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc)


def kron(x1, x2):
    """Kronecker product.

    Example:
        >>> lamina.ops.kron(np.array([1, 2]), np.array([1, 10]))
        array([ 1, 10,  2, 20])
    """
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.kron, x1, x2)
    return B.numpy.kron(x1, x2)


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along the ``offset`` diagonal over ``axis1`` and ``axis2``.

    Example:
        >>> lamina.ops.trace(np.array([[1, 2], [3, 4]]))
        array(5)
    """
    _check_rank_at_least("trace", x, 2)
    ndim = _ndim(x)
    if _axis("trace", axis1, ndim, "axis1") == _axis("trace", axis2, ndim, "axis2"):
        raise ValueError(
            f"`ops.trace`: `axis1` and `axis2` must differ. Received: axis1={axis1}, axis2={axis2}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.trace, x, offset, axis1, axis2)
    return B.numpy.trace(x, offset=offset, axis1=axis1, axis2=axis2)


# Statistics and signals ----------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (or summed ``weights``) of each non-negative int value in a 1-D ``x``.

    Example:
        >>> lamina.ops.bincount(np.array([0, 1, 1, 3]))
        array([1, 2, 0, 1], dtype=int32)
    """
    if sparse:
        raise ValueError(
            "`ops.bincount`: sparse outputs are not supported by Lamina. Received: sparse=True"
        )
    if _ndim(x) != 1:
        raise ValueError(
            f"`ops.bincount`: `x` must be 1-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if not _is_int(minlength) or minlength < 0:
        raise ValueError(
            f"`ops.bincount`: `minlength` must be a non-negative int. Received: {minlength!r}"
        )
    if any_symbolic(x, weights):
        dtype = "int32" if weights is None else _result_dtype(x, weights)
        return KerasTensor((None,), dtype)
    return B.numpy.bincount(x, weights=weights, minlength=minlength)


def histogram(x, bins=10, range=None):
    """Counts (int32) of ``x`` in ``bins`` equal bins over ``range``, and the bin edges.

    Example:
        >>> lamina.ops.histogram(np.array([0.0, 0.5, 1.0, 3.0]), bins=3, range=(0, 3))
        (array([2, 1, 1], dtype=int32), array([0., 1., 2., 3.]))
    """
    if not _is_int(bins) or bins < 1:
        raise ValueError(f"`ops.histogram`: `bins` must be a positive int. Received: bins={bins!r}")
    if range is not None and (len(range) != 2 or range[0] > range[1]):
        raise ValueError(
            f"`ops.histogram`: `range` must be a (min, max) pair with min <= max. Received: "
            f"range={range!r}"
        )
    if any_symbolic(x):
        return KerasTensor((bins,), "int32"), KerasTensor((bins + 1,), _float_dtype(dtype_of(x)))
    return B.numpy.histogram(x, bins=bins, range=range)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors (``mode``: ``"valid"``, ``"same"`` or ``"full"``).

    Example:
        >>> lamina.ops.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0]))
        array([2., 3.])
    """
    _check_choice("correlate", "mode", mode, ("valid", "same", "full"))
    for name, t in (("x1", x1), ("x2", x2)):
        if _ndim(t) != 1:
            raise ValueError(
                f"`ops.correlate`: `{name}` must be 1-D. Received: {name} with shape "
                f"{tuple(shape_of(t))}"
            )
    if any_symbolic(x1, x2):
        return symbolic.infer(np_backend.correlate, x1, x2, mode)
    return B.numpy.correlate(x1, x2, mode=mode)


def corrcoef(x):
    """Pearson correlation coefficients of the rows (variables) of ``x``.

    Example:
        >>> lamina.ops.corrcoef(np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))
        array([[ 1., -1.],
               [-1.,  1.]])
    """
    if _ndim(x) not in (1, 2):
        raise ValueError(
            f"`ops.corrcoef`: `x` must be 1-D or 2-D. Received: x with shape {tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        return symbolic.infer(np_backend.corrcoef, x)
    return B.numpy.corrcoef(x)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule (sample points ``x`` or ``dx``).

    Example:
        >>> lamina.ops.trapezoid(np.array([1.0, 2.0, 3.0]))
        array(4.)
    """
    _check_rank_at_least("trapezoid", y, 1, "y")
    _check_axis("trapezoid", y, axis)
    if any_symbolic(y, x):
        return symbolic.infer(np_backend.trapezoid, y, x, dx, axis)
    return B.numpy.trapezoid(y, x=x, dx=dx, axis=axis)


# Indexing ------------------------------------------------------------------------------------


def _is_index_array(k) -> bool:
    return not (
        k is None
        or k is Ellipsis
        or isinstance(k, builtins.slice)
        or _is_int(k)
        or (hasattr(k, "shape") and len(k.shape) == 0 and dtype_of(k) != "bool")
    )


def get_item(x, key):
    """``x[key]`` with ints, slices, ``None``, ``...`` and int or bool index tensors.

    Example:
        >>> lamina.ops.get_item(np.ones((4, 5)), (slice(1, 3), None, 0)).shape
        (2, 1)
    """
    if any_symbolic(x, key):
        return _get_item_symbolic(x, key)
    return B.numpy.get_item(x, key)


def _count_true(mask) -> int:
    if not isinstance(mask, (np.ndarray, list, tuple)):
        mask = B.core.convert_to_numpy(mask)
    return builtins.int(np.count_nonzero(mask))


def _get_item_symbolic(x, key):
    shape = tuple(shape_of(x))
    key = key if isinstance(key, tuple) else (key,)
    items = []  # (kind, value): "none", "int", "slice", "array" (shape), "mask" (ndim)
    for k in key:
        if k is None:
            items.append(("none", None))
        elif k is Ellipsis:
            items.append(("ellipsis", None))
        elif isinstance(k, builtins.slice):
            items.append(("slice", k))
        elif _is_int(k) or (hasattr(k, "shape") and len(k.shape) == 0 and dtype_of(k) != "bool"):
            items.append(("int", k if _is_int(k) else None))
        else:
            k_shape = tuple(shape_of(k)) if hasattr(k, "shape") else np.shape(k)
            k_dtype = (
                dtype_of(k)
                if hasattr(k, "dtype")
                else dtypes.standardize_dtype(np.asarray(k).dtype)
            )
            if k_dtype == "bool":
                count = None if type(k) is KerasTensor else _count_true(k)
                items.append(("mask", (k_shape, count)))
            elif dtypes.is_int(k_dtype):
                items.append(("array", k_shape))
            else:
                raise IndexError(
                    f"`ops.get_item`: index tensors must be integer or bool. Received an index "
                    f"of dtype {k_dtype}"
                )
    if builtins.sum(kind == "ellipsis" for kind, _ in items) > 1:
        raise IndexError("`ops.get_item`: an index can only have a single ellipsis ('...').")
    used = builtins.sum(
        len(v[0]) if kind == "mask" else 1
        for kind, v in items
        if kind in ("int", "slice", "array", "mask")
    )
    if used > len(shape):
        raise IndexError(
            f"`ops.get_item`: too many indices ({used}) for a tensor of rank {len(shape)}."
        )
    if builtins.all(kind != "ellipsis" for kind, _ in items):
        items.append(("ellipsis", None))
    has_array = builtins.any(kind in ("array", "mask") for kind, _ in items)
    out, adv_shapes, adv_pos, dim = [], [], [], 0
    for kind, v in items:
        if kind == "none":
            out.append(1)
        elif kind == "ellipsis":
            count = len(shape) - used
            out.extend(shape[dim : dim + count])
            dim += count
        elif kind == "slice":
            size = shape[dim]
            if size is not None and builtins.all(
                s is None or _is_int(s) for s in (v.start, v.stop, v.step)
            ):
                out.append(len(builtins.range(*v.indices(size))))
            elif v.start is None and v.stop is None and v.step in (None, 1):
                out.append(size)
            else:
                out.append(None)
            dim += 1
        elif kind == "int":
            size = shape[dim]
            if v is not None and size is not None and not -size <= v < size:
                raise IndexError(
                    f"`ops.get_item`: index {v} is out of bounds for axis {dim} with size {size}."
                )
            if has_array:
                adv_shapes.append(())
                adv_pos.append(len(out))
            dim += 1
        elif kind == "array":
            adv_shapes.append(v)
            adv_pos.append(len(out))
            dim += 1
        else:  # mask: one index per true element
            adv_shapes.append((v[1],))
            adv_pos.append(len(out))
            dim += len(v[0])
    if adv_shapes:
        adv = list(symbolic.broadcast_shapes(*adv_shapes))
        contiguous = builtins.all(p == adv_pos[0] for p in adv_pos)
        at = adv_pos[0] if contiguous else 0
        out = out[:at] + adv + out[at:]
    return KerasTensor(out, dtype_of(x))
