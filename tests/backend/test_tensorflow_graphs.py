"""The TensorFlow backend's graphs: what a `tf.function` of Lamina ops computes, and that its
gradients do not materialize more than they need."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "tensorflow", reason="the TensorFlow backend's graphs")


def test_scan_gradient_in_a_graph_reads_inputs_from_tensor_arrays():
    import tensorflow as tf

    from lamina import ops

    xs = tf.constant(np.arange(12, dtype="float32").reshape(6, 2))

    @tf.function
    def grads(xs):
        with tf.GradientTape() as tape:
            tape.watch(xs)
            _, ys = ops.scan(lambda c, x: (c + x, (c + x) * x), tf.zeros(2), xs)
            total = tf.reduce_sum(ys)
        return tape.gradient(total, xs)

    got = grads(xs).numpy()
    # ys_t = s_t x_t with s_t the running sum: d/dx_k = s_k + sum over t >= k of x_t.
    x = xs.numpy()
    s = np.cumsum(x, axis=0)
    expected = s + np.cumsum(x[::-1], axis=0)[::-1]
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    # A slice of the whole input tensor per step would have a gradient the size of all of it.
    graph = grads.get_concrete_function(xs).graph
    types = {op.type for f in graph._functions.values() for op in f.graph.get_operations()}
    types |= {op.type for op in graph.get_operations()}
    assert "StridedSliceGrad" not in types


def test_matmul_of_a_sequence_and_a_matrix_and_its_gradients():
    import tensorflow as tf

    from lamina import ops

    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(3, 4, 5)).astype("float32"))
    w = tf.constant(rng.normal(size=(5, 2)).astype("float32"))

    @tf.function
    def run(x, w):
        with tf.GradientTape() as tape:
            tape.watch([x, w])
            y = ops.matmul(x, w)
            total = tf.reduce_sum(y * y)
        return y, tape.gradient(total, [x, w])

    y, (dx, dw) = run(x, w)
    xn, wn = x.numpy(), w.numpy()
    yn = xn @ wn
    np.testing.assert_allclose(y.numpy(), yn, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dx.numpy(), 2 * yn @ wn.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        dw.numpy(), 2 * xn.reshape(-1, 5).T @ yn.reshape(-1, 2), rtol=1e-5, atol=1e-5
    )
