"""Shared inputs and checks of the NumPy-style op tests (tests/ops/test_numpy_*.py).

Each test file lists `Case`s for its op family and runs them through `check_matches_numpy`
(values, shapes and dtypes against NumPy, with Keras 3's dtype rules) and `check_symbolic`
(symbolic shapes and dtypes, with and without an unknown batch size); `check_op_gradients`
compares gradients with float64 finite differences on the training backends.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lamina import ops
from lamina.backend import KerasTensor, standardize_dtype
from tests.conftest import to_numpy
from tests.helpers import check_gradients

# One generator, drawn in a fixed order at import: every test file sees the same arrays.
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

# float64 inputs of the gradient checks
GA = rng.standard_normal((2, 3))
GP = rng.uniform(0.5, 2.0, (2, 3))
GB = rng.standard_normal((3,))
R3, R6 = np.arange(1.0, 4.0), np.arange(1.0, 7.0)  # weights that make every output count

# input of the compiled-function checks
X35 = rng.standard_normal((4, 3, 5)).astype("float32")


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


HISTOGRAM_DTYPES = ("int32", "float32")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _leaves(args):
    for a in args:
        if isinstance(a, list):
            yield from a
        else:
            yield a


def _expected_dtype(case, i, inputs):
    if case.name == "histogram":
        return HISTOGRAM_DTYPES[i]
    if case.dtype is not None:
        return case.dtype
    first = next(a for a in _leaves(inputs) if isinstance(a, np.ndarray))
    return standardize_dtype(first.dtype)


def check_value(got, want, tol):
    got = to_numpy(got)
    want = np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape} != NumPy's {want.shape}"
    if got.dtype == bool or want.dtype == bool:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(
            got.astype("float64"), want.astype("float64"), rtol=tol, atol=tol, equal_nan=True
        )


def check_matches_numpy(case):
    """The op's values, shapes and dtypes (of every output) against NumPy's."""
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
        check_value(o, r, 2e-3 if loose else case.tol)


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


def symbolic_cases(cases):
    """The cases whose symbolic shapes are checked (not those that depend on values)."""
    return [c for c in cases if c.sym]


def check_symbolic(case, batch):
    """On KerasTensors the op gives the eager result's shape and dtype (with ``batch``, the
    inputs' and the output's first axis unknown)."""
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


def check_op_gradients(fn, *args):
    """Gradients of ``fn`` at the float64 ``args`` against central differences."""
    # (`x * 1` first: TF returns IndexedSlices for a variable fed straight into a gather,
    # which the finite-difference helper cannot compare.)
    check_gradients(lambda *xs: fn(*(ops.multiply(x, 1.0) for x in xs)), *args)
