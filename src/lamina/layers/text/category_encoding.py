"""`CategoryEncoding`: integer categories to one-hot, multi-hot or count vectors."""

from __future__ import annotations

from lamina import config, ops
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer

__all__ = ["CategoryEncoding"]


class CategoryEncoding(Layer):
    """Encodes integer features in ``[0, num_tokens)``.

    Args:
        num_tokens: number of categories.
        output_mode: "one_hot" (a trailing axis of size 1 is replaced), "multi_hot" (default)
            or "count" (rank-1 inputs are one sample; rank 2 are a batch).
        sparse: must be False (Lamina outputs are dense).

    Call arguments:
        inputs: integers; count_weights: optional weights of each input for "count".

    Example:
        >>> layer = lamina.layers.CategoryEncoding(num_tokens=4, output_mode="count")
        >>> print(lamina.ops.convert_to_numpy(layer(np.array([[0, 1, 1], [3, 3, 2]]))))
        [[1. 2. 0. 0.]
         [0. 0. 1. 2.]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode not in ("one_hot", "multi_hot", "count"):
            raise ValueError(
                "CategoryEncoding: `output_mode` must be 'one_hot', 'multi_hot' or 'count'. "
                f"Received: output_mode={output_mode!r}"
            )
        if not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(
                f"CategoryEncoding: `num_tokens` must be a positive int. Received: {num_tokens!r}"
            )
        if sparse:
            raise ValueError("CategoryEncoding: `sparse=True` is not supported; outputs are dense.")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def call(self, inputs, count_weights=None):
        dtype = self.compute_dtype if self.compute_dtype != "float64" else "float64"
        inputs = ops.cast(inputs, "int32")
        if len(inputs.shape) == 0:
            inputs = ops.expand_dims(inputs, -1)
        if self.output_mode == "one_hot":
            if len(inputs.shape) > 1 and inputs.shape[-1] == 1:
                inputs = ops.squeeze(inputs, -1)
            return ops.one_hot(inputs, self.num_tokens, dtype=dtype)
        if self.output_mode == "multi_hot":
            return ops.multi_hot(inputs, self.num_tokens, dtype=dtype)
        encoded = ops.one_hot(inputs, self.num_tokens, dtype=dtype)
        if count_weights is not None:
            encoded = ops.multiply(encoded, ops.expand_dims(ops.cast(count_weights, dtype), -1))
        return ops.sum(encoded, axis=1 if len(inputs.shape) > 1 else 0)

    def compute_output_spec(self, inputs, count_weights=None):
        shape = tuple(inputs.shape)
        if not shape:
            shape = (1,)
        if self.output_mode == "one_hot":
            if len(shape) > 1 and shape[-1] == 1:
                shape = shape[:-1]
            out = (*shape, self.num_tokens)
        else:
            out = (*shape[:-1], self.num_tokens) if len(shape) > 1 else (self.num_tokens,)
        return KerasTensor(out, self.compute_dtype or config.floatx())

    def get_config(self):
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
