"""TensorFlow SavedModel export: on the TensorFlow backend it round-trips through
`tf.saved_model.load`; elsewhere it says which backend it needs."""

from __future__ import annotations

import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export import export_model
from tests.conftest import BACKEND
from tests.export.parity import predict, randomize

F = "float32"
on_tensorflow = pytest.mark.skipif(BACKEND != "tensorflow", reason="SavedModel needs TensorFlow")


class Residual(lamina.Model):
    """A subclassed model (ONNX cannot read it; a SavedModel traces its `call`)."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(4, activation="tanh")
        self.norm = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)
        self.out = layers.Dense(2)

    def call(self, x, training=False):
        h = self.norm(self.dense(x), training=training)
        return self.out(self.drop(h, training=training) + x)


def two_in_two_out():
    a, b = lamina.Input((4,), name="a"), lamina.Input((3,), name="b")
    h = layers.Concatenate()([layers.Dense(4, activation="relu")(a), b])
    return lamina.Model([a, b], [layers.Dense(2)(h), layers.Dense(1, activation="sigmoid")(h)])


def _load_and_compare(path, model, specs, names):
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    signature = loaded.signatures["serving_default"]
    assert sorted(signature.structured_input_signature[1]) == sorted(names)
    rng = np.random.default_rng(0)
    for batch in (2, 5):
        arrays = [rng.normal(size=(batch, *s)).astype(F) for s in specs]
        want = predict(model, arrays)
        got = signature(**dict(zip(names, arrays)))
        for i, w in enumerate(want):
            np.testing.assert_allclose(got[f"output_{i}"].numpy(), w, rtol=1e-5, atol=1e-6)
        served = loaded.serve(*arrays)
        served = served if isinstance(served, (list, tuple)) else [served]
        for s, w in zip(served, want):
            np.testing.assert_allclose(np.asarray(s), w, rtol=1e-5, atol=1e-6)


@on_tensorflow
def test_subclassed_model_round_trip(tmp_path):
    model = Residual()
    model(np.ones((1, 4), F))
    randomize(model, seed=3)
    path = tmp_path / "residual"
    export_model(model, str(path), format="tf_saved_model", verbose=False)
    assert sorted(os.listdir(tmp_path)) == ["residual"]
    _load_and_compare(path, model, [(4,)], ["inputs"])


@on_tensorflow
def test_functional_two_inputs_round_trip_and_overwrite(tmp_path):
    model = randomize(two_in_two_out(), seed=5)
    path = tmp_path / "func"
    path.mkdir()
    (path / "stale.txt").write_text("old")
    export_model(model, str(path), format="tf_saved_model", verbose=False)
    assert not (path / "stale.txt").exists()
    assert sorted(os.listdir(tmp_path)) == ["func"]
    _load_and_compare(path, model, [(4,), (3,)], ["a", "b"])


@pytest.mark.skipif(BACKEND == "tensorflow", reason="checks the error of other backends")
def test_other_backends_say_to_use_tensorflow(tmp_path):
    model = two_in_two_out()
    with pytest.raises(ValueError, match="LAMINA_BACKEND=tensorflow"):
        export_model(model, str(tmp_path / "m"), format="tf_saved_model")
    assert os.listdir(tmp_path) == []
