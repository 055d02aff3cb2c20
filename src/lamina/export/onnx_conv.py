"""ONNX converters of the convolution, pooling and spatial layers (see `onnx_layers` for the
converter signature).

ONNX convolutions and window pooling are channels-first, so a channels-last layer is wrapped
in two transposes (consecutive ones cancel in `OnnxGraph.transpose`). Keras's ``"same"``
padding puts the odd pixel at the end, as ONNX's ``SAME_UPPER``; explicit pads are written
whenever the spatial sizes are known.
"""

from __future__ import annotations

import numpy as np

from lamina import layers
from lamina.backend.common.nn_arguments import same_pads
from lamina.export.onnx_layers import activation, check_activation, weight

INT64_MAX = np.iinfo(np.int64).max


def _to_first(g, x, rank, data_format):
    if data_format == "channels_first":
        return x
    return g.transpose(x, (0, rank - 1, *range(1, rank - 1)))


def _to_last(g, x, rank, data_format):
    if data_format == "channels_first":
        return x
    return g.transpose(x, (0, *range(2, rank), 1))


def _spatial(spec, data_format):
    shape = tuple(spec.shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def _window_attrs(spec, data_format, kernel, strides, padding, dilation=None):
    """``pads`` or ``auto_pad`` attributes of a convolution or pooling window."""
    nd = len(kernel)
    dilation = dilation or (1,) * nd
    if padding == "valid":
        return {"pads": [0] * (2 * nd)}
    sizes = _spatial(spec, data_format)
    if None in sizes:
        return {"auto_pad": "SAME_UPPER"}
    pairs = [same_pads(s, k, st, d) for s, k, st, d in zip(sizes, kernel, strides, dilation)]
    return {"pads": [p[0] for p in pairs] + [p[1] for p in pairs]}


_AXIS_ACTIVATIONS = ("softmax", "log_softmax", "glu")


def _finish(g, layer, y, rank, outs):
    fn = layer._activation_fn
    if fn is not None and getattr(fn, "__name__", "") not in _AXIS_ACTIVATIONS:
        # Element-wise: apply it channels-first, so the transpose back can cancel later.
        return [_to_last(g, activation(g, fn, y, layer, outs[0]), rank, layer.data_format)]
    y = _to_last(g, y, rank, layer.data_format)
    return [activation(g, fn, y, layer, outs[0])]


def _onnx_kernel(kernel):
    """Keras ``(*k, in, out)`` -> ONNX ``(out, in, *k)``."""
    nd = kernel.ndim - 2
    return np.transpose(kernel, (nd + 1, nd, *range(nd)))


def _conv_node(g, layer, x, kernel, bias, spec, padding, group, hint, dtype):
    nd = kernel.ndim - 2
    inputs = [x, g.const(_onnx_kernel(kernel), dtype, hint + "/kernel")]
    if bias is not None:
        inputs.append(g.const(bias, dtype, hint + "/bias"))
    if padding == "causal":
        left = layer.dilation_rate[0] * (layer.kernel_size[0] - 1)
        attrs = {"pads": [left, 0]}
    else:
        attrs = _window_attrs(
            spec, layer.data_format, kernel.shape[:nd], layer.strides, padding, layer.dilation_rate
        )
    return g.op(
        "Conv",
        inputs,
        hint=hint,
        kernel_shape=list(kernel.shape[:nd]),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        group=int(group),
        **attrs,
    )


def _bias(layer):
    return None if layer.bias is None else layer.bias.numpy()


def convert_conv(g, layer, xs, ins, outs):
    check_activation(layer._activation_fn, layer)
    rank, dtype = len(ins[0].shape), outs[0].dtype
    x = _to_first(g, g.cast(xs[0], dtype), rank, layer.data_format)
    y = _conv_node(
        g, layer, x, layer.kernel.numpy(), _bias(layer), ins[0], layer.padding,
        layer.groups, layer.name, dtype,
    )  # fmt: skip
    return _finish(g, layer, y, rank, outs)


def convert_depthwise_conv(g, layer, xs, ins, outs):
    check_activation(layer._activation_fn, layer)
    rank, dtype = len(ins[0].shape), outs[0].dtype
    kernel = layer.kernel.numpy()
    nd = kernel.ndim - 2
    channels = kernel.shape[-2]
    kernel = kernel.reshape(*kernel.shape[:nd], 1, channels * kernel.shape[-1])
    x = _to_first(g, g.cast(xs[0], dtype), rank, layer.data_format)
    y = _conv_node(
        g, layer, x, kernel, _bias(layer), ins[0], layer.padding, channels, layer.name, dtype
    )
    return _finish(g, layer, y, rank, outs)


def convert_separable_conv(g, layer, xs, ins, outs):
    check_activation(layer._activation_fn, layer)
    rank, dtype = len(ins[0].shape), outs[0].dtype
    depthwise = layer.depthwise_kernel.numpy()
    nd = depthwise.ndim - 2
    channels = depthwise.shape[-2]
    depthwise = depthwise.reshape(*depthwise.shape[:nd], 1, channels * depthwise.shape[-1])
    x = _to_first(g, g.cast(xs[0], dtype), rank, layer.data_format)
    y = _conv_node(
        g, layer, x, depthwise, None, ins[0], layer.padding, channels,
        layer.name + "/depthwise", dtype,
    )  # fmt: skip
    pointwise = layer.pointwise_kernel.numpy()
    inputs = [y, g.const(_onnx_kernel(pointwise), dtype, layer.name + "/pointwise_kernel")]
    if layer.bias is not None:
        inputs.append(weight(g, layer.bias, dtype, layer.name + "/bias"))
    y = g.op("Conv", inputs, hint=layer.name, kernel_shape=[1] * nd)
    return _finish(g, layer, y, rank, outs)


def _transpose_pads(kernel, stride, padding, output_padding, dilation):
    """ONNX (begin, end, output_padding) of one axis of a Keras transposed convolution.

    Keras's output length and padding do not depend on the input length, so any length
    (here 8) gives them.
    """
    size = 8
    effective = (kernel - 1) * dilation + 1
    if output_padding is None:
        out = size * stride + (max(effective - stride, 0) if padding == "valid" else 0)
    else:
        pad = effective // 2 if padding == "same" else 0
        out = (size - 1) * stride + effective - 2 * pad + output_padding
    # Keras pads the stride-dilated input by (lo, hi) and convolves with the flipped kernel.
    if padding == "same":
        lo = effective - 1 - max((size - 1) * stride + effective - out, 0) // 2
    else:
        lo = effective - 1
    hi = out - (size - 1) * stride - 2 + effective - lo
    begin, end = effective - 1 - lo, effective - 1 - hi
    extra = 0
    if end < 0:
        end, extra = 0, -end
    return begin, end, extra


def convert_conv_transpose(g, layer, xs, ins, outs):
    check_activation(layer._activation_fn, layer)
    rank, dtype = len(ins[0].shape), outs[0].dtype
    kernel = layer.kernel.numpy()  # (*k, filters, in)
    nd = kernel.ndim - 2
    onnx_kernel = np.transpose(kernel, (nd + 1, nd, *range(nd)))  # (in, filters, *k)
    out_pad = layer.output_padding
    triples = [
        _transpose_pads(k, s, layer.padding, None if out_pad is None else out_pad[i], d)
        for i, (k, s, d) in enumerate(zip(layer.kernel_size, layer.strides, layer.dilation_rate))
    ]
    x = _to_first(g, g.cast(xs[0], dtype), rank, layer.data_format)
    inputs = [x, g.const(onnx_kernel, dtype, layer.name + "/kernel")]
    if layer.bias is not None:
        inputs.append(weight(g, layer.bias, dtype, layer.name + "/bias"))
    y = g.op(
        "ConvTranspose",
        inputs,
        hint=layer.name,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        pads=[t[0] for t in triples] + [t[1] for t in triples],
        output_padding=[t[2] for t in triples],
    )
    return _finish(g, layer, y, rank, outs)


# ----------------------------------------------------------------------------------------
# Pooling.


def convert_pooling(g, layer, xs, ins, outs):
    rank = len(ins[0].shape)
    x = _to_first(g, xs[0], rank, layer.data_format)
    attrs = _window_attrs(ins[0], layer.data_format, layer.pool_size, layer.strides, layer.padding)
    if layer._mode == "max":
        op_type = "MaxPool"
    else:
        op_type = "AveragePool"
        attrs["count_include_pad"] = 0  # Keras's "same" average leaves the padding out
    y = g.op(
        op_type,
        [x],
        hint=layer.name,
        kernel_shape=list(layer.pool_size),
        strides=list(layer.strides),
        **attrs,
    )
    return [_to_last(g, y, rank, layer.data_format)]


def convert_global_pooling(g, layer, xs, ins, outs):
    op_type = "ReduceMax" if layer._mode == "max" else "ReduceMean"
    if len(xs) != 1:
        from lamina.export.onnx_export import unsupported

        raise unsupported(layer, "a `mask` argument does not convert")
    keep = int(layer.keepdims)
    return [g.op(op_type, [xs[0]], hint=layer.name, axes=list(layer._axes), keepdims=keep)]


# ----------------------------------------------------------------------------------------
# Spatial layers.


def convert_zero_padding(g, layer, xs, ins, outs):
    widths = layer._pad_width
    pads = [p[0] for p in widths] + [p[1] for p in widths]
    zero = g.scalar(0, xs[0])
    return [g.op("Pad", [xs[0], g.ints(pads), zero], hint=layer.name, mode="constant")]


def convert_cropping(g, layer, xs, ins, outs):
    starts, ends, axes = [], [], []
    for axis, (lo, hi) in zip(layer._axes, layer.cropping):
        starts.append(lo)
        ends.append(-hi if hi else INT64_MAX)
        axes.append(axis)
    return [g.op("Slice", [xs[0], g.ints(starts), g.ints(ends), g.ints(axes)], hint=layer.name)]


def convert_upsampling(g, layer, xs, ins, outs):
    rank = len(ins[0].shape)
    scales = [1.0] * rank
    for axis, factor in zip(layer._axes, layer.size):
        scales[axis] = float(factor)
    scales_c = g.const(np.asarray(scales, np.float32), hint="scales")
    if getattr(layer, "interpolation", "nearest") == "nearest":
        attrs = {
            "mode": "nearest",
            "coordinate_transformation_mode": "asymmetric",
            "nearest_mode": "floor",
        }
    else:
        attrs = {"mode": "linear", "coordinate_transformation_mode": "half_pixel"}
    return [g.op("Resize", [xs[0], "", scales_c], hint=layer.name, **attrs)]


CONVERTERS = {
    layers.Conv1D: convert_conv,
    layers.Conv2D: convert_conv,
    layers.Conv3D: convert_conv,
    layers.DepthwiseConv1D: convert_depthwise_conv,
    layers.DepthwiseConv2D: convert_depthwise_conv,
    layers.SeparableConv1D: convert_separable_conv,
    layers.SeparableConv2D: convert_separable_conv,
    layers.Conv1DTranspose: convert_conv_transpose,
    layers.Conv2DTranspose: convert_conv_transpose,
    layers.Conv3DTranspose: convert_conv_transpose,
    layers.MaxPooling1D: convert_pooling,
    layers.MaxPooling2D: convert_pooling,
    layers.MaxPooling3D: convert_pooling,
    layers.AveragePooling1D: convert_pooling,
    layers.AveragePooling2D: convert_pooling,
    layers.AveragePooling3D: convert_pooling,
    layers.GlobalMaxPooling1D: convert_global_pooling,
    layers.GlobalMaxPooling2D: convert_global_pooling,
    layers.GlobalMaxPooling3D: convert_global_pooling,
    layers.GlobalAveragePooling1D: convert_global_pooling,
    layers.GlobalAveragePooling2D: convert_global_pooling,
    layers.GlobalAveragePooling3D: convert_global_pooling,
    layers.ZeroPadding1D: convert_zero_padding,
    layers.ZeroPadding2D: convert_zero_padding,
    layers.ZeroPadding3D: convert_zero_padding,
    layers.Cropping1D: convert_cropping,
    layers.Cropping2D: convert_cropping,
    layers.Cropping3D: convert_cropping,
    layers.UpSampling1D: convert_upsampling,
    layers.UpSampling2D: convert_upsampling,
    layers.UpSampling3D: convert_upsampling,
}
