"""nn ops on PyTorch tensors: activations, convolution, pooling, normalization, losses.

Layout: Lamina (like Keras) is channels_last by default while torch's conv and pool functions
take (N, C, *spatial) shapes. A channels_last tensor is viewed, not copied, as NC...:
``x.permute(0, 3, 1, 2)`` of an NHWC tensor has NCHW shape with channels_last memory, so torch
runs its channels_last kernels and returns channels_last memory, which the inverse permute
turns back into a contiguous NHWC tensor (no copies on the way in or out).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

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
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _float(x):
    x = convert_to_tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        return x.to(to_torch_dtype(config.floatx()))
    return x


# ----------------------------------------------------------------------------------------
# Activations.


def relu(x):
    return torch.relu(convert_to_tensor(x))


def relu6(x):
    x = convert_to_tensor(x)
    return F.relu6(x) if x.is_floating_point() else torch.clamp(x, 0, 6)


def sigmoid(x):
    return torch.sigmoid(_float(x))


def sparse_sigmoid(x):
    return torch.clamp((_float(x) + 1) / 2, 0, 1)


def softplus(x):
    return F.softplus(_float(x))


def softsign(x):
    return F.softsign(_float(x))


def sparse_plus(x):
    x = _float(x)
    return torch.where(x <= -1, 0.0, torch.where(x >= 1, x, (x + 1) ** 2 / 4))


def silu(x):
    return F.silu(_float(x))


def squareplus(x, b=4):
    x = _float(x)
    return (x + torch.sqrt(x * x + b)) / 2


def log_sigmoid(x):
    return F.logsigmoid(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_float(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return F.hardsigmoid(_float(x))


def hard_silu(x):
    return F.hardswish(_float(x))


def elu(x, alpha=1.0):
    return F.elu(_float(x), alpha=alpha)


def selu(x):
    return F.selu(_float(x))


def gelu(x, approximate=True):
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def celu(x, alpha=1.0):
    return F.celu(_float(x), alpha=alpha)


def glu(x, axis=-1):
    return F.glu(_float(x), dim=axis)


def tanh_shrink(x):
    return F.tanhshrink(_float(x))


def hard_tanh(x):
    return F.hardtanh(_float(x))


def hard_shrink(x, threshold=0.5):
    return F.hardshrink(_float(x), lambd=threshold)


def soft_shrink(x, threshold=0.5):
    return F.softshrink(_float(x), lambd=threshold)


def threshold(x, threshold, default_value):
    x = convert_to_tensor(x)
    return torch.where(
        x > threshold, x, torch.tensor(default_value, dtype=x.dtype, device=x.device)
    )


def softmax(x, axis=-1):
    x = _float(x)
    if x.ndim == 0:
        return torch.ones_like(x)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    x = _float(x)
    if x.ndim == 0:
        return torch.zeros_like(x)
    return torch.log_softmax(x, dim=axis)


def sparsemax(x, axis=-1):
    x = _float(x)
    z = torch.movedim(x, axis, -1)
    z_sorted, _ = torch.sort(z, dim=-1, descending=True)
    k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype, device=z.device)
    cumsum = torch.cumsum(z_sorted, dim=-1)
    support = (1 + k * z_sorted) > cumsum
    k_z = torch.sum(support, dim=-1, keepdim=True)
    tau = (torch.gather(cumsum, -1, k_z - 1) - 1) / k_z.to(z.dtype)
    return torch.movedim(torch.clamp(z - tau, min=0), -1, axis)


# ----------------------------------------------------------------------------------------
# Convolution and pooling.

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _to_channels_first(x, nd):
    """A zero-copy (N, C, *spatial) view of a channels_last tensor."""
    return x.permute(0, nd + 1, *range(1, nd + 1))


def _to_channels_last(x, nd):
    return x.permute(0, *range(2, nd + 2), 1)


def _kernel(kernel, nd):
    """Keras's (*k, in, out) kernel as torch's (out, in, *k) weight (a view)."""
    return kernel.permute(nd + 1, nd, *range(nd))


def _result_float(x, kernel):
    if x.dtype == kernel.dtype and x.is_floating_point():
        return x, kernel
    dtype = dtypes.result_type(
        dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(kernel.dtype)
    )
    dtype = to_torch_dtype(dtype)
    return x.to(dtype), kernel.to(dtype)


def _torch_pad(pads):
    """[(lo, hi), ...] per spatial axis as F.pad's flat list (last axis first)."""
    flat = []
    for lo, hi in reversed(pads):
        flat.extend((lo, hi))
    return flat


