"""Symbolic tensors: a shape (with ``None`` for unknown sizes) and a dtype, no values.

Calling an op or a layer on a `KerasTensor` returns `KerasTensor`s; layers record the call so
that `lamina.Model(inputs, outputs)` can find the graph between them.
"""

from __future__ import annotations

from lamina.backend.common import dtypes
from lamina.backend.common.operators import TensorOperators


class KerasTensor(TensorOperators):
    """A symbolic tensor: ``shape`` (tuple of int or None), ``dtype`` (str), optional ``name``.

    Example:
        >>> x = lamina.KerasTensor((None, 3))
        >>> x
        <KerasTensor shape=(None, 3), dtype=float32>
        >>> lamina.ops.matmul(x, np.ones((3, 4))).shape
        (None, 4)
    """

    __slots__ = ("shape", "dtype", "name", "sparse", "_history", "_mask")

    def __init__(self, shape, dtype="float32", sparse=False, name=None):
        try:
            self.shape = tuple(None if d is None else int(d) for d in shape)
        except (TypeError, ValueError):
            raise ValueError(
                f"A KerasTensor's shape must be a tuple of ints or None. Received: shape={shape!r}"
            ) from None
        self.dtype = dtypes.standardize_dtype(dtype)
        self.sparse = sparse
        self.name = name
        self._history = None  # (layer, node_index, tensor_index) when made by a layer call
        self._mask = None

    @property
    def ndim(self):
        return len(self.shape)

    def reshape(self, newshape):
        from lamina import ops

        return ops.reshape(self, newshape)

    def __repr__(self):
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}>"

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor has no value, so it cannot be used as a Python bool "
            "(in `if`, `while`, `and`, `or`). Use `lamina.ops.cond` or `ops.where` instead."
        )

    def __iter__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be iterated over. Use `lamina.ops.unstack` or index it."
        )

    def __len__(self):
        if self.shape and self.shape[0] is not None:
            return self.shape[0]
        raise TypeError("len() of a KerasTensor whose first dimension is unknown.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "A symbolic KerasTensor has no value and cannot become a NumPy array. It stands for "
            "the input of a model being built: call the model on real data to get values."
        )

    def __getitem__(self, key):
        from lamina import ops

        return ops.get_item(self, key)


def is_keras_tensor(x) -> bool:
    """True when ``x`` is a symbolic `KerasTensor`.

    Example:
        >>> lamina.is_keras_tensor(lamina.Input((3,)))
        True
        >>> lamina.is_keras_tensor(np.ones(3))
        False
    """
    return isinstance(x, KerasTensor)
