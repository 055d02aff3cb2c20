"""Losses against Keras 3 (the oracle, on TensorFlow): classes with every reduction and sample
weights, the functions, identifiers, configs, and the label-shape errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import lamina  # noqa: E402
from lamina import losses  # noqa: E402
from tests.conftest import requires_training, to_numpy  # noqa: E402
from tests.helpers import check_gradients  # noqa: E402

keras = pytest.importorskip("keras")

rng = np.random.default_rng(1)
N, K = 4, 3
REAL_T = rng.standard_normal((N, K)).astype("float32")
REAL_P = rng.standard_normal((N, K)).astype("float32")
POS_T = rng.uniform(0.1, 2.0, (N, K)).astype("float32")
POS_P = rng.uniform(0.1, 2.0, (N, K)).astype("float32")
BIN_T = rng.integers(0, 2, (N, K)).astype("float32")
PROB = rng.uniform(0.05, 0.95, (N, K)).astype("float32")
SIGNED_T = (2 * rng.integers(0, 2, (N, K)) - 1).astype("float32")
LABELS = np.array([0, 2, 1, 2])
ONE_HOT = np.eye(K, dtype="float32")[LABELS]
SOFTMAX = (np.exp(REAL_P) / np.exp(REAL_P).sum(-1, keepdims=True)).astype("float32")
DIST_T = (POS_T / POS_T.sum(-1, keepdims=True)).astype("float32")
SW = np.array([1.0, 0.5, 0.0, 2.0], "float32")

# (class name, kwargs, y_true, y_pred)
CASES = [
    ("MeanSquaredError", {}, REAL_T, REAL_P),
    ("MeanAbsoluteError", {}, REAL_T, REAL_P),
    ("MeanAbsolutePercentageError", {}, REAL_T, REAL_P),
    ("MeanSquaredLogarithmicError", {}, POS_T, POS_P),
    ("Huber", {}, REAL_T, REAL_P),
    ("Huber", {"delta": 0.3}, REAL_T, REAL_P),
    ("LogCosh", {}, REAL_T, REAL_P),
    ("CosineSimilarity", {}, REAL_T, REAL_P),
    ("CosineSimilarity", {"axis": 0}, REAL_T, REAL_P),
    ("Hinge", {}, BIN_T, REAL_P),
    ("Hinge", {}, SIGNED_T, REAL_P),
    ("SquaredHinge", {}, BIN_T, REAL_P),
    ("CategoricalHinge", {}, ONE_HOT, REAL_P),
    ("KLDivergence", {}, DIST_T, SOFTMAX),
    ("Poisson", {}, POS_T, POS_P),
    ("BinaryCrossentropy", {}, BIN_T, PROB),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, BIN_T, REAL_P),
    ("BinaryFocalCrossentropy", {}, BIN_T, PROB),
    ("BinaryFocalCrossentropy",
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "from_logits": True},
     BIN_T, REAL_P),
    ("CategoricalCrossentropy", {}, ONE_HOT, SOFTMAX),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, ONE_HOT, REAL_P),
    ("CategoricalCrossentropy", {"from_logits": True, "axis": 0}, ONE_HOT, REAL_P),
    ("SparseCategoricalCrossentropy", {}, LABELS, SOFTMAX),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, LABELS[:, None], REAL_P),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}, LABELS, REAL_P),
]  # fmt: skip
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]


def _ids(cases):
    return [f"{c[0]}-{i}" for i, c in enumerate(cases)]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", CASES, ids=_ids(CASES))
def test_classes_match_keras(name, kwargs, y_true, y_pred):
    # Along axis 0 the losses are per class, not per sample: no sample weights then.
    weights = (None,) if kwargs.get("axis") == 0 else (None, SW)
    for reduction in REDUCTIONS:
        for sw in weights:
            ours = getattr(losses, name)(reduction=reduction, **kwargs)
            theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
            got = to_numpy(ours(y_true, y_pred, sample_weight=sw))
            want = np.asarray(theirs(y_true, y_pred, sample_weight=sw))
            assert got.shape == want.shape, (reduction, sw is None)
            assert str(got.dtype) == "float32"
            np.testing.assert_allclose(
                got, want, rtol=1e-6, atol=1e-7, err_msg=f"{reduction}, weighted={sw is not None}"
            )


FUNCTIONS = [
    ("mean_squared_error", {}, REAL_T, REAL_P),
    ("mean_absolute_error", {}, REAL_T, REAL_P),
    ("mean_absolute_percentage_error", {}, REAL_T, REAL_P),
    ("mean_squared_logarithmic_error", {}, POS_T, POS_P),
    ("huber", {"delta": 0.5}, REAL_T, REAL_P),
    ("log_cosh", {}, REAL_T, REAL_P),
    ("cosine_similarity", {}, REAL_T, REAL_P),
    ("hinge", {}, BIN_T, REAL_P),
    ("squared_hinge", {}, SIGNED_T, REAL_P),
    ("categorical_hinge", {}, ONE_HOT, REAL_P),
    ("kl_divergence", {}, DIST_T, SOFTMAX),
    ("poisson", {}, POS_T, POS_P),
    ("binary_crossentropy", {"label_smoothing": 0.1}, BIN_T, PROB),
    ("binary_focal_crossentropy", {"gamma": 3.0}, BIN_T, PROB),
    ("categorical_crossentropy", {"from_logits": True}, ONE_HOT, REAL_P),
    ("sparse_categorical_crossentropy", {}, LABELS, SOFTMAX),
]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", FUNCTIONS, ids=_ids(FUNCTIONS))
def test_functions_match_keras(name, kwargs, y_true, y_pred):
    got = to_numpy(getattr(losses, name)(y_true, y_pred, **kwargs))
    want = np.asarray(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    assert got.shape == want.shape == (N,)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_short_names_and_ranks():
    assert losses.mse is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.kld is losses.kl_divergence
    # (batch,) labels against (batch, 1) predictions are matched up, as in Keras.
    y = np.array([0.0, 1.0, 1.0, 0.0], "float32")
    p = PROB[:, :1]
    for name in ("MeanSquaredError", "BinaryCrossentropy"):
        for reduction in ("none", "sum_over_batch_size"):
            got = to_numpy(getattr(losses, name)(reduction=reduction)(y, p, sample_weight=SW))
            want = np.asarray(
                getattr(keras.losses, name)(reduction=reduction)(y, p, sample_weight=SW)
            )
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_float64_dtype():
    loss = losses.MeanSquaredError(dtype="float64")
    out = loss(REAL_T.astype("float64"), REAL_P.astype("float64"))
    assert str(to_numpy(out).dtype) == "float64"
    np.testing.assert_allclose(to_numpy(out), np.mean((REAL_T - REAL_P) ** 2), rtol=1e-6)


def test_categorical_crossentropy_rejects_integer_labels():
    probs = np.full((5, 10), 0.1, "float32")
    labels = np.arange(5)
    for y in (labels, labels[:, None]):
        with pytest.raises(ValueError) as info:
            losses.CategoricalCrossentropy()(y, probs)
        message = str(info.value)
        assert "expects one-hot labels of shape (batch, 10)" in message
        assert f"received labels of shape {tuple(y.shape)}" in message
        assert "loss='sparse_categorical_crossentropy'" in message
        assert "lamina.utils.to_categorical(y, 10)" in message
    with pytest.raises(ValueError, match="one-hot labels of shape"):
        losses.categorical_crossentropy(labels, probs)
    with pytest.raises(ValueError, match="4 classes and the predictions 10"):
        losses.categorical_crossentropy(np.zeros((5, 4)), probs)


def test_sparse_categorical_crossentropy_rejects_one_hot_labels():
    probs = np.full((5, 10), 0.1, "float32")
    one_hot = np.eye(10, dtype="float32")[:5]
    with pytest.raises(ValueError) as info:
        losses.SparseCategoricalCrossentropy()(one_hot, probs)
    message = str(info.value)
    assert "integer class labels of shape (batch,)" in message
    assert "received labels of shape (5, 10)" in message
    assert "loss='categorical_crossentropy'" in message


def test_get_and_errors():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("categorical_crossentropy") is losses.categorical_crossentropy
    assert isinstance(losses.get("CategoricalCrossentropy"), losses.CategoricalCrossentropy)
    assert isinstance(losses.get({"class_name": "Huber", "config": {"delta": 2.0}}), losses.Huber)
    assert losses.get(None) is None
    with pytest.raises(ValueError, match="Valid names:.*'mse'"):
        losses.get("msee")
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")


@pytest.mark.parametrize("name,kwargs", [(c[0], c[1]) for c in CASES], ids=_ids(CASES))
def test_config_round_trip(name, kwargs):
    loss = getattr(losses, name)(reduction="sum", name="my_loss", **kwargs)
    config = losses.serialize(loss)
    again = losses.deserialize(config)
    assert type(again) is type(loss)
    assert again.get_config() == loss.get_config()
    for key, value in kwargs.items():
        assert again.get_config()[key] == value


def test_function_serialization_and_wrapper():
    config = losses.serialize(losses.huber)
    assert losses.deserialize(config) is losses.huber
    wrapper = losses.LossFunctionWrapper(losses.huber, delta=0.5, name="h")
    again = losses.deserialize(losses.serialize(wrapper))
    np.testing.assert_allclose(
        to_numpy(again(REAL_T, REAL_P)),
        to_numpy(losses.Huber(delta=0.5)(REAL_T, REAL_P)),
        rtol=1e-6,
    )


@requires_training
def test_gradients():
    """The loss path (rank matching, `where`, reduction) differentiates like finite differences;
    the cross-entropies' gradients are checked with their ops."""
    loss = losses.Huber(delta=0.5, dtype="float64")
    check_gradients(lambda p: loss(REAL_T.astype("float64"), p, sample_weight=SW), REAL_P)


def test_symbolic_inputs():
    y_pred = lamina.KerasTensor((None, K), "float32")
    y_true = lamina.KerasTensor((None, K), "float32")
    out = losses.mean_squared_error(y_true, y_pred)
    assert tuple(out.shape) == (None,)
