"""The JAX backend's own derivatives for speed on XLA's CPU backend must equal what JAX derives
itself: convolutions take their kernel gradient as matrix products (backend/jax/conv_products.py;
reverse mode for inputs and kernel, forward mode, second derivatives), and max-pooling with
tiling windows has its own gradient (ties share it, as for jnp.max)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "jax", reason="the JAX backend's own convolution")

CASES = [
    (nd, channels, strides, dilation, padding)
    for nd, channels, strides, dilation, padding in itertools.product(
        (1, 2, 3), (1, 5, 16), (1, 2), (1, 2), ("valid", "same")
    )
    if not (strides > 1 and dilation > 1)
]


@pytest.mark.parametrize("nd,channels,strides,dilation,padding", CASES)
def test_derivatives_equal_xla_convolution(nd, channels, strides, dilation, padding):
    import jax
    import jax.numpy as jnp

    from lamina.backend.common import nn_arguments
    from lamina.backend.jax import conv_products
    from lamina.backend.jax import nn as jax_nn

    rng = np.random.default_rng(nd * 100 + channels)
    spatial = (9,) * nd if nd < 3 else (6,) * 3
    x = jnp.asarray(rng.normal(size=(3, *spatial, channels)), jnp.float32)
    kernel = jnp.asarray(rng.normal(size=(*(3,) * nd, channels, 4)), jnp.float32)
    assert conv_products.applies(x, kernel, 1, "channels_last")
    if padding == "same":
        pads = [nn_arguments.same_pads(s, 3, strides, dilation) for s in spatial]
    else:
        pads = [(0, 0)] * nd
    letters = "DHW"[-nd:]

    def xla(x, k):
        return jax.lax.conv_general_dilated(
            x,
            k,
            (strides,) * nd,
            pads,
            rhs_dilation=(dilation,) * nd,
            dimension_numbers=("N" + letters + "C", letters + "IO", "N" + letters + "C"),
        )

    def ours(x, k):
        return jax_nn.conv(x, k, strides, padding, "channels_last", dilation)

    def close(a, b):
        scale = float(jnp.abs(b).max()) or 1.0
        np.testing.assert_allclose(np.asarray(a) / scale, np.asarray(b) / scale, atol=2e-6)

    close(jax.jit(ours)(x, kernel), xla(x, kernel))
    for got, want in zip(
        jax.jit(jax.grad(lambda x, k: jnp.sum(jnp.sin(ours(x, k))), (0, 1)))(x, kernel),
        jax.grad(lambda x, k: jnp.sum(jnp.sin(xla(x, k))), (0, 1))(x, kernel),
    ):
        close(got, want)
    tangents = (x * 0.3, kernel * 0.5)
    close(
        jax.jvp(ours, (x, kernel), tangents)[1],
        jax.jvp(xla, (x, kernel), tangents)[1],
    )
    if nd == 1:
        hessian = jax.hessian(lambda k: jnp.sum(jnp.sin(ours(x[:1], k))))(kernel)
        close(hessian, jax.hessian(lambda k: jnp.sum(jnp.sin(xla(x[:1], k))))(kernel))


def test_other_convolutions_keep_xla_gradient():
    import jax.numpy as jnp

    from lamina.backend.jax import conv_products

    x = jnp.zeros((1, 5, 5, 4), jnp.float32)
    assert not conv_products.applies(x, jnp.zeros((3, 3, 2, 4)), 2, "channels_last")  # groups
    assert not conv_products.applies(x, jnp.zeros((3, 3, 4, 4)), 1, "channels_first")
    assert not conv_products.applies(
        x.astype(jnp.bfloat16), jnp.zeros((3, 3, 4, 4), jnp.bfloat16), 1, "channels_last"
    )
    assert not conv_products.applies(x, jnp.zeros((9, 9, 4, 4)), 1, "channels_last")


@pytest.mark.parametrize(
    "shape,pool,data_format",
    [
        ((2, 7, 6, 3), (2, 2), "channels_last"),  # an odd row: the last one is dropped
        ((2, 3, 9, 8), (3, 2), "channels_first"),
        ((2, 8, 4), (4,), "channels_last"),
        ((1, 4, 4, 6, 2), (2, 2, 3), "channels_last"),
    ],
)
def test_tiled_max_pool_gradient_equals_jnp_max(shape, pool, data_format):
    import jax
    import jax.numpy as jnp

    from lamina.backend.jax import nn as jax_nn

    rng = np.random.default_rng(len(shape))
    # Few distinct values, so that many windows hold their maximum more than once.
    x = jnp.asarray(rng.integers(0, 3, size=shape), jnp.float32)
    weights = jnp.asarray(rng.normal(size=shape), jnp.float32)
    nd = len(pool)
    first = 1 if data_format == "channels_last" else 2

    def by_reshape(x):  # jnp.max over each window's own axes: its gradient shares ties
        index = [slice(None)] * x.ndim
        for i, p in enumerate(pool):
            index[first + i] = slice(0, x.shape[first + i] // p * p)
        x = x[tuple(index)]
        split = list(x.shape[:first])
        for k, p in zip(x.shape[first : first + nd], pool):
            split += [k // p, p]
        split += list(x.shape[first + nd :])
        return jnp.max(x.reshape(split), axis=tuple(first + 2 * i + 1 for i in range(nd)))

    def ours(x):
        return jax_nn.max_pool(x, pool, data_format=data_format)

    np.testing.assert_array_equal(np.asarray(ours(x)), np.asarray(by_reshape(x)))
    got = jax.jit(jax.grad(lambda x: jnp.sum(ours(x) * by_reshape(weights))))(x)
    want = jax.grad(lambda x: jnp.sum(by_reshape(x) * by_reshape(weights)))(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6)
