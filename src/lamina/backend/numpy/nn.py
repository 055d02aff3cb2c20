"""nn ops on NumPy arrays: activations, convolution, pooling, normalization, losses.

This is also the reference the symbolic shape inference runs. The argument and padding
arithmetic every backend shares is in `lamina.backend.common.nn_arguments`.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.common.nn_arguments import (
    attention_dtypes,
    attention_large_negative,
    conv_args,
    int_tuple,
    same_pads,
    transpose_pads,
)
from lamina.backend.numpy.core import convert_to_tensor


def _to_channels_last(x, data_format):
    if data_format == "channels_first":
        return np.moveaxis(x, 1, -1)
    return x


def _from_channels_last(x, data_format):
    if data_format == "channels_first":
        return np.moveaxis(x, -1, 1)
    return x


# ----------------------------------------------------------------------------------------
# Activations.


def _float(x):
    """``x`` as an array; integers and bools become `floatx` (activations are float ops)."""
    x = convert_to_tensor(x)
    if x.dtype.kind in "biu":
        return x.astype(dtypes.to_numpy_dtype(config.floatx()))
    return x


def relu(x):
    x = convert_to_tensor(x)
    return np.maximum(x, np.zeros((), x.dtype))


def relu6(x):
    x = convert_to_tensor(x)
    return np.clip(x, np.zeros((), x.dtype), np.asarray(6, x.dtype))


def sigmoid(x):
    x = _float(x)
    # exp of a non-positive number never overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def sparse_sigmoid(x):
    x = _float(x)
    return np.clip((x + 1) / 2, 0, 1).astype(x.dtype)


def softplus(x):
    x = _float(x)
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype)


def softsign(x):
    x = _float(x)
    return (x / (1 + np.abs(x))).astype(x.dtype)


def sparse_plus(x):
    x = _float(x)
    out = np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))
    return out.astype(x.dtype)


def silu(x):
    x = _float(x)
    return (x * sigmoid(x)).astype(x.dtype)


def squareplus(x, b=4):
    x = _float(x)
    return ((x + np.sqrt(x * x + b)) / 2).astype(x.dtype)


def log_sigmoid(x):
    x = _float(x)
    return (-softplus(-x)).astype(x.dtype)


def leaky_relu(x, negative_slope=0.2):
    x = _float(x)
    return np.where(x >= 0, x, negative_slope * x).astype(x.dtype)


def hard_sigmoid(x):
    x = _float(x)
    return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype)


def hard_silu(x):
    x = _float(x)
    return (x * hard_sigmoid(x)).astype(x.dtype)


def elu(x, alpha=1.0):
    x = _float(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype)


def selu(x):
    x = _float(x)
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return (scale * elu(x, alpha)).astype(x.dtype)


def gelu(x, approximate=True):
    x = _float(x)
    if approximate:
        inner = np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)
        out = 0.5 * x * (1 + np.tanh(inner))
    else:
        out = 0.5 * x * (1 + _erf(x / np.sqrt(2)))
    return out.astype(x.dtype)


def celu(x, alpha=1.0):
    x = _float(x)
    return (np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0) / alpha)).astype(x.dtype)


def glu(x, axis=-1):
    x = _float(x)
    a, b = np.split(x, 2, axis=axis)
    return (a * sigmoid(b)).astype(x.dtype)


def tanh_shrink(x):
    x = _float(x)
    return (x - np.tanh(x)).astype(x.dtype)


def hard_tanh(x):
    x = _float(x)
    return np.clip(x, -1, 1).astype(x.dtype)


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return np.where(np.abs(x) > threshold, x, 0).astype(x.dtype)


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    out = np.where(x > threshold, x - threshold, np.where(x < -threshold, x + threshold, 0))
    return out.astype(x.dtype)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    return np.where(x > threshold, x, np.asarray(default_value, x.dtype)).astype(x.dtype)


def softmax(x, axis=-1):
    x = _float(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return (e / np.sum(e, axis=axis, keepdims=True)).astype(x.dtype)


def log_softmax(x, axis=-1):
    x = _float(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return (shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))).astype(x.dtype)


def sparsemax(x, axis=-1):
    x = _float(x)
    z = np.moveaxis(x, axis, -1)
    z_sorted = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cumsum = np.cumsum(z_sorted, axis=-1)
    support = (1 + k * z_sorted) > cumsum
    k_z = np.sum(support, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumsum, k_z - 1, axis=-1) - 1) / k_z
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis).astype(x.dtype)


def _erf(x):
    from lamina.backend.numpy.math import erf

    return erf(x)


# ----------------------------------------------------------------------------------------
# Convolution and pooling (computed channels_last).


def _result_float(*xs):
    dtype = dtypes.result_type(*(dtypes.standardize_dtype(x.dtype) for x in xs))
    return [x.astype(dtypes.to_numpy_dtype(dtype)) for x in xs]


def _pad_or_crop(x, pads):
    """Pad (positive) or crop (negative) the spatial axes 1..nd by ``pads`` = [(lo, hi), ...]."""
    x = np.pad(x, [(0, 0)] + [(max(lo, 0), max(hi, 0)) for lo, hi in pads] + [(0, 0)])
    index = [slice(None)]
    for lo, hi in pads:
        index.append(slice(max(-lo, 0), None if hi >= 0 else hi))
    return x[tuple(index)]


def _conv_channels_last(x, kernel, strides, pads, dilation, groups):
    """Grouped N-D convolution of ``x`` (N, *spatial, C) with ``kernel`` (*k, C/groups, O)."""
    nd = x.ndim - 2
    x = _pad_or_crop(x, pads)
    ksize = kernel.shape[:nd]
    effective = [(k - 1) * d + 1 for k, d in zip(ksize, dilation)]
    windows = sliding_window_view(x, effective, axis=tuple(range(1, nd + 1)))
    index = (
        (slice(None),)
        + tuple(slice(None, None, s) for s in strides)
        + (slice(None),)
        + tuple(slice(None, None, d) for d in dilation)
    )
    windows = windows[index]  # (N, *out, C, *k)
    n, out = windows.shape[0], windows.shape[1 : nd + 1]
    cin_g, cout = kernel.shape[-2], kernel.shape[-1]
    windows = windows.reshape(n, *out, groups, cin_g, *ksize)
    w = kernel.reshape(*ksize, cin_g, groups, cout // groups)
    sp_out, sp_k = "abc"[:nd], "xyz"[:nd]
    result = np.einsum(f"n{sp_out}gi{sp_k},{sp_k}igo->n{sp_out}go", windows, w, optimize=True)
    return result.reshape(n, *out, cout).astype(x.dtype)


def _conv(inputs, kernel, strides, padding, data_format, dilation_rate, groups=None):
    x = convert_to_tensor(inputs)
    kernel = convert_to_tensor(kernel)
    x, kernel = _result_float(x, kernel)
    nd = x.ndim - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    x = _to_channels_last(x, data_format)
    if groups is None:
        groups = x.shape[-1] // kernel.shape[-2]
    if padding == "same":
        pads = [
            same_pads(x.shape[i + 1], kernel.shape[i], strides[i], dilation[i]) for i in range(nd)
        ]
    else:
        pads = [(0, 0)] * nd
    out = _conv_channels_last(x, kernel, strides, pads, dilation, groups)
    return _from_channels_last(out, data_format)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return _conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    nd = kernel.ndim - 2
    kernel = kernel.reshape(*kernel.shape[:nd], 1, kernel.shape[-2] * kernel.shape[-1])
    return _conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    x = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(x, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    x = convert_to_tensor(inputs)
    kernel = convert_to_tensor(kernel)
    x, kernel = _result_float(x, kernel)
    nd = x.ndim - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    out_pad = None if output_padding is None else int_tuple(output_padding, nd, "output_padding")
    x = _to_channels_last(x, data_format)
    pads = []
    for i in range(nd):
        op = None if out_pad is None else out_pad[i]
        lo, hi, _ = transpose_pads(
            x.shape[i + 1], kernel.shape[i], strides[i], padding, op, dilation[i]
        )
        pads.append((lo, hi))
    # Insert stride-1 zeros between input elements, then convolve with the flipped kernel.
    dilated_shape = (
        x.shape[0],
        *[(n - 1) * s + 1 for n, s in zip(x.shape[1:-1], strides)],
        x.shape[-1],
    )
    dilated = np.zeros(dilated_shape, x.dtype)
    dilated[(slice(None), *[slice(None, None, s) for s in strides], slice(None))] = x
    flipped = np.swapaxes(kernel[(slice(None, None, -1),) * nd], -1, -2)
    out = _conv_channels_last(dilated, flipped, (1,) * nd, pads, dilation, 1)
    return _from_channels_last(out, data_format)


def _pool(inputs, pool_size, strides, padding, data_format, kind):
    x = convert_to_tensor(inputs)
    nd = x.ndim - 2
    pool_size = int_tuple(pool_size, nd, "pool_size")
    strides = pool_size if strides is None else strides
    strides, padding, data_format, _ = conv_args(nd, strides, padding, data_format, 1)
    x = _to_channels_last(x, data_format)
    axes = tuple(range(1, nd + 1))
    if padding == "same":
        pads = [same_pads(x.shape[i + 1], pool_size[i], strides[i]) for i in range(nd)]
    else:
        pads = [(0, 0)] * nd
    full_pads = [(0, 0), *pads, (0, 0)]
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides)
    window_axes = tuple(range(-nd, 0))
    if kind == "max":
        low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        padded = np.pad(x, full_pads, constant_values=np.asarray(low).astype(x.dtype))
        windows = sliding_window_view(padded, pool_size, axis=axes)[index]
        out = np.max(windows, axis=window_axes)
    else:
        padded = np.pad(x, full_pads)
        windows = sliding_window_view(padded, pool_size, axis=axes)[index]
        ones = np.pad(np.ones(x.shape[1:-1], x.dtype), pads)
        count_windows = sliding_window_view(ones, pool_size)[
            tuple(slice(None, None, s) for s in strides)
        ]
        counts = np.sum(count_windows, axis=window_axes)[..., None]
        out = (np.sum(windows, axis=window_axes) / counts).astype(x.dtype)
    return _from_channels_last(out, data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "average")


# ----------------------------------------------------------------------------------------
# Encodings.


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    dtype = dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))
    classes = np.arange(num_classes)
    out = (x[..., None] == classes).astype(dtype)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(inputs)
    reduction_axis = 1 if x.ndim > 1 else 0
    return np.max(one_hot(x, num_classes, axis=axis, dtype=dtype), axis=reduction_axis)


# ----------------------------------------------------------------------------------------
# Losses.


def _loss_inputs(target, output):
    target = convert_to_tensor(target)
    output = _float(output)
    return target.astype(output.dtype), output


def binary_crossentropy(target, output, from_logits=False):
    target, output = _loss_inputs(target, output)
    if from_logits:
        out = np.maximum(output, 0) - output * target + np.log1p(np.exp(-np.abs(output)))
        return out.astype(output.dtype)
    eps = config.epsilon()
    output = np.clip(output, eps, 1 - eps)
    out = -(target * np.log(output) + (1 - target) * np.log(1 - output))
    return out.astype(output.dtype)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _loss_inputs(target, output)
    if from_logits:
        return -np.sum(target * log_softmax(output, axis=axis), axis=axis).astype(output.dtype)
    output = output / np.sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    output = np.clip(output, eps, 1 - eps)
    return -np.sum(target * np.log(output), axis=axis).astype(output.dtype)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = convert_to_tensor(target).astype(np.int64)
    output = _float(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = np.squeeze(target, -1)
    output = np.moveaxis(output, axis, -1)
    if from_logits:
        log_prob = log_softmax(output, axis=-1)
    else:
        output = output / np.sum(output, axis=-1, keepdims=True)
        eps = config.epsilon()
        log_prob = np.log(np.clip(output, eps, 1 - eps))
    picked = np.take_along_axis(log_prob, np.clip(target, 0, None)[..., None], axis=-1)
    return (-picked[..., 0]).astype(output.dtype)


# ----------------------------------------------------------------------------------------
# Normalization.


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    original = x.dtype
    if dtypes.standardize_dtype(x.dtype) in ("float16", "bfloat16"):
        x = x.astype(np.float32)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    mean = np.mean(x, axis=axes, keepdims=True)
    variance = np.mean(np.square(x - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean, variance = np.squeeze(mean, axes), np.squeeze(variance, axes)
    if original != x.dtype:
        limit = np.finfo(original).max
        mean = np.clip(mean, -limit, limit).astype(original)
        variance = np.clip(variance, -limit, limit).astype(original)
    return mean, variance


def _channel_shape(x, v, axis):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return np.reshape(v, shape) if v.ndim == 1 and x.ndim > 1 else v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float(x)
    dtype = x.dtype
    mean = _channel_shape(x, convert_to_tensor(mean, dtype), axis)
    variance = _channel_shape(x, convert_to_tensor(variance, dtype), axis)
    inv = 1 / np.sqrt(variance + np.asarray(epsilon, dtype))
    if scale is not None:
        inv = inv * _channel_shape(x, convert_to_tensor(scale, dtype), axis)
    shift = -mean * inv
    if offset is not None:
        shift = shift + _channel_shape(x, convert_to_tensor(offset, dtype), axis)
    return (x * inv + shift).astype(dtype)


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        square_sum = np.sum(x * x, axis=axis, keepdims=True)
        with np.errstate(divide="ignore"):
            inv = np.minimum(1 / np.sqrt(square_sum), 1 / epsilon)
        return (x * inv).astype(x.dtype)
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    return (x / np.maximum(norm, epsilon)).astype(x.dtype)


def _compute_dtype(x):
    return np.float32 if x.dtype in (np.float16, dtypes.to_numpy_dtype("bfloat16")) else x.dtype


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = x.astype(_compute_dtype(x))
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    mean = np.mean(x, axis=axes, keepdims=True)
    variance = np.mean(np.square(x - mean), axis=axes, keepdims=True)
    out = (x - mean) / np.sqrt(variance + epsilon)
    if gamma is not None:
        out = out * _norm_param(x, gamma, axes)
    if beta is not None:
        out = out + _norm_param(x, beta, axes)
    return out.astype(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = x.astype(_compute_dtype(x))
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    out = x / np.sqrt(np.mean(np.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _norm_param(x, scale, axes)
    return out.astype(original)


def _norm_param(x, v, axes):
    v = convert_to_tensor(v).astype(x.dtype)
    if v.ndim == x.ndim:
        return v
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]
    return np.reshape(v, shape)


def psnr(x1, x2, max_val):
    x1, x2 = _float(x1), _float(x2)
    mse = np.mean(np.square(x1 - x2))
    return (20 * np.log10(max_val) - 10 * np.log10(mse)).astype(x1.dtype)


# ----------------------------------------------------------------------------------------
# Attention.


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
    query, key, value = convert_to_tensor(query), convert_to_tensor(key), convert_to_tensor(value)
    compute, logits_dtype = attention_dtypes(query.dtype, key.dtype, value.dtype)
    np_compute = dtypes.to_numpy_dtype(compute)
    np_logits = dtypes.to_numpy_dtype(logits_dtype)
    groups = query.shape[2] // key.shape[2]
    if groups > 1:
        key = np.repeat(key, groups, axis=2)
        value = np.repeat(value, groups, axis=2)
    if scale is None:
        scale = 1.0 / np.sqrt(key.shape[-1])
    q = query.astype(np_logits)
    logits = np.einsum("btnh,bsnh->bnts", q, key.astype(np_logits)) * np_logits.type(scale)
    if bias is not None:
        logits = logits + convert_to_tensor(bias).astype(np_logits)
    if attn_logits_soft_cap is not None:
        cap = np_logits.type(attn_logits_soft_cap)
        logits = np.tanh(logits / cap) * cap
    keep = None
    if mask is not None:
        keep = np.broadcast_to(convert_to_tensor(mask).astype(bool), logits.shape)
    if is_causal:
        t, s = logits.shape[-2:]
        causal = np.tril(np.ones((t, s), dtype=bool))
        keep = causal if keep is None else np.logical_and(keep, causal)
    if keep is not None:
        logits = np.where(keep, logits, np_logits.type(attention_large_negative(logits_dtype)))
    logits = logits.astype(np.promote_types(np_logits, np.float32))
    logits = logits - np.max(logits, axis=-1, keepdims=True)
    probs = np.exp(logits)
    probs = (probs / np.sum(probs, axis=-1, keepdims=True)).astype(np_compute)
    out = np.einsum("bnts,bsnh->btnh", probs, value.astype(np_compute))
    return out.astype(np_compute)
