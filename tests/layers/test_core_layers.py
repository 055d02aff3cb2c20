"""Core layers: Dense, EinsumDense, Activation, Identity, Lambda, Embedding, Masking."""

import json

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from tests.layers.harness import BACKEND, run_layer_test, to_np


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"units": 4}, (3, 5), (3, 4)),
        ({"units": 3, "activation": "relu", "use_bias": False}, (2, 6), (2, 3)),
        ({"units": 2, "activation": "tanh", "bias_initializer": "ones"}, (2, 3, 4), (2, 3, 2)),
    ],
)
def test_dense(kwargs, input_shape, output_shape):
    n_weights = 2 if kwargs.get("use_bias", True) else 1
    layer = run_layer_test(
        layers.Dense,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=n_weights,
        expected_num_non_trainable_weights=0,
    )
    assert [v.name for v in layer.weights] == ["kernel", "bias"][:n_weights]
    assert layer.kernel.shape == (input_shape[-1], kwargs["units"])


def test_dense_numerics_against_numpy():
    layer = layers.Dense(3, activation="relu")
    x = np.random.default_rng(0).normal(size=(4, 2)).astype("float32")
    layer.build((None, 2))
    w = np.arange(6, dtype="float32").reshape(2, 3) - 2.5
    b = np.array([0.5, -0.5, 0.0], "float32")
    layer.set_weights([w, b])
    np.testing.assert_allclose(to_np(layer(x)), np.maximum(x @ w + b, 0), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("units", [0, -3, 2.5, "8", None])
def test_dense_units_validation(units):
    with pytest.raises(ValueError, match=r"`units` must be a positive integer. Received: units="):
        layers.Dense(units)


def test_dense_units_message_exact():
    with pytest.raises(ValueError) as info:
        layers.Dense(0)
    assert "`units` must be a positive integer. Received: units=0" in str(info.value)


def test_dense_input_dim_mismatch_after_build():
    layer = layers.Dense(2)
    layer(lamina.layers.Input(shape=(3,)))
    with pytest.raises(ValueError, match="axis -1"):
        layer(lamina.layers.Input(shape=(4,)))


def test_dense_regularizers_and_config():
    layer = layers.Dense(
        2, kernel_regularizer="l2", bias_regularizer="l1", activity_regularizer="l2"
    )
    layer(np.ones((2, 3), "float32"))
    assert len(layer.losses) == 3
    config = json.loads(json.dumps(layer.get_config()))
    clone = layers.Dense.from_config(config)
    assert clone.kernel_regularizer is not None and clone.activity_regularizer is not None


def test_seed_mnist_sequential_param_count():
    model = lamina.Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 101_770
    assert model.output_shape == (None, 10)
    out = to_np(model(np.zeros((2, 28, 28), "float32")))
    assert out.shape == (2, 10)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape, n_weights",
    [
        ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (2, 3), (2, 4), 2),
        (
            {"equation": "abc,cd->abd", "output_shape": (None, 5), "bias_axes": "d"},
            (2, 3, 4),
            (2, 3, 5),
            2,
        ),
        (
            {"equation": "abc,cde->abde", "output_shape": (3, 2, 4), "bias_axes": "de"},
            (2, 3, 5),
            (2, 3, 2, 4),
            2,
        ),
        (
            {"equation": "...b,bc->...c", "output_shape": 6, "activation": "relu"},
            (2, 3, 4),
            (2, 3, 6),
            1,
        ),
        (
            {"equation": "ab...,bc->ac...", "output_shape": 3, "bias_axes": "c"},
            (2, 4, 5),
            (2, 3, 5),
            2,
        ),
        (
            {"equation": "abcd,cde->abe", "output_shape": (3, 2), "bias_axes": "e"},
            (2, 3, 4, 5),
            (2, 3, 2),
            2,
        ),
    ],
)
def test_einsum_dense(kwargs, input_shape, output_shape, n_weights):
    run_layer_test(
        layers.EinsumDense,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=n_weights,
        expected_num_non_trainable_weights=0,
    )


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="invalid `equation`"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="bias axis 'z'"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="z")(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="has size 7"):
        layers.EinsumDense("abc,cd->abd", output_shape=(7, 5))(np.ones((2, 3, 4), "float32"))


@pytest.mark.parametrize("activation", ["relu", "softmax", "gelu"])
def test_activation(activation):
    run_layer_test(
        layers.Activation,
        {"activation": activation},
        input_shape=(2, 5),
        expected_output_shape=(2, 5),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )


def test_identity():
    run_layer_test(
        layers.Identity,
        {},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
    )
    run_layer_test(
        layers.Identity,
        {},
        input_shape=(2, 3),
        input_dtype="int32",
        expected_output_dtype="int32",
        supports_training=False,
    )


