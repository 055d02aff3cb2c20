"""ONNX export of whole models (the seed's models, nested ones) and its errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export import export_model
from lamina.export.onnx_export import build_onnx_model
from tests.export.parity import check_parity, randomize, session

F = "float32"


def mnist_convnet():
    return lamina.Sequential(
        [
            lamina.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


def mlp():
    return lamina.Sequential(
        [
            layers.Flatten(input_shape=(4, 5)),
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(8, activation="selu"),
            layers.Dense(3),
        ]
    )


def two_in_two_out():
    image = lamina.Input((6, 6, 2), name="image")
    meta = lamina.Input((3,), name="meta")
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(image)
    x = layers.BatchNormalization()(x)
    left = layers.GlobalAveragePooling2D()(x)
    right = layers.GlobalMaxPooling2D()(x)
    m = layers.Dense(4, activation="tanh")(meta)
    merged = layers.Concatenate()([left, right, m])
    shared = layers.Dense(5, activation="relu")
    a = shared(merged)
    b = shared(layers.Concatenate()([right, left, m]))  # a layer shared by two calls
    klass = layers.Dense(3, activation="softmax", name="klass")(a)
    score = layers.Dense(1, name="score")(layers.Add()([a, b]))
    return lamina.Model([image, meta], [klass, score])


def nested():
    inner_seq = lamina.Sequential(
        [lamina.Input((5,)), layers.Dense(6, activation="relu"), layers.LayerNormalization()]
    )
    a_in, b_in = lamina.Input((6,)), lamina.Input((6,))
    inner_func = lamina.Model([a_in, b_in], layers.Subtract()([a_in, b_in]), name="inner")
    inp = lamina.Input((5,))
    h = inner_seq(inp)
    d = inner_func([h, layers.Dense(6)(inp)])
    out = layers.Dense(2)(d)
    return lamina.Model(inp, out)


def test_mnist_convnet(tmp_path):
    model = randomize(mnist_convnet())
    sess = check_parity(model, [((28, 28, 1), F, None)], tmp_path, rtol=1e-5, atol=1e-6)
    assert sess.get_inputs()[0].shape[0] == "batch"
    # Consecutive layout transposes cancel: only the input and the Flatten need one.
    ops = [n.op_type for n in build_onnx_model(model).graph.node]
    assert ops.count("Transpose") == 2


def test_sequential_mlp(tmp_path):
    check_parity(randomize(mlp()), [((4, 5), F, None)], tmp_path)


def test_functional_two_inputs_two_outputs(tmp_path):
    model = randomize(two_in_two_out(), seed=4)
    sess = check_parity(model, [((6, 6, 2), F, None), ((3,), F, None)], tmp_path)
    assert [i.name for i in sess.get_inputs()] == ["image", "meta"]
    assert [o.name for o in sess.get_outputs()] == ["klass", "score"]


def test_nested_models(tmp_path):
    check_parity(randomize(nested(), seed=2), [((5,), F, None)], tmp_path)


def test_input_signature_overrides_shapes(tmp_path):
    inp = lamina.Input((None, 3))
    model = randomize(lamina.Model(inp, layers.GlobalAveragePooling1D()(layers.Dense(2)(inp))))
    path = tmp_path / "m.onnx"
    export_model(
        model, str(path), input_signature=[lamina.KerasTensor((None, None, 3))], verbose=False
    )
    sess = session(path)
    for steps in (2, 5):
        x = np.random.default_rng(steps).normal(size=(2, steps, 3)).astype(F)
        got = sess.run(None, {sess.get_inputs()[0].name: x})[0]
        np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_verbose_prints_what_was_written(tmp_path, capsys):
    path = tmp_path / "mlp.onnx"
    assert export_model(mlp(), str(path)) == str(path)
    out = capsys.readouterr().out
    assert str(path) in out and "opset" in out


# ----------------------------------------------------------------------------------------
# Errors.


def test_unknown_format():
    with pytest.raises(ValueError, match="'onnx', 'tf_saved_model'"):
        export_model(mlp(), "x.bin", format="tflite")


class Subclassed(lamina.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


class Doubler(layers.Layer):
    def call(self, x):
        return x * 2


def test_subclassed_model_is_refused(tmp_path):
    model = Subclassed()
    model(np.ones((1, 3), F))
    with pytest.raises(ValueError, match=r"class Subclassed.*tf_saved_model"):
        export_model(model, str(tmp_path / "m.onnx"), verbose=False)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "make, pattern",
    [
        (lambda: layers.Lambda(lambda t: t + 1, name="plus_one"), r"'plus_one' of class Lambda"),
        (lambda: Doubler(name="twice"), r"'twice' of class Doubler"),
        (lambda: layers.Dense(2, activation=lambda t: t, name="odd"), r"'odd' .*activation"),
    ],
)
def test_unconvertible_layers_are_named(make, pattern, tmp_path):
    inp = lamina.Input((3,))
    model = lamina.Model(inp, make()(layers.Dense(3)(inp)))
    with pytest.raises(ValueError, match=pattern):
        export_model(model, str(tmp_path / "m.onnx"), verbose=False)
    assert os.listdir(tmp_path) == []


def test_nested_subclassed_model_is_refused(tmp_path):
    inner = Subclassed()
    inp = lamina.Input((3,))
    model = lamina.Model(inp, inner(inp))
    with pytest.raises(ValueError, match="class Subclassed"):
        export_model(model, str(tmp_path / "m.onnx"), verbose=False)


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"previous")

    import lamina.saving.atomic as atomic

    real = atomic.atomic_file

    class Broken:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError("disk full")

    from contextlib import contextmanager

    @contextmanager
    def broken_atomic_file(p):
        with real(p) as f:
            yield Broken(f)

    monkeypatch.setattr(atomic, "atomic_file", broken_atomic_file)
    with pytest.raises(OSError, match="disk full"):
        export_model(mlp(), str(path), verbose=False)
    assert path.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["m.onnx"]


def test_missing_folder_writes_nothing(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_model(mlp(), str(tmp_path / "no" / "m.onnx"), verbose=False)
    assert os.listdir(tmp_path) == []


def test_unbuilt_sequential_is_explained(tmp_path):
    with pytest.raises(ValueError, match="not built"):
        export_model(lamina.Sequential([layers.Dense(2)]), str(tmp_path / "m.onnx"))
