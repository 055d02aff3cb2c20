"""`MultiHeadAttention`: attention with ``num_heads`` learned projections (Vaswani et al., 2017).

Weights, einsum equations, mask handling and numerics follow Keras 3, so weights transfer with
``get_weights`` / ``set_weights`` and outputs agree. `GroupQueryAttention` shares the helpers
below (mask merging, the causal mask, the masked softmax, masks from the functional graph) and
`_ProjectedAttention`, the base of both layers (projections, call, attention, build config).
"""

from __future__ import annotations

import math
import string

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import name_scope
from lamina.layers.base import Layer
from lamina.layers.core import EinsumDense
from lamina.layers.regularization import Dropout

__all__ = ["MultiHeadAttention"]

_QKV = ("query", "value", "key")


def _positive_int(layer, name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{layer}: `{name}` must be a positive integer{' or None' if allow_none else ''}. "
            f"Received: {name}={value!r}"
        )
    return value


def _is_tensor_like(x) -> bool:
    return x is not None and not isinstance(x, (bool, int, float, str))


def graph_masks_to_arguments(layer, args, kwargs):
    """Turn the ``mask=[...]`` list a functional graph passes (one entry per input tensor, in
    the order of ``flatten((args, kwargs))``) into ``query_mask`` / ``value_mask`` /
    ``key_mask`` arguments; explicit mask arguments win."""
    masks = kwargs.pop("mask", None)
    if masks is None:
        return kwargs
    if not isinstance(masks, (list, tuple)):
        masks = [masks]
    names = ["query", "value", "key"][: len(args)]
    entries = list(zip(names, args))
    entries += sorted((k, v) for k, v in kwargs.items())
    tensors = [name for name, value in entries if _is_tensor_like(value)]
    for name, mask in zip(tensors, masks):
        if name in _QKV and mask is not None and kwargs.get(f"{name}_mask") is None:
            kwargs[f"{name}_mask"] = mask
    if kwargs.get("key_mask") is not None and "key" not in dict(entries):
        kwargs.pop("key_mask")
    return kwargs


def merge_attention_masks(
    query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
):
    """Keras's merge of the query/value/key masks, the causal mask and ``attention_mask``:
    a boolean (B, T, S) mask (or None), True where attention is allowed."""
    auto = None
    if query_mask is not None:
        auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
    for m in (value_mask, key_mask):
        if m is not None:
            m = ops.expand_dims(ops.cast(m, "bool"), -2)
            auto = m if auto is None else ops.logical_and(auto, m)
    if use_causal_mask:
        m = causal_mask(query.shape[1], value.shape[1])
        auto = m if auto is None else ops.logical_and(auto, m)
    if attention_mask is not None:
        attention_mask = ops.cast(attention_mask, "bool")
    if auto is not None:
        attention_mask = auto if attention_mask is None else ops.logical_and(attention_mask, auto)
    return attention_mask


def causal_mask(q_length, v_length):
    """Boolean (1, T, S) lower-triangular mask."""
    return ops.expand_dims(ops.tril(ops.ones((q_length, v_length), dtype="bool")), 0)


def masked_softmax(scores, mask, axes):
    """Softmax over ``axes`` with masked positions excluded, and zero where fully masked
    (Keras's `Softmax` layer with a mask)."""
    if mask is not None:
        mask = ops.cast(mask, "bool")
        negative = -3e4 if str(scores.dtype).endswith("float16") else -1e9
        scores = ops.where(mask, scores, ops.cast(negative, scores.dtype))
    if len(axes) == 1:
        out = ops.softmax(scores, axis=axes[0])
    else:
        out = ops.exp(ops.subtract(scores, ops.logsumexp(scores, axis=axes, keepdims=True)))
    if mask is not None:
        out = ops.where(mask, out, ops.zeros((), out.dtype))
    return out


def _letter(i):
    return string.ascii_lowercase[i]


def _projection_equation(free_dims, bound_dims, output_dims):
    """(equation, bias_axes, output rank) of a projection (Keras's construction)."""
    inp = kernel = out = bias = ""
    for i in range(free_dims):
        inp += _letter(i)
        out += _letter(i)
    for i in range(bound_dims):
        inp += _letter(free_dims + i)
        kernel += _letter(free_dims + i)
    for i in range(output_dims):
        c = _letter(free_dims + bound_dims + i)
        kernel += c
        out += c
        bias += c
    return f"{inp},{kernel}->{out}", bias, len(out)


def _attention_equations(rank, attn_axes):
    """Einsum equations of scores = key . query and output = scores . value."""
    target = "".join(_letter(i) for i in range(rank))
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source, offset = "", rank
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letter(offset)
            offset += 1
    product = "".join(
        [target[i] for i in batch_dims]
        + [target[i] for i in attn_axes]
        + [source[i] for i in attn_axes]
    )
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


