"""Pooling layers: max and average pooling over windows, and global pooling over all positions.

The window layers pass ``data_format`` straight to `ops.max_pool` / `ops.average_pool` (layout
handling belongs to the op); their output shape is a formula, so symbolic calls stay cheap.
"""

from __future__ import annotations

from lamina import config, ops
from lamina.layers.arguments import (
    check_rank,
    conv_output_length,
    int_tuple,
    spatial_dims,
    standardize_padding,
    with_spatial,
)
from lamina.layers.base import Layer
from lamina.layers.conv import SPATIAL_NAMES
from lamina.layers.input_spec import InputSpec

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
]


class _Pooling(Layer):
    """Max or average pooling over windows of ``pool_size`` moved by ``strides``."""

    _rank = 2
    _mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner, n = type(self).__name__, self._rank
        self.pool_size = int_tuple(pool_size, n, "pool_size", owner)
        self.strides = (
            self.pool_size if strides is None else int_tuple(strides, n, "strides", owner)
        )
        self.padding = standardize_padding(padding, owner)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=n + 2)
        self._op = ops.max_pool if self._mode == "max" else ops.average_pool

    def call(self, inputs):
        return self._op(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = check_rank(input_shape, self._rank + 2, type(self).__name__)
        spatial = tuple(
            conv_output_length(d, k, s, self.padding)
            for d, k, s in zip(
                spatial_dims(input_shape, self.data_format), self.pool_size, self.strides
            )
        )
        if any(d is not None and d <= 0 for d in spatial):
            raise ValueError(
                f"{type(self).__name__}: the output would have a zero or negative size "
                f"{spatial} for input_shape={input_shape} with pool_size={self.pool_size}, "
                f"strides={self.strides}, padding={self.padding!r}. Use a smaller pool_size "
                "or padding='same'."
            )
        channel_axis = -1 if self.data_format == "channels_last" else 1
        return with_spatial(input_shape, spatial, input_shape[channel_axis], self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return cfg


# Keras's signatures differ by rank only in the default `pool_size`: one class per rank holds
# it, and the max and average layers of that rank share it.


class _Pooling1D(_Pooling):
    _rank = 1

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _Pooling2D(_Pooling):
    _rank = 2

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _Pooling3D(_Pooling):
    _rank = 3

    def __init__(
        self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs
    ):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


_POOL_DOC = """{kind} pooling for {what}: the {op} of each window of ``pool_size``.

    Args:
        pool_size: int or tuple of {n} ints, the window size (default {default}).
        strides: int or tuple of {n} ints; None (default) means ``pool_size``.
        padding: "valid" (windows inside the input) or "same" (output size =
            ceil(input / strides)); any case.
        data_format: "channels_last" (batch, {spatial}, channels) or "channels_first"
            (batch, channels, {spatial}); default `lamina.config.image_data_format()`.

    Input shape:
        ({ndim}D) (batch, {spatial}, channels) or (batch, channels, {spatial}).

    Output shape:
        (batch, {pooled}, channels) or (batch, channels, {pooled}).

    Example:
        >>> x = np.ones({example_in}, "float32")
        >>> print(lamina.layers.{name}()(x).shape)
        {example_out}
"""

_WHAT = {1: "temporal data", 2: "images", 3: "volumes"}


def _pool_doc(mode, n):
    """The docstring of the ``mode`` ("max" or "average") pooling layer of rank ``n``."""
    kind, op = ("Max", "maximum") if mode == "max" else ("Average", "mean")
    example_in, example_out = {
        1: ("(2, 10, 3)", "(2, 5, 3)"),
        2: ("(2, 28, 28, 3)", "(2, 14, 14, 3)"),
        3: ("(2, 8, 8, 8, 3)", "(2, 4, 4, 4, 3)"),
    }[n]
    pooled = {1: "pooled_steps", 2: "pooled_rows, pooled_cols", 3: "pooled_dim1, ..."}[n]
    return _POOL_DOC.format(
        name=f"{kind}Pooling{n}D",
        kind=kind,
        op=op,
        n=n,
        what=_WHAT[n],
        default=2 if n == 1 else str((2,) * n),
        spatial=SPATIAL_NAMES[n],
        pooled=pooled,
        ndim=n + 2,
        example_in=example_in,
        example_out=example_out,
    )


class MaxPooling1D(_Pooling1D):
    _mode = "max"
    __doc__ = _pool_doc("max", 1)


class MaxPooling2D(_Pooling2D):
    _mode = "max"
    __doc__ = _pool_doc("max", 2)


class MaxPooling3D(_Pooling3D):
    _mode = "max"
    __doc__ = _pool_doc("max", 3)


class AveragePooling1D(_Pooling1D):
    _mode = "average"
    __doc__ = _pool_doc("average", 1)


class AveragePooling2D(_Pooling2D):
    _mode = "average"
    __doc__ = _pool_doc("average", 2)


class AveragePooling3D(_Pooling3D):
    _mode = "average"
    __doc__ = _pool_doc("average", 3)


# ----------------------------------------------------------------------------------------
# Global pooling.


class _GlobalPooling(Layer):
    """Max or mean over every spatial position."""

    _rank = 2
    _mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        first = 1 if self.data_format == "channels_last" else 2
        self._axes = tuple(range(first, first + self._rank))
        self._reduce = ops.max if self._mode == "max" else ops.mean

    def call(self, inputs):
        return self._reduce(inputs, axis=self._axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = check_rank(input_shape, self._rank + 2, type(self).__name__)
        if self.keepdims:
            return tuple(1 if i in self._axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in self._axes)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return cfg


_GLOBAL_DOC = """Global {kind} pooling for {what}: the {op} over all {positions}.

    Args:
        data_format: "channels_last" (batch, {spatial}, channels) or "channels_first"
            (batch, channels, {spatial}); default `lamina.config.image_data_format()`.
        keepdims: keep the reduced axes with size 1.{mask}

    Input shape:
        (batch, {spatial}, channels) or (batch, channels, {spatial}).

    Output shape:
        (batch, channels), or with ``keepdims`` (batch, {ones}, channels) (channels last) /
        (batch, channels, {ones}) (channels first).

    Example:
        >>> x = np.ones({example_in}, "float32")
        >>> print(lamina.layers.{name}()(x).shape)
        {example_out}
"""


def _global_doc(name, kind, op, n, mask=""):
    return _GLOBAL_DOC.format(
        name=name,
        kind=kind,
        op=op,
        what=_WHAT[n],
        positions="steps" if n == 1 else "spatial positions",
        spatial=SPATIAL_NAMES[n],
        ones=", ".join(["1"] * n),
        mask=mask,
        example_in=str((2,) + (4,) * n + (3,)),
        example_out="(2, 3)",
    )


class GlobalMaxPooling1D(_GlobalPooling):
    _rank, _mode = 1, "max"
    __doc__ = _global_doc("GlobalMaxPooling1D", "max", "maximum", 1)


class GlobalMaxPooling2D(_GlobalPooling):
    _rank, _mode = 2, "max"
    __doc__ = _global_doc("GlobalMaxPooling2D", "max", "maximum", 2)


class GlobalMaxPooling3D(_GlobalPooling):
    _rank, _mode = 3, "max"
    __doc__ = _global_doc("GlobalMaxPooling3D", "max", "maximum", 3)


class GlobalAveragePooling1D(_GlobalPooling):
    _rank, _mode = 1, "average"
    __doc__ = _global_doc(
        "GlobalAveragePooling1D",
        "average",
        "mean",
        1,
        mask="\n\n    Call arguments:\n        inputs: the input tensor.\n        mask: optional "
        "(batch, steps) boolean mask; masked steps are left out of the mean.",
    )

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True
        self._mask_axis = 2 if self.data_format == "channels_last" else 1

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)
        mask = ops.expand_dims(ops.cast(mask, "bool"), self._mask_axis)
        total = ops.sum(ops.where(mask, inputs, 0), axis=self._axes, keepdims=self.keepdims)
        count = ops.sum(ops.cast(mask, inputs.dtype), axis=self._axes, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, previous_mask=None):
        return None


class GlobalAveragePooling2D(_GlobalPooling):
    _rank, _mode = 2, "average"
    __doc__ = _global_doc("GlobalAveragePooling2D", "average", "mean", 2)


class GlobalAveragePooling3D(_GlobalPooling):
    _rank, _mode = 3, "average"
    __doc__ = _global_doc("GlobalAveragePooling3D", "average", "mean", 3)


# Keras 3's aliases.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
)
