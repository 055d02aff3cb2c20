"""Layout and padding helpers of the TensorFlow backend's convolutions and pooling (which
compute channels_last): moving the channel axis, padding or cropping the spatial axes, and
the zero-insertion of a transposed convolution's strides."""

from __future__ import annotations

import tensorflow as tf


def to_channels_last(x, data_format):
    if data_format == "channels_first":
        nd = x.shape.rank - 2
        return tf.transpose(x, [0, *range(2, nd + 2), 1])
    return x


def from_channels_last(x, data_format):
    if data_format == "channels_first":
        nd = x.shape.rank - 2
        return tf.transpose(x, [0, nd + 1, *range(1, nd + 1)])
    return x


def pad_spatial(x, pads, value=0):
    return tf.pad(x, [[0, 0], *[list(p) for p in pads], [0, 0]], constant_values=value)


def dilate(x, strides):
    """Insert ``stride - 1`` zeros between the elements of each spatial axis."""
    for i, s in enumerate(strides):
        if s == 1:
            continue
        axis = i + 1
        shape = tf.unstack(tf.shape(x))
        stacked = tf.stack([x] + [tf.zeros_like(x)] * (s - 1), axis=axis + 1)
        shape[axis] = shape[axis] * s
        x = tf.reshape(stacked, shape)
        x = tf.gather(x, tf.range(tf.shape(x)[axis] - (s - 1)), axis=axis)
    return x


def pad_or_crop(x, pads):
    x = pad_spatial(x, [(max(lo, 0), max(hi, 0)) for lo, hi in pads])
    index = [slice(None)]
    for lo, hi in pads:
        index.append(slice(max(-lo, 0), None if hi >= 0 else hi))
    return x[tuple(index)]
