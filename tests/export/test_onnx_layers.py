"""ONNX export of each convertible layer: ONNX Runtime agrees with `model.predict`."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export.onnx_layers import SUPPORTED_ACTIVATIONS
from tests.export.parity import check_parity, randomize

F = "float32"


def single(shape, *stack, dtype=F, high=None):
    """A Functional model: Input(shape) followed by the layers in ``stack``."""
    inp = lamina.Input(shape, dtype=dtype)
    x = inp
    for layer in stack:
        x = layer(x)
    return lamina.Model(inp, x), [(shape, dtype, high)]


def merge(layer, shapes):
    inputs = [lamina.Input(s) for s in shapes]
    return lamina.Model(inputs, layer(inputs)), [(s, F, None) for s in shapes]


def adapted_normalization(axis, invert=False):
    norm = layers.Normalization(axis=axis, invert=invert)
    norm.adapt(np.random.default_rng(3).normal(2.0, 3.0, (20, 3, 4)).astype(F))
    return single((3, 4), norm)


CF = "channels_first"
CASES = {
    "dense_rank3": lambda: single((3, 4), layers.Dense(5, activation="tanh")),
    "dense_no_bias": lambda: single((4,), layers.Dense(3, use_bias=False)),
    "gelu_approximate": lambda: single((6,), layers.Activation(lamina.ops.gelu)),
    "softmax_axis1": lambda: single((3, 4), layers.Softmax(axis=1)),
    "softmax_two_axes": lambda: single((3, 4), layers.Softmax(axis=(1, 2))),
    "log_softmax_dense": lambda: single((4,), layers.Dense(5, activation="log_softmax")),
    "relu_layer": lambda: single((6,), layers.ReLU()),
    "relu_options": lambda: single(
        (6,), layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2)
    ),
    "relu6_layer": lambda: single((6,), layers.ReLU(max_value=6.0)),
    "leaky_relu_layer": lambda: single((6,), layers.LeakyReLU(0.1)),
    "prelu_shared": lambda: single((3, 4), layers.PReLU(shared_axes=[1])),
    "elu_layer": lambda: single((6,), layers.ELU(0.7)),
    "identity_at_inference": lambda: single(
        (4, 4, 3),
        layers.GaussianNoise(0.5),
        layers.SpatialDropout2D(0.5),
        layers.GaussianDropout(0.3),
        layers.Reshape((16, 3)),
        layers.SpatialDropout1D(0.5),
        layers.Dropout(0.5),
        layers.Identity(),
    ),
    "flatten_channels_first": lambda: single((2, 3, 4), layers.Flatten(data_format=CF)),
    "reshape_inferred": lambda: single((3, 4), layers.Reshape((-1, 2))),
    "permute": lambda: single((2, 3, 4), layers.Permute((3, 1, 2))),
    "repeat_vector": lambda: single((4,), layers.RepeatVector(3)),
    "conv1d_valid_strided": lambda: single((9, 3), layers.Conv1D(4, 3, strides=2)),
    "conv1d_causal_dilated": lambda: single(
        (8, 3), layers.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu")
    ),
    "conv2d_same_strided": lambda: single(
        (7, 6, 3), layers.Conv2D(4, 3, strides=2, padding="same")
    ),
    "conv2d_same_dilated": lambda: single(
        (7, 7, 2), layers.Conv2D(3, (3, 2), padding="same", dilation_rate=2)
    ),
    "conv2d_groups": lambda: single((5, 5, 4), layers.Conv2D(6, 3, groups=2, activation="elu")),
    "conv2d_channels_first": lambda: single(
        (3, 6, 5), layers.Conv2D(4, 3, padding="same", data_format=CF)
    ),
    "conv2d_transpose_same": lambda: single(
        (4, 5, 3), layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    ),
    "conv2d_transpose_valid": lambda: single(
        (4, 4, 3), layers.Conv2DTranspose(2, (3, 2), strides=(2, 3), padding="valid")
    ),
    "conv2d_transpose_output_padding": lambda: single(
        (3, 3, 2), layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1)
    ),
    "conv1d_transpose": lambda: single((5, 2), layers.Conv1DTranspose(3, 4, strides=2)),
    "depthwise_conv2d": lambda: single(
        (6, 6, 3), layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)
    ),
    "separable_conv2d": lambda: single(
        (6, 6, 3), layers.SeparableConv2D(4, 3, depth_multiplier=2, activation="relu")
    ),
    "separable_conv1d_same": lambda: single((7, 3), layers.SeparableConv1D(4, 3, padding="same")),
    "depthwise_conv1d": lambda: single((7, 2), layers.DepthwiseConv1D(3, depth_multiplier=2)),
    "conv3d_same": lambda: single((4, 4, 3, 2), layers.Conv3D(2, 2, padding="same")),
    "max_pool3d": lambda: single((4, 4, 4, 2), layers.MaxPooling3D(2)),
    "avg_pool3d_same": lambda: single((3, 4, 5, 1), layers.AveragePooling3D(2, padding="same")),
    "global_avg_3d": lambda: single((2, 3, 2, 2), layers.GlobalAveragePooling3D()),
    "zero_padding3d": lambda: single((2, 2, 2, 1), layers.ZeroPadding3D(1)),
    "cropping3d": lambda: single((4, 4, 4, 1), layers.Cropping3D(1)),
    "upsampling3d": lambda: single((2, 2, 2, 1), layers.UpSampling3D(2)),
    "max_pool1d_same": lambda: single((7, 3), layers.MaxPooling1D(3, strides=2, padding="same")),
    "max_pool2d_valid": lambda: single((7, 6, 2), layers.MaxPooling2D((3, 2), strides=(2, 1))),
    "max_pool2d_channels_first": lambda: single(
        (2, 5, 5), layers.MaxPooling2D(2, padding="same", data_format=CF)
    ),
    "avg_pool1d_valid": lambda: single((8, 2), layers.AveragePooling1D(2)),
    "avg_pool2d_same": lambda: single(
        (5, 7, 2), layers.AveragePooling2D(3, strides=2, padding="same")
    ),
    "global_avg_1d": lambda: single((5, 3), layers.GlobalAveragePooling1D()),
    "global_max_1d_keepdims": lambda: single((5, 3), layers.GlobalMaxPooling1D(keepdims=True)),
    "global_avg_2d_channels_first": lambda: single(
        (3, 4, 5), layers.GlobalAveragePooling2D(data_format=CF)
    ),
    "global_max_2d_keepdims": lambda: single((4, 5, 3), layers.GlobalMaxPooling2D(keepdims=True)),
    "batch_norm": lambda: single((4, 4, 3), layers.BatchNormalization()),
    "batch_norm_axis1": lambda: single(
        (3, 4, 4), layers.BatchNormalization(axis=1, center=False, epsilon=0.01)
    ),
    "layer_norm": lambda: single((3, 5), layers.LayerNormalization()),
    "layer_norm_axes": lambda: single((3, 4, 2), layers.LayerNormalization(axis=[1, 3])),
    "layer_norm_rms": lambda: single((3, 5), layers.LayerNormalization(rms_scaling=True)),
    "unit_norm": lambda: single((3, 5), layers.UnitNormalization(axis=1)),
    "add_broadcast": lambda: merge(layers.Add(), [(3, 4), (4,), (3, 4)]),
    "subtract": lambda: merge(layers.Subtract(), [(4,), (4,)]),
    "multiply": lambda: merge(layers.Multiply(), [(2, 3), (2, 3), (2, 3)]),
    "average": lambda: merge(layers.Average(), [(4,), (4,), (4,)]),
    "maximum": lambda: merge(layers.Maximum(), [(2, 3), (2, 3)]),
    "minimum": lambda: merge(layers.Minimum(), [(2, 3), (2, 3)]),
    "concatenate_axis1": lambda: merge(layers.Concatenate(axis=1), [(2, 3), (4, 3)]),
    "embedding": lambda: single((5,), layers.Embedding(10, 4), dtype="int32", high=10),
    "embedding_float_indices": lambda: single((5,), layers.Embedding(7, 3), high=7),
    "rescaling_uint8": lambda: single(
        (3, 3, 2), layers.Rescaling(1.0 / 255, offset=-0.5), dtype="uint8", high=256
    ),
    "rescaling_per_channel": lambda: single(
        (3, 2), layers.Rescaling(np.array([2.0, -1.0]), offset=np.array([0.5, 1.0]))
    ),
    "normalization_adapted": lambda: adapted_normalization(-1),
    "normalization_adapted_axis1_invert": lambda: adapted_normalization(1, invert=True),
    "normalization_fixed": lambda: single(
        (3,), layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])
    ),
    "zero_padding1d": lambda: single((4, 2), layers.ZeroPadding1D((1, 2))),
    "zero_padding2d": lambda: single((3, 4, 2), layers.ZeroPadding2D(((1, 0), (2, 1)))),
    "cropping1d": lambda: single((6, 2), layers.Cropping1D((2, 1))),
    "cropping2d": lambda: single((6, 5, 2), layers.Cropping2D(((1, 2), (0, 1)))),
    "cropping2d_channels_first": lambda: single(
        (2, 6, 5), layers.Cropping2D(((0, 2), (1, 1)), data_format=CF)
    ),
    "upsampling1d": lambda: single((3, 2), layers.UpSampling1D(3)),
    "upsampling2d": lambda: single((3, 4, 2), layers.UpSampling2D((2, 3))),
    "upsampling2d_channels_first": lambda: single(
        (2, 3, 3), layers.UpSampling2D(2, data_format=CF)
    ),
    "upsampling2d_bilinear": lambda: single(
        (3, 4, 2), layers.UpSampling2D(2, interpolation="bilinear")
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_parity(case, tmp_path):
    model, specs = CASES[case]()
    randomize(model, seed=len(case))
    check_parity(model, specs, tmp_path)


def test_every_activation_by_name(tmp_path):
    """One model with a branch per built-in activation name: each output matches."""
    inp = lamina.Input((6,))
    names = [n for n in SUPPORTED_ACTIVATIONS if n != "glu"]
    outputs = [layers.Activation(n)(inp) for n in names]
    outputs.append(layers.Activation("glu")(inp))
    outputs.append(layers.Dense(4, activation="gelu")(inp))
    model = randomize(lamina.Model(inp, outputs))
    check_parity(model, [((6,), F, None)], tmp_path)
