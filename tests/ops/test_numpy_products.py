"""Products, statistics and indexing (`ops.numpy.products`: matmul, einsum, trace, histogram,
correlate, get_item, ...) against NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes
and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor, standardize_dtype
from tests.conftest import requires_training
from tests.ops.numpy_cases import (
    A3,
    GA,
    GB,
    I8,
    IP,
    M34,
    SQ,
    V3,
    A,
    C,
    P,
    check_matches_numpy,
    check_op_gradients,
    check_symbolic,
    check_value,
    symbolic_cases,
)

CASES = [
    C("matmul", A, M34),
    C("matmul", A3, np.ones((4, 5), "float32")),
    C("matmul", V3, M34, batch=False),
    C("matmul", I8, np.ones((3, 4), "int8"), dtype="int32"),
    C("dot", A, M34),
    C("dot", V3, V3, batch=False),
    C("dot", A3, np.ones((4,), "float32")),
    C("dot", A3, np.ones((3, 4, 5), "float32")),
    C("dot", A, 2.0),
    C("vdot", A, P, batch=False),
    C("inner", A, V3),
    C("inner", A3, M34),
    C("outer", V3, A, batch=False),
    C("tensordot", A3, M34.T, kwargs={"axes": 1}),
    C("tensordot", A3, A3.transpose(1, 2, 0), batch=False),
    C("tensordot", A3, M34, kwargs={"axes": ([1, 2], [0, 1])}),
    C("einsum", "ij,jk->ik", A, M34),
    C("einsum", "bij->bj", A3),
    C("einsum", "ij,ij->", A, P, batch=False),
    C("einsum", "i,j->ij", V3, V3, batch=False),
    C("einsum", "ij,jk->ik", I8, np.ones((3, 4), "int8"), dtype="int32"),
    C("cross", np.ones((2, 3), "float32") + A, A),
    C("cross", A[:, :2], A),
    C("cross", A[:, :2], P[:, :2]),
    C("cross", A, P, kwargs={"axis": 1}),
    C("kron", A, M34, batch=False),
    C("kron", V3, A, batch=False),
    C("trace", SQ, batch=False),
    C("trace", A3, kwargs={"axis1": 1, "axis2": 2}),
    C("trace", np.ones((3, 3), "int8"), dtype="int32", batch=False),
    C("trace", A3, kwargs={"offset": 1, "axis1": 0, "axis2": 2}, batch=False),
    # Statistics and signals
    C(
        "histogram",
        A,
        kwargs={"bins": 4},
        dtype=None,
        batch=False,
        sym=False,
        ref=lambda x, bins: (
            np.histogram(x, bins)[0].astype("int32"),
            np.histogram(x, bins)[1],
        ),
    ),
    C("correlate", V3, np.array([1.0, -2.0], "float32"), batch=False),
    C("correlate", V3, np.array([1.0, -2.0], "float32"), kwargs={"mode": "full"}, batch=False),
    C("correlate", np.arange(5.0, dtype="float32"), V3, kwargs={"mode": "same"}, batch=False),
    C("correlate", V3, np.arange(5.0, dtype="float32"), kwargs={"mode": "same"}, batch=False),
    C("correlate", V3, np.arange(4.0, dtype="float32"), batch=False),
    C("correlate", IP[0], IP[1], kwargs={"mode": "full"}, dtype="float32", batch=False),
    C("corrcoef", A3[0], batch=False),
    C("corrcoef", IP, dtype="float32", batch=False),
    C("trapezoid", A3),
    C("trapezoid", A3, kwargs={"dx": 0.5, "axis": 1}),
    C("trapezoid", A, kwargs={"x": np.array([0.0, 1.0, 3.0], "float32")}),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    check_matches_numpy(case)


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", symbolic_cases(CASES), ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    check_symbolic(case, batch)


# get_item ----------------------------------------------------------------------------------------

X = np.arange(24, dtype="float32").reshape(2, 3, 4)
KEYS = [
    1,
    -1,
    (1, 2),
    (0, 1, 2),
    slice(None),
    slice(1, None),
    (slice(None), slice(0, 3, 2)),
    (Ellipsis, 1),
    (Ellipsis, slice(None, None, -1)),
    (None, 0),
    (0, None, slice(1, 3)),
    (slice(None), None, Ellipsis, None),
    (Ellipsis, None),
    (slice(-2, None), 1, slice(None, -1)),
    np.array([1, 0, 1]),
    (slice(None), np.array([2, 0])),
    (Ellipsis, np.array([[0, 3], [1, 1]])),
    (np.array([0, 1]), np.array([2, 0])),
    (slice(None), np.array([0, 2]), np.array([1, 3])),
    (0, slice(None), np.array([1, 2])),
    (np.array([1, 0]), slice(None), np.array([3, 0])),
    X[..., 0] > 7,
    (X[:, :, 0] > 2),
    (slice(None), np.array([True, False, True])),
    [1, 0],
    (1, [0, 2]),
    np.array(1),
]


@pytest.mark.parametrize("key", KEYS, ids=[f"key{i}" for i in range(len(KEYS))])
def test_get_item(key):
    want = X[key]
    got = ops.get_item(X, key)
    check_value(got, want, 0)
    assert standardize_dtype(got.dtype) == "float32"
    assert ops.get_item(KerasTensor(X.shape), key).shape == want.shape


@pytest.mark.parametrize(
    "key, shape",
    [
        ((Ellipsis, 1), (None, 3)),
        ((slice(None), None, 0), (None, 1, 4)),
        ((slice(1, None), slice(None, None, 2)), (None, 2, 4)),
        (0, (3, 4)),
        ((slice(None), np.array([0, 2])), (None, 2, 4)),
        ((slice(None), np.array([True, False, True])), (None, 2, 4)),
        ((slice(None), KerasTensor((3,), "bool")), (None, None, 4)),
        ((slice(None), KerasTensor((5, 2), "int32"), 1), (None, 5, 2)),
    ],
)
def test_get_item_symbolic_batch(key, shape):
    out = ops.get_item(KerasTensor((None, 3, 4), "float16"), key)
    assert out.shape == shape and out.dtype == "float16"


def test_get_item_with_backend_tensor_index():
    x = ops.convert_to_tensor(X) if hasattr(ops, "convert_to_tensor") else X
    idx = ops.arange(2)
    check_value(ops.get_item(x, (slice(None), idx)), X[:, np.arange(2)], 0)
    check_value(
        ops.get_item(x, ops.greater(ops.sum(x, axis=(1, 2)), 100)), X[X.sum((1, 2)) > 100], 0
    )


GRADIENTS = {
    "matmul": (lambda a, b: ops.matmul(a, b), GA, GA.T),
    "tensordot": (lambda a, b: ops.tensordot(a, b, axes=1), GA, GA.T),
    "einsum": (lambda a, b: ops.einsum("ij,j->i", a, b), GA, GB),
    "outer_kron": (lambda a, b: ops.sum(ops.outer(a, b)) + ops.sum(ops.kron(a, b)), GA, GB),
    "cross": (lambda a, b: ops.cross(a, b), GA, GA[::-1].copy()),
    "get_item": (
        lambda a: (
            ops.get_item(a, (slice(None), np.array([0, 2])))
            + ops.get_item(a, (None, 1, slice(1, None))) * ops.get_item(a, (Ellipsis, -1))[:, None]
        ),
        GA,
    ),
    "correlate": (lambda a, b: ops.correlate(a, b, mode="full"), GB, GB[:2]),
    "trapezoid_diff": (lambda a: ops.trapezoid(a, axis=1) + ops.sum(ops.diff(a, axis=1)), GA),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])
