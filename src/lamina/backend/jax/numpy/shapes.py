"""Shape and layout ops on JAX arrays: `reshape`, `transpose`, `concatenate`, `split`, `pad`,
`flip`, `take`, ...
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from lamina.backend.common.numpy_rules import (
    axis_arg,
    defined_ops,
    pad_widths,
    section_indices,
    take_along_axis_shapes,
)
from lamina.backend.jax.core import convert_to_numpy, convert_to_tensor
from lamina.backend.jax.numpy._helpers import _dtype, _out, _promote_all, promote


def reshape(x, newshape):
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    return jnp.reshape(convert_to_tensor(x), newshape)


def expand_dims(x, axis):
    return jnp.expand_dims(convert_to_tensor(x), axis_arg(axis))


def squeeze(x, axis=None):
    return jnp.squeeze(convert_to_tensor(x), axis=axis_arg(axis))


def transpose(x, axes=None):
    return jnp.transpose(convert_to_tensor(x), axes)


def moveaxis(x, source, destination):
    return jnp.moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(convert_to_tensor(x), axis1, axis2)


# Joining and splitting ----------------------------------------------------------------------


def concatenate(xs, axis=0):
    return jnp.concatenate(_promote_all(xs), axis=axis)


def stack(x, axis=0):
    return jnp.stack(_promote_all(x), axis=axis)


def hstack(xs):
    return jnp.hstack(_promote_all(xs))


def vstack(xs):
    return jnp.vstack(_promote_all(xs))


def dstack(xs):
    return jnp.dstack(_promote_all(xs))


def split(x, indices_or_sections, axis=0):
    return jnp.split(
        convert_to_tensor(x), section_indices(indices_or_sections, convert_to_numpy), axis=axis
    )


def array_split(x, indices_or_sections, axis=0):
    return jnp.array_split(
        convert_to_tensor(x), section_indices(indices_or_sections, convert_to_numpy), axis=axis
    )


def hsplit(x, indices_or_sections):
    x = convert_to_tensor(x)
    return split(x, indices_or_sections, axis=1 if x.ndim > 1 else 0)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


# Padding, flipping, rolling -----------------------------------------------------------------


def tile(x, repeats):
    return jnp.tile(convert_to_tensor(x), repeats)


def repeat(x, repeats, axis=None):
    if not isinstance(repeats, int):
        repeats = convert_to_tensor(repeats)
    return jnp.repeat(convert_to_tensor(x), repeats, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    widths = pad_widths(convert_to_numpy(pad_width), x.ndim)
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return jnp.pad(x, widths.tolist(), mode="constant", constant_values=value)
    return jnp.pad(x, widths.tolist(), mode=mode)


def flip(x, axis=None):
    return jnp.flip(convert_to_tensor(x), axis=axis_arg(axis))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    return jnp.rot90(convert_to_tensor(array), k=k, axes=tuple(axes))


def roll(x, shift, axis=None):
    return jnp.roll(convert_to_tensor(x), shift, axis=axis_arg(axis))


def broadcast_to(x, shape):
    return jnp.broadcast_to(convert_to_tensor(x), tuple(shape)).copy()


# Gathering and flattening -------------------------------------------------------------------


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices)
    return jnp.take(x, indices.astype(np.int64), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices).astype(np.int64)
    if axis is None:
        return jnp.take_along_axis(x.reshape(-1), indices.reshape(-1), 0).reshape(indices.shape)
    x_shape, indices_shape = take_along_axis_shapes(x.shape, indices.shape, axis)
    x, indices = jnp.broadcast_to(x, x_shape), jnp.broadcast_to(indices, indices_shape)
    return jnp.take_along_axis(x, indices, axis)


def ravel(x):
    return jnp.ravel(convert_to_tensor(x))


def size(x):
    return jnp.asarray(jnp.size(convert_to_tensor(x)), dtype=np.int32)


def ndim(x):
    return np.ndim(convert_to_tensor(x))


def append(x1, x2, axis=None):
    x1, x2 = promote(x1, x2)
    return jnp.append(x1, x2, axis=axis)


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    if a.dtype == np.bool_:
        out = a
        for _ in range(n):
            out = jnp.not_equal(jnp.delete(out, 0, axis=axis), jnp.delete(out, -1, axis=axis))
        return out
    return jnp.diff(a, n=n, axis=axis)


def nonzero(x):
    return tuple(_out(i, "int32") for i in jnp.nonzero(jnp.atleast_1d(convert_to_tensor(x))))


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    dtype = "int32" if indices.dtype == np.bool_ else _dtype(indices)
    return tuple(_out(i, dtype) for i in jnp.unravel_index(indices.astype(np.int64), shape))


__all__ = defined_ops(globals())