def test_lambda_with_op_matches_keras():
    import keras

    run_layer_test(
        layers.Lambda,
        {"function": ops.square},
        keras_init_kwargs={"function": keras.ops.square},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        expected_num_trainable_weights=0,
    )


def test_lambda_output_shape_and_arguments():
    def scaled_sum(x, factor=1.0):
        return ops.sum(x, axis=-1, keepdims=True) * factor

    layer = layers.Lambda(scaled_sum, output_shape=(1,), arguments={"factor": 2.0})
    out = layer(lamina.layers.Input(shape=(4,)))
    assert out.shape == (None, 1)
    np.testing.assert_allclose(to_np(layer(np.ones((2, 4), "float32"))), [[8.0], [8.0]])
    inferred = layers.Lambda(lambda x: ops.concatenate([x, x], axis=-1))
    assert inferred(lamina.layers.Input(shape=(3,))).shape == (None, 6)
    assert inferred.compute_output_shape((None, 5)) == (None, 10)


def test_lambda_config_safe_mode():
    offset = 3.0
    layer = layers.Lambda(lambda x: x + offset)
    with pytest.warns(UserWarning, match="bytecode"):
        config = json.loads(json.dumps(layer.get_config()))
    with pytest.raises(ValueError, match="safe mode"):
        layers.Lambda.from_config(config)
    clone = layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(to_np(clone(np.zeros((1, 2), "float32"))), [[3.0, 3.0]])
    # Named Lamina ops are saved by name and load in safe mode.
    named = layers.Lambda.from_config(layers.Lambda(ops.relu).get_config())
    assert named.function is ops.relu


@pytest.mark.parametrize("mask_zero", [False, True])
def test_embedding(mask_zero):
    data = np.array([[0, 3, 7, 1], [9, 0, 0, 2]], dtype="int32")
    layer = run_layer_test(
        layers.Embedding,
        {"input_dim": 10, "output_dim": 4, "mask_zero": mask_zero},
        input_data=data,
        expected_output_shape=(2, 4, 4),
        expected_output_dtype="float32",
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=0,
    )
    assert layer.weights[0].name == "embeddings"
    mask = layer.compute_mask(data)
    if mask_zero:
        np.testing.assert_array_equal(to_np(mask), data != 0)
    else:
        assert mask is None
    table = layer.get_weights()[0]
    np.testing.assert_allclose(to_np(layer(data)), table[data], rtol=0, atol=0)


def test_embedding_validation_and_weights():
    with pytest.raises(ValueError, match="`input_dim` must be a positive integer"):
        layers.Embedding(0, 3)
    table = np.arange(6, dtype="float32").reshape(3, 2)
    layer = layers.Embedding(3, 2, weights=[table])
    np.testing.assert_array_equal(to_np(layer(np.array([[2, 0]]))), [[[4.0, 5.0], [0.0, 1.0]]])


class _MaskedMean(lamina.layers.Layer):
    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.divide(ops.sum(ops.multiply(inputs, weights), axis=1), ops.sum(weights, axis=1))


def test_embedding_mask_flows_through_functional_model():
    """mask_zero's mask passes Dense (supports_masking) and reaches a mask-aware layer."""
    inputs = lamina.layers.Input(shape=(4,), dtype="int32")
    x = layers.Embedding(5, 3, mask_zero=True)(inputs)
    x = layers.Dense(2)(x)
    outputs = _MaskedMean()(x)
    model = lamina.Model(inputs, outputs)
    data = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], "int32")
    hidden = to_np(lamina.Model(inputs, x)(data))
    want = np.stack([hidden[0, :2].mean(axis=0), hidden[1, :1].mean(axis=0)])
    np.testing.assert_allclose(to_np(model(data)), want, rtol=1e-5, atol=1e-6)


def test_masking():
    data = np.random.default_rng(0).uniform(-1, 1, size=(2, 4, 3)).astype("float32")
    data[0, 1] = 0.0
    data[1, 3] = 0.0
    layer = run_layer_test(
        layers.Masking,
        {"mask_value": 0.0},
        input_data=data,
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=0,
    )
    mask = to_np(layer.compute_mask(data))
    np.testing.assert_array_equal(mask, [[True, False, True, True], [True, True, True, False]])


@pytest.mark.skipif(BACKEND == "numpy", reason="inference-only backend")
def test_dense_trains_one_step():
    trainer = lamina.backend.active.load("trainer")
    layer = layers.Dense(1)
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    layer(x)

    def loss():
        return ops.mean(ops.square(ops.subtract(layer(x), y)))

    before, grads = trainer.value_and_grad(loss, layer.trainable_weights)
    for v, g in zip(layer.trainable_weights, grads):
        v.assign(ops.subtract(v, ops.multiply(g, 0.1)))
    after, _ = trainer.value_and_grad(loss, layer.trainable_weights)
    assert float(to_np(after)) < float(to_np(before))
