"""`Input` and `InputLayer`: the start of a functional model."""

from __future__ import annotations

from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.node import Node


class InputLayer(Layer):
    """The layer behind `lamina.Input`; it holds the model's symbolic input tensor.

    Example:
        >>> layer = lamina.layers.InputLayer(shape=(3,))
        >>> layer.batch_shape
        (None, 3)
        >>> lamina.Sequential([layer, lamina.layers.Dense(2)]).output_shape
        (None, 2)
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "`Input` takes `shape` or `batch_shape`, not both. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "`Input` needs the shape of one sample, e.g. `lamina.Input(shape=(28, 28, 1))`."
                )
            if isinstance(shape, int):
                shape = (shape,)
            try:
                batch_shape = (batch_size, *tuple(shape))
            except TypeError:
                raise ValueError(
                    f"`Input` `shape` must be a tuple of ints or None. Received: shape={shape!r}"
                ) from None
        for d in batch_shape:
            if d is not None and (not isinstance(d, int) or d < 0):
                raise ValueError(
                    f"`Input` shape sizes must be non-negative ints or None. Received: {batch_shape}"
                )
        self._batch_shape = tuple(batch_shape)
        self._input_dtype = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        tensor = KerasTensor(self._batch_shape, self._input_dtype, name=self.name)
        Node(self, (), {}, tensor)
        self.output_tensor = tensor
        self.built = True

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._input_dtype

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._input_dtype,
            "sparse": self.sparse,
            "name": self.name,
        }


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """A symbolic input of a functional model.

    Args:
        shape: the shape of one sample, without the batch dimension, e.g. ``(28, 28, 1)``.
        batch_size: a fixed batch size, or None.
        dtype: input dtype, default `lamina.config.floatx()`.
        batch_shape: the full shape including the batch (instead of ``shape``).
        name: a unique name, used to match dict inputs.

    Example:
        >>> x = lamina.Input(shape=(28, 28, 1))
        >>> print(x.shape)
        (None, 28, 28, 1)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        optional=optional,
    )
    return layer.output_tensor
