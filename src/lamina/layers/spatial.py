"""Spatial layers: `ZeroPadding1D/2D/3D`, `Cropping1D/2D/3D` and `UpSampling1D/2D/3D`.

Each layer turns its arguments into the exact per-axis amounts once, in ``__init__`` (a pad
width for `ops.pad`, a tuple of slices, repeat counts), so that ``call`` is a single op.
"""

from __future__ import annotations

import numpy as np

from lamina import config, ops
from lamina.backend.common import dtypes
from lamina.layers.arguments import int_tuple, positive_int
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec

__all__ = [
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
]

_ORDINAL = ("1st", "2nd", "3rd")


def _pairs(value, n, name, owner) -> tuple:
    """An int, ``n`` ints or ``n`` (before, after) pairs as ``n`` non-negative int pairs."""
    if n == 1:
        return (int_tuple(value, 2, name, owner, allow_zero=True),)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{owner}: `{name}` must be an int, a tuple of {n} ints or a tuple of {n} "
                f"(before, after) pairs. Received: {name}={value!r}"
            )
        return tuple(
            int_tuple(v, 2, f"{_ORDINAL[i]} entry of {name}", owner, allow_zero=True)
            for i, v in enumerate(value)
        )
    v = int_tuple(value, 1, name, owner, allow_zero=True)[0]
    return ((v, v),) * n


def _spatial_axes(n, data_format):
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + n))


class _ZeroPadding(Layer):
    _rank = 2

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self._rank, "padding", type(self).__name__)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self._axes = _spatial_axes(self._rank, self.data_format)
        widths = [(0, 0)] * (self._rank + 2)
        for axis, pair in zip(self._axes, self.padding):
            widths[axis] = pair
        self._pad_width = tuple(widths)

    def call(self, inputs):
        return ops.pad(inputs, self._pad_width)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (lo, hi) in zip(self._axes, self.padding):
            if shape[axis] is not None:
                shape[axis] += lo + hi
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        padding = self.padding[0] if self._rank == 1 else self.padding
        cfg.update({"padding": padding, "data_format": self.data_format})
        return cfg


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis of a sequence with zeros.

    Args:
        padding: int (both sides) or (before, after). Default 1.
        data_format: "channels_last" (batch, steps, features) or "channels_first"
            (batch, features, steps); default from the config.

    Input shape:
        (batch, steps, features) or (batch, features, steps).

    Output shape:
        (batch, padded_steps, features) or (batch, features, padded_steps).

    Example:
        >>> print(lamina.layers.ZeroPadding1D(2)(np.ones((1, 3, 4), "float32")).shape)
        (1, 7, 4)
    """

    _rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads the rows and columns of images with zeros.

    Args:
        padding: int (all sides), (symmetric_rows, symmetric_cols), or
            ((top, bottom), (left, right)). Default (1, 1).
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, rows, cols, channels) or (batch, channels, rows, cols).

    Output shape:
        (batch, padded_rows, padded_cols, channels), or channels first.

    Example:
        >>> print(lamina.layers.ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 3, 3, 1))).shape)
        (1, 4, 7, 1)
    """

    _rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of volumes with zeros.

    Args:
        padding: int, 3 ints (symmetric per axis), or 3 (before, after) pairs.
            Default ((1, 1), (1, 1), (1, 1)).
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, dim1, dim2, dim3, channels) or (batch, channels, dim1, dim2, dim3).

    Output shape:
        The same with each spatial axis grown by its padding.

    Example:
        >>> print(lamina.layers.ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 1))).shape)
        (1, 4, 4, 4, 1)
    """

    _rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


# ----------------------------------------------------------------------------------------
# Cropping.


class _Cropping(Layer):
    _rank = 2

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, self._rank, "cropping", type(self).__name__)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self._axes = _spatial_axes(self._rank, self.data_format)
        index = [slice(None)] * (self._rank + 2)
        for axis, (lo, hi) in zip(self._axes, self.cropping):
            index[axis] = slice(lo, -hi if hi else None)
        self._index = tuple(index)

    def _check(self, shape):
        for axis, (lo, hi) in zip(self._axes, self.cropping):
            if shape[axis] is not None and lo + hi >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__}: the cropping {self._cropping_arg()} removes all of "
                    f"axis {axis} (size {shape[axis]}) of inputs with shape {tuple(shape)}. "
                    "Each axis's cropping must sum to less than its size."
                )

    def _cropping_arg(self):
        return self.cropping[0] if self._rank == 1 else self.cropping

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def call(self, inputs):
        return inputs[self._index]

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        shape = list(input_shape)
        for axis, (lo, hi) in zip(self._axes, self.cropping):
            if shape[axis] is not None:
                shape[axis] -= lo + hi
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["cropping"] = self._cropping_arg()
        if self._rank > 1:
            cfg["data_format"] = self.data_format
        return cfg


class Cropping1D(_Cropping):
    """Crops steps from the start and end of a sequence (batch, steps, features).

    Args:
        cropping: int (both ends) or (start, end). Default (1, 1).

    Input shape:
        (batch, steps, features).

    Output shape:
        (batch, cropped_steps, features).

    Example:
        >>> print(lamina.layers.Cropping1D((1, 2))(np.ones((1, 6, 4), "float32")).shape)
        (1, 3, 4)
    """

    _rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, "channels_last", **kwargs)


class Cropping2D(_Cropping):
    """Crops rows and columns from the borders of images.

    Args:
        cropping: int (all sides), (symmetric_rows, symmetric_cols), or
            ((top, bottom), (left, right)). Default ((0, 0), (0, 0)).
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, rows, cols, channels) or (batch, channels, rows, cols).

    Output shape:
        (batch, cropped_rows, cropped_cols, channels), or channels first.

    Example:
        >>> print(lamina.layers.Cropping2D(((2, 2), (4, 4)))(np.ones((1, 28, 28, 3))).shape)
        (1, 24, 20, 3)
    """

    _rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the borders of the three spatial axes of volumes.

    Args:
        cropping: int, 3 ints (symmetric per axis), or 3 (start, end) pairs.
            Default ((1, 1), (1, 1), (1, 1)).
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, dim1, dim2, dim3, channels) or (batch, channels, dim1, dim2, dim3).

    Output shape:
        The same with each spatial axis shrunk by its cropping.

    Example:
        >>> print(lamina.layers.Cropping3D(1)(np.ones((1, 4, 4, 4, 2))).shape)
        (1, 2, 2, 2, 2)
    """

    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