# The projections' arguments, in Keras's config order.
_PROJECTION_ARGS = (
    ("kernel_initializer", initializers),
    ("bias_initializer", initializers),
    ("kernel_regularizer", regularizers),
    ("bias_regularizer", regularizers),
    ("activity_regularizer", regularizers),
    ("kernel_constraint", constraints),
    ("bias_constraint", constraints),
)


class _ProjectedAttention(Layer):
    """What `MultiHeadAttention` and `GroupQueryAttention` share: the dropout and projection
    arguments, the `EinsumDense` projections, the build config, graph masks, the mask merge
    and the attention itself (fused, or einsum and masked softmax).

    A layer checks its own arguments, passes its ``__init__``'s ``locals()`` to
    `_init_projections`, creates its four projections in `_build_projections` and sets the
    einsum equations and axes that `_compute_attention` uses. As in Keras, `MultiHeadAttention`
    keeps ``dropout``, ``use_bias`` and the projections' arguments in private attributes
    (``_dropout``) and `GroupQueryAttention` in public ones: ``_arg_prefix`` says which.
    """

    _owner = None  # the layer's name in error messages
    _arg_prefix = "_"
    _kv_repeats = 0  # query heads per key/value head, when the key and value heads repeat

    def _init_projections(self, args, head_dim):
        self.supports_masking = True
        dropout = args["dropout"]
        if not 0 <= dropout < 1:
            raise ValueError(
                f"{self._owner}: `dropout` must be in [0, 1). Received: dropout={dropout!r}"
            )
        setattr(self, self._arg_prefix + "dropout", dropout)
        setattr(self, self._arg_prefix + "use_bias", bool(args["use_bias"]))
        for name, module in _PROJECTION_ARGS:
            setattr(self, self._attribute(name), module.get(args[name]))
        self.seed = args["seed"]
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(head_dim))
        self._query_dense = self._key_dense = self._value_dense = self._output_dense = None
        self._dropout_layer = Dropout(dropout, seed=self.seed) if dropout > 0 else None

    def _attribute(self, name):
        # `activity_regularizer` would regularize this layer's output: kept apart.
        if name == "activity_regularizer":
            return "_activity_regularizer_sub"
        return self._arg_prefix + name

    # Building -------------------------------------------------------------------------
    def _dense(self, equation, output_shape, bias_axes, name, input_shape):
        """A built projection; each gets fresh initializers (as in Keras)."""
        kwargs = {}
        for arg, module in _PROJECTION_ARGS:
            value = getattr(self, self._attribute(arg))
            kwargs[arg] = (
                initializers.get(module.serialize(value)) if module is initializers else value
            )
        use_bias = getattr(self, self._arg_prefix + "use_bias")
        dense = EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if use_bias else None,
            name=name,
            dtype=self._policy.name,
            **kwargs,
        )
        dense.build(tuple(input_shape))
        dense._build_shapes = tuple(input_shape)
        return dense

    def build(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        with name_scope(self.name):
            self._build_projections(query_shape, value_shape, key_shape)
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

    # Calling --------------------------------------------------------------------------
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
        key = self._key_dense(key)
        value = self._value_dense(value)
        if self._kv_repeats:
            key = ops.repeat(key, self._kv_repeats, axis=2)
            value = ops.repeat(value, self._kv_repeats, axis=2)
        output, scores = self._compute_attention(
            query, key, value, attention_mask, training, return_attention_scores, causal_only
        )
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(
        self,
        query,
        key,
        value,
        attention_mask=None,
        training=None,
        return_attention_scores=False,
        causal_only=False,
    ):
        fused = not (
            self._dropout_layer is not None or return_attention_scores or len(query.shape) != 4
        )
        if fused:
            mask = attention_mask
            if mask is not None:
                while len(mask.shape) < 4:
                    mask = ops.expand_dims(mask, -3)
            out = ops.dot_product_attention(
                query,
                key,
                value,
                mask=mask,
                scale=self._inverse_sqrt_key_dim,
                is_causal=bool(causal_only),
            )
            return out, None
        if causal_only:
            attention_mask = causal_mask(query.shape[1], value.shape[1])
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)
        mask = attention_mask
        if mask is not None:
            axis = -len(self._attn_axes) * 2 - 1
            while len(mask.shape) < len(scores.shape):
                mask = ops.expand_dims(mask, axis)
        scores = masked_softmax(scores, mask, self._norm_axes)
        dropped = scores
        if self._dropout_layer is not None:
            dropped = self._dropout_layer(scores, training=training)
        return ops.einsum(self._combine_equation, dropped, value), scores

    def compute_mask(self, inputs, previous_mask=None):
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0] if previous_mask else None
        return previous_mask

    def _arguments_config(self):
        """The projections' arguments and ``seed``, serialized (the config's last entries)."""
        return {
            **{
                name: module.serialize(getattr(self, self._attribute(name)))
                for name, module in _PROJECTION_ARGS
            },
            "seed": self.seed,
        }


