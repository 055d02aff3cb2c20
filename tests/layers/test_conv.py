"""Convolution layers: the harness (shapes, config, gradients, Keras 3 oracle) on both data
formats, output-shape formulas with unknown sizes, argument errors, and the seed's convnet."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.backend import KerasTensor
from tests.layers.harness import BACKEND, TRAINING_BACKENDS, run_layer_test

CF = "channels_first"

# (layer name, init kwargs, input shape, expected output shape)
CONV_CASES = [
    ("Conv1D", {"filters": 3, "kernel_size": 2}, (2, 6, 4), (2, 5, 3)),
    ("Conv1D", {"filters": 3, "kernel_size": 3, "padding": "same", "strides": 2}, (2, 7, 2), (2, 4, 3)),
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 7, 2), (2, 7, 2)),
    ("Conv1D", {"filters": 4, "kernel_size": 2, "groups": 2, "activation": "relu"}, (2, 5, 4), (2, 4, 4)),
    ("Conv1D", {"filters": 3, "kernel_size": 2, "data_format": CF, "padding": "causal"}, (2, 4, 6), (2, 3, 6)),
    ("Conv2D", {"filters": 3, "kernel_size": (2, 3)}, (2, 5, 6, 4), (2, 4, 4, 3)),
    ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "SAME"}, (2, 7, 6, 3), (2, 4, 3, 2)),
    ("Conv2D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "use_bias": False}, (2, 6, 6, 2), (2, 4, 4, 2)),
    ("Conv2D", {"filters": 4, "kernel_size": 2, "groups": 2}, (2, 4, 4, 4), (2, 3, 3, 4)),
    ("Conv2D", {"filters": 3, "kernel_size": 3, "padding": "same", "data_format": CF}, (2, 2, 5, 4), (2, 3, 5, 4)),
    ("Conv2D", {"filters": 3, "kernel_size": 2, "strides": (2, 1), "data_format": CF}, (2, 2, 5, 4), (2, 3, 2, 3)),
    ("Conv3D", {"filters": 2, "kernel_size": 2}, (2, 3, 4, 3, 2), (2, 2, 3, 2, 2)),
    ("Conv3D", {"filters": 2, "kernel_size": 2, "padding": "same", "strides": 2, "data_format": CF}, (2, 2, 4, 3, 3), (2, 2, 2, 2, 2)),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 4, 2), (2, 9, 3)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1}, (2, 4, 3), (2, 8, 2)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "data_format": CF}, (2, 3, 4), (2, 2, 6)),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": (2, 3), "strides": 2, "padding": "same"}, (2, 3, 4, 2), (2, 6, 8, 3)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": (2, 3), "output_padding": (1, 2)}, (2, 3, 2, 2), (2, 8, 8, 2)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "data_format": CF}, (2, 2, 3, 3), (2, 2, 7, 7)),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, (2, 2, 3, 2, 2), (2, 4, 6, 4, 2)),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 3, "padding": "same", "data_format": CF}, (2, 2, 3, 3, 2), (2, 2, 3, 3, 2)),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2}, (2, 6, 2), (2, 4, 3)),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 2, "padding": "same", "data_format": CF}, (2, 2, 5), (2, 3, 5)),
    ("SeparableConv2D", {"filters": 3, "kernel_size": 2, "strides": 2, "padding": "same"}, (2, 5, 4, 2), (2, 3, 2, 3)),
    ("SeparableConv2D", {"filters": 2, "kernel_size": 2, "depth_multiplier": 2, "data_format": CF}, (2, 2, 4, 4), (2, 2, 3, 3)),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 3), (2, 4, 6)),
    ("DepthwiseConv1D", {"kernel_size": 2, "strides": 2, "padding": "same", "data_format": CF}, (2, 3, 5), (2, 3, 3)),
    ("DepthwiseConv2D", {"kernel_size": (2, 3), "depth_multiplier": 2}, (2, 4, 5, 2), (2, 3, 3, 4)),
    ("DepthwiseConv2D", {"kernel_size": 3, "padding": "same", "dilation_rate": 2, "data_format": CF}, (2, 3, 5, 5), (2, 3, 5, 5)),
]  # fmt: skip


# The gradient check (eager autodiff compiles every primitive on JAX) runs on the first case
# of each layer; the variants differ only in arguments that the op tests already cover.
_FIRST_OF_KIND = {c[0]: i for i, c in reversed(list(enumerate(CONV_CASES)))}


def _num_weights(name, kwargs):
    n = {"SeparableConv1D": 2, "SeparableConv2D": 2}.get(name, 1)
    return n + int(kwargs.get("use_bias", True))


@pytest.mark.parametrize(
    "index, name, kwargs, input_shape, output_shape",
    [(i, *c) for i, c in enumerate(CONV_CASES)],
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CONV_CASES)],
)
def test_conv_layer_contract(index, name, kwargs, input_shape, output_shape):
    run_layer_test(
        getattr(layers, name),
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=_num_weights(name, kwargs),
        expected_num_non_trainable_weights=0,
        supports_training=_FIRST_OF_KIND[name] == index,
        rtol=1e-5,
        atol=1e-5,
    )


def test_conv2d_matches_direct_correlation():
    x = np.arange(2 * 4 * 4 * 2, dtype="float32").reshape(2, 4, 4, 2) / 10
    layer = layers.Conv2D(3, 2, bias_initializer="ones")
    out = lamina.ops.convert_to_numpy(layer(x))
    kernel = layer.kernel.numpy()
    want = np.zeros((2, 3, 3, 3), "float32")
    for i in range(3):
        for j in range(3):
            want[:, i, j] = np.einsum("nabc,abco->no", x[:, i : i + 2, j : j + 2], kernel)
    np.testing.assert_allclose(out, want + 1.0, rtol=1e-5, atol=1e-5)


def test_weight_names_and_shapes():
    sep = layers.SeparableConv2D(5, 3, depth_multiplier=2)
    sep.build((None, 8, 8, 4))
    assert [v.name for v in sep.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert [v.shape for v in sep.weights] == [(3, 3, 4, 2), (1, 1, 8, 5), (5,)]
    tr = layers.Conv2DTranspose(6, 3, data_format=CF)
    tr.build((None, 4, 8, 8))
    assert [v.shape for v in tr.weights] == [(3, 3, 6, 4), (6,)]
    dw = layers.DepthwiseConv1D(3, depth_multiplier=3, use_bias=False)
    dw.build((None, 9, 2))
    assert [(v.name, v.shape) for v in dw.weights] == [("kernel", (3, 2, 3))]
    grouped = layers.Conv3D(6, 2, groups=3)
    grouped.build((None, 4, 4, 4, 9))
    assert grouped.kernel.shape == (2, 2, 2, 3, 6)


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (layers.Conv2D(4, 3), (None, None, 10, 3), (None, None, 8, 4)),
        (layers.Conv2D(4, 3, strides=2, padding="same"), (None, 9, None, 3), (None, 5, None, 4)),
        (layers.Conv1D(2, 5, padding="causal", strides=3), (4, 10, 1), (4, 4, 2)),
        (layers.Conv2DTranspose(2, 3, strides=2), (None, 4, None, 1), (None, 9, None, 2)),
        (layers.Conv3D(2, 3, data_format=CF), (None, 5, None, 6, 7), (None, 2, None, 4, 5)),
        (layers.DepthwiseConv2D(3, depth_multiplier=3), (2, 5, 5, 2), (2, 3, 3, 6)),
        (layers.SeparableConv1D(7, 2, dilation_rate=3), (None, 10, 4), (None, 7, 7)),
    ],
)
def test_compute_output_shape_with_unknown_sizes(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected


def test_symbolic_call_with_unknown_spatial_size():
    inputs = layers.Input(shape=(None, None, 3))
    out = layers.Conv2D(4, 3, padding="same", strides=2)(inputs)
    assert isinstance(out, KerasTensor)
    assert out.shape == (None, None, None, 4)


def test_padding_is_case_insensitive_and_config_is_canonical():
    layer = layers.Conv2D(2, (3, 3), padding="SAME", strides=[2, 2])
    cfg = layer.get_config()
    assert cfg["padding"] == "same"
    assert cfg["strides"] == (2, 2)
    assert cfg["kernel_size"] == (3, 3)
    assert cfg["data_format"] == "channels_last"
    clone = layers.Conv2D.from_config(cfg)
    assert clone.padding == "same" and clone.strides == (2, 2)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: layers.Conv2D(0, 3), "`filters` must be a positive integer"),
        (lambda: layers.Conv2D(2.5, 3), "`filters` must be a positive integer"),
        (lambda: layers.Conv2D(4, (3, 3, 3)), "`kernel_size` must be an int or a tuple of 2"),
        (lambda: layers.Conv1D(4, 0), "`kernel_size` values must be positive"),
        (lambda: layers.Conv2D(4, 3, padding="causal"), "`padding` must be one of 'valid', 'same'"),
        (lambda: layers.Conv1D(4, 3, padding="full"), "'causal'"),
        (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "cannot be combined"),
        (lambda: layers.Conv2D(5, 3, groups=2), "divisible by `groups`"),
        (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "`output_padding`"),
        (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "`depth_multiplier`"),
        (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "`data_format`"),
    ],
)
def test_argument_errors(build, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        build()


def test_input_errors():
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.Conv2D(2, 3)(KerasTensor((None, 28, 28)))
    with pytest.raises(ValueError, match="divisible by `groups`=2"):
        layers.Conv2D(4, 3, groups=2)(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="zero or negative size"):
        layers.Conv2D(2, 5)(KerasTensor((None, 3, 8, 1)))
    with pytest.raises(ValueError, match="channel dimension"):
        layers.Conv1D(2, 3)(KerasTensor((None, 8, None)))
    conv = layers.Conv2D(2, 3)
    conv(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="axis -1"):
        conv(KerasTensor((None, 5, 5, 4)))


@pytest.mark.skipif(BACKEND not in TRAINING_BACKENDS, reason="numpy backend has no gradients")
@pytest.mark.parametrize(
    "layer, input_shape",
    [
        (layers.Conv1D(2, 2, padding="causal", dilation_rate=2, dtype="float64"), (1, 4, 2)),
        (layers.Conv2D(2, 2, strides=(1, 2), padding="same", dtype="float64"), (1, 3, 4, 2)),
        (layers.Conv2DTranspose(2, 2, strides=2, data_format=CF, dtype="float64"), (1, 2, 2, 3)),
        (layers.SeparableConv1D(2, 2, depth_multiplier=2, dtype="float64"), (1, 4, 2)),
    ],
    ids=["conv1d-causal", "conv2d-same", "conv2d-transpose-cf", "separable1d"],
)
def test_input_gradients_match_finite_differences(layer, input_shape):
    from tests.helpers import check_gradients

    layer.build(input_shape)
    rng = np.random.default_rng(1)
    for v in layer.weights:
        v.assign(rng.standard_normal(v.shape))
    check_gradients(layer, rng.standard_normal(input_shape))


def test_seed_convnet_shapes_and_param_count():
    needed = ("Dense", "Flatten", "Dropout")
    if not all(hasattr(layers, n) for n in needed) or not hasattr(lamina, "Sequential"):
        pytest.skip("Dense / Flatten / Dropout / Sequential are not available yet")
    model = lamina.Sequential(
        [
            layers.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    shapes = [
        tuple(layer.output.shape)
        for layer in model.layers
        if not isinstance(layer, layers.InputLayer)
    ]
    assert shapes == [
        (None, 26, 26, 32),
        (None, 13, 13, 32),
        (None, 11, 11, 64),
        (None, 5, 5, 64),
        (None, 1600),
        (None, 1600),
        (None, 10),
    ]
    assert model.count_params() == 34826
    out = model(np.zeros((2, 28, 28, 1), "float32"))
    assert tuple(out.shape) == (2, 10)


def test_seed_style_first_layer_with_input_shape():
    layer = layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1))
    assert layer.get_config()["batch_input_shape"] == [None, 28, 28, 1]
    out = layer(np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32"))
    assert tuple(out.shape) == (2, 26, 26, 32)
    assert layer.count_params() == 320
    assert float(np.min(lamina.ops.convert_to_numpy(out))) >= 0.0  # relu


@pytest.mark.skipif(BACKEND not in TRAINING_BACKENDS, reason="numpy backend has no gradients")
def test_compiled_training_step_through_the_image_layers():
    """One compiled `fit` step through every family here: weights all move, loss is finite."""
    lamina.utils.set_random_seed(0)  # weights drawn independently of the tests run before
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, (16, 12, 12, 2)).astype("uint8")
    y = rng.integers(0, 3, (16,))
    norm = layers.Normalization()
    norm.adapt(x.astype("float32") / 255)
    model = lamina.Sequential(
        [
            layers.Input((12, 12, 2)),
            layers.Rescaling(1 / 255),
            norm,
            layers.Conv2D(4, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.UpSampling2D(interpolation="bilinear"),
            layers.ZeroPadding2D(1),
            layers.Cropping2D(2),
            layers.DepthwiseConv2D(3, depth_multiplier=2),
            layers.AveragePooling2D(2, strides=1, padding="same"),
            layers.Conv2DTranspose(3, 2, strides=2),
            layers.SeparableConv2D(4, 3, strides=2),
            layers.GlobalAveragePooling2D(),
        ]
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = [w.numpy().copy() for w in model.trainable_weights]
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    for v, old in zip(model.trainable_weights, before):
        assert not np.allclose(v.numpy(), old), f"{v.path} did not change"
    frozen = [w.numpy() for w in model.non_trainable_weights]
    np.testing.assert_allclose(frozen[0], norm.adapt_mean.numpy())
