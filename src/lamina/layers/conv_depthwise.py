"""Depthwise and separable convolutions: `DepthwiseConv1D/2D`, `SeparableConv1D/2D` (Keras 3's
weights, names and arguments; see `conv` for what every convolution layer shares)."""

from __future__ import annotations

from lamina import ops
from lamina.layers.arguments import add_weight_from_arguments
from lamina.layers.conv import _BaseConv, _doc

__all__ = [
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]


class _DepthwiseConv(_BaseConv):
    _int_args = ("depth_multiplier",)
    _kernels = ("depthwise",)

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_arguments(locals())

    def _add_kernels(self, channels):
        # Keras 3 names the depthwise layer's kernel "kernel".
        shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = add_weight_from_arguments(self, "kernel", shape, "depthwise")
        return channels * self.depth_multiplier

    def call(self, inputs):
        x = ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(x)

    def compute_output_shape(self, input_shape):
        channels = input_shape[self._channel_axis] if len(input_shape) == self._rank + 2 else None
        out_channels = None if channels is None else channels * self.depth_multiplier
        return self._conv_output_shape(input_shape, out_channels)


_DEPTHWISE_DOC = """{n}D depthwise convolution: each input channel is convolved with its own
    ``depth_multiplier`` filters; channels are not mixed.

    Args:
        kernel_size: int or tuple of {n} ints.
        strides: int or tuple of {n} ints (default 1).
        padding: "valid" or "same" (any case).
        depth_multiplier: output channels per input channel.
        data_format: "channels_last" or "channels_first"; default from the config.
        dilation_rate: int or tuple of {n} ints.
        activation, use_bias: as in `Conv{n}D`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel
            (weight ``kernel`` of shape ``kernel_size + (channels, depth_multiplier)``).
        bias_initializer, bias_regularizer, activity_regularizer, bias_constraint: as in
            `Conv{n}D`.

    Input shape:
        (batch, {spatial}, channels) or (batch, channels, {spatial}).

    Output shape:
        (batch, {new_spatial}, channels * depth_multiplier), or channels first.

    Example:
        >>> x = np.ones({example_in}, "float32")
        >>> print(lamina.layers.DepthwiseConv{n}D(3, depth_multiplier=2)(x).shape)
        {example_out}
"""


class DepthwiseConv1D(_DepthwiseConv):
    _rank = 1
    __doc__ = _doc(_DEPTHWISE_DOC, 1, "(2, 10, 4)", "(2, 8, 8)")


class DepthwiseConv2D(_DepthwiseConv):
    _rank = 2
    __doc__ = _doc(_DEPTHWISE_DOC, 2, "(2, 10, 10, 4)", "(2, 8, 8, 8)")


class _SeparableConv(_BaseConv):
    _int_args = ("filters", "depth_multiplier")
    _kernels = ("depthwise", "pointwise")

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_arguments(locals())

    def _add_kernels(self, channels):
        depthwise = (*self.kernel_size, channels, self.depth_multiplier)
        pointwise = (1,) * self._rank + (channels * self.depth_multiplier, self.filters)
        self.depthwise_kernel = add_weight_from_arguments(
            self, "depthwise_kernel", depthwise, "depthwise"
        )
        self.pointwise_kernel = add_weight_from_arguments(
            self, "pointwise_kernel", pointwise, "pointwise"
        )
        return self.filters

    def call(self, inputs):
        x = ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(x)


_SEPARABLE_DOC = """{n}D separable convolution: a depthwise convolution (each channel on its
    own) followed by a pointwise (1x1) convolution that mixes channels.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of {n} ints.
        strides: int or tuple of {n} ints (default 1).
        padding: "valid" or "same" (any case).
        data_format: "channels_last" or "channels_first"; default from the config.
        dilation_rate: int or tuple of {n} ints.
        depth_multiplier: depthwise output channels per input channel.
        activation, use_bias: as in `Conv{n}D`.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers of the
            weights ``depthwise_kernel``, ``pointwise_kernel`` and ``bias``.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint: optional.

    Input shape:
        (batch, {spatial}, channels) or (batch, channels, {spatial}).

    Output shape:
        (batch, {new_spatial}, filters) or (batch, filters, {new_spatial}).

    Example:
        >>> x = np.ones({example_in}, "float32")
        >>> print(lamina.layers.SeparableConv{n}D(8, 3)(x).shape)
        {example_out}
"""


class SeparableConv1D(_SeparableConv):
    _rank = 1
    __doc__ = _doc(_SEPARABLE_DOC, 1, "(2, 10, 4)", "(2, 8, 8)")


class SeparableConv2D(_SeparableConv):
    _rank = 2
    __doc__ = _doc(_SEPARABLE_DOC, 2, "(2, 10, 10, 4)", "(2, 8, 8, 8)")


# Keras 3's aliases.
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
