"""nn ops against Keras 3 (on TensorFlow) as oracle: values, dtypes, symbolic shapes, argument
errors, gradients (float64 finite differences), and torch's zero-copy channels_last layout."""

from __future__ import annotations

import os

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor
from lamina.backend.numpy import nn as np_nn
from tests.conftest import BACKEND, requires_training, to_numpy
from tests.helpers import check_gradients

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")
K = keras.ops

rng = np.random.default_rng(0)
X = rng.standard_normal((2, 3, 4)).astype("float32") * 2
X64 = rng.standard_normal((2, 5)).astype("float64")
INT = np.array([[-3, 0, 2], [5, -1, 7]], "int32")


def k(fn, *args, **kwargs):
    out = fn(*args, **kwargs)
    if isinstance(out, (tuple, list)):
        return [np.asarray(o) for o in out]
    return np.asarray(out)


# ----------------------------------------------------------------------------------------
# Activations.

ACTIVATIONS = [
    ("relu", {}),
    ("relu6", {}),
    ("sigmoid", {}),
    ("sparse_sigmoid", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("sparse_plus", {}),
    ("silu", {}),
    ("squareplus", {"b": 3}),
    ("log_sigmoid", {}),
    ("leaky_relu", {"negative_slope": 0.1}),
    ("hard_sigmoid", {}),
    ("hard_silu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("gelu", {}),
    ("gelu", {"approximate": False}),
    ("celu", {"alpha": 2.0}),
    ("glu", {"axis": -1}),
    ("tanh_shrink", {}),
    ("hard_tanh", {}),
    ("hard_shrink", {"threshold": 0.7}),
    ("soft_shrink", {"threshold": 0.7}),
    ("softmax", {"axis": 1}),
    ("log_softmax", {"axis": -1}),
]


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=lambda v: str(v))
def test_activation_values_dtype_and_symbolic(name, kwargs):
    got = getattr(ops, name)(X, **kwargs)
    want = k(getattr(K, name), X, **kwargs)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-6)
    assert to_numpy(got).dtype == np.float32
    sym = getattr(ops, name)(KerasTensor((None, 3, 4)), **kwargs)
    assert sym.shape == (None, 3, want.shape[-1]) and sym.dtype == "float32"


def test_activation_dtypes():
    assert to_numpy(ops.relu(INT)).dtype == np.int32
    np.testing.assert_array_equal(to_numpy(ops.relu6(INT)), np.clip(INT, 0, 6))
    assert to_numpy(ops.sigmoid(INT)).dtype == np.float32
    assert ops.sigmoid(KerasTensor((2,), "int32")).dtype == "float32"
    assert ops.relu(KerasTensor((2,), "int32")).dtype == "int32"
    assert to_numpy(ops.softmax(X64)).dtype == np.float64
    half = to_numpy(ops.sigmoid(X.astype("float16")))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, k(K.sigmoid, X.astype("float16")), atol=2e-3)
    np.testing.assert_allclose(
        to_numpy(ops.threshold(X, 0.5, -1.0)), k(K.threshold, X, 0.5, -1.0), rtol=1e-6
    )


def test_softmax_is_stable_and_normalized():
    big = np.array([[1000.0, 1001.0, 1002.0]], "float32")
    out = to_numpy(ops.softmax(big))
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(ops.log_softmax(big)), k(K.log_softmax, big), rtol=1e-6)


def _sparsemax_reference(z):
    """Projection onto the simplex, one row at a time (Martins & Astudillo, 2016)."""
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape[:-1]):
        row = z[idx]
        s = np.sort(row)[::-1]
        ks = np.arange(1, len(row) + 1)
        k_max = ks[1 + ks * s > np.cumsum(s)].max()
        tau = (s[:k_max].sum() - 1) / k_max
        out[idx] = np.maximum(row - tau, 0)
    return out


