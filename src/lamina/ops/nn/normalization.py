"""Normalization and attention ops: `moments`, `batch_normalization`, `layer_normalization`, `dot_product_attention`, ..."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common import nn_arguments
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.nn._common import _check_axis, _float_dtype, _same_float
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "batch_normalization",
    "dot_product_attention",
    "layer_normalization",
    "moments",
    "normalize",
    "psnr",
    "rms_normalization",
]


# ----------------------------------------------------------------------------------------
# Normalization.


def _normalize_axes(op, x, axes):
    ndim = len(shape_of(x))
    axes = list(axes) if isinstance(axes, (list, tuple)) else [axes]
    out = []
    for a in axes:
        if not isinstance(a, int) or not -ndim <= a < ndim:
            raise ValueError(f"`ops.{op}`: axis {a!r} is out of range for an input of rank {ndim}.")
        out.append(a % ndim)
    return out


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (population) variance of ``x`` over ``axes``.

    Example:
        >>> lamina.ops.moments(np.array([1.0, 2.0, 4.0, 5.0]), axes=[0])
        (array(3.), array(2.5))
    """
    axes = _normalize_axes("moments", x, axes)
    if any_symbolic(x):
        shape = []
        for i, d in enumerate(shape_of(x)):
            if i not in axes:
                shape.append(d)
            elif keepdims:
                shape.append(1)
        dtype = _float_dtype(x)
        return KerasTensor(shape, dtype), KerasTensor(shape, dtype)
    return B.nn.moments(x, axes, keepdims=keepdims, synchronized=synchronized)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, statistics along ``axis``.

    Example:
        >>> x, mean, var = np.array([[1.0, 3.0]]), np.array([1.0, 1.0]), np.array([4.0, 4.0])
        >>> lamina.ops.batch_normalization(x, mean, var, axis=-1, epsilon=0.0)
        array([[0., 1.]])
    """
    _check_axis("batch_normalization", x, axis)
    size = shape_of(x)[axis]
    for name, v in (("mean", mean), ("variance", variance), ("offset", offset), ("scale", scale)):
        if v is None:
            continue
        vs = tuple(shape_of(v))
        if len(vs) == 1 and size is not None and vs[0] is not None and vs[0] != size:
            raise ValueError(
                f"`ops.batch_normalization`: `{name}` must have shape ({size},) to match axis "
                f"{axis} of `x`. Received: {name}.shape={vs}, x.shape={tuple(shape_of(x))}"
            )
    if any_symbolic(x, mean, variance, offset, scale):
        return _same_float(x)
    return B.nn.batch_normalization(x, mean, variance, axis, offset, scale, epsilon)


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (at least ``epsilon``).

    Example:
        >>> lamina.ops.normalize(np.array([3.0, 4.0]))
        array([0.6, 0.8])
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"`ops.normalize`: `order` must be an int >= 1. Received: order={order!r}")
    if any_symbolic(x):
        shape = shape_of(x) or (1,)
        return KerasTensor(shape, _float_dtype(x))
    return B.nn.normalize(x, axis=axis, order=order, epsilon=epsilon)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    """Layer normalization over ``axis`` (an int or a list), with optional scale and shift.

    Example:
        >>> np.round(lamina.ops.layer_normalization(np.array([1.0, 2.0, 3.0])), 3)
        array([-1.225,  0.   ,  1.225])
    """
    _normalize_axes("layer_normalization", x, axis)
    if any_symbolic(x, gamma, beta):
        return _same_float(x)
    return B.nn.layer_normalization(x, gamma, beta, axis=axis, epsilon=epsilon)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """Root-mean-square normalization over ``axis``, with an optional ``scale``.

    Example:
        >>> np.round(lamina.ops.rms_normalization(np.array([3.0, 4.0])), 3)
        array([0.849, 1.131])
    """
    _normalize_axes("rms_normalization", x, axis)
    if any_symbolic(x, scale):
        return _same_float(x)
    return B.nn.rms_normalization(x, scale, axis=axis, epsilon=epsilon)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio between two signals, in decibels.

    Example:
        >>> round(float(lamina.ops.psnr(np.zeros(4), np.full(4, 0.1), max_val=1.0)), 3)
        20.0
    """
    if tuple(shape_of(x1)) != tuple(shape_of(x2)):
        raise ValueError(
            f"`ops.psnr`: `x1` and `x2` must have the same shape. Received: "
            f"{tuple(shape_of(x1))} and {tuple(shape_of(x2))}"
        )
    if any_symbolic(x1, x2):
        return KerasTensor((), _float_dtype(x1))
    return B.nn.psnr(x1, x2, max_val)


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention, ``softmax(Q K^T * scale + bias) V``, over (B, T, N, H) inputs.

    ``key`` and ``value`` are (B, S, K, H) (value's head size may differ) with K dividing N (grouped-query attention when
    K < N). ``mask`` is boolean, broadcastable to (B, N, T, S), True where attention is
    allowed; ``bias`` is added to the logits; ``scale`` defaults to ``1 / sqrt(H)``;
    ``attn_logits_soft_cap`` caps the logits softly with ``cap * tanh(logits / cap)``.

    Example:
        >>> q = np.ones((2, 4, 8, 16), "float32"); kv = np.ones((2, 6, 8, 16), "float32")
        >>> print(lamina.ops.dot_product_attention(q, kv, kv).shape)
        (2, 4, 8, 16)
    """
    q_shape, k_shape, v_shape = shape_of(query), shape_of(key), shape_of(value)
    for name, shape in (("query", q_shape), ("key", k_shape), ("value", v_shape)):
        if len(shape) != 4:
            raise ValueError(
                f"`ops.dot_product_attention`: `{name}` must be 4-D (batch, length, heads, "
                f"head_dim). Received: {name}.shape={tuple(shape)}"
            )
    if tuple(k_shape[:3]) != tuple(v_shape[:3]):
        raise ValueError(
            "`ops.dot_product_attention`: `key` and `value` must have the same batch, length "
            "and head axes (only the head size may differ). "
            f"Received: key.shape={tuple(k_shape)}, value.shape={tuple(v_shape)}"
        )
    n, k = q_shape[2], k_shape[2]
    if n is not None and k is not None and (k == 0 or n % k):
        raise ValueError(
            "`ops.dot_product_attention`: the number of query heads must be a multiple of the "
            f"number of key/value heads. Received: query.shape={tuple(q_shape)}, "
            f"key.shape={tuple(k_shape)}"
        )
    if q_shape[3] is not None and k_shape[3] is not None and q_shape[3] != k_shape[3]:
        raise ValueError(
            "`ops.dot_product_attention`: `query` and `key` must have the same head size (last "
            f"axis). Received: query.shape={tuple(q_shape)}, key.shape={tuple(k_shape)}"
        )
    if flash_attention:
        raise ValueError(
            "`ops.dot_product_attention`: `flash_attention=True` is not supported by Lamina's "
            "backends; pass None or False."
        )
    if attn_logits_soft_cap is not None and not attn_logits_soft_cap > 0:
        raise ValueError(
            "`ops.dot_product_attention`: `attn_logits_soft_cap` must be a positive number. "
            f"Received: attn_logits_soft_cap={attn_logits_soft_cap!r}"
        )
    if any_symbolic(query, key, value, bias, mask):
        compute, _ = nn_arguments.attention_dtypes(dtype_of(query), dtype_of(key), dtype_of(value))
        return KerasTensor((*q_shape[:3], v_shape[3]), compute)
    return B.nn.dot_product_attention(
        query,
        key,
        value,
        bias=bias,
        mask=mask,
        scale=scale,
        is_causal=is_causal,
        flash_attention=flash_attention,
        attn_logits_soft_cap=attn_logits_soft_cap,
    )
