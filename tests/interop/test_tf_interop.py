"""TensorFlow interop: a Lamina model's variables in a user's own tf.GradientTape loop."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "tensorflow", reason="TF interop needs tensorflow")


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [2.0]], "float32")).astype("float32")
    return x, y


def _model():
    lamina.utils.set_random_seed(2)
    return lamina.Sequential(
        [lamina.Input((3,)), lamina.layers.Dense(8, activation="tanh"), lamina.layers.Dense(1)]
    )


def test_gradient_tape_loop_with_assign():
    import tensorflow as tf

    model = _model()
    x, y = _data()
    losses = []
    for _ in range(40):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        grads = tape.gradient(loss, [v.value for v in model.trainable_variables])
        assert all(g is not None for g in grads)
        for v, g in zip(model.trainable_variables, grads):
            v.assign(v.value - 0.05 * g)
        losses.append(float(loss))
    assert losses[-1] < 0.3 * losses[0]


def test_gradient_tape_with_lamina_optimizer_in_tf_function():
    import tensorflow as tf

    model = _model()
    optimizer = lamina.optimizers.Adam(0.02)
    optimizer.build(model.trainable_variables)
    x, y = _data()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        grads = tape.gradient(loss, [v.value for v in model.trainable_variables])
        optimizer.apply(grads, model.trainable_variables)
        return loss

    losses = [float(step(x, y)) for _ in range(40)]
    assert losses[-1] < 0.3 * losses[0]
    assert int(optimizer.iterations.numpy()) == 40


def test_keras_optimizer_free_loop_with_tf_optimizer():
    import tensorflow as tf

    model = _model()
    x, y = _data()
    tf_opt = tf.optimizers.SGD(0.05)
    first = None
    for _ in range(30):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        variables = [v.value for v in model.trainable_variables]
        tf_opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
        first = first if first is not None else float(loss)
    final = float(np.mean((np.asarray(model(x)) - y) ** 2))
    assert final < 0.3 * first