def test_sparsemax():
    # keras.ops.sparsemax (3.15) returns all zeros for some rows, so the reference is written out.
    got = to_numpy(ops.sparsemax(X, axis=-1))
    np.testing.assert_allclose(got, _sparsemax_reference(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.sum(-1), 1.0, rtol=1e-5)
    got = to_numpy(ops.sparsemax(X, axis=1))
    want = np.moveaxis(_sparsemax_reference(np.moveaxis(X, 1, -1)), -1, 1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert ops.sparsemax(KerasTensor((None, 4))).shape == (None, 4)


def test_activation_argument_errors():
    with pytest.raises(ValueError, match="ops.softmax.*axis"):
        ops.softmax(X, axis=3)
    with pytest.raises(ValueError, match="ops.glu.*even"):
        ops.glu(np.ones((2, 3), "float32"))
    assert ops.swish is ops.silu and ops.hard_swish is ops.hard_silu


@requires_training
@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("relu", {}),
        ("relu6", {}),
        ("leaky_relu", {}),
        ("elu", {}),
        ("gelu", {}),
        ("gelu", {"approximate": False}),
        ("silu", {}),
        ("softplus", {}),
        ("sigmoid", {}),
        ("log_sigmoid", {}),
        ("softmax", {}),
        ("log_softmax", {}),
        ("glu", {}),
    ],
    ids=lambda v: str(v),
)
def test_activation_gradients(name, kwargs):
    x = np.array([[-1.3, -0.4, 0.3, 2.1], [0.8, -2.2, 1.6, -0.7]])  # away from kinks
    check_gradients(lambda a: getattr(ops, name)(a, **kwargs), x)


@requires_training
def test_softmax_gradient_weighted():
    x = rng.standard_normal((2, 4))
    w = rng.standard_normal((2, 4))
    check_gradients(lambda a: ops.multiply(ops.softmax(a), w), x)


# ----------------------------------------------------------------------------------------
# Convolution.


def _input(nd, data_format, channels=4, batch=2):
    spatial = (7, 6, 5)[:nd]
    x = rng.standard_normal((batch, *spatial, channels)).astype("float32")
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


CONV_CASES = [
    (nd, fmt, pad, s, d)
    for nd in (1, 2, 3)
    for fmt in ("channels_last", "channels_first")
    for pad in ("valid", "same")
    for s, d in ((1, 1), (2, 1), (1, 2))
    if not (nd == 3 and fmt == "channels_first" and d == 2)
]


