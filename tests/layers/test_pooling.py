"""Pooling layers: the harness (with the Keras 3 oracle) on both data formats, output shapes with
unknown sizes, masked global average pooling, and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import layers, ops
from lamina.backend import KerasTensor
from tests.layers.harness import BACKEND, run_layer_test, to_np

CF = "channels_first"

# (layer name, init kwargs, input shape, expected output shape)
POOL_CASES = [
    ("MaxPooling1D", {}, (2, 7, 3), (2, 3, 3)),
    ("MaxPooling1D", {"pool_size": 3, "strides": 1, "padding": "same", "data_format": CF}, (2, 3, 5), (2, 3, 5)),
    ("MaxPooling2D", {}, (2, 5, 4, 3), (2, 2, 2, 3)),
    ("MaxPooling2D", {"pool_size": (2, 3), "strides": (1, 2), "padding": "SAME"}, (2, 4, 5, 2), (2, 4, 3, 2)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "data_format": CF}, (2, 2, 7, 6), (2, 2, 3, 2)),
    ("MaxPooling3D", {}, (2, 4, 5, 4, 2), (2, 2, 2, 2, 2)),
    ("MaxPooling3D", {"pool_size": 2, "padding": "same", "data_format": CF}, (2, 2, 3, 4, 5), (2, 2, 2, 2, 3)),
    ("AveragePooling1D", {"pool_size": 2}, (2, 6, 3), (2, 3, 3)),
    ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 6, 2), (2, 3, 2)),
    ("AveragePooling2D", {"pool_size": (2, 2)}, (2, 4, 5, 3), (2, 2, 2, 3)),
    ("AveragePooling2D", {"pool_size": 3, "strides": 1, "padding": "same", "data_format": CF}, (2, 2, 4, 5), (2, 2, 4, 5)),
    ("AveragePooling3D", {"pool_size": 2, "strides": 1}, (2, 3, 3, 4, 2), (2, 2, 2, 3, 2)),
    ("AveragePooling3D", {"pool_size": (2, 3, 2), "padding": "same", "data_format": CF}, (2, 2, 3, 4, 3), (2, 2, 2, 2, 2)),
    ("GlobalMaxPooling1D", {}, (2, 5, 3), (2, 3)),
    ("GlobalMaxPooling1D", {"data_format": CF, "keepdims": True}, (2, 3, 5), (2, 3, 1)),
    ("GlobalMaxPooling2D", {"keepdims": True}, (2, 4, 5, 3), (2, 1, 1, 3)),
    ("GlobalMaxPooling3D", {"data_format": CF}, (2, 3, 2, 3, 4), (2, 3)),
    ("GlobalAveragePooling1D", {}, (2, 5, 3), (2, 3)),
    ("GlobalAveragePooling2D", {"data_format": CF}, (2, 3, 4, 5), (2, 3)),
    ("GlobalAveragePooling2D", {"keepdims": True}, (2, 4, 5, 3), (2, 1, 1, 3)),
    ("GlobalAveragePooling3D", {"keepdims": True, "data_format": CF}, (2, 3, 2, 3, 4), (2, 3, 1, 1, 1)),
]  # fmt: skip

_FIRST_OF_KIND = {c[0]: i for i, c in reversed(list(enumerate(POOL_CASES)))}


@pytest.mark.parametrize(
    "index, name, kwargs, input_shape, output_shape",
    [(i, *c) for i, c in enumerate(POOL_CASES)],
    ids=[f"{c[0]}-{i}" for i, c in enumerate(POOL_CASES)],
)
def test_pooling_layer_contract(index, name, kwargs, input_shape, output_shape):
    run_layer_test(
        getattr(layers, name),
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_training=_FIRST_OF_KIND[name] == index,
    )


def test_max_and_average_pooling_values():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    got = to_np(layers.MaxPooling2D()(x))[0, :, :, 0]
    np.testing.assert_array_equal(got, [[5, 7], [13, 15]])
    got = to_np(layers.AveragePooling2D(2)(x))[0, :, :, 0]
    np.testing.assert_allclose(got, [[2.5, 4.5], [10.5, 12.5]])
    # "same" average pooling divides by the number of real (unpadded) values.
    got = to_np(layers.AveragePooling1D(2, padding="same")(np.array([[[1.0], [3.0], [5.0]]])))
    np.testing.assert_allclose(got[0, :, 0], [2.0, 5.0])


@pytest.mark.xfail(
    BACKEND == "torch",
    reason="torch's max_pool kernels reject integer tensors; the torch backend's max_pool "
    "must handle them (Keras 3 on TensorFlow does)",
    strict=False,
)
def test_pooling_keeps_integer_dtype():
    x = np.arange(8, dtype="int32").reshape(1, 8, 1)
    out = layers.MaxPooling1D(4)(x)
    assert str(to_np(out).dtype) == "int32"
    np.testing.assert_array_equal(to_np(out)[0, :, 0], [3, 7])


def test_global_average_pooling_1d_with_mask():
    x = np.arange(2 * 4 * 3, dtype="float32").reshape(2, 4, 3)
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    layer = layers.GlobalAveragePooling1D()
    got = to_np(layer(x, mask=mask))
    want = np.stack([x[0, :2].mean(0), x[1].mean(0)])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert layer.compute_mask(x, mask) is None
    cf = to_np(layers.GlobalAveragePooling1D(data_format=CF)(np.swapaxes(x, 1, 2), mask=mask))
    np.testing.assert_allclose(cf, want, rtol=1e-6)
    # Masked steps never leak in, even when they hold inf.
    x_inf = x.copy()
    x_inf[0, 3] = np.inf
    np.testing.assert_allclose(to_np(layer(x_inf, mask=mask)), want, rtol=1e-6)


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (layers.MaxPooling2D(), (None, None, 9, 3), (None, None, 4, 3)),
        (layers.MaxPooling2D(3, strides=2, padding="same"), (4, 9, None, 2), (4, 5, None, 2)),
        (layers.AveragePooling1D(3, data_format=CF), (None, 2, 10), (None, 2, 3)),
        (layers.MaxPooling3D(2, data_format=CF), (None, None, 4, 6, 8), (None, None, 2, 3, 4)),
        (layers.GlobalMaxPooling2D(), (None, None, None, 5), (None, 5)),
        (layers.GlobalAveragePooling3D(keepdims=True), (2, None, 3, 4, 5), (2, 1, 1, 1, 5)),
    ],
)
def test_compute_output_shape_with_unknown_sizes(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected


def test_symbolic_call_and_config():
    out = layers.MaxPooling2D(padding="SAME")(layers.Input(shape=(None, 7, 3)))
    assert out.shape == (None, None, 4, 3)
    layer = layers.AveragePooling2D(pool_size=3, strides=[1, 2], padding="Same")
    cfg = layer.get_config()
    assert (cfg["pool_size"], cfg["strides"], cfg["padding"]) == ((3, 3), (1, 2), "same")
    assert layers.MaxPooling1D().get_config()["strides"] == (2,)
    assert layers.GlobalMaxPooling1D(keepdims=True).get_config()["keepdims"] is True


def test_aliases():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: layers.MaxPooling2D(0), "`pool_size` values must be positive"),
        (lambda: layers.MaxPooling2D((2, 2, 2)), "`pool_size` must be an int or a tuple of 2"),
        (lambda: layers.AveragePooling1D(2, strides=0), "`strides` values must be positive"),
        (lambda: layers.MaxPooling1D(padding="causal"), "`padding` must be one of"),
        (lambda: layers.GlobalMaxPooling2D(data_format="NCHW"), "`data_format`"),
    ],
)
def test_argument_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_input_errors():
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.MaxPooling2D()(KerasTensor((None, 8, 8)))
    with pytest.raises(ValueError, match="zero or negative size"):
        layers.MaxPooling2D(4)(KerasTensor((None, 3, 8, 1)))
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.GlobalAveragePooling1D()(np.ones((2, 3, 4, 5), "float32"))
    assert ops.convert_to_numpy(layers.MaxPooling1D()(np.ones((1, 4, 1), "float32"))).shape == (
        1,
        2,
        1,
    )
