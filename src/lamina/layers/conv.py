"""Convolution layers: `Conv1D/2D/3D` and their transposes (depthwise and separable ones are in
`conv_depthwise`, the argument checks they share with pooling in `arguments`).

Every layer here validates its arguments in ``__init__``, creates its weights in ``build`` with
Keras 3's names, shapes and order (``kernel``, ``bias``; ``depthwise_kernel``,
``pointwise_kernel``, ``bias``), computes its output shape by formula (so symbolic calls never
run a convolution) and, in ``call``, makes one `lamina.ops` convolution call plus the bias and
activation. Layouts are the op's business: a layer passes ``data_format`` and never transposes.
"""

from __future__ import annotations

from lamina import config, ops
from lamina.backend.common.nn_arguments import transpose_output_length
from lamina.layers.arguments import (
    add_weight_from_arguments,
    check_rank,
    conv_output_length,
    int_tuple,
    positive_int,
    spatial_dims,
    standardize_padding,
    weight_arguments,
    with_spatial,
)
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec

__all__ = [
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
]


# The spatial axes' names in docstrings, by rank.
SPATIAL_NAMES = {1: "steps", 2: "rows, cols", 3: "dim1, dim2, dim3"}


def _doc(template, n, example_in, example_out, **fields):
    """``template`` filled for rank ``n``: ``{n}``, ``{spatial}``, ``{new_spatial}``,
    ``{rank_plus_2}``, the example's input and output shapes, and ``fields``."""
    spatial = SPATIAL_NAMES[n]
    return template.format(
        n=n,
        spatial=spatial,
        new_spatial=", ".join(f"new_{s}" for s in spatial.split(", ")),
        rank_plus_2=n + 2,
        example_in=example_in,
        example_out=example_out,
        **fields,
    )


def _get_activation(identifier):
    from lamina import activations

    return activations.get(identifier)


def _serialize_activation(fn):
    from lamina import activations

    return activations.serialize(fn)


def _is_linear(fn) -> bool:
    return fn is None or getattr(fn, "__name__", None) == "linear"


