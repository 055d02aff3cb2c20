"""nn ops on TensorFlow tensors: activations, convolution, pooling, normalization, losses.

TensorFlow's CPU kernels only take channels_last layouts, so channels_first inputs are
transposed around the op.
"""

from __future__ import annotations

import math as _math

import tensorflow as tf

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
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype
from lamina.backend.tensorflow.layouts import (
    dilate,
    from_channels_last,
    pad_or_crop,
    pad_spatial,
    to_channels_last,
)


def _float(x):
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        return tf.cast(x, to_tf_dtype(config.floatx()))
    return x


# ----------------------------------------------------------------------------------------
# Activations.


def relu(x):
    return tf.nn.relu(convert_to_tensor(x))


def relu6(x):
    return tf.nn.relu6(convert_to_tensor(x))


def sigmoid(x):
    return tf.sigmoid(_float(x))


def sparse_sigmoid(x):
    return tf.clip_by_value((_float(x) + 1) / 2, 0, 1)


def softplus(x):
    return tf.math.softplus(_float(x))


def softsign(x):
    return tf.nn.softsign(_float(x))


def sparse_plus(x):
    x = _float(x)
    return tf.where(x <= -1, tf.zeros_like(x), tf.where(x >= 1, x, tf.square(x + 1) / 4))


def silu(x):
    return tf.nn.silu(_float(x))


def squareplus(x, b=4):
    x = _float(x)
    return (x + tf.sqrt(tf.square(x) + b)) / 2


