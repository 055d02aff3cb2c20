"""Shape and layout ops (`ops.numpy.shapes`: reshape, concatenate, split, pad, take, ...)
against NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from tests.conftest import requires_training
from tests.ops.numpy_cases import (
    A3,
    BM,
    GA,
    GB,
    I64,
    IDX,
    R3,
    R6,
    U8,
    V3,
    A,
    C,
    I,
    P,
    U,
    check_matches_numpy,
    check_op_gradients,
    check_symbolic,
    symbolic_cases,
)

CASES = [
    C("reshape", A3, (2, 12), batch=False),
    C("reshape", A3, (-1, 4), batch=False),
    C("expand_dims", A, 1),
    C("expand_dims", A, -1),
    C("expand_dims", A, (1, 3)),
    C("squeeze", A[:, None]),
    C("squeeze", A3[:, :1], kwargs={"axis": 1}),
    C("transpose", A3, batch=False),
    C("transpose", A3, (0, 2, 1)),
    C("moveaxis", A3, 0, -1, batch=False),
    C("moveaxis", A3, (1, 2), (2, 1)),
    C("swapaxes", A3, 1, 2),
    C("swapaxes", A3, 0, 2, batch=False),
    C(
        "concatenate",
        [A, I],
        kwargs={"axis": 1},
        dtype="float32",
        ref=lambda xs, axis: np.concatenate(xs, axis),
    ),
    C(
        "concatenate",
        [A, P, U],
        dtype="float32",
        batch=False,
        ref=lambda xs: np.concatenate(xs),
    ),
    C(
        "concatenate",
        [I, U8],
        kwargs={"axis": -1},
        dtype="int32",
        ref=lambda xs, axis: np.concatenate(xs, axis),
    ),
    C("stack", [A, P], batch=False),
    C("stack", [A, P], kwargs={"axis": 1}),
    C("stack", [I, I64], kwargs={"axis": -1}, dtype="int64"),
    C("hstack", [A, P]),
    C("vstack", [A, P], batch=False),
    C("dstack", [A, P]),
    C("hstack", [V3, V3], batch=False),
    C("vstack", [V3, V3], batch=False),
    C("split", A3, 3, kwargs={"axis": 1}),
    C("split", A3, [1, 3], kwargs={"axis": 2}),
    C("array_split", A3, 3, kwargs={"axis": 2}),
    C("hsplit", A3, 3),
    C("vsplit", A3, 2, batch=False),
    C("dsplit", A3, [1]),
    C("split", A3, 2, batch=False),
    C("tile", A, 2),
    C("tile", A, (2, 1, 2), batch=False),
    C("repeat", A, 2, batch=False),
    C("repeat", A, 2, kwargs={"axis": 1}),
    C("repeat", A, np.array([1, 0, 2]), kwargs={"axis": 1}, sym_args=(0,)),
    C("pad", A, 1, batch=False),
    C("pad", A, ((0, 0), (1, 2))),
    C("pad", A, ((0, 0), (2, 1)), kwargs={"constant_values": 3.5}),
    C("pad", A, ((0, 0), (2, 2)), kwargs={"mode": "reflect"}),
    C("pad", A, ((0, 0), (2, 3)), kwargs={"mode": "symmetric"}),
    C("pad", A, ((0, 0), (2, 1)), kwargs={"mode": "edge"}),
    C("pad", A, ((1, 1), (4, 2)), kwargs={"mode": "wrap"}, batch=False),
    C("pad", I, ((1, 0), (1, 1)), kwargs={"mode": "reflect"}, batch=False),
    C("flip", A3, kwargs={"axis": 1}),
    C("flip", A3, batch=False),
    C("flip", A3, kwargs={"axis": (0, 2)}, batch=False),
    C("fliplr", A),
    C("flipud", A, batch=False),
    C("rot90", A, batch=False),
    C("rot90", A3, kwargs={"k": 2, "axes": (1, 2)}),
    C("rot90", A3, kwargs={"k": -1, "axes": (2, 1)}),
    C("roll", A3, 1, kwargs={"axis": 2}),
    C("roll", A3, (1, -2), kwargs={"axis": (1, 2)}),
    C("roll", A, 4, batch=False),
    C("broadcast_to", V3, (2, 3), batch=False),
    C("take", A3, IDX, kwargs={"axis": 2}),
    C("take", A, np.array([[0, -1], [5, 2]]), batch=False),
    C("take", A3, np.array([-1, 0]), kwargs={"axis": 1}),
    C("take_along_axis", A3, np.argsort(A3, axis=1)[:, :2], kwargs={"axis": 1}),
    C("take_along_axis", A, np.array([[0], [2]]), kwargs={"axis": 1}),
    C("take_along_axis", A, np.array([4, 0]), batch=False, ref=lambda x, i: x.ravel()[i]),
    C("ravel", A, batch=False),
    C("size", A3, dtype="int32", batch=False),
    C("append", A, P, batch=False),
    C("append", A, P, kwargs={"axis": 1}),
    C("diff", A3),
    C("diff", A3, kwargs={"n": 2, "axis": 1}),
    C("diff", I),
    C("diff", BM, dtype="bool"),
    C("unravel_index", np.array([1, 7, 11]), (3, 4), dtype="int64", batch=False),
    C("unravel_index", IDX, (2, 3), dtype="int32", batch=False),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    check_matches_numpy(case)


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", symbolic_cases(CASES), ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    check_symbolic(case, batch)


GRADIENTS = {
    "concatenate_stack": (lambda a, b: ops.concatenate([a, ops.stack([b, b])], axis=1), GA, GB),
    "transpose_reshape": (lambda a: ops.multiply(ops.reshape(ops.transpose(a), (6,)), R6), GA),
    "pad_reflect": (lambda a: ops.pad(a, ((1, 0), (2, 1)), mode="reflect") * 1.5, GA),
    "take": (lambda a: ops.multiply(ops.take(a, np.array([2, 0, 2]), axis=1), R3), GA),
    "take_along_axis": (lambda a: ops.take_along_axis(a, np.array([[1], [2]]), axis=1), GA),
    "roll_flip_tile_repeat": (
        lambda a: (
            ops.sum(ops.roll(a, 1, axis=1) * ops.flip(a, 0))
            + ops.sum(ops.multiply(ops.tile(a, 2) * ops.repeat(a, 2, axis=1), R6))
        ),
        GA,
    ),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])
