"""`GroupQueryAttention`: attention whose query heads share fewer key/value heads (GQA).

``num_query_heads`` query heads attend in groups to ``num_key_value_heads`` key/value heads
(Ainslie et al., 2023); with one key/value head it is multi-query attention. Weights and
numerics follow Keras 3's ``GroupQueryAttention`` (also exported as ``GroupedQueryAttention``).
"""

from __future__ import annotations

from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.attention.multi_head_attention import _positive_int, _ProjectedAttention

__all__ = ["GroupQueryAttention", "GroupedQueryAttention"]


class GroupQueryAttention(_ProjectedAttention):
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

    _owner = "GroupQueryAttention"
    _arg_prefix = ""  # Keras's GroupQueryAttention has public `dropout`, `use_bias`, ...
    _attn_axes = (1,)
    _norm_axes = (-1,)
    # Scores = key . query, as `MultiHeadAttention`'s equations take their operands.
    _dot_product_equation = "bkuh,bquh->buqk"
    _combine_equation = "buqk,bkuh->bquh"

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
        self._kv_repeats = self.num_repeats
        self._init_projections(locals(), self.head_dim)

    def _build_projections(self, query_shape, value_shape, key_shape):
        for arg, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupQueryAttention: `{arg}` must be 3-D (batch, length, features). "
                    f"Received: {arg}.shape={shape}"
                )
        self.feature_dim = query_shape[-1]
        q_heads, kv_heads, h = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self._query_dense = self._dense(
            "bqm,muh->bquh", (None, q_heads, h), "uh", "query", query_shape
        )
        self._key_dense = self._dense("bkm,mvh->bkvh", (None, kv_heads, h), "vh", "key", key_shape)
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
            **self._arguments_config(),
        }


GroupedQueryAttention = GroupQueryAttention
