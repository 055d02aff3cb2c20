"""Math and linalg ops against NumPy (and Keras where NumPy has no counterpart): values, dtypes,
symbolic shapes, argument errors, and gradients of the differentiable ones."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor
from tests.conftest import requires_training, to_numpy
from tests.helpers import check_gradients

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")
K = keras.ops

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 5)).astype("float32")
SPD = (lambda a: a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3))(rng.standard_normal((2, 3, 3))).astype(
    "float32"
)
SQ = rng.standard_normal((2, 3, 3)).astype("float32") + 2 * np.eye(3, dtype="float32")


def test_logsumexp():
    for axis, keepdims in ((None, False), (1, False), (0, True), ((0, 1), False)):
        got = to_numpy(ops.logsumexp(X, axis=axis, keepdims=keepdims))
        want = np.log(np.sum(np.exp(X.astype("float64")), axis=axis, keepdims=keepdims))
        np.testing.assert_allclose(got, want, rtol=1e-5)
    big = np.array([1000.0, 1000.0], "float32")
    np.testing.assert_allclose(to_numpy(ops.logsumexp(big)), 1000 + math.log(2), rtol=1e-6)
    assert to_numpy(ops.logsumexp(np.array([1, 2], "int32"))).dtype == np.float32
    assert ops.logsumexp(KerasTensor((None, 5)), axis=1, keepdims=True).shape == (None, 1)
    with pytest.raises(ValueError, match="logsumexp.*axis"):
        ops.logsumexp(X, axis=2)


def test_top_k_and_in_top_k():
    x = np.array([[1.0, 3.0, 2.0, 3.0], [0.0, -1.0, 5.0, 4.0]], "float32")
    values, indices = ops.top_k(x, 2)
    np.testing.assert_array_equal(to_numpy(values), [[3, 3], [5, 4]])
    np.testing.assert_array_equal(to_numpy(indices), [[1, 3], [2, 3]])  # ties: lower index first
    assert to_numpy(indices).dtype == np.int32
    v, i = ops.top_k(KerasTensor((None, 4)), 3)
    assert v.shape == (None, 3) and i.dtype == "int32"
    got = ops.in_top_k(np.array([3, 0]), x, 2)
    np.testing.assert_array_equal(to_numpy(got), [True, False])
    np.testing.assert_array_equal(to_numpy(ops.in_top_k(np.array([2, 1]), x, 1)), [False, False])
    with pytest.raises(ValueError, match="top_k.*k"):
        ops.top_k(x, 5)


def test_segment_ops():
    data = np.arange(12, dtype="float32").reshape(6, 2)
    ids = np.array([0, 0, 2, 2, 2, 3], "int32")
    np.testing.assert_array_equal(
        to_numpy(ops.segment_sum(data, ids)), [[2, 4], [0, 0], [18, 21], [10, 11]]
    )
    got = to_numpy(ops.segment_max(data, ids, num_segments=5))
    np.testing.assert_array_equal(got[[0, 2, 3]], [[2, 3], [8, 9], [10, 11]])
    assert np.all(got[[1, 4]] == -np.inf)
    got = to_numpy(ops.segment_min(data, ids, num_segments=4))
    np.testing.assert_array_equal(got[[0, 2, 3]], [[0, 1], [4, 5], [10, 11]])
    got = to_numpy(ops.segment_prod(data + 1, ids, num_segments=4))
    np.testing.assert_array_equal(got, [[3, 8], [1, 1], [5 * 7 * 9, 6 * 8 * 10], [11, 12]])
    assert ops.segment_sum(KerasTensor((None, 2)), KerasTensor((None,), "int32"), 7).shape == (7, 2)
    with pytest.raises(ValueError, match="segment_ids"):
        ops.segment_sum(data, ids[:3])


def test_special_functions():
    x = np.array([-2.0, -0.5, 0.0, 0.3, 1.7], "float32")
    erf = np.array([math.erf(v) for v in x.astype("float64")])
    np.testing.assert_allclose(to_numpy(ops.erf(x)), erf, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(to_numpy(ops.erfc(x)), 1 - erf, rtol=1e-5, atol=1e-7)
    y = np.array([-0.99, -0.5, 0.0, 0.25, 0.9], "float64")
    z = to_numpy(ops.erfinv(y))
    np.testing.assert_allclose([math.erf(v) for v in z], y, rtol=1e-10, atol=1e-12)
    assert to_numpy(ops.erfinv(y.astype("float32"))).dtype == np.float32
    np.testing.assert_allclose(to_numpy(ops.rsqrt(np.array([4.0, 0.25], "float32"))), [0.5, 2.0])
    assert to_numpy(ops.erf(np.array([1, 2], "int32"))).dtype == np.float32
    assert ops.erf(KerasTensor((None,), "float16")).dtype == "float16"


def test_logdet_and_extract_sequences():
    np.testing.assert_allclose(to_numpy(ops.logdet(SPD)), np.linalg.slogdet(SPD)[1], rtol=1e-5)
    assert ops.logdet(KerasTensor((None, 3, 3))).shape == (None,)
    x = np.arange(20.0, dtype="float32").reshape(2, 10)
    got = to_numpy(ops.extract_sequences(x, 4, 3))
    np.testing.assert_array_equal(got, np.asarray(K.extract_sequences(x, 4, 3)))
    assert ops.extract_sequences(KerasTensor((None, 10)), 4, 3).shape == (None, 3, 4)


def test_fft_family():
    real = rng.standard_normal((2, 8)).astype("float32")
    imag = rng.standard_normal((2, 8)).astype("float32")
    z = real + 1j * imag
    re, im = ops.fft((real, imag))
    np.testing.assert_allclose(
        to_numpy(re) + 1j * to_numpy(im), np.fft.fft(z), rtol=1e-4, atol=1e-4
    )
    re, im = ops.fft2((real, imag))
    np.testing.assert_allclose(
        to_numpy(re) + 1j * to_numpy(im), np.fft.fft2(z), rtol=1e-4, atol=1e-4
    )
    re, im = ops.rfft(real)
    np.testing.assert_allclose(
        to_numpy(re) + 1j * to_numpy(im), np.fft.rfft(real), rtol=1e-4, atol=1e-4
    )
    back = ops.irfft((re, im))
    np.testing.assert_allclose(to_numpy(back), real, rtol=1e-4, atol=1e-5)
    re, im = ops.rfft(real, fft_length=6)
    assert to_numpy(re).shape == (2, 4)
    sym = ops.rfft(KerasTensor((None, 8)))
    assert sym[0].shape == (None, 5)
    with pytest.raises(ValueError, match="real, imag"):
        ops.fft(real)


# ----------------------------------------------------------------------------------------
# linalg


@pytest.mark.parametrize(
    "ord_,axis,keepdims",
    [
        (None, None, False),
        (None, 1, True),
        (1, 0, False),
        (3, 1, False),
        (float("inf"), -1, False),
        (0, 1, False),
        ("fro", (0, 1), False),
        ("nuc", (0, 1), False),
        (2, (0, 1), True),
        (-2, (0, 1), False),
        (1, (0, 1), False),
        (float("-inf"), (1, 0), False),
    ],
)
def test_norm(ord_, axis, keepdims):
    got = to_numpy(ops.norm(X, ord=ord_, axis=axis, keepdims=keepdims))
    want = np.linalg.norm(X.astype("float64"), ord=ord_, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert got.dtype == np.float32


def test_norm_batched_symbolic_and_errors():
    x3 = rng.standard_normal((2, 3, 4)).astype("float32")
    np.testing.assert_allclose(
        to_numpy(ops.norm(x3, axis=(1, 2))), np.linalg.norm(x3, axis=(1, 2)), rtol=1e-5
    )
    np.testing.assert_allclose(
        to_numpy(ops.norm(x3, ord="nuc", axis=(2, 1))),
        np.linalg.norm(x3, ord="nuc", axis=(2, 1)),
        rtol=1e-5,
    )
    assert to_numpy(ops.norm(np.ones((2, 3), "int32"))).dtype == np.float32
    assert ops.norm(KerasTensor((None, 3, 4)), axis=-1, keepdims=True).shape == (None, 3, 1)
    assert ops.norm(KerasTensor((None, 3, 4)), axis=(1, 2)).shape == (None,)
    with pytest.raises(ValueError, match="ops.norm.*ord"):
        ops.norm(x3, ord=2)
    with pytest.raises(ValueError, match="ops.norm.*ord"):
        ops.norm(X, ord="nuc", axis=1)
    with pytest.raises(ValueError, match="ops.norm.*axis"):
        ops.norm(X, axis=(0, 1, 2))


def test_det_inv_solve():
    np.testing.assert_allclose(to_numpy(ops.det(SQ)), np.linalg.det(SQ), rtol=1e-4)
    np.testing.assert_allclose(to_numpy(ops.inv(SQ)), np.linalg.inv(SQ), rtol=1e-4, atol=1e-5)
    b = rng.standard_normal((2, 3, 2)).astype("float32")
    np.testing.assert_allclose(
        to_numpy(ops.solve(SQ, b)), np.linalg.solve(SQ, b), rtol=1e-4, atol=1e-5
    )
    v = rng.standard_normal(3).astype("float32")
    want = np.linalg.solve(SQ[0], v)
    np.testing.assert_allclose(to_numpy(ops.solve(SQ[0], v)), want, rtol=1e-4, atol=1e-5)
    low = np.tril(SQ)
    got = to_numpy(ops.solve_triangular(low, b, lower=True))
    np.testing.assert_allclose(got, np.linalg.solve(low, b), rtol=1e-4, atol=1e-5)
    up = np.triu(SQ[0])
    got = to_numpy(ops.solve_triangular(SQ[0], v))  # only the upper triangle is read
    np.testing.assert_allclose(got, np.linalg.solve(up, v), rtol=1e-4, atol=1e-5)
    assert ops.det(KerasTensor((None, 3, 3))).shape == (None,)
    assert ops.solve(KerasTensor((None, 3, 3)), KerasTensor((None, 3, 4))).shape == (None, 3, 4)
    assert ops.solve(KerasTensor((3, 3)), KerasTensor((3,))).shape == (3,)
    with pytest.raises(ValueError, match="ops.inv.*square"):
        ops.inv(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="ops.solve.*rows"):
        ops.solve(SQ, np.ones((2, 4, 1), "float32"))


def test_decompositions():
    low = to_numpy(ops.cholesky(SPD))
    np.testing.assert_allclose(low, np.linalg.cholesky(SPD), rtol=1e-4, atol=1e-5)
    up = to_numpy(ops.cholesky(SPD, upper=True))
    np.testing.assert_allclose(np.swapaxes(up, -1, -2) @ up, SPD, rtol=1e-4, atol=1e-4)
    a = rng.standard_normal((4, 3)).astype("float32")
    q, r = (to_numpy(t) for t in ops.qr(a))
    assert q.shape == (4, 3) and r.shape == (3, 3)
    np.testing.assert_allclose(q @ r, a, rtol=1e-4, atol=1e-5)
    q, r = (to_numpy(t) for t in ops.qr(a, mode="complete"))
    assert q.shape == (4, 4) and r.shape == (4, 3)
    u, s, vh = (to_numpy(t) for t in ops.svd(a))
    assert u.shape == (4, 4) and s.shape == (3,) and vh.shape == (3, 3)
    np.testing.assert_allclose(u[:, :3] * s @ vh, a, rtol=1e-4, atol=1e-5)
    u, s, vh = (to_numpy(t) for t in ops.svd(a, full_matrices=False))
    assert u.shape == (4, 3)
    np.testing.assert_allclose(
        to_numpy(ops.svd(a, compute_uv=False)), np.linalg.svd(a)[1], rtol=1e-5
    )
    w, v = (to_numpy(t) for t in ops.eigh(SPD))
    np.testing.assert_allclose(w, np.linalg.eigh(SPD)[0], rtol=1e-4)
    np.testing.assert_allclose(SPD @ v, v * w[..., None, :], rtol=1e-3, atol=1e-4)
    w, v = (to_numpy(t) for t in ops.eig(SQ[0]))
    assert np.iscomplexobj(w) and w.dtype == np.complex64
    np.testing.assert_allclose(SQ[0] @ v, v * w[None, :], rtol=1e-3, atol=1e-4)


def test_lu_factor():
    a = np.array([[1.0, 2.0, 0.0], [4.0, 1.0, 3.0], [2.0, 5.0, 1.0]], "float32")
    lu, piv = (to_numpy(t) for t in ops.lu_factor(a))
    assert piv.dtype == np.int32
    np.testing.assert_array_equal(piv, [1, 2, 2])
    low = np.tril(lu, -1) + np.eye(3)
    perm = np.arange(3)
    for i, p in enumerate(piv):
        perm[[i, p]] = perm[[p, i]]
    np.testing.assert_allclose(low @ np.triu(lu), a[perm], rtol=1e-5, atol=1e-6)
    lu, piv = ops.lu_factor(KerasTensor((None, 4, 3)))
    assert lu.shape == (None, 4, 3) and piv.shape == (None, 3)


def test_linalg_symbolic_shapes():
    x = KerasTensor((None, 5, 3))
    q, r = ops.qr(x)
    assert q.shape == (None, 5, 3) and r.shape == (None, 3, 3)
    u, s, vh = ops.svd(x)
    assert u.shape == (None, 5, 5) and s.shape == (None, 3) and vh.shape == (None, 3, 3)
    w, v = ops.eig(KerasTensor((4, 4)))
    assert w.shape == (4,) and w.dtype == "complex64"
    assert ops.cholesky(KerasTensor((None, 4, 4))).shape == (None, 4, 4)


@requires_training
def test_math_linalg_gradients():
    x = rng.standard_normal((2, 3))
    check_gradients(lambda a: ops.logsumexp(a, axis=1), x)
    check_gradients(lambda a: ops.erf(a), x)
    check_gradients(lambda a: ops.norm(a, axis=1), x)
    sq = SQ[0].astype("float64")
    check_gradients(lambda a: ops.det(a), sq, rtol=1e-4)
    check_gradients(lambda a: ops.solve(a, np.ones(3)), sq, rtol=1e-4, atol=1e-5)
    check_gradients(
        lambda d: ops.segment_sum(d, np.array([0, 1, 0]), num_segments=2), x.T, rtol=1e-5
    )
