"""Shape and layout ops on PyTorch tensors: `reshape`, `transpose`, `concatenate`, `split`,
`pad`, `flip`, `take`, ...
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from lamina.backend.common.numpy_rules import (
    defined_ops,
    expand_positions,
    normalize_axes,
    pad_source_indices,
    pad_widths,
    section_indices,
    split_sizes,
)
from lamina.backend.torch.core import convert_to_numpy, convert_to_tensor
from lamina.backend.torch.numpy._helpers import _promote_all


def reshape(x, newshape):
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    return torch.reshape(convert_to_tensor(x), newshape)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    if type(axis) is int:
        return torch.unsqueeze(x, axis if axis >= 0 else axis + x.ndim + 1)
    for a in expand_positions(axis, x.ndim):
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    return torch.squeeze(x, dim=normalize_axes(axis, x.ndim))


def transpose(x, axes=None):
    x = convert_to_tensor(x)
    if axes is None:
        axes = tuple(range(x.ndim - 1, -1, -1))
    return x.permute(*axes)


def moveaxis(x, source, destination):
    return torch.movedim(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(convert_to_tensor(x), axis1, axis2)


# Joining and splitting ----------------------------------------------------------------------


def concatenate(xs, axis=0):
    xs = _promote_all(xs)
    if axis is None:
        xs, axis = [x.reshape(-1) for x in xs], 0
    return torch.cat(xs, dim=axis)


def stack(x, axis=0):
    return torch.stack(_promote_all(x), dim=axis)


def hstack(xs):
    return torch.hstack(_promote_all(xs))


def vstack(xs):
    return torch.vstack(_promote_all(xs))


def dstack(xs):
    return torch.dstack(_promote_all(xs))


def split(x, indices_or_sections, axis=0):
    return array_split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    sizes = split_sizes(x.shape[axis], section_indices(indices_or_sections, convert_to_numpy))
    return list(torch.split(x, sizes, dim=axis))


def hsplit(x, indices_or_sections):
    x = convert_to_tensor(x)
    return split(x, indices_or_sections, axis=1 if x.ndim > 1 else 0)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


# Padding, flipping, rolling -----------------------------------------------------------------


def tile(x, repeats):
    repeats = (repeats,) if isinstance(repeats, (int, np.integer)) else tuple(repeats)
    return torch.tile(convert_to_tensor(x), repeats)


def repeat(x, repeats, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not isinstance(repeats, (int, np.integer)):
        repeats = convert_to_tensor(repeats).to(torch.int64)
    return torch.repeat_interleave(x, repeats, dim=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    widths = pad_widths(convert_to_numpy(pad_width), x.ndim)
    if mode == "constant":
        flat = [int(w) for pair in widths[::-1] for w in pair]
        value = 0 if constant_values is None else constant_values
        if x.dtype == torch.bool:
            return F.pad(x.to(torch.uint8), flat, value=value).to(torch.bool)
        return F.pad(x, flat, value=value)
    for axis, (before, after) in enumerate(widths.tolist()):
        if before or after:
            index = pad_source_indices(x.shape[axis], before, after, mode)
            x = torch.index_select(x, axis, torch.as_tensor(index, device=x.device))
    return x


def flip(x, axis=None):
    x = convert_to_tensor(x)
    return torch.flip(x, normalize_axes(axis, x.ndim))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    return torch.rot90(convert_to_tensor(array), k, tuple(axes))


def roll(x, shift, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return torch.roll(x.reshape(-1), shift).reshape(x.shape)
    return torch.roll(x, shift, axis)


def broadcast_to(x, shape):
    return torch.broadcast_to(convert_to_tensor(x), tuple(shape)).clone()


# Gathering and flattening -------------------------------------------------------------------


def _positive_indices(indices, size, device):
    """Int indices on ``device`` with negative ones counted from the end (as in NumPy)."""
    indices = convert_to_tensor(indices)
    if indices.dtype not in (torch.int64, torch.int32):
        indices = indices.to(torch.int64)
    if indices.device != device:
        indices = indices.to(device)
    return torch.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = int(axis) % x.ndim
    indices = _positive_indices(indices, x.shape[axis], x.device)
    if indices.ndim == 1:
        return torch.index_select(x, axis, indices)
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(*x.shape[:axis], *indices.shape, *x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        indices = _positive_indices(indices, x.numel(), x.device).to(torch.int64)
        return torch.take_along_dim(x.reshape(-1), indices.reshape(-1)).reshape(indices.shape)
    indices = _positive_indices(indices, x.shape[axis], x.device).to(torch.int64)
    return torch.take_along_dim(x, indices, dim=axis)


def ravel(x):
    return torch.reshape(convert_to_tensor(x), (-1,))


def size(x):
    x = convert_to_tensor(x)
    return torch.tensor(x.numel(), dtype=torch.int32, device=x.device)


def ndim(x):
    return convert_to_tensor(x).ndim


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    for _ in range(n):
        length = a.shape[axis]
        later, earlier = torch.narrow(a, axis, 1, length - 1), torch.narrow(a, axis, 0, length - 1)
        a = torch.ne(later, earlier) if a.dtype == torch.bool else later - earlier
    return a


def nonzero(x):
    x = convert_to_tensor(x)
    x = x.reshape(1) if x.ndim == 0 else x
    return tuple(i.to(torch.int32) for i in torch.nonzero(x, as_tuple=True))


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    dtype = torch.int32 if indices.dtype == torch.bool else indices.dtype
    out, rest = [], indices.to(torch.int64)
    for size in reversed(shape):
        out.append((rest % size).to(dtype))
        rest = torch.div(rest, size, rounding_mode="floor")
    return tuple(reversed(out))


__all__ = defined_ops(globals())
