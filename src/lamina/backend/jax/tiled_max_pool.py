"""Max-pooling over windows as large as their strides ("valid" padding), for the JAX backend's
`max_pool`: XLA's window reduction forward, and a gradient built from strided views, which
XLA's CPU backend runs several times faster than its select-and-scatter. ``first`` is the
first spatial axis (1 for channels_last, 2 for channels_first)."""

from __future__ import annotations

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np


def _kept(x, pool_size, first):
    """``x`` without the trailing rows that no window covers ("valid" pooling drops them)."""
    index = [slice(None)] * x.ndim
    for i, p in enumerate(pool_size):
        index[first + i] = slice(0, x.shape[first + i] // p * p)
    return x[tuple(index)]


def _blocks(x, pool_size, first):
    """``x`` reshaped so that each pooling window has its own axes (the odd ones)."""
    nd = len(pool_size)
    shape = list(x.shape[:first])
    for k, p in zip(x.shape[first : first + nd], pool_size):
        shape += [k // p, p]
    shape += list(x.shape[first + nd :])
    return x.reshape(shape), tuple(first + 2 * i + 1 for i in range(nd))


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def tiled_max_pool(x, pool_size, first):
    # Windows as large as their strides. Forward: XLA's window reduction on ``x`` as it is
    # (no slicing before it, so XLA fuses it with the layers around it). Its gradient
    # (select-and-scatter) is several times slower on CPU than the one below.
    window = [1] * x.ndim
    for i, p in enumerate(pool_size):
        window[first + i] = p
    # A Python scalar, not an array: it stays a literal in the custom-VJP function's jaxpr.
    # (An array becomes an argument of that function, and a reduce-window whose initial
    # value is not a constant misses XLA's fast pooling code: 2x slower on CPU.)
    if jnp.issubdtype(x.dtype, jnp.floating):
        init = -float("inf")
    else:  # (integer pooling is rare: an array of the exact dtype, as reduce_window needs)
        init = np.array(jnp.iinfo(x.dtype).min, x.dtype)
    return jax.lax.reduce_window(x, init, jax.lax.max, tuple(window), tuple(window), "VALID")


def _tiled_max_pool_forward(x, pool_size, first):
    y = tiled_max_pool(x, pool_size, first)
    return y, (x, y)


def _tiled_max_pool_backward(pool_size, first, residuals, g):
    # The gradient of a max: to the window's maxima, shared equally among ties (as jnp.max).
    x, y = residuals
    kept = _kept(x, pool_size, first)
    # How many elements of each window hold its maximum, from strided views (one per window
    # offset, each the size of ``y``): XLA runs this 3x faster than a sum over window axes.
    count = None
    for offset in itertools.product(*(range(p) for p in pool_size)):
        index = [slice(None)] * x.ndim
        for i, (o, p) in enumerate(zip(offset, pool_size)):
            index[first + i] = slice(o, None, p)
        hits = (kept[tuple(index)] == y).astype(g.dtype)
        count = hits if count is None else count + hits
    blocks, axes = _blocks(kept, pool_size, first)
    share = jnp.expand_dims(g / count, axes)
    grad = jnp.where(blocks == jnp.expand_dims(y, axes), share, 0).reshape(kept.shape)
    if kept.shape != x.shape:  # rows no window covered get no gradient
        grad = jnp.pad(grad, [(0, a - b) for a, b in zip(x.shape, kept.shape)])
    return (grad,)


tiled_max_pool.defvjp(_tiled_max_pool_forward, _tiled_max_pool_backward)
