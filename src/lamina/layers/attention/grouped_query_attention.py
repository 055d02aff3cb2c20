"""`GroupQueryAttention`: attention whose query heads share fewer key/value heads (GQA).

``num_query_heads`` query heads attend in groups to ``num_key_value_heads`` key/value heads
(Ainslie et al., 2023); with one key/value head it is multi-query attention. Weights and
numerics follow Keras 3's ``GroupQueryAttention`` (also exported as ``GroupedQueryAttention``).
"""

from __future__ import annotations

import math

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import name_scope
from lamina.layers.attention.multi_head_attention import (
    _call_shapes,
    _positive_int,
    causal_mask,
    graph_masks_to_arguments,
    masked_softmax,
    merge_attention_masks,
)
from lamina.layers.base import Layer
from lamina.layers.core import EinsumDense
from lamina.layers.regularization import Dropout

__all__ = ["GroupQueryAttention", "GroupedQueryAttention"]


class GroupQueryAttention(Layer):
    """Grouped-query attention.

    Args:
        head_dim: size of each attention head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key and value heads; must divide ``num_query_heads``.
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        seed: seed of the dropout.

    Call arguments:
        As `MultiHeadAttention`: ``query`` `(B, T, dim)`, ``value`` `(B, S, dim)`, ``key``,
        ``query_mask``, ``value_mask``, ``key_mask``, ``attention_mask``,
        ``return_attention_scores``, ``training``, ``use_causal_mask``.

    Output shape:
        ``(B, T, dim)`` (and scores ``(B, num_query_heads, T, S)`` when asked).

    Example:
        >>> layer = lamina.layers.GroupQueryAttention(4, num_query_heads=4, num_key_value_heads=2)
        >>> x = np.ones((2, 5, 8), "float32")
        >>> print(layer(x, x).shape)
        (2, 5, 8)
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.supports_masking = True
        name = "GroupQueryAttention"
        self.head_dim = _positive_int(name, "head_dim", head_dim)
        self.num_query_heads = _positive_int(name, "num_query_heads", num_query_heads)
        self.num_key_value_heads = _positive_int(name, "num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                f"{name}: `num_query_heads` must be divisible by `num_key_value_heads`. "
                f"Received: num_query_heads={num_query_heads}, "
                f"num_key_value_heads={num_key_value_heads}"
            )
        self.num_repeats = num_query_heads // num_key_value_heads
        if not 0 <= dropout < 1:
            raise ValueError(f"{name}: `dropout` must be in [0, 1). Received: dropout={dropout!r}")
        self.dropout = dropout
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer_sub = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._query_dense = self._key_dense = self._value_dense = self._output_dense = None
        self._dropout_layer = Dropout(dropout, seed=seed) if dropout > 0 else None

    def _dense(self, equation, output_shape, bias_axes, name, input_shape):
        dense = EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            kernel_initializer=initializers.get(initializers.serialize(self.kernel_initializer)),
            bias_initializer=initializers.get(initializers.serialize(self.bias_initializer)),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self._activity_regularizer_sub,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self._policy.name,
        )
        dense.build(tuple(input_shape))
        dense._build_shapes = tuple(input_shape)
        return dense

    def build(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for arg, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupQueryAttention: `{arg}` must be 3-D (batch, length, features). "
                    f"Received: {arg}.shape={shape}"
                )
        self.feature_dim = query_shape[-1]
        q_heads, kv_heads, h = self.num_query_heads, self.num_key_value_heads, self.head_dim
        with name_scope(self.name):
            self._query_dense = self._dense(
                "bqm,muh->bquh", (None, q_heads, h), "uh", "query", query_shape
            )
            self._key_dense = self._dense(
                "bkm,mvh->bkvh", (None, kv_heads, h), "vh", "key", key_shape
            )
            self._value_dense = self._dense(
                "bkm,mvh->bkvh", (None, kv_heads, h), "vh", "value", value_shape
            )
            self._output_dense = self._dense(
                "bquh,uhm->bqm",
                (None, self.feature_dim),
                "m",
                "attention_output",
                (None, None, q_heads, h),
            )
        self._build_shapes = {"query_shape": query_shape, "value_shape": value_shape}
        if key_shape != value_shape:
            self._build_shapes["key_shape"] = key_shape
        self.built = True

    def _build_for(self, args, kwargs):
        self.build(*_call_shapes(args, kwargs))

    def get_build_config(self):
        shapes = getattr(self, "_build_shapes", None)
        if not isinstance(shapes, dict):
            return None
        return {"input_shape": {k: list(v) for k, v in shapes.items()}}

    def build_from_config(self, config):
        shapes = config.get("input_shape")
        if shapes and not self.built:
            self.build(**{k: tuple(v) for k, v in shapes.items()})

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._call_accepts_mask = True  # graph masks arrive as `mask=[...]`, see `__call__`

    def __call__(self, *args, **kwargs):
        if "mask" in kwargs:
            kwargs = graph_masks_to_arguments(self, args, dict(kwargs))
        return super().__call__(*args, **kwargs)

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if key is None:
            key = value
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
        )
        if not causal_only:
            attention_mask = merge_attention_masks(
                query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
            )
        query = self._query_dense(query)
        key = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        value = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        fused = not (self.dropout > 0.0 or return_attention_scores)
        if fused:
            mask = attention_mask
            if mask is not None:
                while len(mask.shape) < 4:
                    mask = ops.expand_dims(mask, -3)
            output = ops.dot_product_attention(
                query,
                key,
                value,
                mask=mask,
                scale=self._inverse_sqrt_head_dim,
                is_causal=bool(causal_only),
            )
            scores = None
        else:
            if causal_only:
                attention_mask = causal_mask(query.shape[1], value.shape[1])
            query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
            scores = ops.einsum("bquh,bkuh->buqk", query, key)
            mask = attention_mask
            if mask is not None:
                while len(mask.shape) < 4:
                    mask = ops.expand_dims(mask, -3)
            scores = masked_softmax(scores, mask, (-1,))
            dropped = scores
            if self._dropout_layer is not None:
                dropped = self._dropout_layer(scores, training=training)
            output = ops.einsum("buqk,bkuh->bquh", dropped, value)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def compute_mask(self, inputs, previous_mask=None):
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0] if previous_mask else None
        return previous_mask

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        out = KerasTensor(tuple(query.shape), self.compute_dtype)
        if not return_attention_scores:
            return out
        shape = (query.shape[0], self.num_query_heads, query.shape[1], value.shape[1])
        return out, KerasTensor(shape, self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer_sub),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }


# A functional graph passes upstream masks as `mask=[...]` (mapped in `__call__`).
GroupQueryAttention._call_accepts_mask = True
GroupedQueryAttention = GroupQueryAttention
