"""Functional, Sequential and subclassed models: structure, calls, errors, summary."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _x(*shape):
    return np.random.default_rng(0).normal(size=shape).astype("float32")


def test_functional_multi_input_multi_output_and_get_layer():
    a = lamina.Input(shape=(4,), name="a")
    b = lamina.Input(shape=(3,), name="b")
    shared = layers.Dense(5, name="shared")
    merged = layers.concatenate([shared(a), layers.Dense(5)(b)])
    out1 = layers.Dense(2, name="out1")(merged)
    out2 = layers.Dense(1, name="out2")(merged)
    model = lamina.Model(inputs=[a, b], outputs=[out1, out2])
    assert isinstance(model, lamina.Model) and type(model).__name__ == "Functional"
    y1, y2 = model([_x(6, 4), _x(6, 3)])
    assert tuple(y1.shape) == (6, 2) and tuple(y2.shape) == (6, 1)
    # dict inputs are matched by Input name
    y1d, _ = model({"a": _x(6, 4), "b": _x(6, 3)})
    np.testing.assert_allclose(ops.convert_to_numpy(y1d), ops.convert_to_numpy(y1), rtol=1e-6)
    assert model.get_layer("shared") is shared
    assert model.get_layer(index=0).name == "a"
    assert [t.shape for t in model.outputs] == [(None, 2), (None, 1)]
    with pytest.raises(ValueError, match="No layer named"):
        model.get_layer("missing")


def test_functional_dict_outputs_and_shared_layer_weights():
    x = lamina.Input(shape=(4,))
    dense = layers.Dense(4)
    y = dense(dense(x))  # the same layer twice shares its weights
    model = lamina.Model(x, {"y": y, "x2": layers.Dense(1)(y)})
    out = model(_x(2, 4))
    assert set(out) == {"y", "x2"}
    assert len(model.weights) == 4  # dense (2) + the head (2)


def test_nested_models_as_layers():
    inner_in = lamina.Input(shape=(4,))
    inner = lamina.Model(inner_in, layers.Dense(3)(inner_in), name="inner")
    x = lamina.Input(shape=(4,))
    outer = lamina.Model(x, layers.Dense(1)(inner(x)))
    assert tuple(outer(_x(5, 4)).shape) == (5, 1)
    assert len(outer.weights) == 4
    seq = lamina.Sequential([inner, layers.Dense(2)])
    assert tuple(seq(_x(2, 4)).shape) == (2, 2)


def test_graph_disconnected_error():
    a = lamina.Input(shape=(2,))
    b = lamina.Input(shape=(2,))
    out = layers.add([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        lamina.Model(a, out)


def test_wrong_input_shape_is_explained():
    x = lamina.Input(shape=(28, 28, 1))
    model = lamina.Model(x, layers.Flatten()(x))
    with pytest.raises(ValueError, match=r"expects shape \(None, 28, 28, 1\)"):
        model(np.zeros((2, 28, 28), "float32"))


def test_sequential_add_pop_and_deferred_build():
    model = lamina.Sequential()
    model.add(layers.Dense(8, activation="relu"))
    model.add(layers.Dense(2))
    assert not model.built
    out = model(_x(3, 5))
    assert tuple(out.shape) == (3, 2) and model.built
    assert model.count_params() == 5 * 8 + 8 + 8 * 2 + 2
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1
    with pytest.raises(ValueError, match="expects a layer"):
        model.add("dense")


def test_sequential_with_input_and_input_shape():
    m1 = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(3)])
    m2 = lamina.Sequential([layers.Dense(3, input_shape=(4,))])
    assert m1.built and m2.built
    assert m1.output_shape == (None, 3) == m2.output_shape
    assert [type(layer).__name__ for layer in m1.layers] == ["Dense"]


def test_subclassed_model_tracks_layers_and_variables():
    class Block(lamina.Model):
        def __init__(self):
            super().__init__()
            self.stack = [layers.Dense(4), layers.Dense(4)]
            self.head = {"out": layers.Dense(1)}
            self.scale = lamina.Variable(np.ones(()), name="scale")

        def call(self, x):
            for layer in self.stack:
                x = layer(x)
            return self.head["out"](x) * self.scale

    model = Block()
    assert tuple(model(_x(2, 3)).shape) == (2, 1)
    assert len(model.trainable_weights) == 7
    model.stack[0].trainable = False
    assert len(model.trainable_weights) == 5 and len(model.non_trainable_weights) == 2


def test_training_flag_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    x = lamina.Input(shape=(2,))
    model = lamina.Model(x, Probe()(x))
    model(_x(1, 2), training=True)
    model(_x(1, 2))
    assert seen[-2:] == [True, None]


def test_user_exception_in_call_reaches_the_user_unchanged():
    class Boom(Exception):
        pass

    class Faulty(layers.Layer):
        def call(self, x):
            raise Boom("from user code")

    with pytest.raises(Boom, match="from user code"):
        Faulty()(_x(1, 2))


def test_summary_matches_keras_layout_and_counts():
    model = lamina.Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert f'Model: "{model.name}"' in text
    assert "Layer (type)" in text and "Output Shape" in text and "Param #" in text
    assert "(None, 784)" in text and "100,480" in text and "1,290" in text
    assert "Total params: 101,770 (397.54 KB)" in text
    assert "Non-trainable params: 0 (0.00 B)" in text
    assert model.count_params() == 101_770


def test_functional_summary_has_connections():
    x = lamina.Input(shape=(4,), name="features")
    model = lamina.Model(x, layers.Dense(2, name="head")(x))
    lines = []
    model.summary(print_fn=lines.append)
    assert any("features[0][0]" in line for line in lines)


def test_unique_automatic_names():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name != b.name and b.name.startswith("dense")