def _resolve_padding(x, sizes, kernel_sizes, strides, dilation, padding, fill=0.0):
    """Symmetric padding for the torch op, after padding ``x`` itself when TF's is asymmetric."""
    nd = len(sizes)
    if padding == "valid":
        return x, (0,) * nd
    pads = [same_pads(sizes[i], kernel_sizes[i], strides[i], dilation[i]) for i in range(nd)]
    if all(lo == hi for lo, hi in pads):
        return x, tuple(lo for lo, _ in pads)
    return F.pad(x, _torch_pad(pads), value=fill), (0,) * nd


def _conv(inputs, kernel, strides, padding, data_format, dilation_rate, depthwise=False):
    x, kernel = _result_float(convert_to_tensor(inputs), convert_to_tensor(kernel))
    nd = x.ndim - 2
    strides, padding, data_format, dilation = conv_args(
        nd, strides, padding, data_format, dilation_rate
    )
    channels_last = data_format == "channels_last"
    if channels_last:
        x = _to_channels_first(x, nd)
    if depthwise:
        kernel = kernel.reshape(*kernel.shape[:nd], 1, kernel.shape[-2] * kernel.shape[-1])
    groups = x.shape[1] // kernel.shape[-2]
    x, pad = _resolve_padding(x, x.shape[2:], kernel.shape[:nd], strides, dilation, padding)
    y = _CONV[nd](x, _kernel(kernel, nd), None, strides, pad, dilation, groups)
    return _to_channels_last(y, nd) if channels_last else y


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return _conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return _conv(inputs, kernel, strides, padding, data_format, dilation_rate, depthwise=True)


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


def _crop_or_pad(y, starts, lengths):
    """Take ``lengths`` elements from ``starts`` on each spatial axis (2..), zero-filling."""
    nd = len(starts)
    pads = []
    for i in range(nd):
        size = y.shape[2 + i]
        lo, hi = -starts[i], starts[i] + lengths[i] - size
        pads.append((lo, hi))
    return F.pad(y, _torch_pad(pads))  # negative amounts crop


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
    channels_last = data_format == "channels_last"
    if channels_last:
        x = _to_channels_first(x, nd)
    torch_pad, torch_out_pad, starts, lengths = [], [], [], []
    direct = True
    for i in range(nd):
        op = None if out_pad is None else out_pad[i]
        k, s, d = kernel.shape[i], strides[i], dilation[i]
        lo, hi, out = transpose_pads(x.shape[2 + i], k, s, padding, op, d)
        effective = (k - 1) * d + 1
        p, extra = effective - 1 - lo, hi - lo
        direct = direct and p >= 0 and 0 <= extra < max(s, d)
        torch_pad.append(p)
        torch_out_pad.append(extra)
        # Fallback: the full output has lo = effective - 1; take ``out`` from the right start.
        starts.append(effective - 1 - lo)
        lengths.append(out)
    weight = _kernel(kernel, nd)
    if direct:
        y = _CONV_T[nd](
            x, weight, None, strides, tuple(torch_pad), tuple(torch_out_pad), 1, dilation
        )
    else:
        y = _CONV_T[nd](x, weight, None, strides, 0, 0, 1, dilation)
        y = _crop_or_pad(y, starts, lengths)
    return _to_channels_last(y, nd) if channels_last else y


