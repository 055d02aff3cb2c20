"""Merging layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.layers.harness import make_inputs, run_layer_test, to_np

ELEMENTWISE = {
    "Add": lambda xs: sum(xs[1:], xs[0]),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: np.prod(np.stack(np.broadcast_arrays(*xs)), axis=0),
    "Average": lambda xs: sum(xs[1:], xs[0]) / len(xs),
    "Maximum": lambda xs: np.maximum.reduce(np.broadcast_arrays(*xs)),
    "Minimum": lambda xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_merge(name):
    n = 2 if name == "Subtract" else 3
    shapes = [(2, 3, 4)] * n
    data = make_inputs(shapes)
    run_layer_test(
        getattr(layers, name),
        {},
        input_shape=shapes,
        expected_output_shape=(2, 3, 4),
        expected_output=ELEMENTWISE[name](data),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )


@pytest.mark.parametrize("name", ["Add", "Multiply", "Maximum"])
def test_elementwise_merge_broadcasts_lower_rank(name):
    shapes = [(2, 4, 3), (2, 3)]
    run_layer_test(
        getattr(layers, name),
        {},
        input_shape=shapes,
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=0,
    )


def test_elementwise_merge_errors():
    a = lamina.layers.Input(shape=(3,))
    b = lamina.layers.Input(shape=(4,))
    with pytest.raises(ValueError, match=r"Add layer .* shapes \(None, 3\) and \(None, 4\)"):
        layers.Add()([a, b])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([a, a, a])
    with pytest.raises(ValueError, match="list of tensors"):
        layers.Add()(a)


def test_functional_forms():
    a = lamina.layers.Input(shape=(3,))
    b = lamina.layers.Input(shape=(3,))
    for fn in (
        layers.add,
        layers.subtract,
        layers.multiply,
        layers.average,
        layers.maximum,
        layers.minimum,
    ):
        assert fn([a, b]).shape == (None, 3)
    assert layers.concatenate([a, b]).shape == (None, 6)
    assert layers.concatenate([a, b], axis=-1, name="joined").shape == (None, 6)
    assert layers.dot([a, b], axes=1).shape == (None, 1)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(to_np(layers.add([x, x])), 2 * x)


@pytest.mark.parametrize(
    "axis, shapes, out",
    [
        (-1, [(2, 3), (2, 4)], (2, 7)),
        (1, [(2, 3, 4), (2, 5, 4), (2, 1, 4)], (2, 9, 4)),
        (-2, [(2, 3, 4), (2, 2, 4)], (2, 5, 4)),
    ],
)
def test_concatenate(axis, shapes, out):
    data = make_inputs(shapes)
    run_layer_test(
        layers.Concatenate,
        {"axis": axis},
        input_shape=shapes,
        expected_output_shape=out,
        expected_output=np.concatenate(data, axis=axis),
        expected_num_trainable_weights=0,
    )


def test_concatenate_error_message_for_seed_model():
    a = lamina.layers.Input(shape=(26, 26, 32))
    b = lamina.layers.Input(shape=(24, 24, 32))
    with pytest.raises(ValueError) as info:
        layers.Concatenate(name="concatenate")([a, b])
    assert str(info.value) == (
        "Concatenate layer 'concatenate' got inputs with shapes (None, 26, 26, 32) and "
        "(None, 24, 24, 32) that differ on axis 1 (26 vs 24); all axes except the concatenation "
        "axis (-1) must match. If they come from convolutions with different kernel sizes, use "
        'padding="same" in both.'
    )


def test_concatenate_error_from_convolutions():
    """The seed's model: Conv2D 3x3 and 5x5 on 28x28 images, concatenated."""
    if not hasattr(layers, "Conv2D"):
        pytest.skip("Conv2D is not available yet")
    inputs = lamina.layers.Input(shape=(28, 28, 1))
    a = layers.Conv2D(32, 3)(inputs)
    b = layers.Conv2D(32, 5)(inputs)
    with pytest.raises(ValueError, match=r"differ on axis 1 \(26 vs 24\).*padding=\"same\""):
        layers.concatenate([a, b])


def test_concatenate_rank_error():
    a = lamina.layers.Input(shape=(3,))
    b = lamina.layers.Input(shape=(4, 3))
    with pytest.raises(ValueError, match="different ranks"):
        layers.Concatenate()([a, b])


def test_concatenate_mask():
    layer = layers.Concatenate(axis=1)
    x1, x2 = np.ones((2, 3, 2), "float32"), np.ones((2, 2, 2), "float32")
    m1 = np.array([[True, False, True], [True, True, True]])
    mask = to_np(layer.compute_mask([x1, x2], [m1, None]))
    np.testing.assert_array_equal(mask, np.concatenate([m1, np.ones((2, 2), bool)], axis=1))


@pytest.mark.parametrize(
    "kwargs, shapes, out",
    [
        ({"axes": 1}, [(2, 4), (2, 4)], (2, 1)),
        ({"axes": -1, "normalize": True}, [(2, 5), (2, 5)], (2, 1)),
        ({"axes": (2, 2)}, [(2, 3, 4), (2, 5, 4)], (2, 3, 5)),
        ({"axes": [1, 2]}, [(2, 3, 4), (2, 5, 3)], (2, 4, 5)),
    ],
)
def test_dot(kwargs, shapes, out):
    run_layer_test(
        layers.Dot,
        kwargs,
        input_shape=shapes,
        expected_output_shape=out,
        expected_num_trainable_weights=0,
    )


def test_dot_values_and_errors():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    y = np.array([[1.0, 1.0], [0.0, 2.0]], "float32")
    np.testing.assert_allclose(to_np(layers.Dot(axes=1)([x, y])), [[3.0], [8.0]])
    cos = to_np(layers.Dot(axes=1, normalize=True)([x, x]))
    np.testing.assert_allclose(cos, [[1.0], [1.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="different sizes on the dot axes"):
        layers.Dot(axes=1)([lamina.layers.Input(shape=(3,)), lamina.layers.Input(shape=(4,))])
    with pytest.raises(ValueError, match="int or a pair"):
        layers.Dot(axes="x")
