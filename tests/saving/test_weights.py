"""`save_weights` / `load_weights` in safetensors: round trip, atomic writes, bad files."""

import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import safetensors_io


def _model():
    return lamina.Sequential(
        [layers.Dense(4, input_shape=(3,)), layers.BatchNormalization(), layers.Dense(2)]
    )


def test_round_trip_gives_the_same_predictions(tmp_path):
    path = str(tmp_path / "m.weights.safetensors")
    model = _model()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    model.save_weights(path)
    other = _model()
    other.load_weights(path)
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_failed_save_leaves_the_old_file(tmp_path, monkeypatch):
    path = str(tmp_path / "m.weights.safetensors")
    model = _model()
    model.save_weights(path)
    before = open(path, "rb").read()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save_weights(path)
    assert open(path, "rb").read() == before
    assert [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")] == []


def test_bad_suffix_shape_mismatch_and_truncated_file(tmp_path):
    model = _model()
    with pytest.raises(ValueError, match="weights.safetensors"):
        model.save_weights(str(tmp_path / "m.h5"))
    path = str(tmp_path / "m.weights.safetensors")
    model.save_weights(path)
    wider = lamina.Sequential(
        [layers.Dense(5, input_shape=(3,)), layers.BatchNormalization(), layers.Dense(2)]
    )
    with pytest.raises(ValueError, match="shape"):
        wider.load_weights(path)
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated|bytes|valid"):
        model.load_weights(path)


def test_safetensors_dtypes_round_trip(tmp_path):
    path = str(tmp_path / "a.safetensors")
    arrays = {
        "f": np.arange(6, dtype="float32").reshape(2, 3),
        "i": np.array([1, -2], "int64"),
        "b": np.array([True, False]),
    }
    safetensors_io.write(path, arrays, {"k": "v"})
    loaded, meta = safetensors_io.read(path)
    assert meta == {"k": "v"}
    for k in arrays:
        np.testing.assert_array_equal(loaded[k], arrays[k])
        assert loaded[k].dtype == arrays[k].dtype
