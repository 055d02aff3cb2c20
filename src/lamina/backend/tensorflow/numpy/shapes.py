"""Shape and layout ops on TensorFlow tensors: `reshape`, `transpose`, `concatenate`, `split`,
`pad`, `flip`, `take`, ...
"""

from __future__ import annotations

import builtins

import numpy as np
import tensorflow as tf

from lamina.backend.common.numpy_rules import (
    defined_ops,
    expand_positions,
    pad_source_indices,
    pad_widths,
    section_indices,
    split_sizes,
)
from lamina.backend.tensorflow.core import convert_to_numpy, convert_to_tensor
from lamina.backend.tensorflow.numpy._helpers import _axes, _moveaxis, _promote_all, _shape


def reshape(x, newshape):
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    return tf.reshape(convert_to_tensor(x), newshape)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    for a in expand_positions(axis, x.shape.rank):
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    return tf.squeeze(x, axis=None if axis is None else _axes(x, axis))


def transpose(x, axes=None):
    return tf.transpose(convert_to_tensor(x), perm=None if axes is None else list(axes))


def moveaxis(x, source, destination):
    source = source if isinstance(source, (list, tuple)) else [source]
    destination = destination if isinstance(destination, (list, tuple)) else [destination]
    return _moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    x = convert_to_tensor(x)
    perm = list(range(x.shape.rank))
    a1, a2 = int(axis1) % len(perm), int(axis2) % len(perm)
    perm[a1], perm[a2] = perm[a2], perm[a1]
    return tf.transpose(x, perm)


# Joining and splitting ----------------------------------------------------------------------


def concatenate(xs, axis=0):
    xs = _promote_all(xs)
    if axis is None:
        xs, axis = [tf.reshape(x, [-1]) for x in xs], 0
    return tf.concat(xs, axis=axis)


def stack(x, axis=0):
    return tf.stack(_promote_all(x), axis=axis)


def hstack(xs):
    xs = _promote_all(xs)
    return tf.concat(xs, axis=0 if builtins.all(x.shape.rank == 1 for x in xs) else 1)


def _at_least(x, rank):
    if x.shape.rank == 0:
        return tf.reshape(x, [1] * rank)
    if x.shape.rank == 1:
        return tf.reshape(x, [1, -1] if rank == 2 else [1, -1, 1])
    if x.shape.rank == 2 and rank == 3:
        return tf.expand_dims(x, -1)
    return x


def vstack(xs):
    return tf.concat([_at_least(x, 2) for x in _promote_all(xs)], axis=0)


def dstack(xs):
    return tf.concat([_at_least(x, 3) for x in _promote_all(xs)], axis=2)


def split(x, indices_or_sections, axis=0):
    return array_split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    n = x.shape[axis]
    if n is None:  # unknown size (in a traced function): equal parts only
        return tf.split(x, int(indices_or_sections), axis=axis)
    sizes = split_sizes(n, section_indices(indices_or_sections, convert_to_numpy))
    return tf.split(x, sizes, axis=axis)


def hsplit(x, indices_or_sections):
    x = convert_to_tensor(x)
    return split(x, indices_or_sections, axis=1 if x.shape.rank > 1 else 0)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


# Padding, flipping, rolling -----------------------------------------------------------------


def tile(x, repeats):
    x = convert_to_tensor(x)
    repeats = [repeats] if isinstance(repeats, (int, np.integer)) else list(repeats)
    if len(repeats) > x.shape.rank:
        x = tf.reshape(x, [1] * (len(repeats) - x.shape.rank) + _shape(x))
    repeats = [1] * (x.shape.rank - len(repeats)) + repeats
    return tf.tile(x, repeats)