def _pool(inputs, pool_size, strides, padding, data_format, kind):
    x = convert_to_tensor(inputs)
    nd = x.ndim - 2
    pool_size = int_tuple(pool_size, nd, "pool_size")
    strides = pool_size if strides is None else strides
    strides, padding, data_format, dilation = conv_args(nd, strides, padding, data_format, 1)
    channels_last = data_format == "channels_last"
    if channels_last:
        x = _to_channels_first(x, nd)
    sizes = x.shape[2:]
    if kind == "max":
        x, pad = _resolve_padding(
            x, sizes, pool_size, strides, dilation, padding, fill=float("-inf")
        )
        y = _MAX_POOL[nd](x, pool_size, strides, pad)
    else:
        padded, pad = _resolve_padding(x, sizes, pool_size, strides, dilation, padding)
        if padded is x:  # valid, or symmetric "same" padding that torch can leave out of the mean
            y = _AVG_POOL[nd](x, pool_size, strides, pad, count_include_pad=False)
        else:
            # Asymmetric "same": the mean of zero-padded windows, rescaled by the real counts.
            y = _AVG_POOL[nd](padded, pool_size, strides, 0)
            ones = torch.ones((1, 1, *sizes), dtype=x.dtype, device=x.device)
            ones, _ = _resolve_padding(ones, sizes, pool_size, strides, dilation, padding)
            y = y / _AVG_POOL[nd](ones, pool_size, strides, 0)
    return _to_channels_last(y, nd) if channels_last else y


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "average")


# ----------------------------------------------------------------------------------------
# Encodings.


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    classes = torch.arange(num_classes, device=x.device)
    out = (x.unsqueeze(-1) == classes).to(to_torch_dtype(dtype))
    return out if axis == -1 else torch.movedim(out, -1, axis)


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(inputs)
    reduction_axis = 1 if x.ndim > 1 else 0
    return torch.amax(one_hot(x, num_classes, axis=axis, dtype=dtype), dim=reduction_axis)


# ----------------------------------------------------------------------------------------
# Losses.


def _loss_inputs(target, output):
    output = _float(output)
    return convert_to_tensor(target, output.dtype), output


