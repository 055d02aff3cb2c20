"""`Attention` (Luong-style dot-product) and `AdditiveAttention` (Bahdanau-style), as Keras 3.

Both take ``inputs=[query, value]`` or ``[query, value, key]`` and ``mask=[query_mask,
value_mask]``; a functional model passes upstream masks (e.g. from ``Embedding(mask_zero=True)``)
as that list.
"""

from __future__ import annotations

from lamina import ops, random
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer

__all__ = ["AdditiveAttention", "Attention"]


class Attention(Layer):
    """Dot-product attention layer.

    Args:
        use_scale: whether to learn a scalar that scales the scores.
        score_mode: ``"dot"`` (query . key) or ``"concat"`` (sum of tanh(query + key)).
        dropout: dropout rate on the attention probabilities (in training).
        seed: seed of the dropout.

    Call arguments:
        inputs: ``[query (B, Tq, dim), value (B, Tv, dim)]`` or ``[query, value, key]``.
        mask: ``[query_mask (B, Tq), value_mask (B, Tv)]`` (either may be None).
        training, return_attention_scores, use_causal_mask.

    Output shape:
        ``(B, Tq, dim)`` (and scores ``(B, Tq, Tv)`` when asked).

    Example:
        >>> q = np.ones((2, 3, 4), "float32"); v = np.ones((2, 5, 4), "float32")
        >>> print(lamina.layers.Attention()([q, v]).shape)
        (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{name}: `score_mode` must be 'dot' or 'concat'. Received: score_mode={score_mode!r}"
            )
        if not 0 <= dropout < 1:
            raise ValueError(f"{name}: `dropout` must be in [0, 1). Received: dropout={dropout!r}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.supports_masking = True
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)

    def _validate(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(
                f"{name}: `inputs` must be a list [query, value] or [query, value, key]. "
                f"Received: {type(inputs).__name__} of length {len(inputs) if hasattr(inputs, '__len__') else '?'}"
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or len(mask) not in (2, 3)):
            raise ValueError(
                f"{name}: `mask` must be a list [query_mask, value_mask]. Received: {mask!r}"
            )

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones"
            )
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        summed = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            summed = ops.multiply(self.scale, summed)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(summed), axis=-1))

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(q, k)
        scores_mask = v_mask
        if use_causal_mask:
            causal = ops.expand_dims(
                ops.tril(ops.ones((scores.shape[-2], scores.shape[-1]), dtype="bool")), 0
            )
            if v_mask is not None:
                scores_mask = ops.logical_and(ops.expand_dims(ops.cast(v_mask, "bool"), -2), causal)
            else:
                scores_mask = causal
        if scores_mask is not None:
            scores_mask = ops.cast(scores_mask, "bool")
            if len(scores_mask.shape) == 2:
                scores_mask = ops.expand_dims(scores_mask, -2)
            big = 65504.0 if str(scores.dtype).endswith("float16") else 1.0e9
            scores = ops.where(scores_mask, scores, ops.subtract(scores, big))
        weights = ops.softmax(scores, axis=-1)
        used = weights
        if training and self.dropout > 0:
            used = random.dropout(weights, self.dropout, seed=self.seed_generator)
        output = ops.matmul(used, v)
        if q_mask is not None:
            keep = ops.expand_dims(ops.cast(q_mask, "bool"), -1)
            output = ops.where(keep, output, ops.zeros((), output.dtype))
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, previous_mask=None):
        if not previous_mask or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(self, inputs, mask=None, return_attention_scores=False, **kwargs):
        self._validate(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        out = KerasTensor((*query.shape[:-1], value.shape[-1]), self.compute_dtype)
        if return_attention_scores:
            return out, KerasTensor((*query.shape[:-1], key.shape[-2]), self.compute_dtype)
        return out

    def get_config(self):
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention: scores are ``sum(scale * tanh(query + key))``.

    Args:
        use_scale: whether to learn a per-feature ``scale`` vector (default True).
        dropout: dropout rate on the attention probabilities (in training).

    Call arguments, input and output shapes: as `Attention`.

    Example:
        >>> q = np.ones((2, 3, 4), "float32"); v = np.ones((2, 5, 4), "float32")
        >>> print(lamina.layers.AdditiveAttention()([q, v]).shape)
        (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            dim = tuple(input_shape[0])[-1]
            self.scale = self.add_weight(name="scale", shape=(dim,), initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        summed = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            summed = ops.multiply(self.scale, summed)
        return ops.sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
