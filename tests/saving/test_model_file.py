"""`model.save` / `load_model`: round trips, resumed training, other backends, bad files."""

import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.conftest import requires_training


def _functional(dropout=0.2):
    x = lamina.Input(shape=(6,), name="features")
    h = layers.Dense(8, activation="relu")(x)
    merged = layers.concatenate([h, layers.Dense(4)(x)])
    out = layers.Dense(3, activation="softmax", name="probs")(layers.Dropout(dropout)(merged))
    return lamina.Model(x, out)


def _data(n=64):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 6)).astype("float32"), rng.integers(0, 3, size=(n,))


@pytest.mark.parametrize("kind", ["functional", "sequential", "nested"])
def test_round_trip_predicts_the_same(tmp_path, kind):
    if kind == "functional":
        model = _functional()
    elif kind == "sequential":
        model = lamina.Sequential(
            [layers.Dense(5, input_shape=(6,)), layers.BatchNormalization(), layers.Dense(2)]
        )
    else:
        inner = _functional()
        x = lamina.Input(shape=(6,))
        model = lamina.Model(x, layers.Dense(1)(inner(x)))
    path = str(tmp_path / "model.lamina")
    model.save(path)
    loaded = lamina.models.load_model(path)
    x, _ = _data(8)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6
    )
    with zipfile.ZipFile(path) as zf:
        assert {"config.json", "metadata.json", "model.weights.safetensors"} <= set(zf.namelist())


@requires_training
def test_training_resumes_with_the_optimizer_state(tmp_path):
    x, y = _data()
    lamina.utils.set_random_seed(0)
    model = _functional(dropout=0.0)  # no dropout noise: both runs must agree
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    path = str(tmp_path / "model.lamina")
    model.save(path)
    loaded = lamina.models.load_model(path)
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # One more epoch moves both the same way.
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_lambda_bytecode_needs_safe_mode_off(tmp_path):
    x = lamina.Input(shape=(2,))
    model = lamina.Model(x, layers.Lambda(lambda t: t * 3)(x))
    path = str(tmp_path / "lambda.lamina")
    with pytest.warns(UserWarning, match="bytecode"):
        model.save(path)
    with pytest.raises(ValueError, match="safe mode"):
        lamina.models.load_model(path)
    loaded = lamina.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2), "float32"), verbose=0), 3.0)


def test_to_json_and_model_from_json():
    model = _functional()
    clone = lamina.models.model_from_json(model.to_json())
    assert [type(layer).__name__ for layer in clone.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    assert clone.count_params() == model.count_params()
    with pytest.raises(ValueError, match="JSON"):
        lamina.models.model_from_json("{not json")


@lamina.saving.register_serializable(package="tests")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor


def test_custom_layers_round_trip_when_registered_or_passed(tmp_path):
    x = lamina.Input(shape=(3,))
    model = lamina.Model(x, Scale(3.0)(x))
    path = str(tmp_path / "custom.lamina")
    model.save(path)
    loaded = lamina.models.load_model(path)
    ones = np.ones((1, 3), "float32")
    np.testing.assert_allclose(loaded.predict(ones, verbose=0), 3.0)
    # An unregistered class must be passed in `custom_objects`.

    class Shift(layers.Layer):
        def call(self, x):
            return x + 1.0

    model = lamina.Model(x, Shift()(x))
    model.save(path)
    with pytest.raises(ValueError, match="custom_objects"):
        lamina.models.load_model(path)
    loaded = lamina.models.load_model(path, custom_objects={"Shift": Shift})
    np.testing.assert_allclose(loaded.predict(ones, verbose=0), 2.0)


@pytest.mark.parametrize("target", ["numpy", "jax", "torch", "tensorflow"])
def test_a_model_saved_here_predicts_the_same_on_every_backend(tmp_path, target):
    lamina.utils.set_random_seed(3)
    inputs = lamina.Input(shape=(8, 8, 1))
    h = layers.Conv2D(4, 3, activation="relu", padding="same")(inputs)
    h = layers.BatchNormalization()(layers.MaxPooling2D()(h))
    outputs = layers.Dense(3, activation="softmax")(layers.Flatten()(h))
    model = lamina.Model(inputs, outputs)
    x = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
    path = str(tmp_path / "model.lamina")
    model.save(path)
    np.save(tmp_path / "x.npy", x)
    code = (
        "import numpy as np, lamina\n"
        f"m = lamina.models.load_model({path!r})\n"
        f"np.save({str(tmp_path / 'y.npy')!r}, m.predict(np.load({str(tmp_path / 'x.npy')!r}),"
        " verbose=0))\n"
    )
    env = dict(os.environ, LAMINA_BACKEND=target)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=180)
    np.testing.assert_allclose(
        np.load(tmp_path / "y.npy"), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_saving_a_lambda_warns():
    x = lamina.Input(shape=(2,))
    model = lamina.Model(x, layers.Lambda(lambda t: t + 1)(x))
    with pytest.warns(UserWarning, match="bytecode"):
        model.to_json()


@lamina.saving.register_serializable(package="tests")
class TwoLayerNet(lamina.Model):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


@pytest.mark.parametrize("build", ["called", "built"])
def test_a_subclassed_model_saves_with_the_shape_it_was_built_for(tmp_path, build):
    model = TwoLayerNet(units=5)
    x = np.random.default_rng(1).random((4, 3)).astype("float32")
    if build == "called":
        model(x)
    else:
        model.build((None, 3))
    path = str(tmp_path / "sub.lamina")
    model.save(path)
    loaded = lamina.models.load_model(path)
    assert isinstance(loaded, TwoLayerNet) and loaded.units == 5
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    never_called = TwoLayerNet()
    with pytest.raises(ValueError, match="not built"):
        never_called.save(path)
