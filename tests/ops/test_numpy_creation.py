"""Creation ops (`ops.numpy.creation`: zeros, eye, arange, linspace, tril, diag, windows, ...)
against NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor, standardize_dtype
from tests.conftest import requires_training
from tests.ops.numpy_cases import (
    A3,
    BM,
    F16,
    GA,
    GB,
    M34,
    SQ,
    V3,
    A,
    C,
    I,
    check_matches_numpy,
    check_op_gradients,
    check_symbolic,
    check_value,
    symbolic_cases,
)

CASES = [C("copy", x) for x in (A, I)] + [
    C("zeros_like", I),
    C("ones_like", A, kwargs={"dtype": "int32"}, dtype="int32"),
    C("full_like", I, 2.7, dtype="int32"),
    C("full_like", A, 3.0),
    C("empty_like", A, ref=lambda x: np.zeros_like(x)),
    C("tril", A3),
    C("tril", SQ, -1, batch=False),
    C("triu", M34, 1, batch=False),
    C("triu", BM, dtype="bool"),
    C("diag", V3, batch=False),
    C("diag", M34, 1, batch=False),
    C("diag", V3, -2, batch=False),
    C("diagflat", A, batch=False),
    C("diagonal", A3, batch=False),
    C("diagonal", A3, kwargs={"offset": 1, "axis1": 1, "axis2": 2}),
    C("diagonal", SQ, kwargs={"offset": -1}, batch=False),
    C("vander", V3, batch=False),
    C("vander", V3, kwargs={"N": 4, "increasing": True}, batch=False),
    C("array", A),
    C(
        "array",
        I,
        kwargs={"dtype": "float32"},
        dtype="float32",
        ref=lambda x, dtype: np.array(x, dtype),
    ),
    C("linspace", 0.0, 1.0, 7, dtype="float32", batch=False, sym=False),
    C(
        "linspace",
        0,
        4,
        5,
        kwargs={"endpoint": False, "dtype": "int32"},
        dtype="int32",
        batch=False,
        sym=False,
    ),
    C("linspace", V3, V3 + 1, 4, kwargs={"axis": 1}, batch=False),
    C("logspace", 0.0, 2.0, 5, dtype="float32", batch=False, sym=False),
    C("logspace", 0.0, 3.0, 4, kwargs={"base": 2}, dtype="float32", batch=False, sym=False),
    C("geomspace", 1.0, 8.0, 4, dtype="float32", batch=False, sym=False),
    C("meshgrid", V3, A[0], batch=False),
    C("meshgrid", V3, A[0], kwargs={"indexing": "ij"}, batch=False),
    C("copy", F16),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    check_matches_numpy(case)


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", symbolic_cases(CASES), ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    check_symbolic(case, batch)


# Creation ops that take shapes and sizes --------------------------------------------------------


@pytest.mark.parametrize(
    "call, ref, dtype",
    [
        (lambda: ops.zeros((2, 3)), np.zeros((2, 3)), "float32"),
        (lambda: ops.ones(4, dtype="int32"), np.ones(4), "int32"),
        (lambda: ops.empty((2, 0)), np.zeros((2, 0)), "float32"),
        (lambda: ops.full((2, 2), 3), np.full((2, 2), 3), "float32"),
        (lambda: ops.full((3,), 7, dtype="int64"), np.full(3, 7), "int64"),
        (lambda: ops.eye(3), np.eye(3), "float32"),
        (lambda: ops.eye(3, 4, k=1, dtype="int32"), np.eye(3, 4, k=1), "int32"),
        (lambda: ops.eye(4, 3, k=-2), np.eye(4, 3, k=-2), "float32"),
        (lambda: ops.identity(2, dtype="bool"), np.identity(2, bool), "bool"),
        (lambda: ops.tri(3), np.tri(3), "float32"),
        (lambda: ops.tri(3, 5, k=1, dtype="int32"), np.tri(3, 5, k=1), "int32"),
        (lambda: ops.arange(5), np.arange(5), "int32"),
        (lambda: ops.arange(1, 3, 0.5), np.arange(1, 3, 0.5), "float32"),
        (lambda: ops.arange(6, 0, -2, dtype="float16"), np.arange(6, 0, -2), "float16"),
        (lambda: ops.array([1, 2]), np.array([1, 2]), "int32"),
        (lambda: ops.array([1.5, 2]), np.array([1.5, 2]), "float32"),
        (lambda: ops.linspace(0, 1, 5, retstep=True)[1], np.float32(0.25), "float32"),
        (lambda: ops.hamming(5), np.hamming(5), "float32"),
        (lambda: ops.hanning(6), np.hanning(6), "float32"),
        (lambda: ops.bartlett(5), np.bartlett(5), "float32"),
        (lambda: ops.blackman(5), np.blackman(5), "float32"),
        (lambda: ops.kaiser(6, 2.5), np.kaiser(6, 2.5), "float32"),
        (lambda: ops.size(np.ones((2, 5))), np.int32(10), "int32"),
    ],
)
def test_creation(call, ref, dtype):
    out = call()
    assert standardize_dtype(out.dtype) == dtype
    check_value(out, ref, 1e-5)


def test_ndim_and_results_on_symbolic_creation():
    k = KerasTensor((None, 3), "int32")
    assert ops.ndim(k) == 2 and ops.ndim(np.ones((2, 3, 4))) == 3
    assert ops.zeros_like(k, dtype="float16").dtype == "float16"
    assert ops.full_like(k, 2).shape == (None, 3)
    assert ops.size(k).dtype == "int32"


GRADIENTS = {
    "triu_diagonal_trace": (
        lambda a: (
            ops.sum(ops.triu(ops.matmul(a, ops.transpose(a))))
            + ops.trace(ops.matmul(a, ops.transpose(a)))
            + ops.sum(ops.diagonal(a, 1))
        ),
        GA,
    ),
    "linspace": (lambda a, b: ops.linspace(a, b, 4), GB, GB * 2),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])
