"""Argument normalization and padding arithmetic shared by every backend's nn ops, the
symbolic shape inference and the ONNX export (pure Python, no framework), so that every
backend pads a ``"same"`` convolution identically (TensorFlow's rule); and the dtype rules of
`dot_product_attention`."""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina.backend.common import dtypes


def int_tuple(value, n, name="argument"):
    """An int or a sequence as a tuple of ``n`` ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1 and n > 1:
        return value * n
    if len(value) != n:
        raise ValueError(f"`{name}` must have {n} values. Received: {name}={value}")
    return value


def conv_args(nd, strides, padding, data_format, dilation_rate):
    """Canonical (strides, padding, data_format, dilation) for an ``nd``-D conv or pool."""
    return (
        int_tuple(strides, nd, "strides"),
        str(padding).lower(),
        config.standardize_data_format(data_format),
        int_tuple(dilation_rate, nd, "dilation_rate"),
    )


def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow's ``"same"`` padding of one axis: (before, after), more after when odd."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def conv_output_length(size, kernel, stride, padding, dilation=1):
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if padding == "same":
        return -(-size // stride)
    return max((size - effective) // stride + 1, 0)


def transpose_output_length(size, kernel, stride, padding, output_padding, dilation=1):
    """Keras's output length for a transposed convolution along one axis."""
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(effective - stride, 0)
        return size * stride
    pad = effective // 2 if padding == "same" else 0
    return (size - 1) * stride + effective - 2 * pad + output_padding


def transpose_pads(size, kernel, stride, padding, output_padding, dilation=1):
    """(lo, hi) padding of the stride-dilated input for a transposed conv, and the output length.

    A transposed conv is the gradient of the forward conv whose input has the output's length,
    so its padding mirrors that forward conv's (TensorFlow's ``conv_transpose`` semantics).
    """
    effective = (kernel - 1) * dilation + 1
    out = transpose_output_length(size, kernel, stride, padding, output_padding, dilation)
    if padding == "same":
        total = max((size - 1) * stride + effective - out, 0)
        lo = effective - 1 - total // 2
    else:
        lo = effective - 1
    hi = out - (size - 1) * stride - 2 + effective - lo
    return lo, hi, out


def attention_dtypes(q_dtype, k_dtype, v_dtype):
    """(compute dtype, logits dtype) of `dot_product_attention` for the inputs' dtypes (names)."""
    compute = dtypes.result_type(
        dtypes.standardize_dtype(q_dtype),
        dtypes.standardize_dtype(k_dtype),
        dtypes.standardize_dtype(v_dtype),
    )
    if not dtypes.is_float(compute):
        compute = config.floatx()
    logits = dtypes.result_type(compute, "float32")
    return compute, logits


def attention_large_negative(dtype):
    """The finite stand-in for -inf at masked logits (as Keras: 0.7 times the dtype's min)."""
    return -0.7 * (65500.0 if dtypes.standardize_dtype(dtype) == "float16" else 3.38953e38)
