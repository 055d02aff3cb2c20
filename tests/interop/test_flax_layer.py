"""FlaxLayer: a Flax linen module inside a Lamina model (JAX backend, flax installed)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import BACKEND

if BACKEND != "jax":
    pytest.skip("FlaxLayer needs the JAX backend", allow_module_level=True)
nn = pytest.importorskip("flax.linen")

import jax  # noqa: E402

import lamina  # noqa: E402
from lamina.layers.wrappers import FlaxLayer  # noqa: E402


class MLP(nn.Module):
    hidden: int = 16

    @nn.compact
    def __call__(self, inputs):
        return nn.Dense(2)(nn.relu(nn.Dense(self.hidden)(inputs)))


@lamina.saving.register_serializable(package="test_flax")
class Block(nn.Module):
    """Dense -> BatchNorm -> Dropout -> Dense, with a `training` argument."""

    features: int = 8
    rate: float = 0.5

    @nn.compact
    def __call__(self, inputs, training=False):
        x = nn.Dense(self.features)(inputs)
        x = nn.BatchNorm(use_running_average=not training, momentum=0.5)(x)
        x = nn.Dropout(self.rate, deterministic=not training)(nn.tanh(x))
        return nn.Dense(1)(x)

    def head(self, inputs):
        return self(inputs, training=False)

    def get_config(self):
        return {"features": self.features, "rate": self.rate}


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [2.0]], "float32") + 3.0).astype("float32")
    return x, y


def _functional(layer):
    inputs = lamina.Input((3,))
    return lamina.Model(inputs, layer(inputs))


def _variables_of(layer, variables_like):
    """The layer's current values in the structure of `module.init`'s output."""
    params = [v.numpy() for v in layer.trainable_variables]
    state = [v.numpy() for v in layer.non_trainable_variables if v.name.startswith("state_")]
    out = {
        "params": jax.tree_util.tree_unflatten(
            jax.tree_util.tree_structure(variables_like["params"]), params
        )
    }
    rest = {k: v for k, v in variables_like.items() if k != "params"}
    if rest:
        out.update(jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(rest), state))
    return out


def test_flax_mlp_matches_module_and_trains():
    x, y = _data()
    module = MLP()
    variables = module.init(jax.random.PRNGKey(0), x[:1])
    layer = FlaxLayer(module, variables=variables)
    model = _functional(layer)
    assert model.output_shape == (None, 2)
    assert len(layer.trainable_variables) == 4 and not layer.non_trainable_weights
    np.testing.assert_allclose(
        np.asarray(model(x)), np.asarray(module.apply(variables, x)), rtol=1e-5, atol=1e-6
    )
    # Built by `module.init` instead: same output as the module on the layer's own values.
    fresh = FlaxLayer(MLP(), seed=1)
    out = fresh(x)
    np.testing.assert_allclose(
        np.asarray(out), np.asarray(module.apply(_variables_of(fresh, variables), x)), rtol=1e-5
    )
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, np.concatenate([y, -y], 1), epochs=15, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    trained = _variables_of(layer, variables)
    np.testing.assert_allclose(
        np.asarray(model(x)), np.asarray(module.apply(trained, x)), rtol=1e-5, atol=1e-6
    )


def test_batchnorm_dropout_module_in_fit():
    x, y = _data()
    module = Block()
    variables = module.init(jax.random.PRNGKey(0), x[:1])
    layer = FlaxLayer(module, variables=variables, seed=3)
    model = _functional(layer)
    assert model.output_shape == (None, 1)
    assert [v.trainable for v in layer.weights].count(False) == 2  # batch_stats mean and var
    np.testing.assert_allclose(
        np.asarray(model(x)), np.asarray(module.apply(variables, x)), rtol=1e-5, atol=1e-6
    )
    # Training mode: batch statistics and dropout (different keys on each call).
    first, second = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert not np.allclose(first, second)
    stats_before = [v.numpy().copy() for v in layer.non_trainable_weights]
    params_before = [v.numpy().copy() for v in layer.trainable_weights]
    model.compile(optimizer=lamina.optimizers.Adam(0.03), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    for before, v in zip(params_before, layer.trainable_weights):
        assert not np.allclose(before, v.numpy())
    for before, v in zip(stats_before, layer.non_trainable_weights):
        assert not np.allclose(before, v.numpy())
    # Inference uses the learned running statistics, exactly as the Flax module does.
    trained = _variables_of(layer, variables)
    expected = np.asarray(module.apply(trained, x, training=False))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    assert float(np.mean((expected - y) ** 2)) < 0.5 * history.history["loss"][0]


def test_method_argument_and_config_round_trip():
    x, _ = _data()
    layer = FlaxLayer(Block(features=4), method="head", seed=2)
    model = _functional(layer)
    config = model.get_config()
    assert config["layers"][1]["config"]["method"] == "head"
    restored = lamina.Functional.from_config(config, custom_objects={"FlaxLayer": FlaxLayer})
    restored_layer = restored.layers[1]
    assert isinstance(restored_layer.module, Block) and restored_layer.module.features == 4
    restored.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(restored(x)), np.asarray(model(x)), rtol=1e-6)
    # A method bound to the module is saved by its name.
    block = Block()
    bound = FlaxLayer(block, method=block.head)
    bound(x[:2])
    assert bound.get_config()["method"] == "head"

    # A function taking the module first works, and `training` reaches it.
    def forward(module, inputs, training):
        return module(inputs, training=training) * (2.0 if training else 1.0)

    fn_layer = FlaxLayer(Block(rate=0.0), method=forward)
    inference = np.asarray(fn_layer(x))
    np.testing.assert_allclose(
        inference,
        np.asarray(
            Block(rate=0.0).apply(
                _variables_of(fn_layer, Block().init(jax.random.PRNGKey(0), x[:1])), x
            )
        ),
        rtol=1e-5,
    )
    with pytest.raises(TypeError, match="never hold code"):
        fn_layer.get_config()


def test_unserializable_module_and_argument_errors():
    layer = FlaxLayer(MLP())
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(TypeError, match="has no `get_config\\(\\)`"):
        layer.get_config()
    with pytest.raises(ValueError, match="must be a `flax.linen.Module`"):
        FlaxLayer(lambda inputs: inputs)
    with pytest.raises(ValueError, match="not a method of MLP"):
        FlaxLayer(MLP(), method="missing")
    with pytest.raises(ValueError, match="dict of collections"):
        FlaxLayer(MLP(), variables=[np.ones(3)])
