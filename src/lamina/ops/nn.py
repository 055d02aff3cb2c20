"""Neural-network ops: activations, convolution, pooling, normalization, losses, encodings.

Keras 3's names, signatures and defaults. Convolution kernels use Keras's layout,
``(*kernel_size, in_channels // groups, out_channels)``; ``"same"`` padding follows TensorFlow
(when the total is odd, the extra element goes after) on every backend.
"""

from __future__ import annotations

from lamina import config
from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.numpy import nn as np_nn
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "average_pool",
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "dot_product_attention",
    "elu",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "layer_normalization",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "max_pool",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "psnr",
    "relu",
    "relu6",
    "rms_normalization",
    "selu",
    "separable_conv",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
]


# ----------------------------------------------------------------------------------------
# Symbolic helpers.


def _float_dtype(x) -> str:
    dtype = dtype_of(x)
    if dtype in dtypes.FLOAT_TYPES or dtype.startswith("complex"):
        return dtype
    return config.floatx()


def _same_float(x) -> KerasTensor:
    """The KerasTensor of a float element-wise op (integer inputs give `floatx`)."""
    return KerasTensor(shape_of(x), _float_dtype(x))


def _check_axis(op, x, axis, name="axis"):
    ndim = len(shape_of(x))
    if not isinstance(axis, int) or not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(
            f"`ops.{op}`: `{name}`={axis!r} is out of range for an input of rank {ndim} "
            f"(shape {tuple(shape_of(x))}). Expected an int in [{-ndim}, {ndim})."
        )
    return axis


# ----------------------------------------------------------------------------------------
# Activations.


def relu(x):
    """Rectified linear unit: ``max(x, 0)``.

    Example:
        >>> lamina.ops.relu(np.array([-1.0, 0.0, 2.0]))
        array([0., 0., 2.])
    """
    if any_symbolic(x):
        return KerasTensor(shape_of(x), dtype_of(x))
    return B.nn.relu(x)


def relu6(x):
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``.

    Example:
        >>> lamina.ops.relu6(np.array([-1.0, 3.0, 8.0]))
        array([0., 3., 6.])
    """
    if any_symbolic(x):
        return KerasTensor(shape_of(x), dtype_of(x))
    return B.nn.relu6(x)


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``.

    Example:
        >>> np.round(lamina.ops.sigmoid(np.array([-1.0, 0.0, 1.0])), 3)
        array([0.269, 0.5  , 0.731])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sigmoid(x)


def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above.

    Example:
        >>> lamina.ops.sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sparse_sigmoid(x)


def softplus(x):
    """Softplus ``log(1 + exp(x))``, computed without overflow.

    Example:
        >>> np.round(lamina.ops.softplus(np.array([-1.0, 0.0, 1.0])), 3)
        array([0.313, 0.693, 1.313])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.softplus(x)