def repeat(x, repeats, axis=None):
    x = convert_to_tensor(x)
    if not isinstance(repeats, (int, np.integer)):
        repeats = tf.cast(convert_to_tensor(repeats), tf.int32)
    return tf.repeat(x, repeats, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    widths = pad_widths(convert_to_numpy(pad_width), x.shape.rank)
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return tf.pad(x, widths, constant_values=tf.cast(value, x.dtype))
    for axis, (before, after) in enumerate(widths.tolist()):
        if not (before or after):
            continue
        n = x.shape[axis]
        if n is None:  # unknown size (in a traced function): TF's own modes
            one = [[0, 0]] * x.shape.rank
            one[axis] = [before, after]
            x = tf.pad(x, one, mode=mode.upper())
        else:
            x = tf.gather(x, pad_source_indices(n, before, after, mode), axis=axis)
    return x


def flip(x, axis=None):
    x = convert_to_tensor(x)
    return tf.reverse(x, _axes(x, axis))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    x = convert_to_tensor(array)
    a0, a1 = (int(a) % x.shape.rank for a in axes)
    perm = list(range(x.shape.rank))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    k %= 4
    if k == 1:
        return tf.transpose(tf.reverse(x, [a1]), perm)
    if k == 2:
        return tf.reverse(x, [a0, a1])
    if k == 3:
        return tf.reverse(tf.transpose(x, perm), [a1])
    return tf.identity(x)


def roll(x, shift, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, axis=0), tf.shape(x))
    return tf.roll(x, shift, axis=axis)


def broadcast_to(x, shape):
    return tf.broadcast_to(convert_to_tensor(x), shape)


# Gathering and flattening -------------------------------------------------------------------


def _positive_indices(indices, size):
    indices = tf.cast(convert_to_tensor(indices), tf.int64)
    return tf.where(indices < 0, indices + tf.cast(size, tf.int64), indices)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.gather(x, _positive_indices(indices, tf.shape(x)[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
        indices = tf.reshape(convert_to_tensor(indices), [-1])
    axis = int(axis) % x.shape.rank
    indices = _positive_indices(indices, tf.shape(x)[axis])
    # Broadcast every axis but `axis`, move `axis` last, and gather with batch dims.
    x_shape, i_shape = tf.shape(x), tf.shape(indices)
    common = tf.broadcast_dynamic_shape(
        tf.tensor_scatter_nd_update(x_shape, [[axis]], [1]),
        tf.tensor_scatter_nd_update(i_shape, [[axis]], [1]),
    )
    x = tf.broadcast_to(x, tf.tensor_scatter_nd_update(common, [[axis]], [x_shape[axis]]))
    indices = tf.broadcast_to(
        indices, tf.tensor_scatter_nd_update(common, [[axis]], [i_shape[axis]])
    )
    last = x.shape.rank - 1
    out = tf.gather(
        _moveaxis(x, [axis], [last]), _moveaxis(indices, [axis], [last]), batch_dims=last, axis=last
    )
    return _moveaxis(out, [last], [axis])


def ravel(x):
    return tf.reshape(convert_to_tensor(x), [-1])


def size(x):
    return tf.size(convert_to_tensor(x), out_type=tf.int32)


def ndim(x):
    return convert_to_tensor(x).shape.rank


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    axis = int(axis) % a.shape.rank
    head = (builtins.slice(None),) * axis
    for _ in range(n):
        later, earlier = a[head + (builtins.slice(1, None),)], a[head + (builtins.slice(None, -1),)]
        a = tf.not_equal(later, earlier) if a.dtype == tf.bool else later - earlier
    return a


def nonzero(x):
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, [1])
    found = tf.cast(tf.where(tf.cast(x, tf.bool)), tf.int32)
    return tuple(found[:, i] for i in range(x.shape.rank))


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    dtype = tf.int32 if indices.dtype == tf.bool else indices.dtype
    out, rest = [], tf.cast(indices, tf.int64)
    for size_ in reversed(shape):
        out.append(tf.cast(rest % size_, dtype))
        rest = rest // size_
    return tuple(reversed(out))


__all__ = defined_ops(globals())
