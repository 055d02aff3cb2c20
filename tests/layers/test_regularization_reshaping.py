"""Regularization layers (Dropout family, noise, ActivityRegularization) and reshaping layers
(Flatten, Reshape, Permute, RepeatVector)."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.layers.harness import make_inputs, run_layer_test, to_np

# ---------------------------------------------------------------------------------------------
# Regularization


@pytest.mark.parametrize(
    "cls, kwargs, input_shape",
    [
        (layers.Dropout, {"rate": 0.5, "seed": 1}, (2, 3)),
        (layers.Dropout, {"rate": 0.3, "noise_shape": [None, 1, 4], "seed": 2}, (2, 3, 4)),
        (layers.Dropout, {"rate": 0.0}, (2, 3)),
        (layers.SpatialDropout1D, {"rate": 0.5, "seed": 1}, (2, 3, 4)),
        (layers.SpatialDropout2D, {"rate": 0.5, "seed": 1}, (2, 3, 3, 4)),
        (layers.SpatialDropout3D, {"rate": 0.5, "seed": 4}, (1, 2, 2, 2, 6)),
        (layers.GaussianNoise, {"stddev": 0.2, "seed": 3}, (2, 3)),
        (layers.GaussianDropout, {"rate": 0.2, "seed": 3}, (2, 3)),
    ],
)
def test_random_layers_harness(cls, kwargs, input_shape):
    x = make_inputs(input_shape)
    layer = run_layer_test(
        cls,
        kwargs,
        input_data=x,
        expected_output_shape=input_shape,
        expected_output=x,  # inference: identity
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )
    assert layer.get_config()["seed"] == kwargs.get("seed")


def test_dropout_training_vs_inference():
    layer = layers.Dropout(0.5, seed=7)
    x = np.ones((64, 32), "float32")
    np.testing.assert_array_equal(to_np(layer(x)), x)
    np.testing.assert_array_equal(to_np(layer(x, training=False)), x)
    out = to_np(layer(x, training=True))
    assert set(np.unique(out)) <= {0.0, 2.0}
    kept = (out != 0).mean()
    assert 0.4 < kept < 0.6
    assert out.mean() == pytest.approx(1.0, abs=0.1)
    again = to_np(layer(x, training=True))
    assert not np.array_equal(out, again), "the seed generator must advance between calls"


def test_dropout_same_seed_same_mask():
    x = np.ones((8, 16), "float32")
    a = to_np(layers.Dropout(0.5, seed=11)(x, training=True))
    b = to_np(layers.Dropout(0.5, seed=11)(x, training=True))
    np.testing.assert_array_equal(a, b)


def test_dropout_training_flag_propagates_through_model():
    inputs = lamina.layers.Input(shape=(100,))
    outputs = layers.Dropout(0.5, seed=3)(layers.Identity()(inputs))
    model = lamina.Model(inputs, outputs)
    x = np.ones((4, 100), "float32")
    np.testing.assert_array_equal(to_np(model(x)), x)
    assert (to_np(model(x, training=True)) == 0).any()


def test_dropout_noise_shape_and_validation():
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=0)
    out = to_np(layer(np.ones((8, 5, 6), "float32"), training=True))
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1, :], out.shape))
    for rate in (-0.1, 1.5, "a"):
        with pytest.raises(ValueError, match="`rate` must be a float between 0 and 1"):
            layers.Dropout(rate)


@pytest.mark.parametrize(
    "cls, shape, kwargs, channel_axis",
    [
        (layers.SpatialDropout1D, (4, 6, 8), {}, -1),
        (layers.SpatialDropout2D, (4, 3, 3, 8), {}, -1),
        (layers.SpatialDropout2D, (4, 8, 3, 3), {"data_format": "channels_first"}, 1),
    ],
)
def test_spatial_dropout_drops_whole_channels(cls, shape, kwargs, channel_axis):
    out = to_np(cls(0.5, seed=5, **kwargs)(np.ones(shape, "float32"), training=True))
    axes = tuple(i for i in range(1, len(shape)) if i != channel_axis % len(shape))
    per_channel = out.min(axis=axes) == out.max(axis=axes)
    assert per_channel.all()
    assert (out == 0).any() and (out == 2).any()


def test_gaussian_layers_statistics():
    x = np.ones((200, 100), "float32")
    noisy = to_np(layers.GaussianNoise(0.5, seed=1)(x, training=True))
    assert noisy.mean() == pytest.approx(1.0, abs=0.02)
    assert noisy.std() == pytest.approx(0.5, rel=0.05)
    dropped = to_np(layers.GaussianDropout(0.5, seed=1)(x, training=True))
    assert dropped.mean() == pytest.approx(1.0, abs=0.02)
    assert dropped.std() == pytest.approx(1.0, rel=0.05)  # sqrt(rate / (1 - rate))


def test_activity_regularization():
    x = make_inputs((2, 3))
    layer = run_layer_test(
        layers.ActivityRegularization,
        {"l1": 0.1, "l2": 0.01},
        input_data=x,
        expected_output_shape=(2, 3),
        expected_output=x,
        expected_num_trainable_weights=0,
        expected_num_losses=1,
    )
    layer._clear_losses()
    layer(x)
    want = 0.1 * np.abs(x).sum() + 0.01 * (x**2).sum()
    assert float(to_np(layer.losses[0])) == pytest.approx(want, rel=1e-5)
    assert "activity_regularizer" not in layer.get_config()


# ---------------------------------------------------------------------------------------------
# Reshaping


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape, dtype",
    [
        ({}, (2, 28, 28), (2, 784), "float32"),
        ({}, (2, 3, 4, 5), (2, 60), "float32"),
        ({"data_format": "channels_first"}, (2, 3, 4, 5), (2, 60), "float32"),
        ({}, (3,), (3, 1), "float32"),
        ({}, (2, 3, 2), (2, 6), "int32"),
    ],
)
def test_flatten(kwargs, input_shape, output_shape, dtype):
    x = make_inputs(input_shape, dtype)
    if kwargs.get("data_format") == "channels_first":
        want = np.transpose(x, (0, 2, 3, 1)).reshape(output_shape)
    else:
        want = x.reshape(output_shape)
    run_layer_test(
        layers.Flatten,
        kwargs,
        input_data=x,
        expected_output_shape=output_shape,
        expected_output_dtype=dtype,
        expected_output=want,
        expected_num_trainable_weights=0,
        supports_training=dtype == "float32",
    )


def test_flatten_unknown_dims_symbolic():
    x = lamina.layers.Input(batch_shape=(None, None, 4))
    assert layers.Flatten()(x).shape == (None, None)
    assert layers.Flatten().compute_output_shape((None, 3, 4)) == (None, 12)


@pytest.mark.parametrize(
    "target, input_shape, output_shape",
    [
        ((3, 4), (2, 12), (2, 3, 4)),
        ((-1, 2), (2, 12), (2, 6, 2)),
        ((2, -1, 3), (2, 4, 3), (2, 2, 2, 3)),
        ([6], (2, 2, 3), (2, 6)),
    ],
)
def test_reshape(target, input_shape, output_shape):
    x = make_inputs(input_shape)
    run_layer_test(
        layers.Reshape,
        {"target_shape": target},
        input_data=x,
        expected_output_shape=output_shape,
        expected_output=x.reshape(output_shape),
        expected_num_trainable_weights=0,
    )


def test_reshape_errors_and_unknown_dims():
    with pytest.raises(ValueError, match="at most one -1"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="784 values per sample"):
        layers.Reshape((700,))(lamina.layers.Input(shape=(28, 28)))
    with pytest.raises(ValueError, match="not a multiple of 5"):
        layers.Reshape((-1, 5))(lamina.layers.Input(shape=(12,)))
    out = layers.Reshape((-1, 2))(lamina.layers.Input(batch_shape=(None, None, 4)))
    assert out.shape == (None, None, 2)


@pytest.mark.parametrize(
    "dims, input_shape, output_shape",
    [
        ((2, 1), (2, 3, 4), (2, 4, 3)),
        ((3, 1, 2), (2, 3, 4, 5), (2, 5, 3, 4)),
        ((1,), (2, 3), (2, 3)),
    ],
)
def test_permute(dims, input_shape, output_shape):
    x = make_inputs(input_shape)
    run_layer_test(
        layers.Permute,
        {"dims": dims},
        input_data=x,
        expected_output_shape=output_shape,
        expected_output=np.transpose(x, (0, *dims)),
        expected_num_trainable_weights=0,
    )


def test_permute_validation():
    with pytest.raises(ValueError, match="permutation of 1..n"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.Permute((2, 1))(np.ones((2, 3), "float32"))


def test_repeat_vector():
    x = make_inputs((2, 5))
    run_layer_test(
        layers.RepeatVector,
        {"n": 3},
        input_data=x,
        expected_output_shape=(2, 3, 5),
        expected_output=np.repeat(x[:, None, :], 3, axis=1),
        expected_num_trainable_weights=0,
    )
    with pytest.raises(ValueError, match="`n` must be a non-negative integer"):
        layers.RepeatVector(2.5)