class _BaseConv(Layer):
    """What every convolution layer shares: argument checks, weights, bias, activation, config.

    A family (`_Conv`, `_ConvTranspose`, `_DepthwiseConv`, `_SeparableConv`) has the explicit
    Keras signature and passes its ``locals()`` to `_init_arguments`; its class attributes say
    which arguments it has: ``_int_args`` (positive ints), ``_kernels`` (prefixes of the kernels' initializer,
    regularizer and constraint arguments) and ``_extra_config`` (more config entries); its
    ``_add_kernels(channels)`` creates the kernel weight(s) and returns the output channels.
    """

    _rank = 2
    _allow_causal = False
    _int_args = ("filters",)
    _kernels = ("kernel",)
    _extra_config = ()

    def _init_arguments(self, args):
        owner, n = type(self).__name__, self._rank
        self.kernel_size = int_tuple(args["kernel_size"], n, "kernel_size", owner)
        self.strides = int_tuple(args["strides"], n, "strides", owner)
        self.dilation_rate = int_tuple(args["dilation_rate"], n, "dilation_rate", owner)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{owner}: `strides` > 1 cannot be combined with `dilation_rate` > 1. "
                f"Received: strides={self.strides}, dilation_rate={self.dilation_rate}"
            )
        self.padding = standardize_padding(args["padding"], owner, self._allow_causal)
        self.data_format = config.standardize_data_format(args["data_format"])
        self.activation = _get_activation(args["activation"])
        self._activation_fn = None if _is_linear(self.activation) else self.activation
        self.use_bias = bool(args["use_bias"])
        self._set_weight_args(args, ("bias",))
        self.input_spec = InputSpec(ndim=n + 2)
        self._channel_axis = -1 if self.data_format == "channels_last" else 1
        self._bias_shape = None  # set in build for channels_first
        for name in self._int_args:
            setattr(self, name, positive_int(args[name], name, owner))
        self._check_args(args, owner)
        self._set_weight_args(args, self._kernels)

    def _set_weight_args(self, args, prefixes):
        for name, module in weight_arguments(*prefixes):
            setattr(self, name, module.get(args[name]))

    def _check_args(self, args, owner):
        """Checks of a family's own arguments (after the positive ints)."""

    # Building ---------------------------------------------------------------------------
    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        out_channels = self._add_kernels(channels)
        self.input_spec = InputSpec(ndim=self._rank + 2, axes={self._channel_axis: channels})
        if self.use_bias:
            self.bias = add_weight_from_arguments(self, "bias", (out_channels,), "bias")
            if self.data_format == "channels_first":
                self._bias_shape = (out_channels,) + (1,) * self._rank
        else:
            self.bias = None
        self.built = True

    def _input_channels(self, input_shape):
        check_rank(input_shape, self._rank + 2, type(self).__name__, self._layout_names())
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__}: the channel dimension (axis {self._channel_axis} for "
                f"data_format={self.data_format!r}) must be known to create the kernel. "
                f"Received input_shape={tuple(input_shape)}"
            )
        return int(channels)

    def _layout_names(self):
        spatial = ", ".join(
            ["steps"] if self._rank == 1 else [f"dim{i + 1}" for i in range(self._rank)]
        )
        if self.data_format == "channels_last":
            return f"{spatial}, channels"
        return f"channels, {spatial}"

    # Calling ----------------------------------------------------------------------------
    def _bias_and_activation(self, x):
        if self.bias is not None:
            bias = (
                self.bias if self._bias_shape is None else ops.reshape(self.bias, self._bias_shape)
            )
            x = ops.add(x, bias)
        if self._activation_fn is not None:
            x = self._activation_fn(x)
        return x

    # Shapes -----------------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        return self._conv_output_shape(input_shape, self.filters)

    def _output_spatial(self, dims):
        return tuple(
            conv_output_length(d, k, s, self.padding, r)
            for d, k, s, r in zip(dims, self.kernel_size, self.strides, self.dilation_rate)
        )

    def _conv_output_shape(self, input_shape, out_channels):
        input_shape = check_rank(
            input_shape, self._rank + 2, type(self).__name__, self._layout_names()
        )
        spatial = self._output_spatial(spatial_dims(input_shape, self.data_format))
        if any(d is not None and d <= 0 for d in spatial):
            raise ValueError(
                f"{type(self).__name__}: the output would have a zero or negative size "
                f"{spatial} for input_shape={input_shape} with "
                f"kernel_size={self.kernel_size}, strides={self.strides}, "
                f"padding={self.padding!r}, dilation_rate={self.dilation_rate}. Use a smaller "
                "kernel or padding='same'."
            )
        return with_spatial(input_shape, spatial, out_channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(
            {
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": _serialize_activation(self.activation),
                "use_bias": self.use_bias,
            }
        )
        for name in (*self._int_args, *self._extra_config):
            cfg[name] = getattr(self, name)
        for name, module in (*weight_arguments(*self._kernels), *weight_arguments("bias")):
            cfg[name] = module.serialize(getattr(self, name))
        return cfg


# ----------------------------------------------------------------------------------------
# Plain convolutions.


class _Conv(_BaseConv):
    _int_args = ("filters", "groups")

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_arguments(locals())
        # Causal padding is done with an explicit left pad, then a "valid" convolution.
        self._op_padding = "valid" if self.padding == "causal" else self.padding
        self._causal_pad = None
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pad = [(0, 0), (left, 0), (0, 0)]
            if self.data_format == "channels_first":
                pad = [(0, 0), (0, 0), (left, 0)]
            self._causal_pad = tuple(pad)

    def _check_args(self, args, owner):
        if self.filters % self.groups:
            raise ValueError(
                f"{owner}: `filters` must be divisible by `groups`. "
                f"Received: filters={args['filters']}, groups={args['groups']}"
            )

    def _input_channels(self, input_shape):
        channels = super()._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__}: the number of input channels ({channels}) must be "
                f"divisible by `groups`={self.groups}. Received input_shape={tuple(input_shape)}"
            )
        return channels

    def _add_kernels(self, channels):
        shape = (*self.kernel_size, channels // self.groups, self.filters)
        self.kernel = add_weight_from_arguments(self, "kernel", shape, "kernel")
        return self.filters

    def call(self, inputs):
        if self._causal_pad is not None:
            inputs = ops.pad(inputs, self._causal_pad)
        x = ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self._op_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(x)


_CONV_DOC = """{summary}

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of {n} ints, the size of the convolution window.
        strides: int or tuple of {n} ints (default 1); > 1 is incompatible with dilation > 1.
        padding: {paddings} (any case).
        data_format: "channels_last" (batch, {spatial}, channels) or "channels_first"
            (batch, channels, {spatial}); default `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of {n} ints, for dilated (atrous) convolution.
        groups: split the input channels into this many groups, each convolved with
            ``filters // groups`` filters.
        activation: activation applied to the output (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of ``kernel`` and ``bias``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional regularizers.
        kernel_constraint, bias_constraint: optional constraints applied after updates.

    Input shape:
        ({rank_plus_2}D) (batch, {spatial}, channels), or (batch, channels, {spatial}) with
        channels_first.

    Output shape:
        (batch, {new_spatial}, filters), or (batch, filters, {new_spatial}) with channels_first.

    Example:
        >>> x = np.ones({example_in}, "float32")
        >>> print(lamina.layers.{layer}(x).shape)
        {example_out}
"""


# By rank: the summary, the paddings, and the example's layer, input shape and output shape.
_CONV_DOCS = {
    1: (
        "1D convolution (temporal convolution) over a sequence, with optional causal padding.",
        '"valid", "same" or "causal" (output[t] sees only input[:t+1])',
        'Conv1D(32, 3, activation="relu")',
        "(4, 10, 128)",
        "(4, 8, 32)",
    ),
    2: (
        "2D convolution over images.",
        '"valid" (no padding) or "same" (output size = ceil(input / strides))',
        'Conv2D(32, (3, 3), activation="relu")',
        "(4, 28, 28, 1)",
        "(4, 26, 26, 32)",
    ),
    3: (
        "3D convolution over volumes (or videos).",
        '"valid" or "same"',
        "Conv3D(4, 3)",
        "(2, 8, 8, 8, 3)",
        "(2, 6, 6, 6, 4)",
    ),
}


def _conv_doc(n):
    summary, paddings, layer, example_in, example_out = _CONV_DOCS[n]
    return _doc(
        _CONV_DOC, n, example_in, example_out, summary=summary, paddings=paddings, layer=layer
    )


class Conv1D(_Conv):
    _rank = 1
    _allow_causal = True
    __doc__ = _conv_doc(1)


class Conv2D(_Conv):
    _rank = 2
    __doc__ = _conv_doc(2)


class Conv3D(_Conv):
    _rank = 3
    __doc__ = _conv_doc(3)


# ----------------------------------------------------------------------------------------
# Transposed convolutions.


class _ConvTranspose(_BaseConv):
    _extra_config = ("output_padding",)

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_arguments(locals())

    def _check_args(self, args, owner):
        output_padding = args["output_padding"]
        if output_padding is None:
            self.output_padding = None
            return
        self.output_padding = int_tuple(
            output_padding, self._rank, "output_padding", owner, allow_zero=True
        )
        if any(op >= s for op, s in zip(self.output_padding, self.strides)):
            raise ValueError(
                f"{owner}: each `output_padding` value must be smaller than the "
                f"matching `strides` value. Received: output_padding="
                f"{self.output_padding}, strides={self.strides}"
            )

    def _add_kernels(self, channels):
        self.kernel = add_weight_from_arguments(
            self, "kernel", (*self.kernel_size, self.filters, channels), "kernel"
        )
        return self.filters

    def call(self, inputs):
        x = ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(x)

    def _output_spatial(self, dims):
        out_pad = self.output_padding or (None,) * self._rank
        return tuple(
            transpose_output_length(d, k, s, self.padding, op, r)
            for d, k, s, op, r in zip(
                dims, self.kernel_size, self.strides, out_pad, self.dilation_rate
            )
        )


_TRANSPOSE_DOC = """Transposed {n}D convolution ("deconvolution"): the gradient of a {n}D
    convolution with respect to its input, used to upsample.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of {n} ints.
        strides: int or tuple of {n} ints (default 1).
        padding: "valid" or "same" (any case).
        output_padding: int or tuple of {n} ints, extra size added on one side of each output
            axis (each smaller than its stride); None infers the output size.
        data_format: "channels_last" or "channels_first"; default from the config.
        dilation_rate: int or tuple of {n} ints.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
            `Conv{n}D`. The kernel has shape ``kernel_size + (filters, input_channels)``.

    Input shape:
        (batch, {spatial}, channels) or (batch, channels, {spatial}).

    Output shape:
        (batch, {new_spatial}, filters) or (batch, filters, {new_spatial}).

    Example:
        >>> x = np.ones({example_in}, "float32")
        >>> print(lamina.layers.Conv{n}DTranspose(4, 3, strides=2, padding="same")(x).shape)
        {example_out}
"""


class Conv1DTranspose(_ConvTranspose):
    _rank = 1
    __doc__ = _doc(_TRANSPOSE_DOC, 1, "(2, 5, 3)", "(2, 10, 4)")


class Conv2DTranspose(_ConvTranspose):
    _rank = 2
    __doc__ = _doc(_TRANSPOSE_DOC, 2, "(2, 5, 5, 3)", "(2, 10, 10, 4)")


class Conv3DTranspose(_ConvTranspose):
    _rank = 3
    __doc__ = _doc(_TRANSPOSE_DOC, 3, "(2, 4, 4, 4, 3)", "(2, 8, 8, 8, 4)")

    # Keras 3 puts `data_format` before `output_padding` here (only in 3D); keep its order.
    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        output_padding=None,
        dilation_rate=(1, 1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        # Straight to Layer: `_ConvTranspose.__init__` takes the arguments in the 1D/2D order.
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self._init_arguments(locals())


# Keras 3's aliases.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