class MultiHeadAttention(_ProjectedAttention):
    """Multi-head attention: project query, key and value into ``num_heads`` heads, attend,
    and project back.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default ``key_dim``).
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        output_shape: size(s) of the output's trailing axes (default: the query's last axis).
        attention_axes: axes attention runs over (default: all but batch, heads and features).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        seed: seed of the dropout.

    Call arguments:
        query `(B, T, dim)`, value `(B, S, dim)`, key (default ``value``); ``query_mask``
        `(B, T)`, ``value_mask`` / ``key_mask`` `(B, S)` (from an upstream mask in a functional
        model, too); ``attention_mask`` `(B, T, S)` boolean; ``return_attention_scores``;
        ``training``; ``use_causal_mask``.

    Output shape:
        ``(B, T, dim)`` (and scores ``(B, num_heads, T, S)`` when asked).

    Example:
        >>> layer = lamina.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        >>> x = np.ones((3, 5, 8), "float32")
        >>> print(layer(x, x).shape)
        (3, 5, 8)
    """

    _owner = "MultiHeadAttention"

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
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
        self._num_heads = _positive_int("MultiHeadAttention", "num_heads", num_heads)
        self._key_dim = _positive_int("MultiHeadAttention", "key_dim", key_dim)
        value_dim = _positive_int("MultiHeadAttention", "value_dim", value_dim, allow_none=True)
        self._value_dim = value_dim or key_dim
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            if not isinstance(output_shape, (list, tuple)):
                raise ValueError(
                    "MultiHeadAttention: `output_shape` must be an int, a list or a tuple. "
                    f"Received: output_shape={output_shape!r}"
                )
            output_shape = tuple(output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "MultiHeadAttention: `attention_axes` must be an int, a list or a tuple. "
                f"Received: attention_axes={attention_axes!r}"
            )
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self._init_projections(locals(), self._key_dim)

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # Building -------------------------------------------------------------------------
    def _projection(self, input_shape, heads_dims, name):
        equation, bias_axes, out_rank = _projection_equation(len(input_shape) - 1, 1, 2)
        output_shape = [None] * (out_rank - 1 - len(heads_dims)) + list(heads_dims)
        return self._dense(equation, output_shape, bias_axes, name, input_shape), out_rank

    def _build_projections(self, query_shape, value_shape, key_shape):
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "MultiHeadAttention: all axes of `value` and `key` but the last must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        heads, key_dim = self._num_heads, self._key_dim
        self._query_dense, _ = self._projection(query_shape, [heads, key_dim], "query")
        self._key_dense, _ = self._projection(key_shape, [heads, key_dim], "key")
        self._value_dense, rank = self._projection(value_shape, [heads, self._value_dim], "value")
        self._build_attention(rank)
        output_shape = self._output_shape or (query_shape[-1],)
        equation, bias_axes, out_rank = _projection_equation(
            len(query_shape) - 1, 2, len(output_shape)
        )
        self._output_dense = self._dense(
            equation,
            [None] * (out_rank - 1 - len(output_shape)) + list(output_shape),
            bias_axes,
            "attention_output",
            (*query_shape[:-1], heads, self._value_dim),
        )

    def _build_attention(self, rank):
        if self._attention_axes is None:
            axes = tuple(range(1, rank - 2))
        else:
            axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
            if any(not 0 < a < rank - 2 for a in axes):
                raise ValueError(
                    f"MultiHeadAttention: `attention_axes`={self._attention_axes} must name axes "
                    f"of the input between the batch and the feature axis (input rank {rank - 1})."
                )
        self._attn_axes = axes
        self._dot_product_equation, self._combine_equation, scores_rank = _attention_equations(
            rank, axes
        )
        self._norm_axes = tuple(range(scores_rank - len(axes), scores_rank))

    # Shapes and config ----------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        out = KerasTensor(self.compute_output_shape(query.shape), self.compute_dtype)
        if not return_attention_scores:
            return out
        proj_q = (*query.shape[:-1], self._num_heads, self._key_dim)
        proj_v = (*value.shape[:-1], self._num_heads, self._value_dim)
        rank = len(proj_q)
        batch = [i for i in range(rank) if i not in self._attn_axes and i != rank - 1]
        shape = tuple(
            [proj_q[i] for i in batch]
            + [proj_q[i] for i in self._attn_axes]
            + [proj_v[i] for i in self._attn_axes]
        )
        return out, KerasTensor(shape, self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "output_shape": list(self._output_shape) if self._output_shape else None,
            "attention_axes": list(self._attention_axes) if self._attention_axes else None,
            **self._arguments_config(),
        }


def _call_shapes(args, kwargs):
    """(query, value, key) shapes of a call, from positional or keyword arguments."""
    values = dict(zip(_QKV, args))
    for name in _QKV:
        if name in kwargs:
            values[name] = kwargs[name]
    if "query" not in values or "value" not in values:
        raise ValueError(
            "An attention layer needs `query` and `value` (self-attention: `layer(x, x)`). "
            f"Received {len(args)} positional argument(s) and keywords {sorted(kwargs)}."
        )
    key = values.get("key")
    return (
        tuple(values["query"].shape),
        tuple(values["value"].shape),
        None if key is None else tuple(key.shape),
    )
