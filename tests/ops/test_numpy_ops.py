"""NumPy-style ops against NumPy: values, shapes, dtypes (Keras 3 rules), symbolic shapes, and
gradients (float64 finite differences) on the training backends."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.backend import KerasTensor, standardize_dtype
from tests.conftest import BACKEND, requires_training, to_numpy
from tests.helpers import check_gradients

rng = np.random.default_rng(0)
A = rng.standard_normal((2, 3)).astype("float32")  # batch-like inputs have a leading 2
A3 = rng.standard_normal((2, 3, 4)).astype("float32")
V3 = rng.standard_normal((3,)).astype("float32")  # other dims are never 2
M34 = rng.standard_normal((3, 4)).astype("float32")
SQ = rng.standard_normal((3, 3)).astype("float32")
P = rng.uniform(0.5, 2.0, (2, 3)).astype("float32")
U = rng.uniform(-0.9, 0.9, (2, 3)).astype("float32")
G = rng.uniform(1.5, 3.0, (2, 3)).astype("float32")
I = rng.integers(-4, 5, (2, 3)).astype("int32")  # noqa: E741
IP = rng.integers(1, 6, (2, 3)).astype("int32")
I64 = rng.integers(1, 6, (2, 3)).astype("int64")
U8 = rng.integers(0, 6, (2, 3)).astype("uint8")
I8 = rng.integers(-3, 4, (2, 3)).astype("int8")
F16 = rng.standard_normal((2, 3)).astype("float16")
BM = rng.random((2, 3)) > 0.5
SPECIAL = np.array([[1.0, np.nan, np.inf], [-np.inf, -0.0, -2.0]], "float32")
NAN3 = np.where(rng.random((2, 3, 4)) < 0.25, np.nan, A3).astype("float32")
NAN3[:, :, 0] = 1.0  # no all-NaN slice along axes 1 or 2 (nanargmax needs a value)
NAN2 = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]], "float32")
SORTED = np.array([-1.0, 0.0, 0.5, 2.0], "float32")
IDX = np.array([2, 0, 1, 1], "int32")


class Case:
    def __init__(
        self,
        name,
        args,
        kwargs=None,
        dtype=None,
        ref=None,
        batch=True,
        sym=True,
        sym_args=None,
        tol=1e-5,
    ):
        self.name, self.args, self.kwargs = name, args, kwargs or {}
        self.dtype = dtype  # expected Lamina dtype (of every output); None: the input's dtype
        self.ref = ref or getattr(np, name)
        self.batch = batch  # the output's first axis follows the inputs' (size 2) first axis
        self.sym = sym  # check symbolic shapes (False where they depend on values)
        self.sym_args = sym_args  # which arguments become symbolic (default: every array)
        self.tol = tol

    def __repr__(self):
        return self.name


def C(name, *args, **kw):
    return Case(name, args, **kw)


UNARY_FLOAT = [
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
    ("floor", A),
    ("ceil", A),
    ("fabs", A),
    ("sinc", A),
    ("reciprocal", P),
    ("cbrt", A),
    ("deg2rad", A),
    ("rad2deg", A),
    ("i0", A),
    ("angle", A),
]
UNARY_KEEP = [
    "abs",
    "absolute",
    "negative",
    "sign",
    "square",
    "trunc",
    "conj",
    "conjugate",
    "real",
    "imag",
    "copy",
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

CASES = (
    [C(n, x, dtype="float32") for n, x in UNARY_FLOAT]
    + [C(n, x) for n in UNARY_KEEP for x in (A, I)]
    + [C(n, SPECIAL, dtype="bool") for n in PREDICATES]
    + [C(n, A, V3, dtype="bool" if n in BOOL_OUT else "float32") for n in BINARY]
    + [
        # Keras 3 dtype rules on integer, bool, half and mixed inputs
        C("sqrt", IP, dtype="float32"),
        C("exp", I8, dtype="float32"),
        C("log", BM, dtype="float32"),
        C("floor", I, dtype="float32"),
        C("cbrt", I64, dtype="float64"),
        C("sin", F16),
        C("deg2rad", I64, dtype="float64"),
        C("square", BM, dtype="int32"),
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
        C("bitwise_invert", I, dtype="int32", ref=np.invert),
        C("bitwise_not", U8, dtype="uint8", ref=np.invert),
        C("left_shift", IP, 2, dtype="int32"),
        C("right_shift", IP, 1, dtype="int32"),
        C("bitwise_left_shift", U8, U8, dtype="uint8", ref=np.left_shift),
        C("bitwise_right_shift", IP, IP, dtype="int32", ref=np.right_shift),
        C("round", A * 10, dtype="float32"),
        C("round", A, 1, dtype="float32"),
        C("round", I * 13, -1, dtype="int32"),
        C("nan_to_num", SPECIAL, dtype="float32"),
        C("nan_to_num", SPECIAL, kwargs={"nan": 1.0, "posinf": 5.0, "neginf": -5.0}),
        C("clip", A, -0.5, 0.5),
        C("clip", I, -1, 2),
        C("clip", BM, 0, 1, dtype="int32"),
        C("isclose", A, A + 1e-7, dtype="bool"),
        C("allclose", A, A + 1e-3, dtype="bool", batch=False),
        C("isin", I, np.array([0, 1, 2]), dtype="bool"),
        C("where", BM, A, V3, dtype="float32"),
        C("where", BM, I, 2.5, dtype="float32"),
        C("where", BM, 1, 2, dtype="int32"),
        # Reductions
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
        C("sort", A3, kwargs={"axis": 1}),
        C("sort", I),
        C("sort", A, kwargs={"axis": None}, batch=False),
        C("argsort", A3, kwargs={"axis": 1}, dtype="int32"),
        C("argsort", SQ, kwargs={"axis": None}, dtype="int32", batch=False),
        C("searchsorted", SORTED, A, dtype="int32", batch=False),
        C("searchsorted", SORTED, SORTED, kwargs={"side": "right"}, dtype="int32", batch=False),
        C("digitize", A, SORTED, dtype="int32", ref=lambda x, b: np.digitize(x, b)),
        C("gcd", I, IP, dtype="int32"),
        C("lcm", I, IP, dtype="int32"),
        C("gcd", U8, np.array([4, 6, 9], "uint8"), dtype="uint8"),
        C("ldexp", A, IP, dtype="float32"),
        C("ldexp", F16, I8, dtype="float16"),
        C("ldexp", IP, I, dtype="float32"),
        C("nextafter", A, V3, dtype="float32", tol=0.0),
        C("nextafter", F16, np.array([0.0, 5.0, -1.0], "float16"), dtype="float16", tol=0.0),
        C("nextafter", np.zeros((2, 3), "float32"), A, dtype="float32", tol=0.0),
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
        # Creation
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
        # Shape and layout
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
        C("unravel_index", np.array([1, 7, 11]), (3, 4), dtype="int64", batch=False),
        C("unravel_index", IDX, (2, 3), dtype="int32", batch=False),
        # Products
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
)

HISTOGRAM_DTYPES = ("int32", "float32")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _expected_dtype(case, i, inputs):
    if case.name == "histogram":
        return HISTOGRAM_DTYPES[i]
    if case.dtype is not None:
        return case.dtype
    first = next(a for a in _leaves(inputs) if isinstance(a, np.ndarray))
    return standardize_dtype(first.dtype)


def _check_value(got, want, tol):
    got = to_numpy(got)
    want = np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape} != NumPy's {want.shape}"
    if got.dtype == bool or want.dtype == bool:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(
            got.astype("float64"), want.astype("float64"), rtol=tol, atol=tol, equal_nan=True
        )


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_numpy(case):
    out = getattr(ops, case.name)(*case.args, **case.kwargs)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's notes on NaN and empty slices
        ref = case.ref(*case.args, **case.kwargs)
    outs, refs = _as_list(out), _as_list(ref)
    assert len(outs) == len(refs)
    half = any(np.asarray(a).dtype == "float16" for a in _leaves(case.args))
    for i, (o, r) in enumerate(zip(outs, refs)):
        assert standardize_dtype(o.dtype) == _expected_dtype(case, i, case.args), case.name
        loose = case.tol and (half or np.asarray(r).dtype == "float16")
        _check_value(o, r, 2e-3 if loose else case.tol)


def _leaves(args):
    for a in args:
        if isinstance(a, list):
            yield from a
        else:
            yield a


def _symbolic(args, batch, which):
    """Array arguments as KerasTensors; with ``batch``, a leading 2 of a >= 2-D array is None."""

    def sym(a):
        if isinstance(a, np.ndarray) and a.ndim:
            shape = (None, *a.shape[1:]) if batch and a.ndim > 1 and a.shape[0] == 2 else a.shape
            return KerasTensor(shape, standardize_dtype(a.dtype))
        return a

    which = range(len(args)) if which is None else which
    return [
        ([sym(v) for v in a] if isinstance(a, list) else sym(a)) if i in which else a
        for i, a in enumerate(args)
    ]


@pytest.mark.parametrize("batch", [False, True], ids=["static", "batch"])
@pytest.mark.parametrize("case", [c for c in CASES if c.sym], ids=repr)
def test_symbolic_shape_and_dtype(case, batch):
    if batch and not case.batch:
        pytest.skip("the output's first axis does not follow the inputs'")
    eager = _as_list(getattr(ops, case.name)(*case.args, **case.kwargs))
    out = _as_list(
        getattr(ops, case.name)(*_symbolic(case.args, batch, case.sym_args), **case.kwargs)
    )
    assert len(out) == len(eager)
    for s, e in zip(out, eager):
        assert isinstance(s, KerasTensor)
        want = tuple(e.shape)
        if batch:
            want = (None, *want[1:])
        assert s.shape == want
        assert s.dtype == standardize_dtype(e.dtype)


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
    _check_value(out, ref, 1e-5)


def test_ndim_and_results_on_symbolic_creation():
    k = KerasTensor((None, 3), "int32")
    assert ops.ndim(k) == 2 and ops.ndim(np.ones((2, 3, 4))) == 3
    assert ops.zeros_like(k, dtype="float16").dtype == "float16"
    assert ops.full_like(k, 2).shape == (None, 3)
    assert ops.size(k).dtype == "int32"


# Value-dependent shapes --------------------------------------------------------------------------


def test_nonzero_where_bincount_argpartition():
    x = np.array([[0, 3, 0], [2, 0, 1]], "int32")
    for got, want in zip(ops.nonzero(x), np.nonzero(x)):
        assert standardize_dtype(got.dtype) == "int32"
        _check_value(got, want, 0)
    for got, want in zip(ops.where(x > 0), np.where(x > 0)):
        _check_value(got, want, 0)
    k = KerasTensor((None, 3))
    assert [t.shape for t in ops.nonzero(k)] == [(None,), (None,)]
    counts = ops.bincount(np.array([0, 1, 1, 3]))
    assert standardize_dtype(counts.dtype) == "int32"
    _check_value(counts, [1, 2, 0, 1], 0)
    weighted = ops.bincount(
        np.array([0, 1, 1]), weights=np.array([0.5, 1.0, 2.0], "float32"), minlength=4
    )
    assert standardize_dtype(weighted.dtype) == "float32"
    _check_value(weighted, [0.5, 3.0, 0, 0], 1e-6)
    assert ops.bincount(KerasTensor((None,), "int32")).shape == (None,)
    x = rng.standard_normal((2, 7)).astype("float32")
    idx = to_numpy(ops.argpartition(x, 3, axis=1))
    assert sorted(idx[0].tolist()) == list(range(7))
    np.testing.assert_allclose(np.take_along_axis(x, idx, 1)[:, 3], np.sort(x, 1)[:, 3])
    counts, edges = ops.histogram(KerasTensor((None, 3)), bins=5)
    assert counts.shape == (5,) and edges.shape == (6,)


def test_ops_accept_variables_lists_and_operators():
    v = lamina.Variable(np.arange(6, dtype="float32").reshape(2, 3), name="v")
    _check_value(ops.add(v, 1), np.arange(6).reshape(2, 3) + 1, 0)
    _check_value(v[:, 1], [1.0, 4.0], 0)
    _check_value(ops.concatenate([v, v], axis=0), np.tile(np.arange(6).reshape(2, 3), (2, 1)), 0)
    _check_value(ops.mean(v, axis=0), [1.5, 2.5, 3.5], 1e-6)
    _check_value(ops.add([1, 2], 3), [4, 5], 0)
    k = KerasTensor((None, 4))
    assert (k * 2 - 1).shape == (None, 4)
    assert (k / 2).dtype == "float32" and (k < 1).dtype == "bool"
    assert (-(abs(k) ** 2) % 3 // 1).shape == (None, 4)


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
    _check_value(got, want, 0)
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
    _check_value(ops.get_item(x, (slice(None), idx)), X[:, np.arange(2)], 0)
    _check_value(
        ops.get_item(x, ops.greater(ops.sum(x, axis=(1, 2)), 100)), X[X.sum((1, 2)) > 100], 0
    )


# Dtype agreement with Keras 3 (the oracle), on the TensorFlow backend only (Keras runs there) -----

ORACLE_DTYPES = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "float32",
    "float64",
]
ORACLE_UNARY = [
    "nansum",
    "nanmean",
    "nanmax",
    "nanargmax",
    "nancumsum",
    "nanmedian",
    "sqrt",
    "exp",
    "log1p",
    "sin",
    "floor",
    "abs",
    "square",
    "trunc",
    "cbrt",
    "deg2rad",
    "mean",
    "sum",
    "prod",
    "max",
    "std",
    "argmax",
    "argsort",
    "cumsum",
    "median",
    "count_nonzero",
    "isnan",
    "copy",
    "fabs",
    "sinc",
    "angle",
]
ORACLE_BINARY = [
    "gcd",
    "ldexp",
    "nextafter",
    "add",
    "multiply",
    "divide",
    "true_divide",
    "maximum",
    "arctan2",
    "hypot",
    "heaviside",
    "logaddexp",
    "equal",
    "matmul",
    "dot",
    "outer",
    "append",
]
ORACLE_PAIRS = [
    ("uint8", "int8"),
    ("int32", "float32"),
    ("float16", "bfloat16"),
    ("int64", "float16"),
    ("int8", "int8"),
    ("uint8", "uint8"),
    ("int64", "int64"),
    ("float16", "float16"),
    ("int16", "int32"),
]


def _oracle_input(dtype):
    import ml_dtypes

    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
    return (np.arange(1, 7).reshape(2, 3) % 3).astype(np_dtype)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="Keras 3 (the dtype oracle) runs on TF here")
def test_dtypes_match_keras():
    keras = pytest.importorskip("keras")
    mismatches = []

    def compare(name, *args):
        try:
            want = keras.backend.standardize_dtype(getattr(keras.ops, name)(*args).dtype)
        except Exception:  # TF has no kernel for some (op, dtype) pairs; nothing to compare
            return
        got = standardize_dtype(getattr(ops, name)(*args).dtype)
        if got != want:
            mismatches.append(f"{name}{tuple(str(a.dtype) for a in args)}: {got} != {want}")

    for name in ORACLE_UNARY:
        for dtype in ORACLE_DTYPES:
            compare(name, _oracle_input(dtype))
    for name in ORACLE_BINARY:
        for d1, d2 in ORACLE_PAIRS:
            x2 = _oracle_input(d2)
            compare(name, _oracle_input(d1), x2.T if name in ("matmul", "dot") else x2)
    assert not mismatches, "\n".join(mismatches)


# Gradients (float64 finite differences) ----------------------------------------------------------

GA = rng.standard_normal((2, 3))
GP = rng.uniform(0.5, 2.0, (2, 3))
GB = rng.standard_normal((3,))
R3, R6 = np.arange(1.0, 4.0), np.arange(1.0, 7.0)  # weights that make every output count
GRADIENTS = {
    "add": (lambda a, b: ops.add(a, b), GA, GB),
    "subtract": (lambda a, b: ops.subtract(a, b), GA, GB),
    "multiply": (lambda a, b: ops.multiply(a, b), GA, GB),
    "divide": (lambda a, b: ops.divide(a, b), GA, GP),
    "power": (lambda a, b: ops.power(a, b), GP, GA),
    "sqrt": (lambda a: ops.sqrt(a), GP),
    "exp": (lambda a: ops.exp(a), GA),
    "log": (lambda a: ops.log(a), GP),
    "sin_cos_tanh": (lambda a: ops.sin(a) * ops.cos(a) + ops.tanh(a), GA),
    "arctan2": (lambda a, b: ops.arctan2(a, b), GA, GP),
    "hypot": (lambda a, b: ops.hypot(a, b), GA, GP),
    "logaddexp": (lambda a, b: ops.logaddexp(a, b), GA, GB),
    "logaddexp2": (lambda a, b: ops.logaddexp2(a, b), GA, GB),
    "maximum": (lambda a, b: ops.maximum(a, b), GA, GB),
    "clip": (lambda a: ops.clip(a, -0.5, 0.5), GA),
    "abs_square": (lambda a: ops.abs(a) + ops.square(a), GA),
    "sinc": (lambda a: ops.sinc(a), GA),
    "mean_std_var": (lambda a: ops.mean(a, axis=1) + ops.std(a, axis=1) + ops.var(a), GA),
    "sum_prod": (lambda a: ops.sum(a, axis=0) * ops.prod(a), GA),
    "max": (lambda a: ops.max(a, axis=1), GA),
    "cumsum_cumprod": (lambda a: ops.cumsum(a, axis=1) + ops.cumprod(a, axis=0), GA),
    "quantile": (lambda a: ops.quantile(a, 0.3, axis=1), GA),
    "average": (lambda a, w: ops.average(a, axis=1, weights=w), GA, GP),
    "matmul": (lambda a, b: ops.matmul(a, b), GA, GA.T),
    "tensordot": (lambda a, b: ops.tensordot(a, b, axes=1), GA, GA.T),
    "einsum": (lambda a, b: ops.einsum("ij,j->i", a, b), GA, GB),
    "outer_kron": (lambda a, b: ops.sum(ops.outer(a, b)) + ops.sum(ops.kron(a, b)), GA, GB),
    "cross": (lambda a, b: ops.cross(a, b), GA, GA[::-1].copy()),
    "concatenate_stack": (lambda a, b: ops.concatenate([a, ops.stack([b, b])], axis=1), GA, GB),
    "transpose_reshape": (lambda a: ops.multiply(ops.reshape(ops.transpose(a), (6,)), R6), GA),
    "pad_reflect": (lambda a: ops.pad(a, ((1, 0), (2, 1)), mode="reflect") * 1.5, GA),
    "take": (lambda a: ops.multiply(ops.take(a, np.array([2, 0, 2]), axis=1), R3), GA),
    "take_along_axis": (lambda a: ops.take_along_axis(a, np.array([[1], [2]]), axis=1), GA),
    "get_item": (
        lambda a: (
            ops.get_item(a, (slice(None), np.array([0, 2])))
            + ops.get_item(a, (None, 1, slice(1, None))) * ops.get_item(a, (Ellipsis, -1))[:, None]
        ),
        GA,
    ),
    "where_select": (lambda a: ops.where(a > 0, a * 3, a) + ops.select([a < 0], [a * a]), GA),
    "sort": (lambda a: ops.multiply(ops.sort(a, axis=1), R3), GA),
    "roll_flip_tile_repeat": (
        lambda a: (
            ops.sum(ops.roll(a, 1, axis=1) * ops.flip(a, 0))
            + ops.sum(ops.multiply(ops.tile(a, 2) * ops.repeat(a, 2, axis=1), R6))
        ),
        GA,
    ),
    "triu_diagonal_trace": (
        lambda a: (
            ops.sum(ops.triu(ops.matmul(a, ops.transpose(a))))
            + ops.trace(ops.matmul(a, ops.transpose(a)))
            + ops.sum(ops.diagonal(a, 1))
        ),
        GA,
    ),
    "linspace": (lambda a, b: ops.linspace(a, b, 4), GB, GB * 2),
    "correlate": (lambda a, b: ops.correlate(a, b, mode="full"), GB, GB[:2]),
    "trapezoid_diff": (lambda a: ops.trapezoid(a, axis=1) + ops.sum(ops.diff(a, axis=1)), GA),
    "nanmean_nanmax_nanvar": (
        lambda a: ops.nanmean(a, axis=1) + ops.nanmax(a, axis=1) + ops.nanstd(a, axis=1),
        GA,
    ),
    "ldexp": (lambda a: ops.ldexp(a, np.array([1, -2, 3])), GA),
    "median_ptp": (lambda a: ops.median(a, axis=1) + ops.ptp(a, axis=1), GA),
}


@requires_training
@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients(name):
    fn, *args = GRADIENTS[name]
    # (`x * 1` first: TF returns IndexedSlices for a variable fed straight into a gather,
    # which the finite-difference helper cannot compare.)
    check_gradients(lambda *xs: fn(*(ops.multiply(x, 1.0) for x in xs)), *args)


# Inside compiled functions (jax.jit; tf.function with an unknown batch size) ------------------

X35 = rng.standard_normal((4, 3, 5)).astype("float32")
COMPILED = {
    "reduce": lambda a: (
        ops.mean(a, axis=(1, 2)) + ops.std(a, axis=1)[:, 0] + ops.nanmax(a, 1)[:, 0]
    ),
    "get_item": lambda a: (
        ops.get_item(a, (slice(None), np.array([0, 2]), -1)) + a[:, 1:, ::-1][:, 0, :2]
    ),
    "take": lambda a: ops.take(a, np.array([[1, 0], [2, -1]]), axis=1)[:, 0, 0],
    "take_along_axis": lambda a: ops.take_along_axis(a, ops.argsort(a, axis=-1), axis=-1)[:, 0],
    "pad_reflect": lambda a: ops.pad(a, ((0, 0), (1, 1), (2, 0)), mode="reflect")[:, :, 0],
    "split_concat": lambda a: ops.concatenate(ops.split(a, [1, 3], axis=2)[::-1], axis=2)[:, 0],
    "quantile": lambda a: ops.quantile(a, np.array([0.2, 0.5]), axis=-1)[0],
    "einsum_matmul": lambda a: (
        ops.einsum("bij,bkj->bik", a, a)[:, 0] + ops.matmul(a, ops.transpose(a[0]))[:, 0]
    ),
    "linspace": lambda a: ops.linspace(a[:, 0], a[:, 1], 3, axis=1)[:, 0],
    "triangles": lambda a: ops.tril(a)[:, 0] + ops.diagonal(a, axis1=1, axis2=2)[:, :1],
    "repeat_tile": lambda a: ops.repeat(a, 2, axis=1)[:, 0] + ops.tile(a, (1, 2, 1))[:, 5],
    "where_clip": lambda a: ops.where(a > 0, ops.clip(a, 0.1, 0.5), ops.logaddexp(a, 0.0))[:, 0],
}


@pytest.mark.skipif(
    BACKEND not in ("jax", "tensorflow"), reason="compiles with jax.jit / tf.function"
)
@pytest.mark.parametrize("name", sorted(COMPILED))
def test_ops_in_compiled_functions(name):
    fn = COMPILED[name]
    if BACKEND == "jax":
        import jax

        compiled = jax.jit(fn)
    else:
        import tensorflow as tf

        spec = tf.TensorSpec((None, 3, 5), tf.float32)
        compiled = tf.function(fn, input_signature=[spec], autograph=False)
    _check_value(compiled(ops.convert_to_tensor(X35)), to_numpy(fn(X35)), 1e-5)


# Errors name the op and the argument -------------------------------------------------------------


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (
            lambda: ops.split(np.ones((2, 10)), 3, axis=1),
            ValueError,
            ["ops.split", "indices_or_sections", "does not divide", "10"],
        ),
        (lambda: ops.mean(np.ones((2, 3)), axis=2), ValueError, ["ops.mean", "axis", "rank 2"]),
        (lambda: ops.sum(KerasTensor((None, 3)), axis=-3), ValueError, ["ops.sum", "axis"]),
        (
            lambda: ops.pad(np.ones(3), 1, mode="circular"),
            ValueError,
            ["ops.pad", "mode", "circular"],
        ),
        (lambda: ops.squeeze(np.ones((2, 3)), axis=0), ValueError, ["ops.squeeze", "axis", "2"]),
        (lambda: ops.where(np.ones(2) > 0, 1.0), ValueError, ["ops.where", "x2"]),
        (
            lambda: ops.quantile(np.ones(3), 0.5, method="cubic"),
            ValueError,
            ["ops.quantile", "method", "cubic"],
        ),
        (lambda: ops.einsum(np.ones(3), np.ones(3)), TypeError, ["ops.einsum", "subscripts"]),
        (lambda: ops.concatenate([]), ValueError, ["ops.concatenate", "xs"]),
        (
            lambda: ops.broadcast_to(np.ones((2, 3)), (3, 3)),
            ValueError,
            ["ops.broadcast_to", "(2, 3)", "(3, 3)"],
        ),
        (lambda: ops.transpose(np.ones((2, 3)), (0,)), ValueError, ["ops.transpose", "axes"]),
        (
            lambda: ops.concatenate([KerasTensor((None, 3)), KerasTensor((None, 4))], axis=0),
            ValueError,
            ["ops.concatenate", "axis 1"],
        ),
        (
            lambda: ops.get_item(KerasTensor((None, 3)), (0, 1, 2)),
            IndexError,
            ["ops.get_item", "too many indices"],
        ),
        (
            lambda: ops.get_item(KerasTensor((None, 3)), (0, 5)),
            IndexError,
            ["ops.get_item", "out of bounds"],
        ),
        (
            lambda: ops.searchsorted(np.ones((2, 2)), 1.0),
            ValueError,
            ["ops.searchsorted", "sorted_sequence", "1-D"],
        ),
        (lambda: ops.zeros((2, -1)), ValueError, ["ops.zeros", "shape"]),
        (
            lambda: ops.bincount(np.array([1, 2]), sparse=True),
            ValueError,
            ["ops.bincount", "sparse"],
        ),
        (
            lambda: ops.cross(np.ones((2, 4)), np.ones((2, 3))),
            ValueError,
            ["ops.cross", "axisa", "4"],
        ),
    ],
)
def test_errors_name_op_and_argument(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


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
