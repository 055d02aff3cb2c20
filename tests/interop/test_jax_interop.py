"""JAX interop: JaxLayer wraps pure functions; stateless_call lets jax.grad / jax.jit train
a Lamina model."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina.layers.stateless import stateless_call
from lamina.layers.wrappers import JaxLayer
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "jax", reason="JAX interop needs jax")


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [2.0]], "float32")).astype("float32")
    return x, y


def test_jax_layer_with_params_trains_in_fit():
    def call_fn(params, inputs):
        return inputs @ params["w"] + params["b"]

    params = {"w": np.zeros((3, 1), "float32"), "b": np.zeros((1,), "float32")}
    model = lamina.Sequential([lamina.Input((3,)), JaxLayer(call_fn, params=params)])
    assert model.output_shape == (None, 1)
    assert len(model.trainable_variables) == 2
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    x, y = _data()
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]


def test_jax_layer_with_init_fn_state_and_rng():
    import jax
    import jax.numpy as jnp

    def init_fn(rng, inputs):
        w = jax.random.normal(rng, (inputs.shape[-1], 2), jnp.float32)
        return {"w": w}, {"count": jnp.zeros((), jnp.float32)}

    def call_fn(params, state, rng, inputs, training):
        noise = jax.random.uniform(rng, (), jnp.float32) if training else 0.0
        out = inputs @ params["w"] + 0.0 * noise
        return out, {"count": state["count"] + 1}

    layer = JaxLayer(call_fn, init_fn=init_fn, seed=3)
    x = np.ones((4, 5), "float32")
    out = layer(x, training=True)
    assert out.shape == (4, 2)
    assert len(layer.trainable_variables) == 1 and tuple(layer.trainable_variables[0].shape) == (
        5,
        2,
    )
    counts = [v for v in layer.non_trainable_variables if v.name == "state_0"]
    assert float(counts[0].numpy()) == 1.0
    layer(x)
    assert float(counts[0].numpy()) == 2.0
    np.testing.assert_allclose(np.asarray(out), x @ layer.trainable_variables[0].numpy(), rtol=1e-6)


def test_own_jax_grad_jit_loop_trains_model():
    import jax
    import jax.numpy as jnp

    lamina.utils.set_random_seed(1)
    model = lamina.Sequential(
        [
            lamina.Input((3,)),
            lamina.layers.Dense(8, activation="tanh"),
            lamina.layers.BatchNormalization(),
            lamina.layers.Dense(1),
        ]
    )
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    x, y = _data()

    def loss_fn(trainable, non_trainable, x, y):
        out, non_trainable = (
            model.stateless_call(trainable, non_trainable, x, training=True)
            if (hasattr(model, "stateless_call"))
            else stateless_call(model, trainable, non_trainable, x, training=True)
        )
        return jnp.mean((out - y) ** 2), non_trainable

    @jax.jit
    def step(trainable, non_trainable, x, y):
        (loss, non_trainable), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            trainable, non_trainable, x, y
        )
        trainable = [w - 0.05 * g for w, g in zip(trainable, grads)]
        return loss, trainable, non_trainable

    losses = []
    for _ in range(30):
        loss, trainable, non_trainable = step(trainable, non_trainable, x, y)
        losses.append(float(loss))
    assert losses[-1] < 0.3 * losses[0]
    # The model's variables were not touched by the pure loop...
    assert not np.allclose(model.trainable_variables[0].numpy(), np.asarray(trainable[0]))
    # ...and writing the values back gives the trained model.
    for v, value in zip(
        model.trainable_variables + model.non_trainable_variables, trainable + non_trainable
    ):
        v.assign(value)
    moving_mean = model.layers[1].moving_mean.numpy()
    assert np.abs(moving_mean).sum() > 0  # batch-norm statistics came back out
    pred = np.asarray(model(x, training=True))
    assert float(np.mean((pred - y) ** 2)) < 0.3 * losses[0]


def test_stateless_call_checks_arguments():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    with pytest.raises(ValueError, match="must hold 2 values"):
        stateless_call(model, [], [], np.ones((1, 3), "float32"))
    values = [v.value for v in model.trainable_variables]
    out, nt, losses = stateless_call(
        model, [2 * w for w in values], [], np.ones((1, 3), "float32"), return_losses=True
    )
    expected = np.ones((1, 3)) @ (2 * np.asarray(values[0])) + 2 * np.asarray(values[1])
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6)
    assert losses == [] and nt == []


def test_jax_layer_argument_errors():
    with pytest.raises(ValueError, match="`init_fn` or `params`"):
        JaxLayer(lambda params, inputs: inputs)
    with pytest.raises(ValueError, match="must be named among"):
        JaxLayer(lambda p, x: x, params={})