def binary_crossentropy(target, output, from_logits=False):
    target, output = _loss_inputs(target, output)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1 - eps)
    return -(target * torch.log(output) + (1 - target) * torch.log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _loss_inputs(target, output)
    if from_logits:
        return -torch.sum(target * torch.log_softmax(output, dim=axis), dim=axis)
    output = output / torch.sum(output, dim=axis, keepdim=True)
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1 - eps)
    return -torch.sum(target * torch.log(output), dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = convert_to_tensor(target).long()
    output = _float(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target.squeeze(-1)
    if axis != -1 and axis != output.ndim - 1:
        output = torch.movedim(output, axis, -1)
    target = torch.clamp(target, min=0)
    if from_logits and output.ndim == 2:
        # One call for log-softmax and the pick (the values of the general path below).
        return F.cross_entropy(output, target, reduction="none")
    if from_logits:
        log_prob = torch.log_softmax(output, dim=-1)
    else:
        output = output / torch.sum(output, dim=-1, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clamp(output, eps, 1 - eps))
    return -torch.gather(log_prob, -1, target.unsqueeze(-1)).squeeze(-1)


# ----------------------------------------------------------------------------------------
# Normalization.


def _axes(axes, ndim):
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    return tuple(sorted(a % ndim for a in axes))


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    original = x.dtype
    if original in (torch.float16, torch.bfloat16):
        x = x.float()
    axes = _axes(axes, x.ndim)
    variance, mean = torch.var_mean(x, dim=axes, correction=0, keepdim=keepdims)
    if original != x.dtype:
        limit = torch.finfo(original).max
        mean = torch.clamp(mean, -limit, limit).to(original)
        variance = torch.clamp(variance, -limit, limit).to(original)
    return mean, variance


def _channel(x, v, axis):
    v = convert_to_tensor(v, x.dtype)
    if v.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        return v.reshape(shape)
    return v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float(x)
    inv = torch.rsqrt(_channel(x, variance, axis) + epsilon)
    if scale is not None:
        inv = inv * _channel(x, scale, axis)
    shift = -_channel(x, mean, axis) * inv
    if offset is not None:
        shift = shift + _channel(x, offset, axis)
    return x * inv + shift


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    if x.ndim == 0:
        x = x.unsqueeze(0)
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        square_sum = torch.sum(x * x, dim=axis, keepdim=True)
        return x * torch.clamp(torch.rsqrt(square_sum), max=1 / epsilon)
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=epsilon)


def _compute(x):
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def _trailing(axes, ndim):
    return axes == tuple(range(ndim - len(axes), ndim))


def _norm_param(x, v, axes, trailing):
    v = convert_to_tensor(v, x.dtype)
    if trailing:
        return v.reshape(tuple(x.shape[a] for a in axes))
    if v.ndim == x.ndim:
        return v
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]
    return v.reshape(shape)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = _compute(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis, x.ndim)
    if _trailing(axes, x.ndim):
        shape = tuple(x.shape[a] for a in axes)
        weight = None if gamma is None else _norm_param(x, gamma, axes, True)
        bias = None if beta is None else _norm_param(x, beta, axes, True)
        return F.layer_norm(x, shape, weight, bias, epsilon).to(original)
    variance, mean = torch.var_mean(x, dim=axes, correction=0, keepdim=True)
    out = (x - mean) * torch.rsqrt(variance + epsilon)
    if gamma is not None:
        out = out * _norm_param(x, gamma, axes, False)
    if beta is not None:
        out = out + _norm_param(x, beta, axes, False)
    return out.to(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = _float(x)
    original = x.dtype
    x = _compute(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    axes = _axes(axis, x.ndim)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + epsilon)
    if scale is not None:
        out = out * _norm_param(x, scale, axes, False)
    return out.to(original)


def psnr(x1, x2, max_val):
    x1, x2 = _float(x1), _float(x2)
    mse = torch.mean(torch.square(x1 - x2))
    return 20 * torch.log10(
        torch.tensor(max_val, dtype=x1.dtype, device=x1.device)
    ) - 10 * torch.log10(mse)


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
    t_compute = to_torch_dtype(compute)
    query, key, value = (t.to(t_compute) for t in (query, key, value))
    if bias is not None:
        bias = convert_to_tensor(bias).to(t_compute)
    if scale is None:
        scale = 1.0 / float(key.shape[-1]) ** 0.5
    groups = query.shape[2] // key.shape[2]
    if groups > 1:
        key = torch.repeat_interleave(key, groups, dim=2)
        value = torch.repeat_interleave(value, groups, dim=2)
    # (B, T, N, H) -> (B, N, T, H), the layout torch's attention functions use.
    q, k, v = (t.transpose(1, 2) for t in (query, key, value))
    fused = (
        mask is None
        and attn_logits_soft_cap is None
        and not (is_causal and bias is not None)
        and compute in ("float16", "bfloat16", "float32")
    )
    if fused:
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=bias, is_causal=bool(is_causal), scale=float(scale)
        )
        return out.transpose(1, 2)
    t_logits = to_torch_dtype(logits_dtype)
    logits = torch.matmul(q.to(t_logits), k.to(t_logits).transpose(-1, -2)) * scale
    if bias is not None:
        logits = logits + bias.to(t_logits)
    if attn_logits_soft_cap is not None:
        logits = torch.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    keep = None
    if mask is not None:
        keep = convert_to_tensor(mask).to(torch.bool)
    if is_causal:
        t, s = logits.shape[-2:]
        causal = torch.ones((t, s), dtype=torch.bool, device=logits.device).tril()
        keep = causal if keep is None else torch.logical_and(keep, causal)
    if keep is not None:
        negative = torch.tensor(
            attention_large_negative(logits_dtype), dtype=t_logits, device=logits.device
        )
        logits = torch.where(keep, logits, negative)
    probs = torch.softmax(logits, dim=-1).to(t_compute)
    return torch.matmul(probs, v).transpose(1, 2)
