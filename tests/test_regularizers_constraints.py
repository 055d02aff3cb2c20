"""Regularizers and constraints: values against NumPy and Keras 3, dtypes, gradients, configs."""

import json

import numpy as np
import pytest

import lamina
from lamina import constraints, regularizers
from tests.conftest import requires_training
from tests.helpers import check_gradients

EPS = 1e-7


def to_numpy(x):
    return np.asarray(lamina.backend.convert_to_numpy(x))


def dtype_of(x):
    return lamina.backend.standardize_dtype(x.dtype)


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def weights(shape=(4, 3), dtype="float32", seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


# NumPy references ----------------------------------------------------------------------------
def np_orthogonal(w, factor, mode):
    w = w.astype(np.float64)
    axis = 1 if mode == "rows" else 0
    unit = w / np.maximum(np.sqrt(np.sum(w * w, axis=axis, keepdims=True)), EPS)
    product = unit @ unit.T if mode == "rows" else unit.T @ unit
    size = product.shape[0]
    off = np.abs(product * (1.0 - np.eye(size)))
    return factor * 0.5 * off.sum() / (size * (size - 1) / 2.0)


def np_norms(w, axis):
    return np.sqrt(np.sum(np.square(w.astype(np.float64)), axis=axis, keepdims=True))


def np_max_norm(w, max_value, axis):
    n = np_norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def np_min_max_norm(w, lo, hi, rate, axis):
    n = np_norms(w, axis)
    desired = rate * np.clip(n, lo, hi) + (1 - rate) * n
    return w * (desired / (EPS + n))


def np_unit_norm(w, axis):
    return w / (EPS + np_norms(w, axis))


# Regularizers --------------------------------------------------------------------------------
REGULARIZER_CASES = [
    (regularizers.L1(0.3), lambda w: 0.3 * np.abs(w).sum()),
    (regularizers.L2(0.2), lambda w: 0.2 * np.square(w).sum()),
    (regularizers.L1L2(l1=0.1, l2=0.05), lambda w: 0.1 * np.abs(w).sum() + 0.05 * (w**2).sum()),
    (regularizers.L1L2(l2=0.5), lambda w: 0.5 * np.square(w).sum()),
    (regularizers.L1L2(), lambda w: 0.0),
    (regularizers.OrthogonalRegularizer(0.5), lambda w: np_orthogonal(w, 0.5, "rows")),
    (
        regularizers.OrthogonalRegularizer(0.5, mode="columns"),
        lambda w: np_orthogonal(w, 0.5, "columns"),
    ),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", REGULARIZER_CASES, ids=lambda c: repr(c[0]))
def test_regularizer_values_against_numpy(case, dtype):
    reg, reference = case
    w = weights(dtype=dtype)
    out = reg(w)
    assert dtype_of(out) == dtype and tuple(out.shape) == ()
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(to_numpy(out), reference(w.astype(np.float64)), rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: regularizers.L1(0.01), lambda k: k.regularizers.L1(0.01)),
        (lambda: regularizers.L2(0.01), lambda k: k.regularizers.L2(0.01)),
        (lambda: regularizers.L1L2(0.02, 0.03), lambda k: k.regularizers.L1L2(0.02, 0.03)),
        (
            lambda: regularizers.OrthogonalRegularizer(0.1),
            lambda k: k.regularizers.OrthogonalRegularizer(0.1),
        ),
        (
            lambda: regularizers.OrthogonalRegularizer(0.1, "columns"),
            lambda k: k.regularizers.OrthogonalRegularizer(0.1, "columns"),
        ),
    ],
)
def test_regularizer_values_against_keras(keras, ours, theirs):
    w = weights(seed=1)
    # Keras's OrthogonalRegularizer mishandles NumPy inputs in columns mode: give it a tensor.
    want = np.asarray(theirs(keras)(keras.ops.convert_to_tensor(w)))
    np.testing.assert_allclose(to_numpy(ours()(w)), want, rtol=1e-5)


def test_regularizers_take_variables_and_tensors():
    w = weights()
    v = lamina.Variable(w, name="kernel")
    t = lamina.backend.convert_to_tensor(w)
    for reg in (
        regularizers.L2(0.1),
        regularizers.L1L2(0.1, 0.1),
        regularizers.OrthogonalRegularizer(),
    ):
        np.testing.assert_allclose(to_numpy(reg(v)), to_numpy(reg(w)), rtol=1e-6)
        np.testing.assert_allclose(to_numpy(reg(t)), to_numpy(reg(w)), rtol=1e-6)


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows():
    q = np.linalg.qr(weights((4, 3), dtype="float64"))[0].T.astype("float32")  # orthonormal rows
    assert abs(float(to_numpy(regularizers.OrthogonalRegularizer(1.0)(q)))) < 1e-5
    assert (
        float(to_numpy(regularizers.OrthogonalRegularizer(1.0)(np.ones((3, 2), "float32")))) > 0.4
    )


