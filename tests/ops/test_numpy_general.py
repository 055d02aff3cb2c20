"""NumPy-style ops across families: value-dependent shapes, Variables, lists and operators as
inputs, result dtypes against Keras 3 (the oracle), ops inside compiled functions, and errors
that name the op and the argument. Each family's own tests are in tests/ops/test_numpy_<family>.py."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.backend import KerasTensor, standardize_dtype
from tests.conftest import BACKEND, to_numpy
from tests.ops.numpy_cases import X35, check_value, rng

# Value-dependent shapes --------------------------------------------------------------------------


def test_nonzero_where_bincount_argpartition():
    x = np.array([[0, 3, 0], [2, 0, 1]], "int32")
    for got, want in zip(ops.nonzero(x), np.nonzero(x)):
        assert standardize_dtype(got.dtype) == "int32"
        check_value(got, want, 0)
    for got, want in zip(ops.where(x > 0), np.where(x > 0)):
        check_value(got, want, 0)
    k = KerasTensor((None, 3))
    assert [t.shape for t in ops.nonzero(k)] == [(None,), (None,)]
    counts = ops.bincount(np.array([0, 1, 1, 3]))
    assert standardize_dtype(counts.dtype) == "int32"
    check_value(counts, [1, 2, 0, 1], 0)
    weighted = ops.bincount(
        np.array([0, 1, 1]), weights=np.array([0.5, 1.0, 2.0], "float32"), minlength=4
    )
    assert standardize_dtype(weighted.dtype) == "float32"
    check_value(weighted, [0.5, 3.0, 0, 0], 1e-6)
    assert ops.bincount(KerasTensor((None,), "int32")).shape == (None,)
    x = rng.standard_normal((2, 7)).astype("float32")
    idx = to_numpy(ops.argpartition(x, 3, axis=1))
    assert sorted(idx[0].tolist()) == list(range(7))
    np.testing.assert_allclose(np.take_along_axis(x, idx, 1)[:, 3], np.sort(x, 1)[:, 3])
    counts, edges = ops.histogram(KerasTensor((None, 3)), bins=5)
    assert counts.shape == (5,) and edges.shape == (6,)


def test_ops_accept_variables_lists_and_operators():
    v = lamina.Variable(np.arange(6, dtype="float32").reshape(2, 3), name="v")
    check_value(ops.add(v, 1), np.arange(6).reshape(2, 3) + 1, 0)
    check_value(v[:, 1], [1.0, 4.0], 0)
    check_value(ops.concatenate([v, v], axis=0), np.tile(np.arange(6).reshape(2, 3), (2, 1)), 0)
    check_value(ops.mean(v, axis=0), [1.5, 2.5, 3.5], 1e-6)
    check_value(ops.add([1, 2], 3), [4, 5], 0)
    k = KerasTensor((None, 4))
    assert (k * 2 - 1).shape == (None, 4)
    assert (k / 2).dtype == "float32" and (k < 1).dtype == "bool"
    assert (-(abs(k) ** 2) % 3 // 1).shape == (None, 4)


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


# Inside compiled functions (jax.jit; tf.function with an unknown batch size) ------------------

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
    check_value(compiled(ops.convert_to_tensor(X35)), to_numpy(fn(X35)), 1e-5)


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
