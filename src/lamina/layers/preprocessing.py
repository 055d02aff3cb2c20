"""Preprocessing layers: `Rescaling`, `Normalization` (with `adapt`), `Resizing`, `CenterCrop`.

These layers have no trainable weights; `Normalization` keeps the statistics it learns in
`adapt` as non-trainable weights (``mean``, ``variance``, ``count``), as Keras 3 does.
"""

from __future__ import annotations

import math

import numpy as np

from lamina import backend, config, ops
from lamina.backend.common import dtypes
from lamina.layers.arguments import positive_int
from lamina.layers.base import Layer

__all__ = ["CenterCrop", "Normalization", "Rescaling", "Resizing"]


def _to_numpy(x):
    if isinstance(x, np.ndarray):
        return x
    if backend.is_tensor(x) or hasattr(x, "numpy"):
        return np.asarray(backend.convert_to_numpy(x))
    return np.asarray(x)


def _deserialize_array(value):
    """A Keras-serialized NumPy array ({"class_name": "__numpy__", ...}) as a list."""
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        return np.asarray(value["config"]["value"], dtype=value["config"].get("dtype"))
    return value


def _serialize_array(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


class Rescaling(Layer):
    """Multiplies inputs by ``scale`` and adds ``offset``: ``inputs * scale + offset``.

    Integer inputs are cast to the layer's compute dtype (float32 by default) first.

    Args:
        scale: a float, or an array broadcastable to the inputs (per channel).
        offset: a float or such an array. Default 0.0.

    Input shape:
        any.

    Output shape:
        the input shape.

    Example:
        >>> layer = lamina.layers.Rescaling(1.0 / 255)
        >>> print(layer(np.full((2, 28, 28, 1), 255, "uint8")).shape)
        (2, 28, 28, 1)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _deserialize_array(scale)
        self.offset = _deserialize_array(offset)
        self.supports_masking = True
        self._scale = self._constant(self.scale, "scale")
        self._offset = self._constant(self.offset, "offset")
        self._skip_offset = isinstance(self._offset, float) and self._offset == 0.0

    def _constant(self, value, name):
        if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.number, list, tuple, np.ndarray)
        ):
            if not (backend.is_tensor(value) or isinstance(value, backend.Variable)):
                raise ValueError(
                    f"Rescaling: `{name}` must be a number or an array of numbers. "
                    f"Received: {name}={value!r}"
                )
        if isinstance(value, (int, float, np.number)):
            return float(value)
        array = _to_numpy(value).astype(dtypes.to_numpy_dtype(self.compute_dtype))
        if array.ndim and config.image_data_format() == "channels_first":
            # A per-channel vector meets (channels, rows, cols) images.
            array = array.reshape(array.shape + (1,) * max(3 - array.ndim, 0))
        return array

    def call(self, inputs):
        x = ops.multiply(ops.cast(inputs, self.compute_dtype), self._scale)
        if self._skip_offset:
            return x
        return ops.add(x, self._offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"scale": _serialize_array(self.scale), "offset": _serialize_array(self.offset)})
        return cfg


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance: ``(x - mean) / sqrt(var)``.

    The statistics come from ``mean`` / ``variance`` given here, or from `adapt` on data.

    Args:
        axis: the axis (or axes) that keep separate statistics, -1 by default (one mean and
            variance per feature); None for a single mean and variance over everything.
        mean, variance: fixed statistics (both or neither), broadcastable to the kept axes.
        invert: apply the inverse transformation, ``x * sqrt(var) + mean``.

    Input shape:
        any, with the kept axes known.

    Output shape:
        the input shape.

    Example:
        >>> layer = lamina.layers.Normalization()
        >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]], "float32"))
        >>> print(lamina.ops.convert_to_numpy(layer(np.array([[1.0, 20.0]], "float32"))))
        [[0. 0.]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        mean, variance = _deserialize_array(mean), _deserialize_array(variance)
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: set both `mean` and `variance`, or neither (then call `adapt`). "
                f"Received: mean={mean!r}, variance={variance!r}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "Normalization: `mean` and `variance` must have the same shape. Received "
                    f"shapes {np.shape(mean)} and {np.shape(variance)}."
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"Normalization: `mean` has rank {np.ndim(mean)}, more than the number of "
                    f"kept axes (axis={self.axis})."
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Normalization: every `axis` must be in [-{ndim}, {ndim}) for inputs of rank "
                f"{ndim}. Received: axis={self.axis}, input_shape={input_shape}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        for a in keep:
            if input_shape[a] is None:
                raise ValueError(
                    f"Normalization: the kept axis {a} must have a known size. "
                    f"Received: axis={self.axis}, input_shape={input_shape}"
                )
        self._build_input_shape = input_shape
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._stat_shape = tuple(input_shape[d] for d in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        # Statistics of shape `_stat_shape` broadcast as they are when the kept axes are last.
        self._needs_reshape = keep != tuple(range(ndim - len(keep), ndim))
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._stat_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance", shape=self._stat_shape, initializer="ones", trainable=False
            )
            self.count = self.add_weight(
                name="count", shape=(), dtype="int64", initializer="zeros", trainable=False
            )
            self._fixed = None
        else:
            np_dtype = dtypes.to_numpy_dtype(self.compute_dtype)
            mean = self._align(np.asarray(self.input_mean, np.float64), ndim)
            variance = self._align(np.asarray(self.input_variance, np.float64), ndim)
            denom = np.maximum(np.sqrt(variance), config.epsilon())
            self._fixed = (
                backend.convert_to_tensor(mean.astype(np_dtype)),
                backend.convert_to_tensor(denom.astype(np_dtype)),
            )
        self.built = True

    def _align(self, value, ndim):
        """A given statistic broadcast to the full-rank broadcast shape (kept axes from the right)."""
        if value.ndim:
            shape = [1] * ndim
            for i in range(1, value.ndim + 1):
                shape[self._keep_axis[-i]] = value.shape[-i]
            value = value.reshape(shape)
        return np.broadcast_to(value, self._broadcast_shape)

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        if self._fixed is not None:
            mean, denom = self._fixed
        else:
            mean, variance = self.adapt_mean, self.adapt_variance
            if self._needs_reshape:
                mean = ops.reshape(mean, self._broadcast_shape)
                variance = ops.reshape(variance, self._broadcast_shape)
            denom = ops.maximum(ops.sqrt(ops.cast(variance, self.compute_dtype)), config.epsilon())
            mean = ops.cast(mean, self.compute_dtype)
        if self.invert:
            return ops.add(mean, ops.multiply(x, denom))
        return ops.divide(ops.subtract(x, mean), denom)

    def adapt(self, data):
        """Computes the mean and variance of ``data`` along the non-kept axes.

        Args:
            data: a NumPy array or backend tensor, or an iterable of batches (a list of arrays,
                a generator, a `tf.data.Dataset`, a torch `DataLoader`); batches that are
                ``(x, y)`` tuples use ``x``.
        """
        if self.input_mean is not None:
            raise ValueError(
                "Normalization: this layer was given `mean` and `variance`, so it cannot "
                "`adapt`. Create it without them to learn the statistics from data."
            )
        if isinstance(data, np.ndarray) or backend.is_tensor(data):
            batches = iter([data])
        elif hasattr(data, "__iter__"):
            batches = iter(data)
        else:
            raise TypeError(
                "Normalization.adapt expects a NumPy array, a tensor or an iterable of batches. "
                f"Received: {type(data).__name__}"
            )
        total_mean = total_var = None
        total = 0
        for batch in batches:
            if isinstance(batch, tuple):  # (x, y) or (x, y, sample_weight)
                batch = batch[0]
            batch = _to_numpy(batch).astype(np.float64)
            if not self.built:
                self.build(batch.shape)
            self._check_adapt_shape(batch.shape)
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if count == 0:
                continue
            mean = np.mean(batch, axis=self._reduce_axis)
            var = np.var(batch, axis=self._reduce_axis)
            if total_mean is None:
                total_mean, total_var, total = mean, var, count
                continue
            # Combine the running and the batch statistics (Chan et al.'s parallel update).
            new_total = total + count
            delta = mean - total_mean
            total_mean = total_mean + delta * (count / new_total)
            total_var = (
                total_var * total + var * count + delta**2 * (total * count / new_total)
            ) / new_total
            total = new_total
        if total_mean is None:
            raise ValueError("Normalization.adapt received no data (an empty iterable or batch).")
        np_dtype = dtypes.to_numpy_dtype(self.adapt_mean.dtype)
        self.adapt_mean.assign(np.asarray(total_mean, np_dtype))
        self.adapt_variance.assign(np.asarray(total_var, np_dtype))
        self.count.assign(np.asarray(total, "int64"))

    def _check_adapt_shape(self, shape):
        expected = self._build_input_shape
        if len(shape) != len(expected) or any(shape[d] != expected[d] for d in self._keep_axis):
            raise ValueError(
                f"Normalization: adapt() data of shape {tuple(shape)} does not match the shape "
                f"{expected} the layer was built for (axis={self.axis})."
            )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": None if self.input_mean is None else np.asarray(self.input_mean).tolist(),
                "variance": None
                if self.input_variance is None
                else np.asarray(self.input_variance).tolist(),
            }
        )
        return cfg


# ----------------------------------------------------------------------------------------
# Image size layers.


def _linear_table(in_size, out_size):
    """Indices and weights of 1-D linear interpolation from ``in_size`` to ``out_size`` samples
    (half-pixel centers, edges clamped)."""
    scale = in_size / out_size
    source = (np.arange(out_size, dtype=np.float64) + 0.5) * scale - 0.5
    source = np.clip(source, 0, None)
    floor = np.floor(source)
    low = np.clip(floor, 0, in_size - 1).astype("int32")
    high = np.clip(floor + 1, 0, in_size - 1).astype("int32")
    return low, high, source - floor


def _nearest_table(in_size, out_size):
    scale = in_size / out_size
    source = np.floor((np.arange(out_size, dtype=np.float64) + 0.5) * scale)
    return np.clip(source, 0, in_size - 1).astype("int32")


class Resizing(Layer):
    """Resizes images to ``(height, width)`` with "bilinear" (default) or "nearest" sampling.

    Sampling uses half-pixel centers without antialiasing (as ``tf.image.resize`` when
    upsampling). With ``crop_to_aspect_ratio=True`` the largest centered crop of the target
    aspect ratio is taken first, so the image is not distorted.

    Args:
        height, width: the output size.
        interpolation: "bilinear" or "nearest".
        crop_to_aspect_ratio: crop to the target aspect ratio before resizing.
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, height, width, channels) or (height, width, channels); channels first likewise.

    Output shape:
        (batch, target_height, target_width, channels), or channels first.

    Example:
        >>> print(lamina.layers.Resizing(8, 6)(np.ones((2, 4, 3, 1), "float32")).shape)
        (2, 8, 6, 1)
    """

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.height = positive_int(height, "height", "Resizing")
        self.width = positive_int(width, "width", "Resizing")
        value = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if value not in ("bilinear", "nearest"):
            raise ValueError(
                "Resizing: `interpolation` must be 'bilinear' or 'nearest'. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = value
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.data_format = config.standardize_data_format(data_format)
        self._tables = {}

    def _axes(self, ndim):
        if self.data_format == "channels_last":
            return ndim - 3, ndim - 2
        return ndim - 2, ndim - 1

    def _plan(self, shape, dtype):
        """Per spatial axis: (axis, crop slice, table), computed once per input shape."""
        key = (tuple(shape), str(dtype))
        plan = self._tables.get(key)
        if plan is not None:
            return plan
        ndim = len(shape)
        axes = self._axes(ndim)
        sizes = [shape[a] for a in axes]
        if any(s is None for s in sizes):
            raise ValueError(
                f"Resizing needs known image sizes. Received input shape {tuple(shape)}."
            )
        crops = [slice(None), slice(None)]
        if self.crop_to_aspect_ratio:
            h, w = sizes
            target = self.width / self.height
            crop_h = max(min(h, int(w / target)), 1)
            crop_w = max(min(w, int(h * target)), 1)
            for i, (size, new) in enumerate(((h, crop_h), (w, crop_w))):
                start = (size - new) // 2
                crops[i] = slice(start, start + new)
                sizes[i] = new
        np_dtype = dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))
        plan = []
        for axis, crop, size, out in zip(axes, crops, sizes, (self.height, self.width)):
            if self.interpolation == "nearest":
                table = (_nearest_table(size, out),)
            else:
                low, high, weight = _linear_table(size, out)
                wshape = [1] * ndim
                wshape[axis] = out
                table = (low, high, weight.reshape(wshape).astype(np_dtype))
            plan.append((axis, crop, size == out and crop == slice(None), table))
        if len(self._tables) >= 32:
            self._tables.clear()
        self._tables[key] = plan
        return plan

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        for axis, crop, identity, table in self._plan(tuple(x.shape), x.dtype):
            if identity:
                continue
            if crop != slice(None):
                index = [slice(None)] * len(x.shape)
                index[axis] = crop
                x = x[tuple(index)]
            if len(table) == 1:
                x = ops.take(x, table[0], axis=axis)
            else:
                low, high, weight = table
                a = ops.take(x, low, axis=axis)
                b = ops.take(x, high, axis=axis)
                x = ops.add(a, ops.multiply(ops.subtract(b, a), weight))
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if len(shape) not in (3, 4):
            raise ValueError(
                f"Resizing expects inputs of rank 3 or 4. Received input_shape={tuple(shape)}"
            )
        h_axis, w_axis = self._axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(
            {
                "height": self.height,
                "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "data_format": self.data_format,
            }
        )
        return cfg


class CenterCrop(Layer):
    """Crops the central ``(height, width)`` region of images (resizing first, keeping the
    aspect ratio, when an image is smaller than the target).

    Args:
        height, width: the output size.
        data_format: "channels_last" or "channels_first"; default from the config.

    Input shape:
        (batch, height, width, channels) or (height, width, channels); channels first likewise.

    Output shape:
        (batch, target_height, target_width, channels), or channels first.

    Example:
        >>> print(lamina.layers.CenterCrop(4, 4)(np.ones((2, 8, 6, 3), "float32")).shape)
        (2, 4, 4, 3)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height = positive_int(height, "height", "CenterCrop")
        self.width = positive_int(width, "width", "CenterCrop")
        self.data_format = config.standardize_data_format(data_format)
        self._resizer = None

    def _axes(self, ndim):
        if self.data_format == "channels_last":
            return ndim - 3, ndim - 2
        return ndim - 2, ndim - 1

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        h_axis, w_axis = self._axes(len(x.shape))
        h, w = x.shape[h_axis], x.shape[w_axis]
        if h < self.height or w < self.width:
            # Too small: resize (bilinear, cropping to the target aspect ratio) instead.
            if self._resizer is None:
                self._resizer = Resizing(
                    self.height,
                    self.width,
                    crop_to_aspect_ratio=True,
                    data_format=self.data_format,
                    dtype=self._policy.name,
                )
            return self._resizer(x)
        top, left = (h - self.height) // 2, (w - self.width) // 2
        index = [slice(None)] * len(x.shape)
        index[h_axis] = slice(top, top + self.height)
        index[w_axis] = slice(left, left + self.width)
        return x[tuple(index)]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if len(shape) not in (3, 4):
            raise ValueError(
                f"CenterCrop expects inputs of rank 3 or 4. Received input_shape={tuple(shape)}"
            )
        h_axis, w_axis = self._axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return cfg
