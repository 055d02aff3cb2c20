"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.layers.harness import BACKEND, keras_layer, make_inputs, run_layer_test, to_np

TOL = {"rtol": 1e-5, "atol": 1e-5}


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({}, (4, 3)),
        ({"axis": 1, "momentum": 0.9, "epsilon": 1e-2}, (3, 2, 4, 4)),
        ({"center": False, "scale": False}, (4, 5, 2)),
    ],
)
def test_batch_normalization(kwargs, input_shape):
    affine = 2 if kwargs.get("center", True) else 0
    layer = run_layer_test(
        layers.BatchNormalization,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=affine,
        expected_num_non_trainable_weights=2,
        **TOL,
    )
    names = [v.name for v in layer.weights]
    assert names == ["gamma", "beta", "moving_mean", "moving_variance"][2 - affine :]


def _bn_with_stats(**kwargs):
    layer = layers.BatchNormalization(**kwargs)
    layer.build((None, 3))
    rng = np.random.default_rng(1)
    layer.set_weights(
        [
            rng.uniform(0.5, 1.5, 3).astype("float32"),
            rng.uniform(-1, 1, 3).astype("float32"),
            rng.uniform(-1, 1, 3).astype("float32"),
            rng.uniform(0.5, 2, 3).astype("float32"),
        ]
    )
    return layer


def test_batch_normalization_moving_stats_update_only_in_training():
    layer = _bn_with_stats(momentum=0.8)
    # Copies: on torch, get_weights() arrays may share memory with the variables.
    gamma, beta, mm, mv = [np.array(w) for w in layer.get_weights()]
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(16, 3)).astype("float32")

    out = to_np(layer(x))  # inference (no training flag)
    np.testing.assert_allclose(out, gamma * (x - mm) / np.sqrt(mv + 1e-3) + beta, **TOL)
    to_np(layer(x, training=False))
    np.testing.assert_array_equal(layer.get_weights()[2], mm)
    np.testing.assert_array_equal(layer.get_weights()[3], mv)

    out = to_np(layer(x, training=True))
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, **TOL)
    np.testing.assert_allclose(layer.get_weights()[2], 0.8 * mm + 0.2 * mean, **TOL)
    np.testing.assert_allclose(layer.get_weights()[3], 0.8 * mv + 0.2 * var, rtol=1e-4)


def test_batch_normalization_frozen_does_not_update():
    layer = _bn_with_stats()
    before = [np.array(w) for w in layer.get_weights()]
    layer.trainable = False
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    out = to_np(layer(x, training=True))
    gamma, beta, mm, mv = before
    np.testing.assert_allclose(out, gamma * (x - mm) / np.sqrt(mv + 1e-3) + beta, **TOL)
    for a, b in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_batch_normalization_training_matches_keras():
    x = make_inputs((6, 2, 4), seed=3)
    layer = layers.BatchNormalization(momentum=0.5)
    klayer = keras_layer("BatchNormalization", {"momentum": 0.5})
    layer(x)
    klayer(x)
    weights = [w + 0.1 * i for i, w in enumerate(layer.get_weights())]
    layer.set_weights(weights)
    klayer.set_weights(weights)
    np.testing.assert_allclose(
        to_np(layer(x, training=True)), np.asarray(klayer(x, training=True)), **TOL
    )
    for ours, theirs in zip(layer.get_weights(), klayer.get_weights()):
        np.testing.assert_allclose(ours, theirs, **TOL)


def test_batch_normalization_mask():
    layer = layers.BatchNormalization(momentum=0.0, center=False, scale=False)
    x = np.array([[[1.0], [3.0], [100.0]], [[5.0], [7.0], [-50.0]]], "float32")
    mask = np.array([[True, True, False], [True, True, False]])
    layer(x, training=True, mask=mask)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [4.0], rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), [5.0], rtol=1e-5)


@pytest.mark.skipif(BACKEND == "numpy", reason="inference-only backend")
def test_batch_normalization_inside_compiled_training():
    """Moving statistics update when the call runs inside the backend's gradient function."""
    trainer = lamina.backend.active.load("trainer")
    layer = layers.BatchNormalization(momentum=0.0)
    x = np.random.default_rng(0).normal(3.0, 1.0, size=(8, 3)).astype("float32")
    layer(x)

    def loss():
        return lamina.ops.sum(layer(x, training=True))

    trainer.value_and_grad(loss, layer.trainable_weights)
    np.testing.assert_allclose(layer.moving_mean.numpy(), x.mean(axis=0), rtol=1e-5)


def test_batch_normalization_errors():
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        layers.BatchNormalization(axis=3)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="`axis` must be an integer"):
        layers.BatchNormalization(axis="x")


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({}, (3, 5)),
        ({"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4)),
        ({"axis": 1}, (2, 3, 4)),
        ({"center": False}, (2, 6)),
        ({"rms_scaling": True}, (2, 3, 6)),
    ],
)
def test_layer_normalization(kwargs, input_shape):
    # RMS scaling has a gamma and no beta (as Keras).
    n = 1 if kwargs.get("center", True) is False or kwargs.get("rms_scaling") else 2
    layer = run_layer_test(
        layers.LayerNormalization,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=n,
        expected_num_non_trainable_weights=0,
        **TOL,
    )
    x = make_inputs(input_shape)
    axes = (
        tuple(kwargs.get("axis", [-1]))
        if isinstance(kwargs.get("axis"), list)
        else (kwargs.get("axis", -1),)
    )
    if not kwargs.get("rms_scaling"):
        eps = kwargs.get("epsilon", 1e-3)
        want = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(
            x.var(axis=axes, keepdims=True) + eps
        )
        np.testing.assert_allclose(to_np(layer(x)), want, **TOL)


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({"groups": 2}, (2, 3, 4)),
        ({"groups": -1}, (2, 5, 3)),
        ({"groups": 3, "axis": 1}, (2, 6, 2, 2)),
        ({"groups": 1, "scale": False}, (2, 4, 2)),
    ],
)
def test_group_normalization(kwargs, input_shape):
    run_layer_test(
        layers.GroupNormalization,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=1 if kwargs.get("scale") is False else 2,
        expected_num_non_trainable_weights=0,
        **TOL,
    )


def test_group_normalization_values_and_errors():
    x = make_inputs((2, 3, 4))
    out = to_np(layers.GroupNormalization(groups=2, epsilon=0.0)(x))
    g = x.reshape(2, 3, 2, 2)
    want = (g - g.mean(axis=(1, 3), keepdims=True)) / g.std(axis=(1, 3), keepdims=True)
    np.testing.assert_allclose(out, want.reshape(2, 3, 4), **TOL)
    with pytest.raises(ValueError, match="multiple of `groups`=3"):
        layers.GroupNormalization(groups=3)(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="more than the number of channels"):
        layers.GroupNormalization()(np.ones((2, 4), "float32"))


@pytest.mark.parametrize("kwargs, input_shape", [({}, (2, 3)), ({"axis": [1, 2]}, (2, 3, 4))])
def test_unit_normalization(kwargs, input_shape):
    layer = run_layer_test(
        layers.UnitNormalization,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=0,
        **TOL,
    )
    x = make_inputs(input_shape)
    axes = tuple(kwargs.get("axis", [-1]))
    norm = np.sqrt((to_np(layer(x)) ** 2).sum(axis=axes))
    np.testing.assert_allclose(norm, 1.0, rtol=1e-5)
