"""Small NumPy-level helpers with Keras's names: `to_categorical`, `normalize`."""

from __future__ import annotations

import numpy as np


def to_categorical(x, num_classes=None):
    """Integer class labels to one-hot float32 rows.

    Example:
        >>> lamina.utils.to_categorical([0, 2, 1], num_classes=3).shape
        (3, 3)
    """
    from lamina import backend

    x = np.asarray(backend.convert_to_numpy(x) if not isinstance(x, (list, np.ndarray)) else x)
    if x.dtype.kind not in "iub":
        if x.dtype.kind == "f" and np.all(np.mod(x, 1) == 0):
            x = x.astype("int64")
        else:
            raise ValueError(
                f"`to_categorical` expects integer class labels. Received dtype {x.dtype}."
            )
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if x.size and x.min() < 0:
        raise ValueError(f"`to_categorical`: labels must be non-negative. Found {x.min()}.")
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    elif x.size and x.max() >= num_classes:
        raise ValueError(
            f"`to_categorical`: label {int(x.max())} is out of range for num_classes={num_classes}."
        )
    out = np.zeros((x.size, num_classes), dtype="float32")
    out[np.arange(x.size), x] = 1.0
    return out.reshape((*shape, num_classes))


def normalize(x, axis=-1, order=2):
    """Scale ``x`` to unit ``order``-norm along ``axis``.

    Example:
        >>> lamina.utils.normalize(np.array([[3.0, 4.0], [0.0, 2.0]]))
        array([[0.6, 0.8],
               [0. , 1. ]])
    """
    from lamina import ops

    norm = ops.norm(x, ord=order, axis=axis, keepdims=True)
    return ops.divide(x, ops.maximum(norm, 1e-12))
