"""nn ops on JAX arrays: activations, convolution, pooling, normalization, losses."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

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
from lamina.backend.jax import conv_products
from lamina.backend.jax.core import convert_to_tensor
from lamina.backend.jax.tiled_max_pool import tiled_max_pool


def _float(x):
    x = convert_to_tensor(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x.astype(dtypes.to_numpy_dtype(config.floatx()))
    return x


# ----------------------------------------------------------------------------------------
# Activations.


def relu(x):
    return jax.nn.relu(convert_to_tensor(x))


def relu6(x):
    return jax.nn.relu6(convert_to_tensor(x))


def sigmoid(x):
    return jax.nn.sigmoid(_float(x))


def sparse_sigmoid(x):
    x = _float(x)
    return jnp.clip((x + 1) / 2, 0, 1)


def softplus(x):
    return jax.nn.softplus(_float(x))


def softsign(x):
    x = _float(x)
    return x / (1 + jnp.abs(x))


def sparse_plus(x):
    x = _float(x)
    return jnp.where(x <= -1, 0, jnp.where(x >= 1, x, (x + 1) ** 2 / 4)).astype(x.dtype)


def silu(x):
    return jax.nn.silu(_float(x))


def squareplus(x, b=4):
    x = _float(x)
    return (x + jnp.sqrt(x * x + b)) / 2


def log_sigmoid(x):
    return jax.nn.log_sigmoid(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(_float(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    x = _float(x)
    return jnp.clip(x + 3, 0, 6) / 6


def hard_silu(x):
    x = _float(x)
    return x * (jnp.clip(x + 3, 0, 6) / 6)


def elu(x, alpha=1.0):
    return jax.nn.elu(_float(x), alpha=alpha)


def selu(x):
    return jax.nn.selu(_float(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(_float(x), approximate=approximate)


def celu(x, alpha=1.0):
    return jax.nn.celu(_float(x), alpha=alpha)


def glu(x, axis=-1):
    return jax.nn.glu(_float(x), axis=axis)


def tanh_shrink(x):
    x = _float(x)
    return x - jnp.tanh(x)


def hard_tanh(x):
    return jnp.clip(_float(x), -1, 1)


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros((), x.dtype))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    zero = jnp.zeros((), x.dtype)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, zero))


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


def softmax(x, axis=-1):
    return jax.nn.softmax(_float(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(_float(x), axis=axis)


def sparsemax(x, axis=-1):
    x = _float(x)
    z = jnp.moveaxis(x, axis, -1)
    z_sorted = -jnp.sort(-z, axis=-1)
    k = jnp.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cumsum = jnp.cumsum(z_sorted, axis=-1)
    support = (1 + k * z_sorted) > cumsum
    k_z = jnp.sum(support, axis=-1, keepdims=True, dtype=jnp.int32)
    tau = (jnp.take_along_axis(cumsum, k_z - 1, axis=-1) - 1) / k_z.astype(z.dtype)
    return jnp.moveaxis(jnp.maximum(z - tau, 0), -1, axis)


# ----------------------------------------------------------------------------------------
# Convolution and pooling.


def _dimension_numbers(nd, data_format):
    spatial = "DHW"[-nd:] if nd <= 3 else None
    if data_format == "channels_last":
        lhs = "N" + spatial + "C"
    else:
        lhs = "NC" + spatial
    return jax.lax.conv_dimension_numbers(
        (1,) * (nd + 2), (1,) * (nd + 2), (lhs, spatial + "IO", lhs)
    )


def _result_float(x, kernel):
    dtype = dtypes.result_type(
        dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(kernel.dtype)
    )
    dtype = dtypes.to_numpy_dtype(dtype)
    return x.astype(dtype), kernel.astype(dtype)


def _spatial(x, data_format):
    return x.shape[1:-1] if data_format == "channels_last" else x.shape[2:]


def _conv(inputs, kernel, strides, padding, data_format, dilation_rate, groups=None):
    x, kernel = _result_float(convert_to_tensor(inputs), convert_to_tensor(kernel))
    nd = x.ndim - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
    if groups is None:
        groups = channels // kernel.shape[-2]
    sizes = _spatial(x, data_format)
    if padding == "same":
        pads = [same_pads(sizes[i], kernel.shape[i], strides[i], dilation[i]) for i in range(nd)]
    else:
        pads = [(0, 0)] * nd
    if conv_products.applies(x, kernel, groups, data_format):
        # XLA's convolution, with a kernel gradient that runs several times faster on CPU.
        pads = tuple((int(lo), int(hi)) for lo, hi in pads)
        return conv_products.conv(x, kernel, tuple(strides), pads, tuple(dilation))
    return jax.lax.conv_general_dilated(
        x,
        kernel,
        window_strides=strides,
        padding=pads,
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(nd, data_format),
        feature_group_count=groups,
    )


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return _conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    nd = kernel.ndim - 2
    kernel = jnp.reshape(kernel, (*kernel.shape[:nd], 1, kernel.shape[-2] * kernel.shape[-1]))
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
    x, kernel = _result_float(convert_to_tensor(inputs), convert_to_tensor(kernel))
    nd = x.ndim - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    out_pad = None if output_padding is None else int_tuple(output_padding, nd, "output_padding")
    sizes = _spatial(x, data_format)
    pads = []
    for i in range(nd):
        op = None if out_pad is None else out_pad[i]
        lo, hi, _ = transpose_pads(sizes[i], kernel.shape[i], strides[i], padding, op, dilation[i])
        pads.append((lo, hi))
    # The transposed conv is a conv of the stride-dilated input with the flipped kernel.
    flipped = jnp.swapaxes(jnp.flip(kernel, axis=tuple(range(nd))), -1, -2)
    return jax.lax.conv_general_dilated(
        x,
        flipped,
        window_strides=(1,) * nd,
        padding=pads,
        lhs_dilation=strides,
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(nd, data_format),
    )


def _pool(inputs, pool_size, strides, padding, data_format, kind):
    x = convert_to_tensor(inputs)
    nd = x.ndim - 2
    pool_size = int_tuple(pool_size, nd, "pool_size")
    strides = pool_size if strides is None else strides
    strides, padding, data_format, _ = conv_args(nd, strides, padding, data_format, 1)
    sizes = _spatial(x, data_format)
    if padding == "same":
        pads = [same_pads(sizes[i], pool_size[i], strides[i]) for i in range(nd)]
    else:
        pads = [(0, 0)] * nd
    if data_format == "channels_last":
        window, step, full_pads = (1, *pool_size, 1), (1, *strides, 1), [(0, 0), *pads, (0, 0)]
    else:
        window, step, full_pads = (1, 1, *pool_size), (1, 1, *strides), [(0, 0), (0, 0), *pads]
    if kind == "max" and padding == "valid" and tuple(strides) == tuple(pool_size):
        # Non-overlapping windows: XLA's window reduction forward, and a reshape-based
        # gradient that XLA on CPU runs several times faster than select-and-scatter.
        return tiled_max_pool(x, tuple(pool_size), 1 if data_format == "channels_last" else 2)
    if kind == "max":
        if jnp.issubdtype(x.dtype, jnp.floating):
            init = -jnp.inf
        else:
            init = jnp.iinfo(x.dtype).min
        # NumPy (not jnp) init values: JAX recognises a concrete identity element and then
        # uses its differentiable max/add window reductions (a traced init is not recognised).
        return jax.lax.reduce_window(
            x, np.array(init, x.dtype), jax.lax.max, window, step, full_pads
        )
    total = jax.lax.reduce_window(x, np.zeros((), x.dtype), jax.lax.add, window, step, full_pads)
    if padding == "valid":
        return total / np.prod(pool_size).astype(x.dtype)
    # "same": average over the real elements only (the padding does not count).
    ones = jnp.ones((1, *sizes, 1) if data_format == "channels_last" else (1, 1, *sizes), x.dtype)
    counts = jax.lax.reduce_window(
        ones, np.zeros((), x.dtype), jax.lax.add, window, step, full_pads
    )
    return total / counts


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "average")


# ----------------------------------------------------------------------------------------
# Encodings.


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    dtype = dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))
    return jax.nn.one_hot(x, num_classes, axis=axis, dtype=dtype)


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(inputs)
    reduction_axis = 1 if x.ndim > 1 else 0
    return jnp.max(one_hot(x, num_classes, axis=axis, dtype=dtype), axis=reduction_axis)


# ----------------------------------------------------------------------------------------
# Losses.


def _loss_inputs(target, output):
    output = _float(output)
    return convert_to_tensor(target).astype(output.dtype), output


def binary_crossentropy(target, output, from_logits=False):
    target, output = _loss_inputs(target, output)
    if from_logits:
        return jax.nn.relu(output) - output * target + jax.nn.softplus(-jnp.abs(output))
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1 - eps)
    return -(target * jnp.log(output) + (1 - target) * jnp.log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _loss_inputs(target, output)
    if from_logits:
        return -jnp.sum(target * jax.nn.log_softmax(output, axis=axis), axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1 - eps)
    return -jnp.sum(target * jnp.log(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = convert_to_tensor(target).astype(jnp.int32)
    output = _float(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    output = jnp.moveaxis(output, axis, -1)
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=-1)
    else:
        output = output / jnp.sum(output, axis=-1, keepdims=True)
        eps = config.epsilon()
        log_prob = jnp.log(jnp.clip(output, eps, 1 - eps))
    picked = jnp.take_along_axis(log_prob, jnp.maximum(target, 0)[..., None], axis=-1)
    return -picked[..., 0]


# ----------------------------------------------------------------------------------------
# Normalization.


def _axes(axes):
    return tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    original = x.dtype
    if original in (jnp.float16, jnp.bfloat16):
        x = x.astype(jnp.float32)
    axes = _axes(axes)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - jax.lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
    if original != x.dtype:
        limit = float(jnp.finfo(original).max)
        mean = jnp.clip(mean, -limit, limit).astype(original)
        variance = jnp.clip(variance, -limit, limit).astype(original)
    return mean, variance


def _channel(x, v, axis):
    v = convert_to_tensor(v).astype(x.dtype)
    if v.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        return jnp.reshape(v, shape)
    return v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float(x)
    inv = jax.lax.rsqrt(_channel(x, variance, axis) + jnp.asarray(epsilon, x.dtype))
    if scale is not None:
        inv = inv * _channel(x, scale, axis)
    shift = -_channel(x, mean, axis) * inv
    if offset is not None:
        shift = shift + _channel(x, offset, axis)
    return x * inv + shift


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        square_sum = jnp.sum(x * x, axis=axis, keepdims=True)
        return x * jnp.minimum(jax.lax.rsqrt(square_sum), 1 / epsilon)
    norm = jnp.sum(jnp.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    return x / jnp.maximum(norm, epsilon)


def _compute(x):
    return x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x


def _norm_param(x, v, axes):
    v = convert_to_tensor(v).astype(x.dtype)
    if v.ndim == x.ndim:
        return v
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]
    return jnp.reshape(v, shape)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = _compute(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    out = (x - mean) * jax.lax.rsqrt(variance + epsilon)
    if gamma is not None:
        out = out * _norm_param(x, gamma, axes)
    if beta is not None:
        out = out + _norm_param(x, beta, axes)
    return out.astype(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = _compute(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis)
    out = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _norm_param(x, scale, axes)
    return out.astype(original)


def psnr(x1, x2, max_val):
    x1, x2 = _float(x1), _float(x2)
    mse = jnp.mean(jnp.square(x1 - x2))
    return (20 * jnp.log10(max_val) - 10 * jnp.log10(mse)).astype(x1.dtype)


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
    jnp_compute = dtypes.to_numpy_dtype(compute)
    query, key, value = (t.astype(jnp_compute) for t in (query, key, value))
    if bias is not None:
        bias = convert_to_tensor(bias).astype(jnp_compute)
    if mask is not None:
        mask = convert_to_tensor(mask).astype(bool)
    if scale is None:
        scale = 1.0 / float(np.sqrt(key.shape[-1]))
    if (
        attn_logits_soft_cap is None
        and compute in ("float16", "bfloat16", "float32")
        and key.shape == value.shape
    ):
        # jax wants 4-D bias and mask; lower ranks broadcast from the left, as in NumPy.
        if bias is not None and bias.ndim < 4:
            bias = jnp.reshape(bias, (1,) * (4 - bias.ndim) + bias.shape)
        if mask is not None and mask.ndim < 4:
            mask = jnp.reshape(mask, (1,) * (4 - mask.ndim) + mask.shape)
        return jax.nn.dot_product_attention(
            query, key, value, bias=bias, mask=mask, scale=scale, is_causal=is_causal
        )
    jnp_logits = dtypes.to_numpy_dtype(logits_dtype)
    groups = query.shape[2] // key.shape[2]
    if groups > 1:
        key = jnp.repeat(key, groups, axis=2)
        value = jnp.repeat(value, groups, axis=2)
    logits = jnp.einsum("btnh,bsnh->bnts", query.astype(jnp_logits), key.astype(jnp_logits))
    logits = logits * jnp.asarray(scale, jnp_logits)
    if bias is not None:
        logits = logits + bias.astype(jnp_logits)
    if attn_logits_soft_cap is not None:
        cap = jnp.asarray(attn_logits_soft_cap, jnp_logits)
        logits = jnp.tanh(logits / cap) * cap
    keep = mask
    if is_causal:
        t, s = logits.shape[-2:]
        causal = jnp.tril(jnp.ones((t, s), dtype=bool))
        keep = causal if keep is None else jnp.logical_and(keep, causal)
    if keep is not None:
        negative = jnp.asarray(attention_large_negative(logits_dtype), jnp_logits)
        logits = jnp.where(keep, logits, negative)
    probs = jax.nn.softmax(logits, axis=-1).astype(jnp_compute)
    return jnp.einsum("bnts,bsnh->btnh", probs, value)