@pytest.mark.parametrize("nd,fmt,pad,s,d", CONV_CASES)
def test_conv_matches_keras(nd, fmt, pad, s, d):
    x = _input(nd, fmt)
    kern = rng.standard_normal(((3, 2, 3)[:nd]) + (4, 5)).astype("float32")
    got = to_numpy(ops.conv(x, kern, s, pad.upper(), fmt, d))
    np.testing.assert_allclose(got, k(K.conv, x, kern, s, pad, fmt, d), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("pad", ["valid", "same"])
def test_grouped_conv_and_stride_with_dilation(pad):
    x = _input(2, "channels_last", channels=6)
    kern = rng.standard_normal((3, 3, 2, 6)).astype("float32")  # 3 groups
    got = to_numpy(ops.conv(x, kern, 1, pad))
    np.testing.assert_allclose(got, k(K.conv, x, kern, 1, pad), rtol=1e-4, atol=1e-4)
    # Strides and dilation together (TensorFlow itself refuses it): NumPy reference.
    kern = rng.standard_normal((2, 2, 6, 3)).astype("float32")
    got = to_numpy(ops.conv(x, kern, 2, pad, dilation_rate=2))
    want = np_nn.conv(x, kern, 2, pad, "channels_last", 2)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pad,s", [("valid", 1), ("same", 2)])
def test_depthwise_and_separable_conv(nd, fmt, pad, s):
    x = _input(nd, fmt, channels=3)
    depth = rng.standard_normal(((3, 2)[:nd]) + (3, 2)).astype("float32")
    point = rng.standard_normal(((1,) * nd) + (6, 4)).astype("float32")
    got = to_numpy(ops.depthwise_conv(x, depth, s, pad, fmt))
    np.testing.assert_allclose(
        got, k(K.depthwise_conv, x, depth, s, pad, fmt), rtol=1e-4, atol=1e-4
    )
    got = to_numpy(ops.separable_conv(x, depth, point, s, pad, fmt))
    np.testing.assert_allclose(
        got, k(K.separable_conv, x, depth, point, s, pad, fmt), rtol=1e-4, atol=1e-4
    )


TRANSPOSE_CASES = [
    (nd, fmt, pad, s, op)
    for nd in (1, 2, 3)
    for fmt in ("channels_last", "channels_first")
    for pad in ("valid", "same")
    for s, op in ((1, None), (2, None), (2, 1), (3, 0))
    if nd < 3 or (fmt == "channels_last" and s == 2)
]


@pytest.mark.parametrize("nd,fmt,pad,s,op", TRANSPOSE_CASES)
def test_conv_transpose_matches_keras(nd, fmt, pad, s, op):
    x = _input(nd, fmt, channels=3)
    kern = rng.standard_normal(((3, 4, 2)[:nd]) + (5, 3)).astype("float32")
    got = to_numpy(ops.conv_transpose(x, kern, s, pad, op, fmt))
    try:
        want = k(K.conv_transpose, x, kern, s, pad, op, fmt)
    except Exception:  # TensorFlow's oneDNN kernel refuses some shapes: NumPy reference
        want = np_nn.conv_transpose(x, kern, s, pad, op, fmt)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    sym = ops.conv_transpose(KerasTensor(x.shape), KerasTensor(kern.shape), s, pad, op, fmt)
    assert sym.shape == want.shape


def test_conv_transpose_with_dilation_matches_reference():
    x = _input(2, "channels_last", channels=3)
    kern = rng.standard_normal((3, 2, 4, 3)).astype("float32")
    got = to_numpy(ops.conv_transpose(x, kern, 2, "same", dilation_rate=2))
    want = np_nn.conv_transpose(x, kern, 2, "same", None, "channels_last", 2)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    # The reference agrees with Keras where TensorFlow can compute it (stride 1).
    np.testing.assert_allclose(
        np_nn.conv_transpose(x, kern, 1, "same", None, "channels_last", 2),
        k(K.conv_transpose, x, kern, 1, "same", None, "channels_last", 2),
        rtol=1e-4,
        atol=1e-4,
    )


F64_CASES = [
    ("conv", 1, "channels_last", "same", 2, 2),
    ("conv", 3, "channels_first", "valid", 2, 2),
    ("depthwise_conv", 1, "channels_last", "same", 2, 1),
    ("depthwise_conv", 2, "channels_first", "valid", 2, 2),
    ("conv_transpose", 2, "channels_last", "same", 2, 2),
    ("conv_transpose", 1, "channels_first", "valid", 3, 2),
    ("max_pool", 3, "channels_last", "same", 2, 1),
    ("average_pool", 3, "channels_first", "same", 2, 1),
]


@pytest.mark.parametrize("fn,nd,fmt,pad,s,d", F64_CASES)
def test_float64_and_uncommon_configs_match_reference(fn, nd, fmt, pad, s, d):
    # float64 takes other kernels than float32 in some frameworks; the NumPy reference agrees
    # with Keras wherever TensorFlow computes these (see the tests above).
    x = _input(nd, fmt, channels=4).astype("float64")
    if fn.endswith("pool"):
        args = ((3, 2, 2)[:nd], s, pad, fmt)
    else:
        last = {"conv": (4, 3), "depthwise_conv": (4, 2), "conv_transpose": (3, 4)}[fn]
        args = (rng.standard_normal((3, 2, 2)[:nd] + last), s, pad)
        args += (None, fmt, d) if fn == "conv_transpose" else (fmt, d)
    got = to_numpy(getattr(ops, fn)(x, *args))
    want = getattr(np_nn, fn)(x, *args)
    assert got.dtype == np.float64 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_conv_symbolic_shapes_and_dtype():
    x = KerasTensor((None, 9, None, 4))
    assert ops.conv(x, KerasTensor((3, 3, 4, 8)), 2, "same").shape == (None, 5, None, 8)
    assert ops.conv(x, KerasTensor((3, 3, 2, 8)), 1, "valid", dilation_rate=2).shape == (
        None,
        5,
        None,
        8,
    )
    x = KerasTensor((None, 4, 9, 9), "float16")
    out = ops.depthwise_conv(x, KerasTensor((3, 3, 4, 2), "float16"), 1, "valid", "channels_first")
    assert out.shape == (None, 8, 7, 7) and out.dtype == "float16"
    out = ops.max_pool(KerasTensor((None, 9, 9, 3)), 2, padding="same")
    assert out.shape == (None, 5, 5, 3)
    assert ops.average_pool(
        KerasTensor((1, 3, 9, 8)), (3, 2), (2, 2), "valid", "channels_first"
    ).shape == (1, 3, 4, 4)


def test_conv_argument_errors():
    x = np.ones((1, 5, 5, 4), "float32")
    with pytest.raises(ValueError, match="ops.conv.*padding"):
        ops.conv(x, np.ones((3, 3, 4, 2), "float32"), padding="full")
    with pytest.raises(ValueError, match="ops.conv.*rank"):
        ops.conv(x, np.ones((3, 4, 2), "float32"))
    with pytest.raises(ValueError, match="ops.conv.*channels"):
        ops.conv(x, np.ones((3, 3, 3, 2), "float32"))
    with pytest.raises(ValueError, match="ops.max_pool.*rank"):
        ops.max_pool(np.ones((5, 5), "float32"), 2)
    with pytest.raises(ValueError, match="strides"):
        ops.conv(x, np.ones((3, 3, 4, 2), "float32"), strides=0)


POOL_CASES = [
    (fn, nd, fmt, pad, s)
    for fn in ("max_pool", "average_pool")
    for nd in (1, 2, 3)
    for fmt in ("channels_last", "channels_first")
    for pad, s in (("valid", None), ("same", 2), ("same", 1))
    if nd < 3 or fmt == "channels_last"
]


@pytest.mark.parametrize("fn,nd,fmt,pad,s", POOL_CASES)
def test_pooling_matches_keras(fn, nd, fmt, pad, s):
    x = _input(nd, fmt, channels=2)
    pool = (3, 2, 2)[:nd]
    got = to_numpy(getattr(ops, fn)(x, pool, s, pad, fmt))
    want = k(getattr(K, fn), x, pool, s, pad, fmt)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@requires_training
@pytest.mark.parametrize("pad,s", [("valid", 1), ("same", 2)])
def test_conv_gradients(pad, s):
    x = rng.standard_normal((1, 4, 3, 2))
    kern = rng.standard_normal((2, 2, 2, 2))
    check_gradients(lambda a, b: ops.conv(a, b, s, pad), x, kern, rtol=1e-4, atol=1e-5)


@requires_training
def test_conv_transpose_and_depthwise_gradients():
    x = rng.standard_normal((1, 3, 2, 2))
    kern = rng.standard_normal((2, 2, 3, 2))
    check_gradients(lambda a, b: ops.conv_transpose(a, b, 2, "same"), x, kern, rtol=1e-4)
    depth = rng.standard_normal((2, 2, 2, 1))
    check_gradients(lambda a, b: ops.depthwise_conv(a, b, 1, "same"), x, depth, rtol=1e-4)


@requires_training
@pytest.mark.parametrize("fn", ["max_pool", "average_pool"])
def test_pooling_gradients(fn):
    x = rng.permutation(30).reshape(1, 5, 3, 2).astype("float64") / 7  # distinct values
    check_gradients(lambda a: getattr(ops, fn)(a, 2, 2, "same"), x, rtol=1e-4)


@pytest.mark.skipif(BACKEND != "torch", reason="torch memory layout")
def test_torch_channels_last_is_zero_copy():
    import torch

    x = torch.randn(2, 8, 8, 4)
    kern = torch.randn(3, 3, 4, 6)
    y = ops.conv(x, kern, padding="same")
    # The NHWC result is a plain contiguous tensor and its NCHW view is channels_last memory:
    # torch ran its channels_last kernel on a permuted view, with no copy on the way out.
    assert y.shape == (2, 8, 8, 6) and y.is_contiguous()
    assert y.permute(0, 3, 1, 2).is_contiguous(memory_format=torch.channels_last)
    pooled = ops.max_pool(y, 2)
    assert pooled.shape == (2, 4, 4, 6) and pooled.is_contiguous()
    avg = ops.average_pool(y, 3, 2, "same")  # asymmetric TF padding
    assert avg.shape == (2, 4, 4, 6)


# ----------------------------------------------------------------------------------------
# Encodings, losses, normalization.


def test_one_hot_and_multi_hot():
    idx = np.array([[0, 2, -1], [3, 1, 1]], "int32")
    np.testing.assert_array_equal(to_numpy(ops.one_hot(idx, 4)), k(K.one_hot, idx, 4))
    out = ops.one_hot(idx, 4, axis=1, dtype="int32")
    np.testing.assert_array_equal(to_numpy(out), k(K.one_hot, idx, 4, axis=1, dtype="int32"))
    assert to_numpy(out).dtype == np.int32
    np.testing.assert_array_equal(to_numpy(ops.multi_hot(idx, 5)), k(K.multi_hot, idx, 5))
    assert ops.one_hot(KerasTensor((None, 3), "int32"), 4, axis=1).shape == (None, 4, 3)
    assert ops.multi_hot(KerasTensor((None, 3), "int32"), 5).shape == (None, 5)
    with pytest.raises(ValueError, match="num_classes"):
        ops.one_hot(idx, 0)


P = rng.uniform(0.05, 0.95, (3, 4)).astype("float32")
T = (rng.uniform(size=(3, 4)) > 0.5).astype("float32")
LOGITS = rng.standard_normal((3, 4)).astype("float32") * 3
ONE_HOT = np.eye(4, dtype="float32")[[1, 3, 0]]
SPARSE = np.array([1, 3, 0], "int32")


@pytest.mark.parametrize("from_logits", [False, True])
def test_crossentropies_match_keras(from_logits):
    out = LOGITS if from_logits else P
    got = ops.binary_crossentropy(T, out, from_logits=from_logits)
    want = k(K.binary_crossentropy, T, out, from_logits=from_logits)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-6)
    got = ops.categorical_crossentropy(ONE_HOT, out, from_logits=from_logits)
    want = k(K.categorical_crossentropy, ONE_HOT, out, from_logits=from_logits)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-6)
    got = ops.sparse_categorical_crossentropy(SPARSE, out, from_logits=from_logits)
    want = k(K.sparse_categorical_crossentropy, SPARSE, out, from_logits=from_logits)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-6)


