"""Exponentials, logarithms, powers, roots and trigonometric functions (`ops.numpy.transcendental`)
against NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes and gradients."""

from __future__ import annotations

import pytest

from lamina import ops
from tests.conftest import requires_training
from tests.ops.numpy_cases import (
    BM,
    F16,
    GA,
    GP,
    I8,
    I64,
    IP,
    A,
    C,
    G,
    I,
    P,
    U,
    check_matches_numpy,
    check_op_gradients,
    check_symbolic,
    symbolic_cases,
)

FLOAT_RESULT = [
    ("sqrt", P),
    ("exp", A),
    ("expm1", A),
    ("exp2", A),
    ("log", P),
    ("log1p", P),
    ("log2", P),
    ("log10", P),
    ("sin", A),
    ("cos", A),
    ("tan", U),
    ("arcsin", U),
    ("arccos", U),
    ("arctan", A),
    ("sinh", A),
    ("cosh", A),
    ("tanh", A),
    ("arcsinh", A),
    ("arccosh", G),
    ("arctanh", U),
    ("sinc", A),
    ("reciprocal", P),
    ("cbrt", A),
    ("deg2rad", A),
    ("rad2deg", A),
    ("i0", A),
]

CASES = (
    [C(n, x, dtype="float32") for n, x in FLOAT_RESULT]
    + [C("square", x) for x in (A, I)]
    + [
        # Keras 3 dtype rules on integer, bool and half inputs
        C("sqrt", IP, dtype="float32"),
        C("exp", I8, dtype="float32"),
        C("log", BM, dtype="float32"),
        C("cbrt", I64, dtype="float64"),
        C("sin", F16),
        C("deg2rad", I64, dtype="float64"),
        C("square", BM, dtype="int32"),
    ]
)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    check_matches_numpy(case)


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", symbolic_cases(CASES), ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    check_symbolic(case, batch)


GRADIENTS = {
    "sqrt": (lambda a: ops.sqrt(a), GP),
    "exp": (lambda a: ops.exp(a), GA),
    "log": (lambda a: ops.log(a), GP),
    "sin_cos_tanh": (lambda a: ops.sin(a) * ops.cos(a) + ops.tanh(a), GA),
    "sinc": (lambda a: ops.sinc(a), GA),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])
