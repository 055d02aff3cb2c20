"""Element-wise ops of two inputs, comparison and selection (`ops.numpy.binary`) against NumPy:
values, shapes, dtypes (Keras 3 rules, mixed inputs), symbolic shapes and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from tests.conftest import requires_training
from tests.ops.numpy_cases import (
    BM,
    F16,
    GA,
    GB,
    GP,
    I8,
    I64,
    IP,
    U8,
    V3,
    A,
    C,
    I,
    P,
    check_matches_numpy,
    check_op_gradients,
    check_symbolic,
    symbolic_cases,
)

BINARY = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "arctan2",
    "hypot",
    "logaddexp",
    "logaddexp2",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
]
BOOL_OUT = {
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
}

CASES = [C(n, A, V3, dtype="bool" if n in BOOL_OUT else "float32") for n in BINARY] + [
    # Keras 3 dtype rules on integer, bool, half and mixed inputs
    C("divide", I, IP, dtype="float32"),
    C("true_divide", I64, I64, dtype="float32"),
    C("floor_divide", I, IP, dtype="int32"),
    C("floor_divide", A, V3, dtype="float32"),
    C("mod", I, IP, dtype="int32"),
    C("mod", A, V3, dtype="float32"),
    C("fmod", I, IP, dtype="int32"),
    C("fmod", A, V3, dtype="float32"),
    C("power", P, A, dtype="float32"),
    C("power", IP, 2, dtype="int32"),
    C("hypot", I64, I64, dtype="float64"),
    C("heaviside", A, V3, dtype="float32"),
    C("heaviside", I, IP, dtype="float32"),
    C("add", I, 2.5, dtype="float32"),
    C("add", F16, 2, dtype="float16"),
    C("multiply", U8, I8, dtype="int16"),
    C("subtract", I64, F16, dtype="float16"),
    C("maximum", U8, 3, dtype="uint8"),
    C("add", F16, A, dtype="float32"),
    C(
        "divide_no_nan",
        A,
        np.array([0.0, 2.0, -1.0], "float32"),
        dtype="float32",
        ref=lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)),
    ),
    C("bitwise_and", IP, I, dtype="int32"),
    C("bitwise_or", IP, I, dtype="int32"),
    C("bitwise_xor", IP, I, dtype="int32"),
    C("left_shift", IP, 2, dtype="int32"),
    C("right_shift", IP, 1, dtype="int32"),
    C("bitwise_left_shift", U8, U8, dtype="uint8", ref=np.left_shift),
    C("bitwise_right_shift", IP, IP, dtype="int32", ref=np.right_shift),
    C("isclose", A, A + 1e-7, dtype="bool"),
    C("allclose", A, A + 1e-3, dtype="bool", batch=False),
    C("isin", I, np.array([0, 1, 2]), dtype="bool"),
    C("where", BM, A, V3, dtype="float32"),
    C("where", BM, I, 2.5, dtype="float32"),
    C("where", BM, 1, 2, dtype="int32"),
    # Integer and floating-point arithmetic
    C("gcd", I, IP, dtype="int32"),
    C("lcm", I, IP, dtype="int32"),
    C("gcd", U8, np.array([4, 6, 9], "uint8"), dtype="uint8"),
    C("ldexp", A, IP, dtype="float32"),
    C("ldexp", F16, I8, dtype="float16"),
    C("ldexp", IP, I, dtype="float32"),
    C("nextafter", A, V3, dtype="float32", tol=0.0),
    C("nextafter", F16, np.array([0.0, 5.0, -1.0], "float16"), dtype="float16", tol=0.0),
    C("nextafter", np.zeros((2, 3), "float32"), A, dtype="float32", tol=0.0),
    # Selection
    C(
        "select",
        [A > 0, A < -0.5],
        [A, P],
        dtype="float32",
        batch=False,
        ref=lambda c, v: np.select(c, v),
    ),
    C(
        "select",
        [BM],
        [I],
        kwargs={"default": 2.5},
        dtype="float32",
        batch=False,
        ref=lambda c, v, default: np.select(c, v, default),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    check_matches_numpy(case)


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", symbolic_cases(CASES), ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    check_symbolic(case, batch)


GRADIENTS = {
    "add": (lambda a, b: ops.add(a, b), GA, GB),
    "subtract": (lambda a, b: ops.subtract(a, b), GA, GB),
    "multiply": (lambda a, b: ops.multiply(a, b), GA, GB),
    "divide": (lambda a, b: ops.divide(a, b), GA, GP),
    "power": (lambda a, b: ops.power(a, b), GP, GA),
    "arctan2": (lambda a, b: ops.arctan2(a, b), GA, GP),
    "hypot": (lambda a, b: ops.hypot(a, b), GA, GP),
    "logaddexp": (lambda a, b: ops.logaddexp(a, b), GA, GB),
    "logaddexp2": (lambda a, b: ops.logaddexp2(a, b), GA, GB),
    "maximum": (lambda a, b: ops.maximum(a, b), GA, GB),
    "where_select": (lambda a: ops.where(a > 0, a * 3, a) + ops.select([a < 0], [a * a]), GA),
    "ldexp": (lambda a: ops.ldexp(a, np.array([1, -2, 3])), GA),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])
