"""Reductions, NaN-ignoring reductions, sorting and searching (`ops.numpy.reductions`) against
NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from tests.conftest import requires_training
from tests.ops.numpy_cases import (
    A3,
    BM,
    F16,
    GA,
    GP,
    I8,
    I64,
    IP,
    NAN2,
    NAN3,
    R3,
    SORTED,
    SQ,
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

CASES = [
    C("sum", A, batch=False),
    C("sum", A3, kwargs={"axis": 1}),
    C("sum", A3, kwargs={"axis": (0, 2)}, batch=False),
    C("sum", BM, dtype="int32", batch=False),
    C("sum", U8, dtype="uint32", batch=False),
    C("sum", I8, dtype="int32", batch=False),
    C("sum", I64, kwargs={"axis": -1, "keepdims": True}, dtype="int64"),
    C("prod", A, kwargs={"axis": 1}),
    C("prod", I8, dtype="int32", batch=False),
    C("prod", IP, kwargs={"dtype": "float32"}, dtype="float32", batch=False),
    C("mean", A3, kwargs={"axis": (1, 2)}),
    C("mean", I, dtype="float32", batch=False),
    C("mean", F16, kwargs={"axis": 1}),
    C("mean", A3, kwargs={"axis": 1, "keepdims": True}),
    C("max", A3, kwargs={"axis": 2}),
    C("max", I, kwargs={"axis": 0, "keepdims": True}, batch=False),
    C("max", A, kwargs={"initial": 1.0}, batch=False),
    C("min", A3, kwargs={"axis": -1}),
    C("min", I, batch=False),
    C("amax", A3, kwargs={"axis": (1, 2)}),
    C("amin", A, batch=False),
    C("ptp", A3, kwargs={"axis": 1}),
    C("std", A3, kwargs={"axis": 1}),
    C("std", I, dtype="float32", batch=False),
    C("var", A3, batch=False),
    C("var", F16, kwargs={"axis": 1}),
    C("all", BM, kwargs={"axis": 1}, dtype="bool"),
    C("any", I, dtype="bool", batch=False),
    C("all", A3, kwargs={"axis": (1, 2), "keepdims": True}, dtype="bool"),
    C("argmax", A3, kwargs={"axis": 1}, dtype="int32"),
    C("argmax", A, dtype="int32", batch=False),
    C("argmin", A3, kwargs={"axis": -1, "keepdims": True}, dtype="int32"),
    C("argmin", I, dtype="int32", batch=False),
    C("count_nonzero", I, kwargs={"axis": 1}, dtype="int32"),
    C("count_nonzero", BM, dtype="int32", batch=False),
    C("median", A3, kwargs={"axis": 1}),
    C("median", I, dtype="float32", batch=False),
    C("quantile", A3, 0.3, kwargs={"axis": 2}),
    C("quantile", A3, np.array([0.1, 0.9]), kwargs={"axis": 2, "method": "lower"}, batch=False),
    C("quantile", A3, 0.75, kwargs={"axis": (1, 2), "keepdims": True, "method": "midpoint"}),
    C("quantile", A, 0.4, kwargs={"method": "nearest"}, batch=False),
    C("quantile", A, 0.4, kwargs={"axis": 1, "method": "higher"}),
    C("percentile", I, 40, kwargs={"axis": 1}, dtype="float32"),
    C("average", A3, kwargs={"axis": 1}),
    C("average", I, dtype="float32", batch=False),
    C("average", A, kwargs={"axis": 1, "weights": P}),
    C("average", A, kwargs={"axis": 1, "weights": V3}),
    C("cumsum", A3, kwargs={"axis": 1}),
    C("cumsum", A, batch=False),
    C("cumsum", BM, kwargs={"axis": 1}, dtype="int32"),
    C("cumsum", I, kwargs={"axis": 1, "dtype": "float32"}, dtype="float32"),
    C("cumprod", P, kwargs={"axis": -1}),
    C("cumprod", I, kwargs={"axis": 0}),
    # Sorting and searching
    C("sort", A3, kwargs={"axis": 1}),
    C("sort", I),
    C("sort", A, kwargs={"axis": None}, batch=False),
    C("argsort", A3, kwargs={"axis": 1}, dtype="int32"),
    C("argsort", SQ, kwargs={"axis": None}, dtype="int32", batch=False),
    C("searchsorted", SORTED, A, dtype="int32", batch=False),
    C("searchsorted", SORTED, SORTED, kwargs={"side": "right"}, dtype="int32", batch=False),
    C("digitize", A, SORTED, dtype="int32", ref=lambda x, b: np.digitize(x, b)),
    # NaN-ignoring reductions
    C("nansum", NAN3, kwargs={"axis": 1}),
    C("nansum", I, batch=False),
    C("nanprod", NAN2, kwargs={"axis": 1}),
    C("nanmean", NAN3, kwargs={"axis": (1, 2)}),
    C("nanmean", NAN2, kwargs={"axis": 1}),
    C("nanmean", IP, dtype="float32", batch=False),
    C("nanvar", NAN3, kwargs={"axis": 2}),
    C("nanstd", NAN2, kwargs={"axis": 1}),
    C("nanmax", NAN2, kwargs={"axis": 1}),
    C("nanmin", NAN3, kwargs={"axis": -1}),
    C("nanmax", NAN3, batch=False),
    C("nanargmax", NAN3, kwargs={"axis": 1}, dtype="int32"),
    C("nanargmin", NAN3, kwargs={"axis": 2, "keepdims": True}, dtype="int32"),
    C("nancumsum", NAN3, kwargs={"axis": 2}),
    C("nancumprod", NAN2, kwargs={"axis": 1}),
    C("nanquantile", NAN3, 0.3, kwargs={"axis": 2}),
    C("nanquantile", NAN2, 0.5, kwargs={"axis": 1, "method": "lower", "keepdims": True}),
    C("nanpercentile", NAN3, np.array([10.0, 90.0]), kwargs={"axis": (1, 2)}, batch=False),
    C("nanmedian", NAN3, kwargs={"axis": 1}),
    C("nanmedian", I, dtype="float32", batch=False),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    check_matches_numpy(case)


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", symbolic_cases(CASES), ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    check_symbolic(case, batch)


GRADIENTS = {
    "mean_std_var": (lambda a: ops.mean(a, axis=1) + ops.std(a, axis=1) + ops.var(a), GA),
    "sum_prod": (lambda a: ops.sum(a, axis=0) * ops.prod(a), GA),
    "max": (lambda a: ops.max(a, axis=1), GA),
    "cumsum_cumprod": (lambda a: ops.cumsum(a, axis=1) + ops.cumprod(a, axis=0), GA),
    "quantile": (lambda a: ops.quantile(a, 0.3, axis=1), GA),
    "average": (lambda a, w: ops.average(a, axis=1, weights=w), GA, GP),
    "sort": (lambda a: ops.multiply(ops.sort(a, axis=1), R3), GA),
    "nanmean_nanmax_nanvar": (
        lambda a: ops.nanmean(a, axis=1) + ops.nanmax(a, axis=1) + ops.nanstd(a, axis=1),
        GA,
    ),
    "median_ptp": (lambda a: ops.median(a, axis=1) + ops.ptp(a, axis=1), GA),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    check_op_gradients(*GRADIENTS[name])