def log_sigmoid(x):
    return tf.math.log_sigmoid(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(_float(x), alpha=negative_slope)


def hard_sigmoid(x):
    return tf.nn.relu6(_float(x) + 3) / 6


def hard_silu(x):
    x = _float(x)
    return x * (tf.nn.relu6(x + 3) / 6)


def elu(x, alpha=1.0):
    x = _float(x)
    out = tf.nn.elu(x)
    return out if alpha == 1 else tf.where(x > 0, out, alpha * out)


def selu(x):
    return tf.nn.selu(_float(x))


def gelu(x, approximate=True):
    return tf.nn.gelu(_float(x), approximate=approximate)


def celu(x, alpha=1.0):
    x = _float(x)
    return tf.nn.relu(x) + alpha * tf.math.expm1(tf.minimum(x, 0) / alpha)


def glu(x, axis=-1):
    x = _float(x)
    a, b = tf.split(x, 2, axis=axis)
    return a * tf.sigmoid(b)


def tanh_shrink(x):
    x = _float(x)
    return x - tf.tanh(x)


def hard_tanh(x):
    return tf.clip_by_value(_float(x), -1, 1)


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return tf.where(tf.abs(x) > threshold, x, tf.zeros_like(x))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    return tf.where(
        x > threshold, x - threshold, tf.where(x < -threshold, x + threshold, tf.zeros_like(x))
    )


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    return tf.where(x > threshold, x, tf.cast(default_value, x.dtype))


def softmax(x, axis=-1):
    x = _float(x)
    if x.shape.rank == 0:
        return tf.ones_like(x)
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    x = _float(x)
    if x.shape.rank == 0:
        return tf.zeros_like(x)
    return tf.nn.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    x = _float(x)
    perm = None
    rank = x.shape.rank
    axis = axis % rank
    if axis != rank - 1:
        perm = [i for i in range(rank) if i != axis] + [axis]
        x = tf.transpose(x, perm)
    z_sorted = tf.sort(x, axis=-1, direction="DESCENDING")
    k = tf.range(1, tf.shape(x)[-1] + 1, dtype=x.dtype)
    cumsum = tf.cumsum(z_sorted, axis=-1)
    support = tf.cast((1 + k * z_sorted) > cumsum, tf.int32)
    k_z = tf.reduce_sum(support, axis=-1, keepdims=True)
    tau = (tf.gather(cumsum, k_z - 1, batch_dims=rank - 1) - 1) / tf.cast(k_z, x.dtype)
    out = tf.nn.relu(x - tau)
    if perm is not None:
        inverse = [perm.index(i) for i in range(rank)]
        out = tf.transpose(out, inverse)
    return out


# ----------------------------------------------------------------------------------------
# Convolution and pooling (computed channels_last).

_TF_FORMAT = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _result_float(x, kernel):
    dtype = dtypes.result_type(
        dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(kernel.dtype)
    )
    return convert_to_tensor(x, dtype), convert_to_tensor(kernel, dtype)


def _conv_channels_last(x, kernel, strides, padding, dilation, groups):
    """N-D conv of a channels_last ``x``; any mix of strides and dilation, grouped or not."""
    nd = x.shape.rank - 2
    if max(dilation) > 1 and max(strides) > 1:
        # tf.nn.convolution refuses strides with dilation: pad as TF would, convolve with
        # stride 1 and keep every stride-th output.
        if padding == "same":
            sizes = x.shape[1:-1]
            x = pad_spatial(
                x,
                [same_pads(sizes[i], kernel.shape[i], strides[i], dilation[i]) for i in range(nd)],
            )
        y = _conv_channels_last(x, kernel, (1,) * nd, "valid", dilation, groups)
        return y[(slice(None), *[slice(None, None, s) for s in strides], slice(None))]
    if groups > 1:
        # Grouped convolution has no CPU kernel in TensorFlow: convolve each group apart.
        xs = tf.split(x, groups, axis=-1)
        ks = tf.split(kernel, groups, axis=-1)
        ys = [_conv_channels_last(a, b, strides, padding, dilation, 1) for a, b in zip(xs, ks)]
        return tf.concat(ys, axis=-1)
    return tf.nn.convolution(
        x,
        kernel,
        strides=strides,
        padding=padding.upper(),
        dilations=dilation,
        data_format=_TF_FORMAT[nd],
    )


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, kernel = _result_float(convert_to_tensor(inputs), convert_to_tensor(kernel))
    nd = x.shape.rank - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    x = to_channels_last(x, data_format)
    groups = x.shape[-1] // kernel.shape[-2]
    y = _conv_channels_last(x, kernel, strides, padding, dilation, groups)
    return from_channels_last(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, kernel = _result_float(convert_to_tensor(inputs), convert_to_tensor(kernel))
    nd = x.shape.rank - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    x = to_channels_last(x, data_format)
    if nd == 1:  # as 2D with a height of 1 (any stride or rate on that axis gives 1 row)
        x, kernel = x[:, None], kernel[None]
        strides, dilation = (strides[0], *strides), (dilation[0], *dilation)
    native = len(set(strides)) == 1 and not (max(dilation) > 1 and max(strides) > 1)
    if nd <= 2 and native:
        y = tf.nn.depthwise_conv2d(
            x,
            kernel,
            strides=(1, *strides, 1),
            padding=padding.upper(),
            dilations=dilation,
        )
    else:
        rank = kernel.shape.rank - 2
        flat = tf.reshape(kernel, (*kernel.shape[:rank], 1, kernel.shape[-2] * kernel.shape[-1]))
        y = _conv_channels_last(x, flat, strides, padding, dilation, x.shape[-1])
    if nd == 1:
        y = y[:, 0]
    return from_channels_last(y, data_format)


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
    nd = x.shape.rank - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    out_pad = None if output_padding is None else int_tuple(output_padding, nd, "output_padding")
    x = to_channels_last(x, data_format)
    sizes = x.shape[1:-1]
    pads, outs = [], []
    for i in range(nd):
        op = None if out_pad is None else out_pad[i]
        lo, hi, out = transpose_pads(
            sizes[i], kernel.shape[i], strides[i], padding, op, dilation[i]
        )
        pads.append((lo, hi))
        outs.append(out)
    if max(dilation) == 1:
        # Native transposed conv to the "full" output, then crop (or zero-pad) to Keras's.
        full = [(n - 1) * s + k for n, s, k in zip(sizes, strides, kernel.shape[:nd])]
        batch = tf.shape(x)[0]
        y = tf.nn.conv_transpose(
            x,
            kernel,
            output_shape=tf.stack([batch, *full, kernel.shape[-2]]),
            strides=strides,
            padding="VALID",
            data_format=_TF_FORMAT[nd],
        )
        crops = [
            (-(k - 1 - lo), out - (full_n - (k - 1 - lo)))
            for (lo, _), out, full_n, k in zip(pads, outs, full, kernel.shape[:nd])
        ]
        y = pad_or_crop(y, crops)
    else:
        flipped = tf.transpose(tf.reverse(kernel, axis=list(range(nd))), [*range(nd), nd + 1, nd])
        dilated = pad_or_crop(dilate(x, strides), pads)
        y = _conv_channels_last(dilated, flipped, (1,) * nd, "valid", dilation, 1)
    return from_channels_last(y, data_format)


def _pool(inputs, pool_size, strides, padding, data_format, kind):
    x = convert_to_tensor(inputs)
    nd = x.shape.rank - 2
    pool_size = int_tuple(pool_size, nd, "pool_size")
    strides = pool_size if strides is None else strides
    strides, padding, data_format, _ = conv_args(nd, strides, padding, data_format, 1)
    x = to_channels_last(x, data_format)
    pool = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    if nd == 3 and x.dtype == tf.float64:  # no float64 3D pooling kernels: pool H, W then D
        y = _separable_pool3d(pool, x, pool_size, strides, padding.upper())
    else:
        y = pool(x, pool_size, strides, padding.upper(), data_format=_TF_FORMAT[nd])
    return from_channels_last(y, data_format)


def _separable_pool3d(pool, x, pool_size, strides, padding):
    """3D max / average pooling as 2D pooling over (H, W) then 1D over D. Exact: the max is
    separable, and so is the mean, since TF's "same" counts factor per axis."""
    shape = tf.shape(x)
    n, d, c = shape[0], shape[1], shape[4]
    hw = tf.reshape(x, tf.concat([[n * d], shape[2:]], 0))
    hw = pool(hw, pool_size[1:], strides[1:], padding, data_format="NHWC")
    hw_shape = tf.shape(hw)
    y = tf.transpose(tf.reshape(hw, [n, d, hw_shape[1], hw_shape[2], c]), [0, 2, 3, 1, 4])
    y = pool(tf.reshape(y, [-1, d, c]), pool_size[:1], strides[:1], padding, data_format="NWC")
    y = tf.reshape(y, [n, hw_shape[1], hw_shape[2], tf.shape(y)[1], c])
    return tf.transpose(y, [0, 3, 1, 2, 4])


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "average")


# ----------------------------------------------------------------------------------------
# Encodings.


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    out = tf.one_hot(x, num_classes, axis=axis, dtype=to_tf_dtype(dtype))
    return tf.sparse.from_dense(out) if sparse else out


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(inputs)
    reduction_axis = 1 if x.shape.rank > 1 else 0
    out = tf.reduce_max(one_hot(x, num_classes, axis=axis, dtype=dtype), axis=reduction_axis)
    return tf.sparse.from_dense(out) if sparse else out


# ----------------------------------------------------------------------------------------
# Losses.


def _loss_inputs(target, output):
    output = _float(output)
    return convert_to_tensor(target, output.dtype), output


def binary_crossentropy(target, output, from_logits=False):
    target, output = _loss_inputs(target, output)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = config.epsilon()
    output = tf.clip_by_value(output, eps, 1 - eps)
    return -(target * tf.math.log(output) + (1 - target) * tf.math.log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _loss_inputs(target, output)
    if from_logits:
        # Not the fused op: its gradient assumes each target sums to 1.
        return -tf.reduce_sum(target * tf.nn.log_softmax(output, axis=axis), axis=axis)
    output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    output = tf.clip_by_value(output, eps, 1 - eps)
    return -tf.reduce_sum(target * tf.math.log(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = tf.cast(convert_to_tensor(target), tf.int64)
    output = _float(output)
    rank = output.shape.rank
    if target.shape.rank == rank and target.shape[-1] == 1:
        target = tf.squeeze(target, -1)
    axis = axis % rank
    if axis != rank - 1:
        output = tf.transpose(output, [i for i in range(rank) if i != axis] + [axis])
    if from_logits:
        # TensorFlow's fused kernel: one operation whose gradient is one operation, where the
        # gathered log-softmax's gradient takes some fifty (a scatter through reshapes).
        return tf.nn.sparse_softmax_cross_entropy_with_logits(tf.maximum(target, 0), output)
    output = output / tf.reduce_sum(output, axis=-1, keepdims=True)
    eps = config.epsilon()
    log_prob = tf.math.log(tf.clip_by_value(output, eps, 1 - eps))
    picked = tf.gather(log_prob, tf.maximum(target, 0), batch_dims=rank - 1)
    return -picked


# ----------------------------------------------------------------------------------------
# Normalization.


def _axes(axes):
    return list(axes) if isinstance(axes, (list, tuple)) else [axes]


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    original = x.dtype
    if original in (tf.float16, tf.bfloat16):
        x = tf.cast(x, tf.float32)
    mean, variance = tf.nn.moments(x, _axes(axes), keepdims=keepdims)
    if original != x.dtype:
        limit = original.max
        mean = tf.cast(tf.clip_by_value(mean, -limit, limit), original)
        variance = tf.cast(tf.clip_by_value(variance, -limit, limit), original)
    return mean, variance


def _channel(x, v, axis):
    v = convert_to_tensor(v, x.dtype)
    if v.shape.rank == 1 and x.shape.rank > 1:
        shape = [1] * x.shape.rank
        shape[axis] = -1
        return tf.reshape(v, shape)
    return v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float(x)
    inv = tf.math.rsqrt(_channel(x, variance, axis) + tf.cast(epsilon, x.dtype))
    if scale is not None:
        inv = inv * _channel(x, scale, axis)
    shift = -_channel(x, mean, axis) * inv
    if offset is not None:
        shift = shift + _channel(x, offset, axis)
    return x * inv + shift


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    if x.shape.rank == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        square_sum = tf.reduce_sum(tf.square(x), axis=axis, keepdims=True)
        return x * tf.minimum(tf.math.rsqrt(square_sum), tf.cast(1 / epsilon, x.dtype))
    norm = tf.pow(tf.reduce_sum(tf.pow(tf.abs(x), order), axis=axis, keepdims=True), 1 / order)
    return x / tf.maximum(norm, tf.cast(epsilon, x.dtype))


def _compute(x):
    return tf.cast(x, tf.float32) if x.dtype in (tf.float16, tf.bfloat16) else x


def _norm_param(x, v, axes):
    v = convert_to_tensor(v, x.dtype)
    rank = x.shape.rank
    if v.shape.rank == rank:
        return v
    shape = [1] * rank
    for a in axes:
        shape[a] = -1 if len(axes) == 1 else x.shape[a]
    return tf.reshape(v, shape)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = _compute(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis)
    mean, variance = tf.nn.moments(x, axes, keepdims=True)
    out = (x - mean) * tf.math.rsqrt(variance + epsilon)
    if gamma is not None:
        out = out * _norm_param(x, gamma, axes)
    if beta is not None:
        out = out + _norm_param(x, beta, axes)
    return tf.cast(out, original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = _compute(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis)
    out = x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _norm_param(x, scale, axes)
    return tf.cast(out, original)


def psnr(x1, x2, max_val):
    x1, x2 = _float(x1), _float(x2)
    mse = tf.reduce_mean(tf.square(x1 - x2))
    log10 = _math.log(10.0)
    return 20 * tf.math.log(tf.cast(max_val, x1.dtype)) / log10 - 10 * tf.math.log(mse) / log10


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
    tf_compute, tf_logits = to_tf_dtype(compute), to_tf_dtype(logits_dtype)
    query, key, value = (tf.cast(t, tf_compute) for t in (query, key, value))
    if scale is None:
        scale = 1.0 / _math.sqrt(int(key.shape[-1]))
    groups = int(query.shape[2]) // int(key.shape[2])
    if groups > 1:
        key = tf.repeat(key, groups, axis=2)
        value = tf.repeat(value, groups, axis=2)
    logits = tf.einsum("btnh,bsnh->bnts", tf.cast(query, tf_logits), tf.cast(key, tf_logits))
    logits = logits * tf.cast(scale, tf_logits)
    if bias is not None:
        logits = logits + tf.cast(convert_to_tensor(bias), tf_logits)
    if attn_logits_soft_cap is not None:
        cap = tf.cast(attn_logits_soft_cap, tf_logits)
        logits = tf.tanh(logits / cap) * cap
    keep = None
    if mask is not None:
        keep = tf.cast(convert_to_tensor(mask), tf.bool)
    if is_causal:
        t, s = int(logits.shape[-2]), int(logits.shape[-1])
        causal = tf.cast(tf.linalg.band_part(tf.ones((t, s), tf.int32), -1, 0), tf.bool)
        keep = causal if keep is None else tf.logical_and(keep, causal)
    if keep is not None:
        negative = tf.cast(attention_large_negative(logits_dtype), tf_logits)
        keep = tf.broadcast_to(keep, tf.shape(logits))
        logits = tf.where(keep, logits, negative)
    probs = tf.cast(tf.nn.softmax(logits, axis=-1), tf_compute)
    return tf.einsum("bnts,bsnh->btnh", probs, value)
