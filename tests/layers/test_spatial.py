"""Padding, cropping and upsampling layers: the harness (with the Keras 3 oracle) on both data
formats, exact values, output shapes with unknown sizes, and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import layers
from lamina.backend import KerasTensor
from tests.layers.harness import run_layer_test, to_np

CF = "channels_first"

# (layer name, init kwargs, input shape, expected output shape)
SPATIAL_CASES = [
    ("ZeroPadding1D", {}, (2, 3, 2), (2, 5, 2)),
    ("ZeroPadding1D", {"padding": (2, 0), "data_format": CF}, (2, 2, 3), (2, 2, 5)),
    ("ZeroPadding2D", {}, (2, 3, 2, 2), (2, 5, 4, 2)),
    ("ZeroPadding2D", {"padding": ((1, 0), (2, 3)), "data_format": CF}, (2, 2, 3, 2), (2, 2, 4, 7)),
    ("ZeroPadding2D", {"padding": (2, 1)}, (2, 2, 2, 1), (2, 6, 4, 1)),
    ("ZeroPadding3D", {}, (2, 2, 1, 2, 2), (2, 4, 3, 4, 2)),
    ("ZeroPadding3D", {"padding": (1, 0, 2), "data_format": CF}, (2, 2, 1, 2, 2), (2, 2, 3, 2, 6)),
    ("Cropping1D", {}, (2, 5, 2), (2, 3, 2)),
    ("Cropping1D", {"cropping": (2, 0)}, (2, 5, 2), (2, 3, 2)),
    ("Cropping2D", {"cropping": ((1, 0), (2, 1))}, (2, 4, 5, 2), (2, 3, 2, 2)),
    ("Cropping2D", {"cropping": 1, "data_format": CF}, (2, 2, 4, 5), (2, 2, 2, 3)),
    ("Cropping3D", {}, (2, 3, 4, 5, 2), (2, 1, 2, 3, 2)),
    ("Cropping3D", {"cropping": (0, 1, (2, 0)), "data_format": CF}, (2, 2, 3, 4, 5), (2, 2, 3, 2, 3)),
    ("UpSampling1D", {}, (2, 3, 2), (2, 6, 2)),
    ("UpSampling1D", {"size": 3}, (2, 2, 3), (2, 6, 3)),
    ("UpSampling2D", {}, (2, 2, 3, 2), (2, 4, 6, 2)),
    ("UpSampling2D", {"size": (1, 3), "data_format": CF}, (2, 2, 2, 3), (2, 2, 2, 9)),
    ("UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2), (2, 6, 12, 2)),
    ("UpSampling2D", {"size": 3, "interpolation": "bilinear", "data_format": CF}, (2, 2, 3, 2), (2, 2, 9, 6)),
    ("UpSampling3D", {}, (2, 2, 1, 2, 2), (2, 4, 2, 4, 2)),
    ("UpSampling3D", {"size": (1, 2, 3), "data_format": CF}, (2, 2, 2, 1, 2), (2, 2, 2, 2, 6)),
]  # fmt: skip

# Gradients (slow to compile on JAX) are checked on the first case of each layer and mode.
_FIRST_OF_KIND = {c[0]: i for i, c in reversed(list(enumerate(SPATIAL_CASES)))}
_FIRST_BILINEAR = next(
    i for i, c in enumerate(SPATIAL_CASES) if c[1].get("interpolation") == "bilinear"
)


@pytest.mark.parametrize(
    "index, name, kwargs, input_shape, output_shape",
    [(i, *c) for i, c in enumerate(SPATIAL_CASES)],
    ids=[f"{c[0]}-{i}" for i, c in enumerate(SPATIAL_CASES)],
)
def test_spatial_layer_contract(index, name, kwargs, input_shape, output_shape):
    run_layer_test(
        getattr(layers, name),
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_training=_FIRST_OF_KIND[name] == index or index == _FIRST_BILINEAR,
    )


def test_values():
    x = np.arange(1, 7, dtype="float32").reshape(1, 2, 3, 1)
    padded = to_np(layers.ZeroPadding2D(((1, 0), (0, 1)))(x))[0, :, :, 0]
    np.testing.assert_array_equal(padded, [[0, 0, 0, 0], [1, 2, 3, 0], [4, 5, 6, 0]])
    cropped = to_np(layers.Cropping2D(((0, 1), (1, 0)))(x))[0, :, :, 0]
    np.testing.assert_array_equal(cropped, [[2, 3]])
    up = to_np(layers.UpSampling2D((2, 1))(x))[0, :, :, 0]
    np.testing.assert_array_equal(up, [[1, 2, 3], [1, 2, 3], [4, 5, 6], [4, 5, 6]])
    seq = np.array([[[1.0], [2.0]]], "float32")
    np.testing.assert_array_equal(to_np(layers.UpSampling1D(3)(seq))[0, :, 0], [1, 1, 1, 2, 2, 2])
    # Bilinear with half-pixel centers: the edges repeat, the middle interpolates.
    row = np.array([0.0, 4.0], "float32").reshape(1, 1, 2, 1)
    got = to_np(layers.UpSampling2D((1, 2), interpolation="bilinear")(row))[0, 0, :, 0]
    np.testing.assert_allclose(got, [0.0, 1.0, 3.0, 4.0])


def test_integer_inputs_keep_their_dtype():
    x = np.arange(6, dtype="int32").reshape(1, 3, 2)
    for layer in (layers.ZeroPadding1D(), layers.Cropping1D((1, 0)), layers.UpSampling1D()):
        assert str(to_np(layer(x)).dtype) == "int32"


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (layers.ZeroPadding2D(((1, 2), (3, 4))), (None, None, 5, 3), (None, None, 12, 3)),
        (layers.ZeroPadding1D(2, data_format=CF), (None, 3, None), (None, 3, None)),
        (
            layers.Cropping2D(((1, 2), (0, 1)), data_format=CF),
            (None, 3, 8, None),
            (None, 3, 5, None),
        ),
        (layers.Cropping3D(1), (2, 4, None, 6, 1), (2, 2, None, 4, 1)),
        (layers.UpSampling2D((2, 3)), (None, 4, None, 2), (None, 8, None, 2)),
        (layers.UpSampling3D(2, data_format=CF), (None, 2, 3, 4, None), (None, 2, 6, 8, None)),
    ],
)
def test_compute_output_shape_with_unknown_sizes(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected


def test_configs_match_keras_forms():
    assert layers.ZeroPadding2D(2).get_config()["padding"] == ((2, 2), (2, 2))
    assert layers.ZeroPadding1D(3).get_config()["padding"] == (3, 3)
    assert layers.Cropping1D(2).get_config()["cropping"] == (2, 2)
    assert "data_format" not in layers.Cropping1D().get_config()
    assert layers.Cropping3D((1, 2, 3)).get_config()["cropping"] == ((1, 1), (2, 2), (3, 3))
    assert layers.UpSampling1D(4).get_config()["size"] == 4
    cfg = layers.UpSampling2D(3, interpolation="BILINEAR").get_config()
    assert (cfg["size"], cfg["interpolation"]) == ((3, 3), "bilinear")


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: layers.ZeroPadding2D((1, 2, 3)), "`padding` must be an int, a tuple of 2"),
        (lambda: layers.ZeroPadding1D(-1), "`padding` values must be non-negative"),
        (lambda: layers.Cropping2D(((1, 2, 3), (0, 0))), "1st entry of cropping"),
        (lambda: layers.Cropping3D(-1), "`cropping` values must be non-negative"),
        (lambda: layers.UpSampling1D(0), "`size` must be a positive integer"),
        (lambda: layers.UpSampling2D((2, 0)), "`size` values must be positive"),
        (lambda: layers.UpSampling2D(interpolation="bicubic"), "'nearest' or 'bilinear'"),
    ],
)
def test_argument_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_input_errors():
    with pytest.raises(ValueError, match="removes all of axis 1"):
        layers.Cropping1D((2, 2))(KerasTensor((None, 4, 3)))
    with pytest.raises(ValueError, match="removes all of axis 3"):
        layers.Cropping2D(((0, 0), (3, 3)), data_format=CF)(np.ones((1, 1, 8, 6), "float32"))
    with pytest.raises(ValueError, match="expected ndim=5"):
        layers.UpSampling3D()(KerasTensor((None, 2, 2, 2)))