@requires_training
@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1L2(0.1, 0.4),
        regularizers.OrthogonalRegularizer(0.5),
    ],
    ids=repr,
)
def test_regularizer_gradients(reg):
    check_gradients(reg, weights(dtype="float64", seed=2))


def test_regularizer_argument_errors():
    for bad in (-0.1, float("nan"), float("inf"), "0.1", True):
        with pytest.raises(ValueError, match="`l2` must be a finite non-negative float"):
            regularizers.L2(bad)
    with pytest.raises(ValueError, match="`mode`"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="rank-2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    assert regularizers.L1(None).l1 == 0.01 and regularizers.L1L2(None, None).get_config() == {
        "l1": 0.0,
        "l2": 0.0,
    }


@pytest.mark.parametrize(
    "name, cls",
    [
        ("l1", regularizers.L1),
        ("l2", regularizers.L2),
        ("l1_l2", regularizers.L1L2),
        ("l1l2", regularizers.L1L2),
        ("orthogonal_regularizer", regularizers.OrthogonalRegularizer),
        ("L1", regularizers.L1),
        ("L1L2", regularizers.L1L2),
        ("OrthogonalRegularizer", regularizers.OrthogonalRegularizer),
    ],
)
def test_regularizer_get_by_name(name, cls):
    assert type(regularizers.get(name)) is cls


def test_regularizer_get_other_identifiers():
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg
    assert regularizers.get(None) is None
    assert type(regularizers.get(regularizers.L1)) is regularizers.L1
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.3}}).l2 == 0.3

    def fn(x):
        return lamina.ops.sum(x)

    assert regularizers.get(fn) is fn
    assert regularizers.l2 is regularizers.L2 and regularizers.l1_l2 is regularizers.L1L2
    with pytest.raises(ValueError, match="Unknown regularizer"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="Could not interpret"):
        regularizers.get(0.1)


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(0.2),
        regularizers.L2(0.3),
        regularizers.L1L2(0.1, 0.2),
        regularizers.OrthogonalRegularizer(0.2, "columns"),
    ],
    ids=repr,
)
def test_regularizer_config_round_trip(reg):
    config = reg.get_config()
    assert type(reg).from_config(config).get_config() == config
    restored = regularizers.deserialize(json.loads(json.dumps(regularizers.serialize(reg))))
    assert type(restored) is type(reg) and restored.get_config() == config


def test_regularizer_configs_match_keras(keras):
    # Keras keeps L1's factor as a float32 tensor (its config says 0.20000000298...): ours is 0.2.
    l1 = keras.regularizers.serialize(keras.regularizers.L1(0.2))
    assert regularizers.serialize(regularizers.L1(0.2))["config"]["l1"] == pytest.approx(
        l1["config"]["l1"]
    )
    assert regularizers.deserialize(l1).l1 == pytest.approx(0.2)
    for ours, theirs in [
        (regularizers.L2(0.3), keras.regularizers.L2(0.3)),
        (regularizers.L1L2(0.1, 0.2), keras.regularizers.L1L2(0.1, 0.2)),
    ]:
        assert regularizers.serialize(ours) == keras.regularizers.serialize(theirs)
    loaded = regularizers.deserialize(
        keras.regularizers.serialize(keras.regularizers.OrthogonalRegularizer(0.25, "columns"))
    )
    assert isinstance(loaded, regularizers.OrthogonalRegularizer) and loaded.mode == "columns"


def test_base_regularizer_adds_nothing():
    assert regularizers.Regularizer()(np.ones(3)) == 0.0


