"""Reading Keras 3 `.keras` files: files written by the installed Keras (TensorFlow backend)
load in Lamina on every backend and predict the same within 1e-5."""

from __future__ import annotations

import inspect
import json
import os
import zipfile

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import lamina  # noqa: E402
from lamina.saving import keras_file  # noqa: E402
from tests.conftest import BACKEND, to_numpy  # noqa: E402

keras = pytest.importorskip("keras")
L = keras.layers


def _sequential():
    return keras.Sequential(
        [
            keras.Input((6,)),
            L.Dense(8, activation="relu"),
            L.BatchNormalization(),
            L.Dropout(0.3),
            L.Dense(3, activation="softmax"),
        ]
    )


def _functional():
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    x = L.Dense(5, activation="tanh")(a)
    y = L.Dense(5)(b)
    shared = L.Dense(5, name="shared")
    z = L.Add()([shared(x), shared(y)])
    c = L.Concatenate()([z, x])
    return keras.Model([a, b], [L.Dense(2, name="o1")(c), L.Dense(1, name="o2")(x)])


def _nested():
    inner = keras.Sequential([keras.Input((8,)), L.Dense(4), L.BatchNormalization()], name="inner")
    i = keras.Input((5,))
    h = L.Dense(8, activation="relu")(i)
    sub_in = keras.Input((4,))
    sub = keras.Model(sub_in, L.Dense(2)(sub_in), name="sub")
    return keras.Sequential([keras.Model(i, inner(h), name="body"), sub])


def _mnist_convnet():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.Conv2D(8, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)),
            L.Conv2D(16, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )


def _randomize(model, seed):
    """Non-trivial weights everywhere (BatchNormalization statistics included)."""
    rng = np.random.default_rng(seed)
    weights = model.get_weights()
    weights = [rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) for w in weights]
    model.set_weights(weights)


def _inputs(model, rng):
    return [rng.standard_normal((3, *t.shape[1:])).astype("float32") for t in model.inputs]


CASES = {
    "sequential": _sequential,
    "functional": _functional,
    "nested": _nested,
    "mnist_convnet": _mnist_convnet,
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_files")
    out = {}
    for i, (name, make) in enumerate(CASES.items()):
        model = make()
        _randomize(model, i)
        rng = np.random.default_rng(10 + i)
        xs = _inputs(model, rng)
        feed = xs if len(xs) > 1 else xs[0]
        expected = model.predict(feed, verbose=0)
        expected = expected if isinstance(expected, list) else [expected]
        path = folder / f"{name}.keras"
        model.save(path)
        out[name] = (path, feed, [np.asarray(e) for e in expected])
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_predictions_match_keras(saved, case):
    path, feed, expected = saved[case]
    model = keras_file.load_keras_file(path)
    got = model.predict(feed, verbose=0)
    got = got if isinstance(got, (list, tuple)) else [got]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        g = to_numpy(g)
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, atol=1e-5, rtol=1e-5)


def test_structure_is_translated(saved):
    model = keras_file.load_keras_file(saved["functional"][0])
    assert isinstance(model, lamina.Functional)
    assert [t.shape for t in model.inputs] == [(None, 4), (None, 3)]
    names = [layer.name for layer in model.layers]
    assert {"a", "b", "shared", "o1", "o2"} <= set(names)
    nested = keras_file.load_keras_file(saved["nested"][0])
    assert [type(layer).__name__ for layer in nested.layers] == ["Functional", "Functional"]
    assert nested.layers[0].get_layer("inner").layers[1].moving_variance.numpy().min() >= 0.5


@pytest.mark.skipif(BACKEND == "numpy", reason="the NumPy backend cannot train")
def test_compiled_model_with_optimizer_state(tmp_path):
    model = keras.Sequential([keras.Input((4,)), L.Dense(3), L.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4)).astype("float32")
    y = rng.standard_normal((16, 1)).astype("float32")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    path = tmp_path / "trained.keras"
    model.save(path)
    loaded = keras_file.load_keras_file(path)
    assert loaded.compiled
    saved_state = [np.asarray(v) for v in model.optimizer.variables]
    ours = [v.numpy() for v in loaded.optimizer.variables]
    assert len(ours) == len(saved_state)
    for a, b in zip(ours, saved_state):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # One more identical step in both frameworks gives the same weights.
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    loaded.fit(x, y, batch_size=16, epochs=1, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_unknown_layer_is_named(tmp_path):
    @keras.saving.register_keras_serializable(package="Mine")
    class Twice(L.Layer):
        def call(self, x):
            return 2 * x

    model = keras.Sequential([keras.Input((2,)), Twice(), L.Dense(1)])
    path = tmp_path / "custom.keras"
    model.save(path)
    with pytest.raises(ValueError, match="Twice"):
        keras_file.load_keras_file(path)

    @lamina.saving.register_serializable(package="Mine")
    class TwiceLamina(lamina.layers.Layer):
        def call(self, x):
            return 2 * x

    loaded = keras_file.load_keras_file(path, custom_objects={"Mine>Twice": TwiceLamina})
    x = np.ones((2, 2), "float32")
    np.testing.assert_allclose(to_numpy(loaded(x)), model(x).numpy(), atol=1e-6)


def _rewrite(src, dst, extra=None, drop=None, config=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if config is not None and info.filename == "config.json":
                data = json.dumps(config(json.loads(data))).encode()
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def test_untrusted_archives_are_refused(saved, tmp_path):
    src = saved["sequential"][0]
    bad = tmp_path / "extra.keras"
    _rewrite(src, bad, extra={"../evil.py": b"print(1)"})
    with pytest.raises(ValueError, match="outside"):
        keras_file.load_keras_file(bad)
    bad = tmp_path / "assets.keras"
    _rewrite(src, bad, extra={"assets/vocab.txt": b"a\nb"})
    with pytest.raises(ValueError, match="unexpected member"):
        keras_file.load_keras_file(bad)
    bad = tmp_path / "missing.keras"
    _rewrite(src, bad, drop="model.weights.h5")
    with pytest.raises(ValueError, match="missing"):
        keras_file.load_keras_file(bad)
    bad = tmp_path / "plain.keras"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="zip signature"):
        keras_file.load_keras_file(bad)


def test_config_cannot_name_arbitrary_code(saved, tmp_path):
    def inject(config):
        config["config"]["layers"][1]["module"] = "os"
        config["config"]["layers"][1]["class_name"] = "system"
        return config

    bad = tmp_path / "inject.keras"
    _rewrite(saved["sequential"][0], bad, config=inject)
    with pytest.raises(ValueError, match="system"):
        keras_file.load_keras_file(bad)


def test_unsupported_keras_argument_is_reported(saved, tmp_path):
    def renorm(config):
        config["config"]["layers"][2]["config"]["renorm"] = True
        return config

    bad = tmp_path / "renorm.keras"
    _rewrite(saved["sequential"][0], bad, config=renorm)
    with pytest.raises(ValueError, match="renorm"):
        keras_file.load_keras_file(bad)


def _load_model_dispatches():
    from lamina.saving import model_file

    return "keras_file" in inspect.getsource(model_file.load_model)


@pytest.mark.skipif(not _load_model_dispatches(), reason="load_model does not dispatch .keras yet")
def test_load_model_reads_keras_files(saved):
    path, feed, expected = saved["sequential"]
    model = lamina.models.load_model(str(path))
    np.testing.assert_allclose(to_numpy(model.predict(feed, verbose=0)), expected[0], atol=1e-5)
