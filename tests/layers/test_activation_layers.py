"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.layers.harness import make_inputs, run_layer_test, to_np


def _relu_ref(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x >= threshold, x, negative_slope * (x - threshold))
    if max_value is not None:
        out = np.minimum(out, max_value)
    return out


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_value": 6.0},
        {"max_value": 0.5},
        {"negative_slope": 0.1},
        {"threshold": 0.2},
        {"max_value": 0.8, "negative_slope": 0.2, "threshold": 0.1},
    ],
)
def test_relu(kwargs):
    x = make_inputs((3, 4)) * 2
    x[0, 0] = 0.123  # avoid ties with the threshold
    run_layer_test(
        layers.ReLU,
        kwargs,
        input_data=x,
        expected_output_shape=(3, 4),
        expected_output=_relu_ref(x, **kwargs),
        expected_num_trainable_weights=0,
    )


def test_relu_validation():
    for kwargs in ({"max_value": -1.0}, {"negative_slope": -0.1}, {"threshold": None}):
        with pytest.raises(ValueError, match="must be a non-negative number"):
            layers.ReLU(**kwargs)


def test_leaky_relu():
    x = make_inputs((2, 5))
    run_layer_test(
        layers.LeakyReLU,
        {},
        input_data=x,
        expected_output_shape=(2, 5),
        expected_output=np.where(x >= 0, x, 0.3 * x),
        expected_num_trainable_weights=0,
    )
    run_layer_test(layers.LeakyReLU, {"negative_slope": 0.05}, input_shape=(2, 3, 2))
    assert layers.LeakyReLU(alpha=0.2).negative_slope == 0.2
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-1.0)


@pytest.mark.parametrize(
    "kwargs, input_shape, alpha_shape",
    [
        ({"alpha_initializer": "ones"}, (2, 3), (3,)),
        (
            {
                "alpha_initializer": {"class_name": "Constant", "config": {"value": 0.25}},
                "shared_axes": [1, 2],
            },
            (2, 3, 3, 4),
            (1, 1, 4),
        ),
        ({"shared_axes": 1}, (2, 5, 3), (1, 3)),
    ],
)
def test_prelu(kwargs, input_shape, alpha_shape):
    layer = run_layer_test(
        layers.PReLU,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=0,
    )
    assert layer.alpha.shape == alpha_shape
    assert layer.weights[0].name == "alpha"


def test_prelu_values():
    layer = layers.PReLU(alpha_initializer=lamina.initializers.Constant(0.1))
    x = np.array([[-2.0, 3.0]], "float32")
    np.testing.assert_allclose(to_np(layer(x)), [[-0.2, 3.0]], rtol=1e-6)


def test_elu():
    x = make_inputs((2, 4))
    run_layer_test(
        layers.ELU,
        {"alpha": 0.5},
        input_data=x,
        expected_output_shape=(2, 4),
        expected_output=np.where(x > 0, x, 0.5 * (np.exp(x) - 1)),
        expected_num_trainable_weights=0,
    )
    assert layers.ELU(alpha=0.7).get_config()["alpha"] == 0.7


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 1, (1, 2)])
def test_softmax(axis):
    x = make_inputs((2, 3, 4))
    np_axis = axis if isinstance(axis, int) else tuple(axis)
    run_layer_test(
        layers.Softmax,
        {"axis": axis},
        input_data=x,
        expected_output_shape=(2, 3, 4),
        expected_output=_softmax(x, np_axis),
        expected_num_trainable_weights=0,
    )


def test_softmax_mask():
    x = make_inputs((2, 4))
    mask = np.array([[True, True, False, True], [False, True, True, False]])
    layer = run_layer_test(
        layers.Softmax,
        {},
        input_data=x,
        call_kwargs={"mask": mask},
        expected_output_shape=(2, 4),
        expected_num_trainable_weights=0,
    )
    out = to_np(layer(x, mask=mask))
    want = np.where(mask, np.exp(x), 0)
    want /= want.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-7)
    float_mask = to_np(layer(x, mask=mask.astype("float32")))
    np.testing.assert_allclose(float_mask, want, rtol=1e-5, atol=1e-7)