def test_crossentropy_clipping_axis_and_shapes():
    extreme = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    got = to_numpy(ops.binary_crossentropy(np.array([[1.0, 0.0], [1.0, 0.0]], "float32"), extreme))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(
        got,
        k(K.binary_crossentropy, np.array([[1.0, 0.0], [1.0, 0.0]], "float32"), extreme),
        rtol=1e-5,
    )
    x = np.moveaxis(np.stack([P, 1 - P]), 0, 1)  # classes on axis 1
    t = np.moveaxis(np.stack([T, 1 - T]), 0, 1)
    np.testing.assert_allclose(
        to_numpy(ops.categorical_crossentropy(t, x, axis=1)),
        k(K.categorical_crossentropy, t, x, axis=1),
        rtol=1e-5,
    )
    assert ops.categorical_crossentropy(KerasTensor((None, 4)), KerasTensor((None, 4))).shape == (
        None,
    )
    sym = ops.sparse_categorical_crossentropy(
        KerasTensor((None, 1), "int32"), KerasTensor((None, 4))
    )
    assert sym.shape == (None,)
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        ops.sparse_categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))


@requires_training
@pytest.mark.parametrize("from_logits", [False, True])
def test_crossentropy_gradients(from_logits):
    out = (LOGITS if from_logits else P)[:2, :3].astype("float64")
    check_gradients(
        lambda o: ops.binary_crossentropy(T[:2, :3], o, from_logits=from_logits), out, rtol=1e-4
    )
    check_gradients(
        lambda o: ops.categorical_crossentropy(ONE_HOT[:2, 1:], o, from_logits=from_logits),
        out,
        rtol=1e-4,
    )
    check_gradients(
        lambda o: ops.sparse_categorical_crossentropy(SPARSE[:2] % 3, o, from_logits=from_logits),
        out,
        rtol=1e-4,
    )