# Constraints ---------------------------------------------------------------------------------
CONSTRAINT_CASES = [
    (constraints.MaxNorm(1.0), lambda w: np_max_norm(w, 1.0, 0)),
    (constraints.MaxNorm(1.5, axis=1), lambda w: np_max_norm(w, 1.5, 1)),
    (constraints.MaxNorm(2.0, axis=[0, 1]), lambda w: np_max_norm(w, 2.0, (0, 1))),
    (constraints.MinMaxNorm(1.0, 1.5), lambda w: np_min_max_norm(w, 1.0, 1.5, 1.0, 0)),
    (constraints.MinMaxNorm(2.0, 3.0, 0.5, 1), lambda w: np_min_max_norm(w, 2.0, 3.0, 0.5, 1)),
    (constraints.NonNeg(), lambda w: np.maximum(w, 0)),
    (constraints.UnitNorm(), lambda w: np_unit_norm(w, 0)),
    (constraints.UnitNorm(axis=-1), lambda w: np_unit_norm(w, -1)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CONSTRAINT_CASES, ids=lambda c: repr(c[0]))
def test_constraint_values_against_numpy(case, dtype):
    constraint, reference = case
    w = weights(dtype=dtype)
    out = constraint(w)
    assert dtype_of(out) == dtype and tuple(out.shape) == w.shape
    tol = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(to_numpy(out), reference(w.astype(np.float64)), rtol=tol, atol=tol)


def test_constraints_enforce_their_bounds():
    w = weights(seed=4) * 3.0
    norms = np.linalg.norm(to_numpy(constraints.MaxNorm(1.0)(w)), axis=0)
    assert norms.max() <= 1.0 + 1e-5
    norms = np.linalg.norm(to_numpy(constraints.MinMaxNorm(0.5, 0.7)(w * 0.01)), axis=0)
    assert norms.min() >= 0.5 - 1e-5 and norms.max() <= 0.7 + 1e-5
    np.testing.assert_allclose(
        np.linalg.norm(to_numpy(constraints.UnitNorm()(w)), axis=0), 1.0, rtol=1e-5
    )
    assert to_numpy(constraints.NonNeg()(w)).min() >= 0.0


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: constraints.MaxNorm(1.0), lambda k: k.constraints.MaxNorm(1.0)),
        (
            lambda: constraints.MaxNorm(2, axis=[0, 1]),
            lambda k: k.constraints.MaxNorm(2, axis=[0, 1]),
        ),
        (
            lambda: constraints.MinMaxNorm(0.5, 1.0, 0.7, 1),
            lambda k: k.constraints.MinMaxNorm(0.5, 1.0, 0.7, 1),
        ),
        (lambda: constraints.NonNeg(), lambda k: k.constraints.NonNeg()),
        (lambda: constraints.UnitNorm(axis=1), lambda k: k.constraints.UnitNorm(axis=1)),
    ],
)
def test_constraint_values_against_keras(keras, ours, theirs):
    w = weights(seed=5)
    np.testing.assert_allclose(
        to_numpy(ours()(w)), np.asarray(theirs(keras)(w)), rtol=1e-6, atol=1e-7
    )


def test_constraints_take_variables():
    w = weights()
    v = lamina.Variable(w, name="kernel")
    for c in (constraints.MaxNorm(1.0), constraints.NonNeg(), constraints.UnitNorm()):
        np.testing.assert_allclose(to_numpy(c(v)), to_numpy(c(w)), rtol=1e-6)


def test_constraint_argument_errors():
    with pytest.raises(ValueError, match="`max_value`"):
        constraints.MaxNorm(-1.0)
    with pytest.raises(ValueError, match="must not exceed"):
        constraints.MinMaxNorm(2.0, 1.0)
    with pytest.raises(ValueError, match="`rate`"):
        constraints.MinMaxNorm(rate=1.5)


@pytest.mark.parametrize(
    "name, cls",
    [
        ("max_norm", constraints.MaxNorm),
        ("min_max_norm", constraints.MinMaxNorm),
        ("non_neg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
        ("MaxNorm", constraints.MaxNorm),
        ("NonNeg", constraints.NonNeg),
    ],
)
def test_constraint_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_constraint_get_other_identifiers():
    c = constraints.MaxNorm(3)
    assert constraints.get(c) is c
    assert constraints.get(None) is None
    assert type(constraints.get(constraints.UnitNorm)) is constraints.UnitNorm
    assert constraints.get({"class_name": "MaxNorm", "config": {"max_value": 4}}).max_value == 4
    assert constraints.get(abs) is abs
    assert constraints.max_norm is constraints.MaxNorm
    with pytest.raises(ValueError, match="Unknown constraint"):
        constraints.get("max_nrom")
    assert constraints.Constraint()(3.0) == 3.0


@pytest.mark.parametrize(
    "constraint",
    [
        constraints.MaxNorm(3, axis=[0, 1]),
        constraints.MinMaxNorm(0.1, 2.0, 0.5, 1),
        constraints.NonNeg(),
        constraints.UnitNorm(axis=1),
    ],
    ids=repr,
)
def test_constraint_config_round_trip(constraint):
    config = constraint.get_config()
    restored = constraints.deserialize(json.loads(json.dumps(constraints.serialize(constraint))))
    assert type(restored) is type(constraint) and restored.get_config() == config
    w = weights(seed=6)
    np.testing.assert_array_equal(to_numpy(restored(w)), to_numpy(constraint(w)))


def test_constraint_configs_match_keras(keras):
    for ours, theirs in [
        (constraints.MaxNorm(3, axis=1), keras.constraints.MaxNorm(3, axis=1)),
        (constraints.MinMaxNorm(0.1, 2.0, 0.5), keras.constraints.MinMaxNorm(0.1, 2.0, 0.5)),
        (constraints.NonNeg(), keras.constraints.NonNeg()),
        (constraints.UnitNorm(), keras.constraints.UnitNorm()),
    ]:
        assert constraints.serialize(ours) == keras.constraints.serialize(theirs)
        assert constraints.deserialize(keras.constraints.serialize(theirs)).get_config() == (
            theirs.get_config()
        )
