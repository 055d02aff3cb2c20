"""Convolution and pooling ops: `conv`, `depthwise_conv`, `separable_conv`, `conv_transpose`, `max_pool`, `average_pool`.

Kernels use Keras's layout, ``(*kernel_size, in_channels // groups, out_channels)``; ``"same"``
padding follows TensorFlow (when the total is odd, the extra element goes after) on every
backend."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common import dtypes, nn_arguments
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "average_pool",
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "max_pool",
    "separable_conv",
]


# ----------------------------------------------------------------------------------------
# Convolution and pooling.


def _conv_setup(op, inputs, kernel_shape, strides, padding, data_format, dilation_rate):
    """Validate conv/pool arguments; return canonical (nd, strides, padding, format, dilation)."""
    rank = len(shape_of(inputs))
    if rank not in (3, 4, 5):
        raise ValueError(
            f"`ops.{op}`: `inputs` must have rank 3, 4 or 5 (batch, spatial dims, channels). "
            f"Received: inputs.shape={tuple(shape_of(inputs))}"
        )
    nd = rank - 2
    if kernel_shape is not None and len(kernel_shape) != rank:
        raise ValueError(
            f"`ops.{op}`: the kernel must have the same rank as `inputs` ({rank}): "
            f"(*kernel_size, in_channels, out_channels). Received: kernel.shape="
            f"{tuple(kernel_shape)}, inputs.shape={tuple(shape_of(inputs))}"
        )
    pad = str(padding).lower()
    if pad not in ("valid", "same"):
        raise ValueError(
            f"`ops.{op}`: `padding` must be 'valid' or 'same'. Received: padding={padding!r}"
        )
    strides, _, data_format, dilation = nn_arguments.conv_args(
        nd, strides, pad, data_format, dilation_rate
    )
    for name, values in (("strides", strides), ("dilation_rate", dilation)):
        if any(v < 1 for v in values):
            raise ValueError(f"`ops.{op}`: `{name}` must be positive. Received: {name}={values}")
    return nd, strides, pad, data_format, dilation


def _split_channels(shape, data_format):
    if data_format == "channels_last":
        return shape[0], list(shape[1:-1]), shape[-1]
    return shape[0], list(shape[2:]), shape[1]


def _join_channels(batch, spatial, channels, data_format):
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def _check_channels(op, in_channels, kernel_in):
    if in_channels is None or kernel_in is None:
        return
    if in_channels % kernel_in:
        raise ValueError(
            f"`ops.{op}`: the input has {in_channels} channels, which the kernel's input "
            f"channels ({kernel_in}) must divide (groups = input channels / kernel input "
            "channels)."
        )


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1D, 2D or 3D); grouped when the kernel has fewer input channels.

    Args:
        inputs: ``(batch, *spatial, channels)`` (channels_last) or ``(batch, channels,
            *spatial)``.
        kernel: ``(*kernel_size, in_channels // groups, out_channels)``.
        strides, dilation_rate: an int or one int per spatial dimension.
        padding: ``"valid"`` or ``"same"`` (any case).
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            `lamina.config.image_data_format()`.

    Example:
        >>> x, k = np.ones((2, 8, 8, 3)), np.ones((3, 3, 3, 4))
        >>> lamina.ops.conv(x, k, padding="same").shape
        (2, 8, 8, 4)
    """
    kshape = shape_of(kernel)
    nd, strides, padding, data_format, dilation = _conv_setup(
        "conv", inputs, kshape, strides, padding, data_format, dilation_rate
    )
    batch, spatial, channels = _split_channels(shape_of(inputs), data_format)
    _check_channels("conv", channels, kshape[-2])
    if any_symbolic(inputs, kernel):
        out = [
            nn_arguments.conv_output_length(n, k, s, padding, d)
            for n, k, s, d in zip(spatial, kshape[:nd], strides, dilation)
        ]
        dtype = dtypes.result_type(dtype_of(inputs), dtype_of(kernel))
        return KerasTensor(_join_channels(batch, out, kshape[-1], data_format), dtype)
    return B.nn.conv(inputs, kernel, strides, padding, data_format, dilation)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel convolved with its own ``multiplier`` filters.

    ``kernel`` has shape ``(*kernel_size, in_channels, channel_multiplier)``; the output has
    ``in_channels * channel_multiplier`` channels.

    Example:
        >>> lamina.ops.depthwise_conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 2))).shape
        (1, 3, 3, 6)
    """
    kshape = shape_of(kernel)
    nd, strides, padding, data_format, dilation = _conv_setup(
        "depthwise_conv", inputs, kshape, strides, padding, data_format, dilation_rate
    )
    batch, spatial, channels = _split_channels(shape_of(inputs), data_format)
    if channels is not None and kshape[-2] != channels:
        raise ValueError(
            f"`ops.depthwise_conv`: the kernel's input channels ({kshape[-2]}) must equal the "
            f"input's channels ({channels}). Received: kernel.shape={tuple(kshape)}"
        )
    if any_symbolic(inputs, kernel):
        out = [
            nn_arguments.conv_output_length(n, k, s, padding, d)
            for n, k, s, d in zip(spatial, kshape[:nd], strides, dilation)
        ]
        dtype = dtypes.result_type(dtype_of(inputs), dtype_of(kernel))
        return KerasTensor(_join_channels(batch, out, kshape[-2] * kshape[-1], data_format), dtype)
    return B.nn.depthwise_conv(inputs, kernel, strides, padding, data_format, dilation)


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution.

    Example:
        >>> x, dk, pk = np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 2)), np.ones((1, 1, 6, 4))
        >>> lamina.ops.separable_conv(x, dk, pk, padding="same").shape
        (1, 5, 5, 4)
    """
    if any_symbolic(inputs, depthwise_kernel, pointwise_kernel):
        x = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
        return conv(x, pointwise_kernel, 1, "valid", data_format, 1)
    _conv_setup(
        "separable_conv",
        inputs,
        shape_of(depthwise_kernel),
        strides,
        padding,
        data_format,
        dilation_rate,
    )
    return B.nn.separable_conv(
        inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate
    )


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution (the gradient of `conv`), as in Keras.

    ``kernel`` has shape ``(*kernel_size, out_channels, in_channels)``. Without
    ``output_padding`` the output length is ``n * stride`` ("same") or
    ``n * stride + max(kernel - stride, 0)`` ("valid").

    Example:
        >>> lamina.ops.conv_transpose(np.ones((1, 2, 1)), np.ones((3, 1, 1)), strides=2)[0, :, 0]
        array([1., 1., 2., 1., 1.])
    """
    kshape = shape_of(kernel)
    nd, strides, padding, data_format, dilation = _conv_setup(
        "conv_transpose", inputs, kshape, strides, padding, data_format, dilation_rate
    )
    batch, spatial, channels = _split_channels(shape_of(inputs), data_format)
    if channels is not None and kshape[-1] != channels:
        raise ValueError(
            f"`ops.conv_transpose`: the kernel's last dimension ({kshape[-1]}) must equal the "
            f"input's channels ({channels}). Received: kernel.shape={tuple(kshape)}"
        )
    if output_padding is not None:
        output_padding = nn_arguments.int_tuple(output_padding, nd, "output_padding")
        for op_, s, d in zip(output_padding, strides, dilation):
            if op_ < 0 or op_ >= max(s, d):
                raise ValueError(
                    "`ops.conv_transpose`: each `output_padding` must be in [0, max(stride, "
                    f"dilation)). Received: output_padding={output_padding}, strides={strides}"
                )
    if any_symbolic(inputs, kernel):
        out = [
            nn_arguments.transpose_output_length(
                n, k, s, padding, None if output_padding is None else output_padding[i], d
            )
            for i, (n, k, s, d) in enumerate(zip(spatial, kshape[:nd], strides, dilation))
        ]
        dtype = dtypes.result_type(dtype_of(inputs), dtype_of(kernel))
        return KerasTensor(_join_channels(batch, out, kshape[-2], data_format), dtype)
    return B.nn.conv_transpose(
        inputs, kernel, strides, padding, output_padding, data_format, dilation
    )


def _pool_op(op, inputs, pool_size, strides, padding, data_format):
    rank = len(shape_of(inputs))
    nd = rank - 2
    if nd not in (1, 2, 3):
        raise ValueError(
            f"`ops.{op}`: `inputs` must have rank 3, 4 or 5. Received: inputs.shape="
            f"{tuple(shape_of(inputs))}"
        )
    pool_size = nn_arguments.int_tuple(pool_size, nd, "pool_size")
    if any(p < 1 for p in pool_size):
        raise ValueError(f"`ops.{op}`: `pool_size` must be positive. Received: {pool_size}")
    strides = pool_size if strides is None else strides
    nd, strides, padding, data_format, _ = _conv_setup(
        op, inputs, None, strides, padding, data_format, 1
    )
    if any_symbolic(inputs):
        batch, spatial, channels = _split_channels(shape_of(inputs), data_format)
        out = [
            nn_arguments.conv_output_length(n, k, s, padding)
            for n, k, s in zip(spatial, pool_size, strides)
        ]
        return KerasTensor(_join_channels(batch, out, channels, data_format), dtype_of(inputs))
    fn = B.nn.max_pool if op == "max_pool" else B.nn.average_pool
    return fn(inputs, pool_size, strides, padding, data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1, 2 or 3 spatial dimensions; ``strides`` default to ``pool_size``.

    Example:
        >>> lamina.ops.max_pool(np.ones((1, 4, 4, 2)), 2).shape
        (1, 2, 2, 2)
    """
    return _pool_op("max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with ``"same"`` padding the padded positions are not counted.

    Example:
        >>> lamina.ops.average_pool(np.array([1.0, 3.0, 5.0, 7.0]).reshape(1, 4, 1), 2)[0, :, 0]
        array([2., 6.])
    """
    return _pool_op("average_pool", inputs, pool_size, strides, padding, data_format)