def test_moments_and_batch_normalization():
    x = rng.standard_normal((4, 3, 5)).astype("float32")
    mean, var = ops.moments(x, axes=[0, 2])
    np.testing.assert_allclose(to_numpy(mean), x.mean((0, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(var), x.var((0, 2)), rtol=1e-5)
    mean, var = ops.moments(x, axes=[1], keepdims=True)
    assert to_numpy(mean).shape == (4, 1, 5)
    half_mean, _ = ops.moments(x.astype("float16"), axes=[0])
    assert to_numpy(half_mean).dtype == np.float16
    sym = ops.moments(KerasTensor((None, 3, 5)), axes=[0, 2], keepdims=True)
    assert sym[0].shape == (1, 3, 1)
    m, v = rng.standard_normal(3).astype("float32"), rng.uniform(0.5, 2, 3).astype("float32")
    off, sc = rng.standard_normal(3).astype("float32"), rng.standard_normal(3).astype("float32")
    got = ops.batch_normalization(x, m, v, axis=1, offset=off, scale=sc, epsilon=1e-3)
    want = k(K.batch_normalization, x, m, v, axis=1, offset=off, scale=sc, epsilon=1e-3)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="batch_normalization.*mean"):
        ops.batch_normalization(x, np.ones(4), v, axis=1)


def test_normalize_layer_and_rms_normalization():
    x = rng.standard_normal((3, 4)).astype("float32")
    for order in (1, 2, 3):
        np.testing.assert_allclose(
            to_numpy(ops.normalize(x, axis=-1, order=order)),
            k(K.normalize, x, axis=-1, order=order),
            rtol=1e-5,
        )
    gamma, beta = rng.standard_normal(4).astype("float32"), rng.standard_normal(4).astype("float32")
    got = ops.layer_normalization(x, gamma, beta, axis=-1, epsilon=1e-5)
    want = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * gamma + beta
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-4, atol=1e-5)
    got = ops.layer_normalization(x, axis=0, epsilon=1e-5)
    want = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-4, atol=1e-5)
    got = ops.rms_normalization(x, gamma, axis=-1, epsilon=1e-6)
    want = x / np.sqrt(np.mean(x * x, -1, keepdims=True) + 1e-6) * gamma
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        to_numpy(ops.psnr(x, x * 0.9, 1.0)), k(K.psnr, x, x * 0.9, 1.0), rtol=1e-5
    )
    with pytest.raises(ValueError, match="order"):
        ops.normalize(x, order=0)


@requires_training
def test_normalization_gradients():
    x = rng.standard_normal((2, 4))
    check_gradients(lambda a: ops.moments(a, axes=[0])[1], x, rtol=1e-4)
    check_gradients(
        lambda a: ops.multiply(ops.layer_normalization(a, axis=-1), x), x, rtol=1e-4, atol=1e-5
    )
    check_gradients(
        lambda a: ops.batch_normalization(a, np.zeros(4), np.ones(4), axis=-1), x, rtol=1e-4
    )
