"""Core ops: conversion, casts, shapes, control flow, slicing and scattering, on every backend,
against NumPy; symbolic results; custom gradients on the training backends."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor
from lamina.utils import tree
from tests.conftest import BACKEND, requires_training, to_numpy
from tests.helpers import backend_gradient

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype("float32")


def test_convert_cast_dtype_shape():
    t = ops.convert_to_tensor(X)
    assert ops.is_tensor(t) and not ops.is_tensor(X) or BACKEND == "numpy"
    assert ops.dtype(t) == "float32" and ops.shape(t) == (3, 4)
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.dtype(ops.convert_to_tensor(X, dtype="float16")) == "float16"
    np.testing.assert_array_equal(ops.convert_to_numpy(t), X)
    out = ops.cast(np.array([1.7, -1.2, 3.0]), "int32")
    np.testing.assert_array_equal(to_numpy(out), [1, -1, 3])
    assert ops.dtype(out) == "int32"
    assert ops.shape(np.zeros((2, 5))) == (2, 5)
    sym = KerasTensor((None, 4), "float32")
    assert ops.shape(sym) == (None, 4)
    assert ops.cast(sym, "int8").dtype == "int8"
    assert ops.convert_to_tensor(sym, "float16").dtype == "float16"
    with pytest.raises(TypeError, match="no value"):
        ops.convert_to_numpy(sym)


def test_cast_of_a_python_float_is_exact_in_float64():
    # Straight to float64 on every backend, not rounded through float32 on the way
    # (optimizers cast their Python-float hyperparameters to the variable dtype).
    assert float(to_numpy(ops.cast(0.999, "float64"))) == 0.999
    assert float(to_numpy(ops.cast(0.999, "float32"))) == float(np.float32(0.999))
    assert int(to_numpy(ops.cast(2.7, "int32"))) == 2


def test_saturate_cast():
    x = np.array([-300.0, -1.5, 0.4, 200.7, 1e10], "float32")
    got = to_numpy(ops.saturate_cast(x, "uint8"))
    np.testing.assert_array_equal(got, [0, 0, 0, 200, 255])
    got = to_numpy(ops.saturate_cast(np.array([3e9, -3e9], "float32"), "int32"))
    assert got[0] > 2_000_000_000 and got[1] == np.iinfo(np.int32).min
    got = to_numpy(ops.saturate_cast(np.array([1000, -5], "int32"), "int8"))
    np.testing.assert_array_equal(got, [127, -5])
    assert ops.saturate_cast(KerasTensor((2,)), "uint8").dtype == "uint8"


def test_cond_while_fori_scan_map_switch():
    out = ops.cond(
        np.array(True), lambda: ops.convert_to_tensor(1.0), lambda: ops.convert_to_tensor(2.0)
    )
    assert float(to_numpy(out)) == 1.0
    i, total = ops.while_loop(
        lambda i, t: i < 5,
        lambda i, t: (i + 1, t + i),
        (ops.convert_to_tensor(0), ops.convert_to_tensor(0)),
    )
    assert int(to_numpy(i)) == 5 and int(to_numpy(total)) == 10
    out = ops.while_loop(lambda v: v < 100, lambda v: v * 2, ops.convert_to_tensor(1), 3)
    assert int(to_numpy(out)) == 8
    out = ops.fori_loop(0, 4, lambda i, v: v + i, ops.convert_to_tensor(0))
    assert int(to_numpy(out)) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * 2), ops.convert_to_tensor(np.float32(0)), X[:, 0])
    np.testing.assert_allclose(to_numpy(carry), X[:, 0].sum(), rtol=1e-6)
    np.testing.assert_allclose(
        to_numpy(ys), np.concatenate([[0], np.cumsum(X[:-1, 0])]) * 2, rtol=1e-5
    )
    out = ops.map(lambda row: ops.sum(row), X)
    np.testing.assert_allclose(to_numpy(out), X.sum(1), rtol=1e-5)
    out = ops.vectorized_map(lambda row: ops.multiply(row, 2.0), X)
    np.testing.assert_allclose(to_numpy(out), X * 2, rtol=1e-6)
    branches = [lambda a: a + 1.0, lambda a: a * 10.0]
    assert float(to_numpy(ops.switch(1, branches, np.float32(2)))) == 20.0
    assert float(to_numpy(ops.switch(7, branches, np.float32(2)))) == 20.0  # clamped
    assert float(to_numpy(ops.switch(0, branches, np.float32(2)))) == 3.0


def test_associative_scan():
    x = np.arange(1.0, 7.0, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(to_numpy(ops.associative_scan(ops.add, x, axis=1)), np.cumsum(x, 1))
    got = ops.associative_scan(ops.multiply, x, reverse=True, axis=1)
    np.testing.assert_allclose(to_numpy(got), np.cumprod(x[:, ::-1], 1)[:, ::-1])


def test_control_flow_symbolic():
    x = KerasTensor((None, 3))
    c, ys = ops.scan(lambda c, r: (c + r, r * 2), KerasTensor((3,)), KerasTensor((5, 3)))
    assert c.shape == (3,) and ys.shape == (5, 3)
    assert ops.map(lambda r: ops.sum(r), KerasTensor((4, 3))).shape == (4,)
    out = ops.cond(KerasTensor((), "bool"), lambda: x, lambda: x * 2)
    assert out.shape == (None, 3)
    with pytest.raises(ValueError, match="same shape"):
        ops.cond(KerasTensor((), "bool"), lambda: x, lambda: KerasTensor((None, 4)))
    assert ops.while_loop(lambda v: v, lambda v: v, [x])[0].shape == (None, 3)
    assert ops.switch(KerasTensor((), "int32"), [lambda a: a, lambda a: a + 1], x).shape == (
        None,
        3,
    )


def test_slices_unstack_scatter():
    np.testing.assert_array_equal(to_numpy(ops.slice(X, (1, 1), (2, 2))), X[1:3, 1:3])
    upd = np.ones((2, 2), "float32")
    want = X.copy()
    want[0:2, 2:4] = 1
    np.testing.assert_array_equal(to_numpy(ops.slice_update(X, (0, 2), upd)), want)
    parts = ops.unstack(X, axis=1)
    assert len(parts) == 4
    np.testing.assert_array_equal(to_numpy(parts[2]), X[:, 2])
    idx = np.array([[0], [2], [0]], "int32")
    got = ops.scatter(idx, np.array([1.0, 5.0, 2.0], "float32"), (4,))
    np.testing.assert_array_equal(to_numpy(got), [3.0, 0.0, 5.0, 0.0])
    got = ops.scatter_update(
        np.zeros((2, 3), "float32"), np.array([[0, 1], [1, 2]]), np.array([7.0, 8.0], "float32")
    )
    np.testing.assert_array_equal(to_numpy(got), [[0, 7, 0], [0, 0, 8]])
    got = ops.scatter_update(
        np.ones(4, "float32"), np.array([[1], [1]]), np.ones(2, "float32"), reduction="add"
    )
    np.testing.assert_array_equal(to_numpy(got), [1, 3, 1, 1])
    with pytest.raises(ValueError, match="reduction"):
        ops.scatter_update(np.ones(4), np.array([[1]]), np.ones(1), reduction="max")


def test_slices_symbolic_and_errors():
    x = KerasTensor((None, 4))
    assert ops.slice(x, (0, 1), (2, 2)).shape == (2, 2)
    assert ops.slice_update(x, (0, 0), KerasTensor((1, 2))).shape == (None, 4)
    assert [p.shape for p in ops.unstack(KerasTensor((2, 5)), axis=1)] == [(2,)] * 5
    assert ops.scatter(KerasTensor((3, 1), "int32"), KerasTensor((3,)), (6,)).shape == (6,)
    assert ops.stop_gradient(x).shape == (None, 4)
    with pytest.raises(ValueError, match="unknown size"):
        ops.unstack(x, axis=0)
    with pytest.raises(ValueError, match="start_indices"):
        ops.slice(X, (0,), (1,))


@requires_training
def test_stop_gradient_and_custom_gradient():
    def fn(a):
        return ops.add(ops.multiply(a, a), ops.stop_gradient(ops.multiply(a, 3.0)))

    (grad,) = backend_gradient(fn, np.array([1.0, 2.0]))
    np.testing.assert_allclose(grad, [2.0, 4.0])

    @ops.custom_gradient
    def clipped_identity(a):
        def grad_fn(upstream):
            return ops.multiply(upstream, 0.5)

        return ops.multiply(a, 1.0), grad_fn

    (grad,) = backend_gradient(
        lambda a: ops.multiply(clipped_identity(a), 4.0), np.array([1.0, 2.0])
    )
    np.testing.assert_allclose(grad, [2.0, 2.0])
    out = clipped_identity(ops.convert_to_tensor(np.array([3.0])))
    np.testing.assert_allclose(to_numpy(out), [3.0])


def _compiled(fn):
    """``fn`` as the backend compiles it (tf.function, jax.jit); eager on torch and NumPy."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    if BACKEND == "jax":
        import jax

        return jax.jit(fn)
    return fn


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_compiled_matches_eager(reverse):
    """Nested carry, several outputs, ``reverse`` and outputs of None, traced and eager."""
    xs = {"a": X[:, 0], "b": X[:, 1:3]}

    def step(carry, x):
        total, count = carry
        return (total + x["a"], count + 1), (total * 2.0, x["b"] + total)

    def run(xs):
        init = (ops.convert_to_tensor(np.float32(0)), ops.convert_to_tensor(np.int32(0)))
        return ops.scan(step, init, xs, reverse=reverse)

    def run_no_outputs(xs):
        init = ops.convert_to_tensor(np.float32(0))
        return ops.scan(lambda c, x: (c + x["a"], None), init, xs, reverse=reverse)

    for fn in (run, run_no_outputs):
        want, got = fn(xs), _compiled(fn)(xs)
        assert (got[1] is None) == (want[1] is None) == (fn is run_no_outputs)
        want = [v for v in tree.flatten(want) if v is not None]
        got = [v for v in tree.flatten(got) if v is not None]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_allclose(to_numpy(g), to_numpy(w), rtol=1e-6)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow graphs")
def test_scan_in_a_tf_graph_is_one_while_loop():
    """The graph holds the step once: its size does not grow with the number of steps."""
    import tensorflow as tf

    def graph_size(n):
        fn = tf.function(lambda x: ops.scan(lambda c, v: (c + v, c), np.float32(0), x))
        graph = fn.get_concrete_function(tf.TensorSpec((n,), tf.float32)).graph
        return len(graph.get_operations()), {op.type for op in graph.get_operations()}

    (small, kinds), (large, _) = graph_size(4), graph_size(400)
    assert "While" in kinds or "StatelessWhile" in kinds
    assert small == large
