"""Element-wise ops of one input (`ops.numpy.unary`: abs, sign, rounding, complex parts,
predicates, clip, ...) against NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes
and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor
from tests.conftest import requires_training, to_numpy
from tests.ops.numpy_cases import (
    BM,
    GA,
    SPECIAL,
    U8,
    A,
    C,
    I,
    check_matches_numpy,
    check_op_gradients,
    check_symbolic,
    symbolic_cases,
)

FLOAT_RESULT = ["floor", "ceil", "fabs", "angle"]
KEEP_DTYPE = [
    "abs",
    "absolute",
    "negative",
    "sign",
    "trunc",
    "conj",
    "conjugate",
    "real",
    "imag",
]
PREDICATES = [
    "isnan",
    "isinf",
    "isfinite",
    "isneginf",
    "isposinf",
    "isreal",
    "signbit",
    "logical_not",
]

CASES = (
    [C(n, A, dtype="float32") for n in FLOAT_RESULT]
    + [C(n, x) for n in KEEP_DTYPE for x in (A, I)]
    + [C(n, SPECIAL, dtype="bool") for n in PREDICATES]
    + [
        # Keras 3 dtype rules on integer and bool inputs
        C("floor", I, dtype="float32"),
        C("bitwise_invert", I, dtype="int32", ref=np.invert),
        C("bitwise_not", U8, dtype="uint8", ref=np.invert),
        C("round", A * 10, dtype="float32"),
        C("round", A, 1, dtype="float32"),
        C("round", I * 13, -1, dtype="int32"),
        C("nan_to_num", SPECIAL, dtype="float32"),
        C("nan_to_num", SPECIAL, kwargs={"nan": 1.0, "posinf": 5.0, "neginf": -5.0}),
        C("clip", A, -0.5, 0.5),
        C("clip", I, -1, 2),
        C("clip", BM, 0, 1, dtype="int32"),
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
    "clip": (lambda a: ops.clip(a, -0.5, 0.5), GA),
    "abs_square": (lambda a: ops.abs(a) + ops.square(a), GA),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])


@pytest.mark.parametrize("name", ["abs", "absolute", "real", "imag"])
@pytest.mark.parametrize("dtype,part", [("complex64", "float32"), ("complex128", "float64")])
def test_parts_of_complex_numbers_are_real(name, dtype, part):
    """As NumPy and Keras: the magnitude and the real and imaginary parts of complex numbers
    are floats of the matching width (eager and symbolic)."""
    x = np.array([3 + 4j, -1.5 - 2j], dtype=dtype)
    got = getattr(ops, name)(x)
    want = getattr(np, name)(x)
    assert ops.dtype(got) == part
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-6)
    assert getattr(ops, name)(KerasTensor((2,), dtype)).dtype == part
    assert getattr(ops, name)(KerasTensor((2,), "int32")).dtype == "int32"