# ----------------------------------------------------------------------------------------
# Upsampling.


class _UpSampling(Layer):
    _rank = 2

    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = int_tuple(size, self._rank, "size", type(self).__name__)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self._axes = _spatial_axes(self._rank, self.data_format)
        # Axes that actually grow (a factor of 1 costs nothing).
        self._repeats = tuple((a, s) for a, s in zip(self._axes, self.size) if s != 1)

    def call(self, inputs):
        x = inputs
        for axis, factor in self._repeats:
            x = ops.repeat(x, factor, axis=axis)
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip(self._axes, self.size):
            if shape[axis] is not None:
                shape[axis] *= factor
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["size"] = self.size[0] if self._rank == 1 else self.size
        if self._rank > 1:
            cfg["data_format"] = self.data_format
        return cfg


class UpSampling1D(_UpSampling):
    """Repeats each step of a sequence ``size`` times.

    Args:
        size: positive int, the upsampling factor. Default 2.

    Input shape:
        (batch, steps, features).

    Output shape:
        (batch, steps * size, features).

    Example:
        >>> print(lamina.layers.UpSampling1D(3)(np.ones((1, 4, 2), "float32")).shape)
        (1, 12, 2)
    """

    _rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(positive_int(size, "size", "UpSampling1D"), "channels_last", **kwargs)


_BILINEAR_CACHE_LIMIT = 32


class UpSampling2D(_UpSampling):
    """Upsamples images by integer factors, by repetition ("nearest") or "bilinear"
    interpolation (half-pixel centers, as `ops.image.resize`).

    Args:
        size: int or (rows_factor, cols_factor). Default (2, 2).
        data_format: "channels_last" or "channels_first"; default from the config.
        interpolation: "nearest" (default) or "bilinear".

    Input shape:
        (batch, rows, cols, channels) or (batch, channels, rows, cols).

    Output shape:
        (batch, rows * size[0], cols * size[1], channels), or channels first.

    Example:
        >>> print(lamina.layers.UpSampling2D((2, 3))(np.ones((1, 2, 2, 1), "float32")).shape)
        (1, 4, 6, 1)
    """

    _rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, **kwargs)
        value = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if value not in ("nearest", "bilinear"):
            raise ValueError(
                "UpSampling2D: `interpolation` must be 'nearest' or 'bilinear'. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = value
        self._tables = {}  # (size, factor, axis, dtype) -> (low index, high index, weight)

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        x = inputs
        for axis, factor in self._repeats:
            low, high, weight = self._table(x.shape[axis], factor, axis, x.dtype)
            a = ops.take(x, low, axis=axis)
            b = ops.take(x, high, axis=axis)
            x = ops.add(a, ops.multiply(ops.subtract(b, a), weight))
        return x

    def _table(self, size, factor, axis, dtype):
        """Gather indices and weights of 1-D linear interpolation with half-pixel centers."""
        if size is None:
            raise ValueError(
                "UpSampling2D with interpolation='bilinear' needs known spatial sizes. "
                f"Received an input whose axis {axis} is unknown."
            )
        key = (int(size), factor, axis, str(dtype))
        table = self._tables.get(key)
        if table is None:
            n = int(size)
            source = (np.arange(n * factor, dtype=np.float64) + 0.5) / factor - 0.5
            floor = np.floor(source)
            low = np.clip(floor, 0, n - 1).astype("int32")
            high = np.clip(floor + 1, 0, n - 1).astype("int32")
            shape = [1] * (self._rank + 2)
            shape[axis] = n * factor
            # NumPy constants (not backend tensors): safe to reuse across traced graphs.
            np_dtype = dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))
            table = (low, high, (source - floor).reshape(shape).astype(np_dtype))
            if len(self._tables) >= _BILINEAR_CACHE_LIMIT:
                self._tables.clear()
            self._tables[key] = table
        return table

    def get_config(self):
        cfg = super().get_config()
        cfg["interpolation"] = self.interpolation
        return cfg


class UpSampling3D(_UpSampling):
    """Upsamples volumes by repeating entries along the three spatial axes.

    Args:
        size: int or 3 ints, the factors. Default (2, 2, 2).
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, dim1, dim2, dim3, channels) or (batch, channels, dim1, dim2, dim3).

    Output shape:
        The same with each spatial axis multiplied by its factor.

    Example:
        >>> print(lamina.layers.UpSampling3D(2)(np.ones((1, 2, 2, 2, 1), "float32")).shape)
        (1, 4, 4, 4, 1)
    """

    _rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)
