"""Convolutions whose kernel gradient runs as matrix products (fast on XLA's CPU backend).

XLA differentiates a convolution with respect to its kernel by another convolution, with
the batch as the contracted axis and the output's spatial extent as the window. On CPU
that convolution is slow: for the MNIST convnet's second layer (batch 128, 13x13x32 ->
11x11x64, 3x3 kernel) it takes about 26 ms against 12 ms for the forward pass. The same sums
written as one matrix product per kernel position (the input's shifted view, ``(N*H*W, C)``,
transposed, times the output gradient, ``(N*H*W, O)``) take about 9 ms; with few input
channels, one product over all positions at once (the stacked views, "im2col") is faster
still (the first layer: 5.4 -> 2 ms).

`conv` keeps XLA's forward convolution and XLA's input gradient. Only the kernel's share of
the derivative is written differently: ``conv(x, dk)``, which is linear in ``dk``, as the
products above, so reverse mode (the transpose JAX derives from it) gets the products, and
forward mode and higher derivatives still work (a custom JVP, not a custom VJP).
"""

from __future__ import annotations

import functools
import itertools

import jax
import jax.numpy as jnp
from jax.custom_derivatives import SymbolicZero

# Below this many input channels, the views of all kernel positions are stacked into one
# product; from it on, one product per position (measured on the convnet's two layers).
_STACK_BELOW_CHANNELS = 8
# Kernels with more positions than this keep XLA's own gradient (many small products).
_MAX_POSITIONS = 49


def applies(x, kernel, groups, data_format):
    """Whether `conv` handles this convolution (else the caller uses XLA's directly)."""
    positions = 1
    for k in kernel.shape[:-2]:
        positions *= k
    return (
        groups == 1
        and data_format == "channels_last"
        and x.dtype in (jnp.float32, jnp.float64)
        and x.dtype == kernel.dtype
        and 1 <= x.ndim - 2 <= 3
        and positions <= _MAX_POSITIONS
    )


def _xla_conv(x, kernel, strides, pads, dilation):
    nd = x.ndim - 2
    spatial = "DHW"[-nd:]
    return jax.lax.conv_general_dilated(
        x,
        kernel,
        window_strides=strides,
        padding=pads,
        rhs_dilation=dilation,
        dimension_numbers=("N" + spatial + "C", spatial + "IO", "N" + spatial + "C"),
    )


@functools.partial(jax.custom_jvp, nondiff_argnums=(2, 3, 4))
def conv(x, kernel, strides, pads, dilation):
    """A channels-last convolution (``groups=1``); ``pads`` is a tuple of (low, high) pairs."""
    return _xla_conv(x, kernel, strides, pads, dilation)


@functools.partial(conv.defjvp, symbolic_zeros=True)
def _conv_jvp(strides, pads, dilation, primals, tangents):
    x, kernel = primals
    dx, dk = tangents
    y = _xla_conv(x, kernel, strides, pads, dilation)
    dy = None
    if not isinstance(dx, SymbolicZero):
        dy = _xla_conv(dx, kernel, strides, pads, dilation)
    if not isinstance(dk, SymbolicZero):
        part = _conv_as_products(x, dk, strides, pads, dilation, y.shape)
        dy = part if dy is None else dy + part
    return y, (jnp.zeros_like(y) if dy is None else dy)


def _conv_as_products(x, kernel, strides, pads, dilation, out_shape):
    """The convolution as matrix products of ``x``'s shifted views with ``kernel``'s slices."""
    nd = x.ndim - 2
    x = jnp.pad(x, [(0, 0), *pads, (0, 0)])
    out_spatial = out_shape[1:-1]
    channels, filters = kernel.shape[-2], kernel.shape[-1]
    rows = out_shape[0]
    for size in out_spatial:
        rows *= size

    def view(position):
        index = [slice(None)]
        for i in range(nd):
            start = position[i] * dilation[i]
            index.append(slice(start, start + (out_spatial[i] - 1) * strides[i] + 1, strides[i]))
        return x[tuple(index)].reshape(rows, channels)

    positions = list(itertools.product(*(range(k) for k in kernel.shape[:nd])))
    if channels < _STACK_BELOW_CHANNELS:
        patches = jnp.stack([view(p) for p in positions], axis=1).reshape(rows, -1)
        out = patches @ kernel.reshape(len(positions) * channels, filters)
    else:
        out = None
        for p in positions:
            term = view(p) @ kernel[p]
            out = term if out is None else out + term
    return out.reshape(out_shape)
