"""`ops.dot_product_attention` against a NumPy reference and Keras 3 (TF backend) on every backend."""

import numpy as np
import pytest

from lamina import ops
from lamina.backend.common.keras_tensor import KerasTensor
from tests.conftest import BACKEND, to_numpy
from tests.helpers import check_gradients


def reference(q, k, v, bias=None, mask=None, scale=None, is_causal=False, cap=None):
    q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
    groups = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    if cap is not None:
        logits = np.tanh(logits / cap) * cap
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= np.broadcast_to(mask, logits.shape)
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v)


RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
K = RNG.normal(size=(2, 6, 4, 5)).astype("float32")
V = RNG.normal(size=(2, 6, 4, 5)).astype("float32")
K2, V2 = K[:, :, :2], V[:, :, :2]  # grouped-query: 4 query heads on 2 key/value heads
MASK = RNG.random((2, 1, 3, 6)) > 0.3
BIAS = RNG.normal(size=(1, 4, 3, 6)).astype("float32")

CASES = {
    "plain": dict(),
    "mask": dict(mask=MASK),
    "bias": dict(bias=BIAS),
    "causal": dict(is_causal=True),
    "scale": dict(scale=0.3),
    "all": dict(mask=MASK, bias=BIAS, is_causal=True, scale=0.5),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("grouped", [False, True])
def test_matches_reference_and_keras(case, grouped):
    kwargs = CASES[case]
    k, v = (K2, V2) if grouped else (K, V)
    out = ops.dot_product_attention(Q, k, v, **kwargs)
    assert tuple(out.shape) == Q.shape
    assert str(to_numpy(out).dtype) == "float32"
    np.testing.assert_allclose(to_numpy(out), reference(Q, k, v, **kwargs), atol=1e-5)
    keras = pytest.importorskip("keras")
    want = keras.ops.convert_to_numpy(keras.ops.dot_product_attention(Q, k, v, **kwargs))
    np.testing.assert_allclose(to_numpy(out), want, atol=1e-5)


def test_soft_cap():
    out = ops.dot_product_attention(Q * 4, K, V, attn_logits_soft_cap=2.0, mask=MASK)
    np.testing.assert_allclose(to_numpy(out), reference(Q * 4, K, V, mask=MASK, cap=2.0), atol=1e-5)


def test_fully_masked_row_is_uniform():
    mask = np.zeros((1, 1, 3, 6), bool)
    out = ops.dot_product_attention(Q, K, V, mask=mask)
    np.testing.assert_allclose(
        to_numpy(out), np.broadcast_to(V.mean(1, keepdims=True), Q.shape), atol=1e-5
    )


def test_float64_and_int_dtypes():
    out = ops.dot_product_attention(Q.astype("float64"), K, V)
    assert str(to_numpy(out).dtype) == "float64"
    ints = np.ones((1, 2, 1, 2), "int32")
    assert str(to_numpy(ops.dot_product_attention(ints, ints, ints)).dtype) == "float32"


def test_symbolic():
    out = ops.dot_product_attention(
        KerasTensor((None, 3, 4, 5)), KerasTensor((None, 7, 2, 5)), KerasTensor((None, 7, 2, 5))
    )
    assert out.shape == (None, 3, 4, 5) and out.dtype == "float32"


@pytest.mark.parametrize(
    "args, match",
    [
        ((Q[0], K, V), "must be 4-D"),
        ((Q, K, V[:, :4]), "same batch"),
        ((Q, K[:, :, :3], V[:, :, :3]), "multiple"),
    ],
)
def test_errors(args, match):
    with pytest.raises(ValueError, match=match):
        ops.dot_product_attention(*args)


@pytest.mark.skipif(BACKEND == "numpy", reason="the NumPy backend has no gradients")
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(masked):
    mask = MASK[:1, :, :2, :3] if masked else None
    q, k, v = Q[:1, :2, :2, :3], K[:1, :3, :2, :3], V[:1, :3, :2, :3]
    check_gradients(
        lambda q, k, v: ops.dot_product_attention(q, k, v, mask=mask, is_causal=masked), q, k, v
    )
