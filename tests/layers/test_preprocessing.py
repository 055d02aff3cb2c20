"""Preprocessing layers: Rescaling, Normalization (fixed statistics and `adapt`), Resizing and
CenterCrop, through the harness with the Keras 3 oracle, plus exact values and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lamina import layers
from tests.layers.harness import run_layer_test, to_np

CF = "channels_first"
rng = np.random.default_rng(0)


@pytest.mark.parametrize(
    "kwargs, input_dtype",
    [
        ({"scale": 1.0 / 255}, "uint8"),
        ({"scale": 2.0, "offset": -1.0}, "float32"),
        ({"scale": [0.5, 1.0, 2.0], "offset": [0.0, 1.0, -1.0]}, "float32"),
    ],
)
def test_rescaling_contract(kwargs, input_dtype):
    run_layer_test(
        layers.Rescaling,
        kwargs,
        input_shape=(2, 4, 3),
        input_dtype=input_dtype,
        expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_training=input_dtype == "float32",
    )


def test_rescaling_values_and_numpy_config():
    x = np.array([[0, 128, 255]], "uint8")
    np.testing.assert_allclose(
        to_np(layers.Rescaling(1 / 127.5, -1.0)(x)), [[-1, 128 / 127.5 - 1, 1]], atol=1e-6
    )
    layer = layers.Rescaling(np.array([1.0, 2.0], "float32"))
    cfg = json.loads(json.dumps(layer.get_config()))
    assert cfg["scale"] == [1.0, 2.0]
    clone = layers.Rescaling.from_config(cfg)
    np.testing.assert_allclose(to_np(clone(np.ones((1, 2), "float32"))), [[1.0, 2.0]])
    keras_form = {"class_name": "__numpy__", "config": {"value": [3.0], "dtype": "float32"}}
    np.testing.assert_allclose(to_np(layers.Rescaling(keras_form)(np.ones((1, 1)))), [[3.0]])
    with pytest.raises(ValueError, match="`scale` must be a number"):
        layers.Rescaling("big")


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 0.25]}, (2, 3)),
        ({"axis": None, "mean": 0.5, "variance": 2.0}, (2, 3, 2)),
        ({"axis": 1, "mean": [0.0, 1.0, -1.0], "variance": [1.0, 2.0, 3.0]}, (2, 3, 2)),
        ({"axis": -1, "mean": [1.0, 2.0], "variance": [4.0, 9.0], "invert": True}, (2, 3, 2)),
    ],
)
def test_normalization_fixed_statistics_contract(kwargs, input_shape):
    run_layer_test(
        layers.Normalization,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )


@pytest.mark.parametrize("axis", [-1, (1, 2), None])
def test_normalization_adapted_contract(axis):
    run_layer_test(
        layers.Normalization,
        {"axis": axis},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=3,
        supports_training=axis == -1,
    )


def _adapted(axis, data):
    layer = layers.Normalization(axis=axis)
    layer.adapt(data)
    return layer


def test_normalization_adapt_numpy_matches_numpy_statistics():
    data = rng.normal(3.0, 2.0, (50, 4, 3)).astype("float32")
    layer = _adapted(-1, data)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean((0, 1)), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var((0, 1)), rtol=1e-5)
    assert int(layer.count.numpy()) == 200
    out = to_np(layer(data))
    np.testing.assert_allclose(out.mean((0, 1)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std((0, 1)), 1.0, rtol=1e-4)
    # A middle axis keeps its own statistics.
    layer = _adapted(1, data)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean((0, 2)), rtol=1e-5)
    np.testing.assert_allclose(to_np(layer(data)).mean((0, 2)), 0.0, atol=1e-5)


def test_normalization_adapt_batches_equals_whole():
    data = rng.normal(-1.0, 3.0, (37, 5)).astype("float32")
    whole = _adapted(-1, data)
    batches = [data[i : i + 8] for i in range(0, 37, 8)]
    listed = _adapted(-1, batches)
    generated = _adapted(-1, (b for b in batches))
    paired = _adapted(-1, [(b, np.zeros(len(b))) for b in batches])
    for layer in (listed, generated, paired):
        np.testing.assert_allclose(layer.adapt_mean.numpy(), whole.adapt_mean.numpy(), rtol=1e-5)
        np.testing.assert_allclose(
            layer.adapt_variance.numpy(), whole.adapt_variance.numpy(), rtol=1e-5
        )


def test_normalization_adapt_then_invert_round_trip_and_keras():
    import keras

    data = rng.normal(2.0, 5.0, (20, 3)).astype("float32")
    norm, denorm = _adapted(-1, data), layers.Normalization(invert=True)
    denorm.adapt(data)
    np.testing.assert_allclose(to_np(denorm(norm(data))), data, rtol=1e-4, atol=1e-4)
    knorm = keras.layers.Normalization()
    knorm.adapt(data)
    np.testing.assert_allclose(to_np(norm(data)), np.asarray(knorm(data)), rtol=1e-5, atol=1e-5)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="must be in"):
        layers.Normalization(axis=3)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="known size"):
        layers.Normalization()(layers.Input(shape=(None,)))
    layer = _adapted(-1, np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="does not match"):
        layer.adapt(np.ones((4, 2), "float32"))
    with pytest.raises(ValueError, match="cannot `adapt`"):
        layers.Normalization(mean=0.0, variance=1.0).adapt(np.ones((2, 2)))
    with pytest.raises(ValueError, match="no data"):
        layers.Normalization().adapt([])


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"height": 6, "width": 8}, (2, 3, 4, 2), (2, 6, 8, 2)),  # the gradient-checked case
        ({"height": 3, "width": 5}, (2, 6, 7, 1), (2, 3, 5, 1)),
        ({"height": 5, "width": 4, "interpolation": "nearest"}, (2, 3, 6, 2), (2, 5, 4, 2)),
        ({"height": 4, "width": 4, "crop_to_aspect_ratio": True}, (2, 6, 3, 1), (2, 4, 4, 1)),
        ({"height": 4, "width": 6, "data_format": CF}, (2, 2, 3, 5), (2, 2, 4, 6)),
        ({"height": 4, "width": 3}, (5, 7, 2), (4, 3, 2)),
    ],
)
def test_resizing_contract(kwargs, input_shape, output_shape):
    run_layer_test(
        layers.Resizing,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        supports_training=kwargs == {"height": 6, "width": 8},
        run_symbolic_check=len(input_shape) == 4,
    )


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"height": 2, "width": 3}, (2, 5, 6, 1), (2, 2, 3, 1)),
        ({"height": 3, "width": 2, "data_format": CF}, (2, 2, 4, 5), (2, 2, 3, 2)),
        ({"height": 6, "width": 4}, (2, 3, 4, 2), (2, 6, 4, 2)),
    ],
)
def test_center_crop_contract(kwargs, input_shape, output_shape):
    run_layer_test(
        layers.CenterCrop,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
    )


def test_resizing_and_crop_argument_errors():
    with pytest.raises(ValueError, match="`height` must be a positive integer"):
        layers.Resizing(0, 3)
    with pytest.raises(ValueError, match="'bilinear' or 'nearest'"):
        layers.Resizing(2, 3, interpolation="lanczos3")
    with pytest.raises(ValueError, match="`width` must be a positive integer"):
        layers.CenterCrop(2, -1)