def softsign(x):
    """Softsign ``x / (1 + |x|)``.

    Example:
        >>> lamina.ops.softsign(np.array([-1.0, 0.0, 3.0]))
        array([-0.5 ,  0.  ,  0.75])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.softsign(x)


def sparse_plus(x):
    """SparsePlus: 0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above.

    Example:
        >>> lamina.ops.sparse_plus(np.array([-2.0, 0.0, 1.0, 3.0]))
        array([0.  , 0.25, 1.  , 3.  ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sparse_plus(x)


def silu(x):
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``.

    Example:
        >>> np.round(lamina.ops.silu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.269,  0.   ,  0.731])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.silu(x)


swish = silu


def squareplus(x, b=4):
    """Squareplus ``(x + sqrt(x**2 + b)) / 2``.

    Example:
        >>> lamina.ops.squareplus(np.array([-1.5, 0.0, 1.5]))
        array([0.5, 1. , 2. ])
    """
    if b < 0:
        raise ValueError(f"`ops.squareplus`: `b` must be non-negative. Received: b={b}")
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.squareplus(x, b=b)


def log_sigmoid(x):
    """Logarithm of the sigmoid, ``-softplus(-x)``.

    Example:
        >>> np.round(lamina.ops.log_sigmoid(np.array([-1.0, 0.0, 1.0])), 3)
        array([-1.313, -0.693, -0.313])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.log_sigmoid(x)


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: ``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Example:
        >>> lamina.ops.leaky_relu(np.array([-2.0, 0.0, 3.0]))
        array([-0.4,  0. ,  3. ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.leaky_relu(x, negative_slope=negative_slope)


def hard_sigmoid(x):
    """Hard sigmoid ``relu6(x + 3) / 6``.

    Example:
        >>> lamina.ops.hard_sigmoid(np.array([-3.0, 0.0, 1.5, 3.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_sigmoid(x)


def hard_silu(x):
    """Hard SiLU (hard swish): ``x * relu6(x + 3) / 6``.

    Example:
        >>> np.round(lamina.ops.hard_silu(np.array([-1.0, 0.0, 1.0, 3.0])), 3)
        array([-0.333,  0.   ,  0.667,  3.   ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_silu(x)


hard_swish = hard_silu


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> np.round(lamina.ops.elu(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.632,  0.   ,  2.   ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.elu(x, alpha=alpha)


def selu(x):
    """Scaled exponential linear unit (self-normalizing).

    Example:
        >>> np.round(lamina.ops.selu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-1.111,  0.   ,  1.051])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.selu(x)


def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation by default, as in Keras.

    Example:
        >>> np.round(lamina.ops.gelu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.159,  0.   ,  0.841])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.gelu(x, approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> np.round(lamina.ops.celu(np.array([-1.0, 0.0, 2.0]), alpha=2.0), 3)
        array([-0.787,  0.   ,  2.   ])
    """
    if alpha == 0:
        raise ValueError("`ops.celu`: `alpha` must not be 0. Received: alpha=0")
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in two halves ``a, b`` along ``axis``; ``a * sigmoid(b)``.

    Example:
        >>> lamina.ops.glu(np.array([[1.0, 2.0, 0.0, 0.0]]))
        array([[0.5, 1. ]])
    """
    _check_axis("glu", x, axis)
    size = shape_of(x)[axis]
    if size is not None and size % 2:
        raise ValueError(
            f"`ops.glu`: axis {axis} of `x` must have an even size. Received: x.shape="
            f"{tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        shape = list(shape_of(x))
        shape[axis] = None if size is None else size // 2
        return KerasTensor(shape, _float_dtype(x))
    return B.nn.glu(x, axis=axis)


def tanh_shrink(x):
    """Tanh shrink ``x - tanh(x)``.

    Example:
        >>> np.round(lamina.ops.tanh_shrink(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.238,  0.   ,  1.036])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.tanh_shrink(x)


def hard_tanh(x):
    """Hard tanh: ``x`` clipped to [-1, 1].

    Example:
        >>> lamina.ops.hard_tanh(np.array([-2.0, 0.5, 3.0]))
        array([-1. ,  0.5,  1. ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_tanh(x)


def hard_shrink(x, threshold=0.5):
    """Hard shrink: ``x`` where ``|x| > threshold``, else 0.

    Example:
        >>> lamina.ops.hard_shrink(np.array([-1.0, 0.3, 2.0]))
        array([-1.,  0.,  2.])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_shrink(x, threshold=threshold)


def soft_shrink(x, threshold=0.5):
    """Soft shrink: ``x - threshold`` above it, ``x + threshold`` below ``-threshold``, else 0.

    Example:
        >>> lamina.ops.soft_shrink(np.array([-1.0, 0.3, 2.0]))
        array([-0.5,  0. ,  1.5])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.soft_shrink(x, threshold=threshold)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Example:
        >>> lamina.ops.threshold(np.array([-1.0, 0.5, 2.0]), 0.5, -9.0)
        array([-9., -9.,  2.])
    """
    if any_symbolic(x):
        return KerasTensor(shape_of(x), dtype_of(x))
    return B.nn.threshold(x, threshold, default_value)


def softmax(x, axis=-1):
    """Softmax along ``axis`` (a probability distribution that sums to 1).

    Example:
        >>> np.round(lamina.ops.softmax(np.array([1.0, 2.0, 3.0])), 3)
        array([0.09 , 0.245, 0.665])
    """
    if isinstance(axis, (list, tuple)):
        raise ValueError(f"`ops.softmax`: `axis` must be a single int. Received: axis={axis!r}")
    if len(shape_of(x)):
        _check_axis("softmax", x, axis)
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Logarithm of the softmax along ``axis``, computed stably.

    Example:
        >>> np.round(lamina.ops.log_softmax(np.array([1.0, 2.0, 3.0])), 3)
        array([-2.408, -1.408, -0.408])
    """
    if len(shape_of(x)):
        _check_axis("log_softmax", x, axis)
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex.

    Example:
        >>> lamina.ops.sparsemax(np.array([0.5, 1.0, 1.5]))
        array([0.  , 0.25, 0.75])
    """
    _check_axis("sparsemax", x, axis)
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sparsemax(x, axis=axis)


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
    strides, _, data_format, dilation = np_nn._conv_args(
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
            np_nn._conv_output_length(n, k, s, padding, d)
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
            np_nn._conv_output_length(n, k, s, padding, d)
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
        output_padding = np_nn._tuple(output_padding, nd, "output_padding")
        for op_, s, d in zip(output_padding, strides, dilation):
            if op_ < 0 or op_ >= max(s, d):
                raise ValueError(
                    "`ops.conv_transpose`: each `output_padding` must be in [0, max(stride, "
                    f"dilation)). Received: output_padding={output_padding}, strides={strides}"
                )
    if any_symbolic(inputs, kernel):
        out = [
            np_nn._transpose_output_length(
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
    pool_size = np_nn._tuple(pool_size, nd, "pool_size")
    if any(p < 1 for p in pool_size):
        raise ValueError(f"`ops.{op}`: `pool_size` must be positive. Received: {pool_size}")
    strides = pool_size if strides is None else strides
    nd, strides, padding, data_format, _ = _conv_setup(
        op, inputs, None, strides, padding, data_format, 1
    )
    if any_symbolic(inputs):
        batch, spatial, channels = _split_channels(shape_of(inputs), data_format)
        out = [
            np_nn._conv_output_length(n, k, s, padding)
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


# ----------------------------------------------------------------------------------------
# Encodings.


def _check_classes(op, num_classes):
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(
            f"`ops.{op}`: `num_classes` must be a positive int. Received: "
            f"num_classes={num_classes!r}"
        )


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer ``x``; out-of-range indices give all-zero rows.

    Example:
        >>> lamina.ops.one_hot(np.array([0, 2]), 3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    _check_classes("one_hot", num_classes)
    ndim = len(shape_of(x))
    if not -(ndim + 1) <= axis <= ndim:
        raise ValueError(
            f"`ops.one_hot`: `axis`={axis} is out of range for an output of rank {ndim + 1}."
        )
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(x):
        shape = list(shape_of(x))
        position = axis if axis >= 0 else ndim + 1 + axis
        shape.insert(position, num_classes)
        return KerasTensor(shape, dtype, sparse=sparse)
    return B.nn.one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=sparse)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: the classes present in each row of integer ``inputs``.

    Example:
        >>> lamina.ops.multi_hot(np.array([[0, 2], [1, 1]]), 3)
        array([[1., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"`ops.multi_hot` got unexpected arguments: {sorted(kwargs)}")
    _check_classes("multi_hot", num_classes)
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(inputs):
        shape = list(shape_of(inputs))
        if len(shape) > 1:
            shape = [shape[0], *shape[2:]]
        else:
            shape = []
        position = axis if axis >= 0 else len(shape) + 1 + axis
        shape.insert(position, num_classes)
        return KerasTensor(shape, dtype, sparse=sparse)
    return B.nn.multi_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)


# ----------------------------------------------------------------------------------------
# Losses.


def _check_same_shape(op, target, output):
    ts, os_ = tuple(shape_of(target)), tuple(shape_of(output))
    if len(ts) != len(os_) or any(
        a is not None and b is not None and a != b for a, b in zip(ts, os_)
    ):
        raise ValueError(
            f"`ops.{op}`: `target` and `output` must have the same shape. Received: "
            f"target.shape={ts}, output.shape={os_}"
        )


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy; probabilities are clipped to [eps, 1 - eps].

    Example:
        >>> np.round(lamina.ops.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.8, 0.5])), 4)
        array([0.2231, 0.6931])
    """
    _check_same_shape("binary_crossentropy", target, output)
    if any_symbolic(target, output):
        return _same_float(output)
    return B.nn.binary_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``.

    Without ``from_logits``, ``output`` is first divided by its sum along ``axis`` and clipped
    to [eps, 1 - eps], as in Keras.

    Example:
        >>> lamina.ops.categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]]))
        array([0.69314718])
    """
    _check_same_shape("categorical_crossentropy", target, output)
    if len(shape_of(output)) < 1:
        raise ValueError("`ops.categorical_crossentropy`: `output` must have rank >= 1.")
    _check_axis("categorical_crossentropy", output, axis)
    if any_symbolic(target, output):
        shape = list(shape_of(output))
        del shape[axis]
        return KerasTensor(shape, _float_dtype(output))
    return B.nn.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ``target`` (shape of ``output`` without ``axis``).

    Example:
        >>> lamina.ops.sparse_categorical_crossentropy(np.array([1]), np.array([[0.5, 0.5]]))
        array([0.69314718])
    """
    oshape, tshape = list(shape_of(output)), list(shape_of(target))
    if len(oshape) < 1:
        raise ValueError("`ops.sparse_categorical_crossentropy`: `output` must have rank >= 1.")
    _check_axis("sparse_categorical_crossentropy", output, axis)
    expected = oshape[:]
    del expected[axis]
    if len(tshape) == len(oshape) and tshape[-1] == 1:
        tshape = tshape[:-1]
    if len(tshape) != len(expected) or any(
        a is not None and b is not None and a != b for a, b in zip(tshape, expected)
    ):
        raise ValueError(
            "`ops.sparse_categorical_crossentropy`: `target` must have the shape of `output` "
            f"without the class axis. Received: target.shape={tuple(shape_of(target))}, "
            f"output.shape={tuple(oshape)}"
        )
    if any_symbolic(target, output):
        return KerasTensor(expected, _float_dtype(output))
    return B.nn.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


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
        compute, _ = np_nn._attention_dtypes(dtype_of(query), dtype_of(key), dtype_of(value))
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
