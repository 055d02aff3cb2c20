"""`serialize` writes what Keras 3 writes around a config: the public module of a built-in
class ("keras.layers", "keras" for models) and no registered name; custom classes keep their
module and registered name. Configs then load in either library."""

from __future__ import annotations

import keras
import pytest

import lamina
from lamina.saving import deserialize_object, serialize_object


def _pairs():
    def both(make):
        return make(lamina), make(keras)

    return {
        "Sequential": both(lambda k: k.Sequential([k.Input((2,)), k.layers.Dense(1)])),
        "Dense": both(lambda k: k.layers.Dense(1)),
        "LSTMCell": both(lambda k: k.layers.LSTMCell(2)),
        "Adam": both(lambda k: k.optimizers.Adam()),
        "ExponentialDecay": both(lambda k: k.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)),
        "Mean": both(lambda k: k.metrics.Mean()),
        "MeanSquaredError": both(lambda k: k.losses.MeanSquaredError()),
        "GlorotUniform": both(lambda k: k.initializers.GlorotUniform()),
        "L2": both(lambda k: k.regularizers.L2(0.1)),
        "NonNeg": both(lambda k: k.constraints.NonNeg()),
    }


@pytest.mark.parametrize("name", sorted(_pairs()))
def test_built_in_classes_are_written_as_keras_writes_them(name):
    ours, theirs = _pairs()[name]
    got = serialize_object(ours)
    want = keras.saving.serialize_keras_object(theirs)
    if ".backend." in want["module"]:  # Keras's PyTorch optimizers are backend subclasses
        want = {**want, "module": "keras.optimizers", "registered_name": None}
    assert (got["module"], got["registered_name"]) == (want["module"], want["registered_name"])
    assert got["class_name"] == want["class_name"]
    assert type(deserialize_object(got)) is type(ours)
    assert type(keras.saving.deserialize_keras_object(got)) is type(theirs)


def test_functions_and_custom_classes():
    for module in (lamina.losses, lamina.metrics):
        config = module.serialize(module.mean_squared_error)
        assert config == keras.losses.serialize(keras.losses.mean_squared_error)
        assert module.deserialize(config) is module.mean_squared_error

    @lamina.saving.register_serializable(package="Tests")
    class Twice(lamina.layers.Layer):
        def call(self, x):
            return x * 2

    config = serialize_object(Twice())
    assert config["registered_name"] == "Tests>Twice"
    assert config["module"] == __name__
    assert type(deserialize_object(config)) is Twice


def test_keras_registry_names(tmp_path):
    # A program written for Keras 3: its names for registering, finding and unregistering.
    import numpy as np

    k = lamina

    @k.saving.register_keras_serializable(package="test_pkg")
    class Scale(k.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    @k.utils.register_keras_serializable(package="test_pkg")
    def doubled_relu(x):
        return k.ops.relu(x) * 2

    model = k.Sequential([k.Input((3,)), Scale(3.0), k.layers.Dense(2, activation=doubled_relu)])
    path = str(tmp_path / "m.lamina")
    model.save(path)
    x = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
    again = k.saving.load_model(path)
    np.testing.assert_allclose(
        np.asarray(again.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0))
    )
    assert k.saving.get_registered_name(Scale) == "test_pkg>Scale"
    assert k.utils.get_registered_object("test_pkg>doubled_relu") is doubled_relu
    config = k.saving.serialize_keras_object(doubled_relu)
    assert config["config"] == "test_pkg>doubled_relu"
    assert k.saving.deserialize_keras_object(config) is doubled_relu
    assert (
        k.saving.deserialize_keras_object(k.saving.serialize_keras_object([model.layers[0]]))[
            0
        ].factor
        == 3.0
    )

    registry = k.saving.get_custom_objects()
    del registry["test_pkg>Scale"], registry["test_pkg>doubled_relu"]
    with pytest.raises(ValueError, match="Unknown class 'Scale'"):
        k.saving.load_model(path)
    scope = {"test_pkg>Scale": Scale, "test_pkg>doubled_relu": doubled_relu}
    with k.saving.CustomObjectScope(scope):
        assert type(k.saving.load_model(path).layers[0]) is Scale
