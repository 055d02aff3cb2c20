"""The JAX backend's convolutions compute their kernel gradient as matrix products
(backend/jax/conv_products.py); every derivative must equal the one JAX derives for XLA's
convolution: reverse mode for inputs and kernel, forward mode, and second derivatives."""

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

    from lamina.backend.jax import conv_products
    from lamina.backend.jax import nn as jax_nn

    rng = np.random.default_rng(nd * 100 + channels)
    spatial = (9,) * nd if nd < 3 else (6,) * 3
    x = jnp.asarray(rng.normal(size=(3, *spatial, channels)), jnp.float32)
    kernel = jnp.asarray(rng.normal(size=(*(3,) * nd, channels, 4)), jnp.float32)
    assert conv_products.applies(x, kernel, 1, "channels_last")
    if padding == "same":
        pads = [jax_nn._same_pads(s, 3, strides, dilation) for s in spatial]
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
