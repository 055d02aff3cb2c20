"""Encodings and losses as ops: `one_hot`, `multi_hot`, `binary_crossentropy`, `categorical_crossentropy`, ..."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.nn._common import _check_axis, _float_dtype, _same_float
from lamina.ops.symbolic import any_symbolic, shape_of

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "multi_hot",
    "one_hot",
    "sparse_categorical_crossentropy",
]


# ----------------------------------------------------------------------------------------
# Encodings.


def _check_classes(op, num_classes):
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(
            f"`ops.{op}`: `num_classes` must be a positive int. Received: "
            f"num_classes={num_classes!r}"
        )


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer ``x``; out-of-range indices give all-zero rows.

    Example:
        >>> lamina.ops.one_hot(np.array([0, 2]), 3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    _check_classes("one_hot", num_classes)
    ndim = len(shape_of(x))
    if not -(ndim + 1) <= axis <= ndim:
        raise ValueError(
            f"`ops.one_hot`: `axis`={axis} is out of range for an output of rank {ndim + 1}."
        )
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(x):
        shape = list(shape_of(x))
        position = axis if axis >= 0 else ndim + 1 + axis
        shape.insert(position, num_classes)
        return KerasTensor(shape, dtype, sparse=sparse)
    return B.nn.one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=sparse)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: the classes present in each row of integer ``inputs``.

    Example:
        >>> lamina.ops.multi_hot(np.array([[0, 2], [1, 1]]), 3)
        array([[1., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"`ops.multi_hot` got unexpected arguments: {sorted(kwargs)}")
    _check_classes("multi_hot", num_classes)
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(inputs):
        shape = list(shape_of(inputs))
        if len(shape) > 1:
            shape = [shape[0], *shape[2:]]
        else:
            shape = []
        position = axis if axis >= 0 else len(shape) + 1 + axis
        shape.insert(position, num_classes)
        return KerasTensor(shape, dtype, sparse=sparse)
    return B.nn.multi_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)


# ----------------------------------------------------------------------------------------
# Losses.


def _check_same_shape(op, target, output):
    ts, os_ = tuple(shape_of(target)), tuple(shape_of(output))
    if len(ts) != len(os_) or any(
        a is not None and b is not None and a != b for a, b in zip(ts, os_)
    ):
        raise ValueError(
            f"`ops.{op}`: `target` and `output` must have the same shape. Received: "
            f"target.shape={ts}, output.shape={os_}"
        )


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy; probabilities are clipped to [eps, 1 - eps].

    Example:
        >>> np.round(lamina.ops.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.8, 0.5])), 4)
        array([0.2231, 0.6931])
    """
    _check_same_shape("binary_crossentropy", target, output)
    if any_symbolic(target, output):
        return _same_float(output)
    return B.nn.binary_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``.

    Without ``from_logits``, ``output`` is first divided by its sum along ``axis`` and clipped
    to [eps, 1 - eps], as in Keras.

    Example:
        >>> lamina.ops.categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]]))
        array([0.69314718])
    """
    _check_same_shape("categorical_crossentropy", target, output)
    if len(shape_of(output)) < 1:
        raise ValueError("`ops.categorical_crossentropy`: `output` must have rank >= 1.")
    _check_axis("categorical_crossentropy", output, axis)
    if any_symbolic(target, output):
        shape = list(shape_of(output))
        del shape[axis]
        return KerasTensor(shape, _float_dtype(output))
    return B.nn.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ``target`` (shape of ``output`` without ``axis``).

    Example:
        >>> lamina.ops.sparse_categorical_crossentropy(np.array([1]), np.array([[0.5, 0.5]]))
        array([0.69314718])
    """
    oshape, tshape = list(shape_of(output)), list(shape_of(target))
    if len(oshape) < 1:
        raise ValueError("`ops.sparse_categorical_crossentropy`: `output` must have rank >= 1.")
    _check_axis("sparse_categorical_crossentropy", output, axis)
    expected = oshape[:]
    del expected[axis]
    if len(tshape) == len(oshape) and tshape[-1] == 1:
        tshape = tshape[:-1]
    if len(tshape) != len(expected) or any(
        a is not None and b is not None and a != b for a, b in zip(tshape, expected)
    ):
        raise ValueError(
            "`ops.sparse_categorical_crossentropy`: `target` must have the shape of `output` "
            f"without the class axis. Received: target.shape={tuple(shape_of(target))}, "
            f"output.shape={tuple(oshape)}"
        )
    if any_symbolic(target, output):
        return KerasTensor(expected, _float_dtype(output))
    return B.nn.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)
