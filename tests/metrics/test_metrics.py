"""Metrics against Keras 3 (the oracle, on TensorFlow): several weighted `update_state` calls,
then `result`; `reset_state`; identifiers and configs; and updates inside a compiled step."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import lamina  # noqa: E402
from lamina import metrics  # noqa: E402
from tests.conftest import requires_training, to_numpy  # noqa: E402

keras = pytest.importorskip("keras")

rng = np.random.default_rng(2)
N, K = 6, 4


def batches(kind, count=3):
    """``count`` (y_true, y_pred, sample_weight) batches of one kind of problem."""
    out = []
    for i in range(count):
        sw = rng.uniform(0.0, 2.0, (N,)).astype("float32") if i != 1 else None
        if kind == "regression":
            y, p = rng.standard_normal((N, K)), rng.standard_normal((N, K))
        elif kind == "positive":
            y, p = rng.uniform(0.1, 2, (N, K)), rng.uniform(0.1, 2, (N, K))
        elif kind == "binary":
            y, p = rng.integers(0, 2, (N, K)), rng.uniform(0, 1, (N, K))
        elif kind == "binary1":
            y, p = rng.integers(0, 2, (N, 1)), rng.uniform(0, 1, (N, 1))
        elif kind == "onehot":
            y, p = np.eye(K)[rng.integers(0, K, N)], rng.dirichlet(np.ones(K), N)
        elif kind == "sparse":
            y, p = rng.integers(0, K, (N,)), rng.dirichlet(np.ones(K), N)
        elif kind == "sparse1":
            y, p = rng.integers(0, K, (N, 1)), rng.standard_normal((N, K))
        elif kind == "multilabel":
            y, p = rng.integers(0, 2, (N, K)), rng.uniform(0, 1, (N, K))
        elif kind == "exact":
            y, p = rng.integers(0, 3, (N,)), rng.integers(0, 3, (N,))
        else:
            raise ValueError(kind)
        y = y.astype("float32") if kind not in ("sparse", "sparse1", "exact") else y
        out.append((y, np.asarray(p, "float32"), sw))
    return out


# (class name, kwargs, kind of data)
CASES = [
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary1"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse1"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse1"),
    ("MeanSquaredError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "regression"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "binary"),
    ("CategoricalHinge", {}, "onehot"),
    ("KLDivergence", {}, "onehot"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "regression"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse1"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.8]}, "binary"),
    ("TrueNegatives", {}, "binary"),
    ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "binary"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "binary"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Recall", {}, "binary"),
    ("Recall", {"top_k": 1, "class_id": 2}, "multilabel"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7, "curve": "PR"}, "binary"),
    ("AUC", {"num_thresholds": 7, "curve": "PR", "summation_method": "majoring"}, "binary"),
    ("AUC", {"num_thresholds": 7, "curve": "PRGAIN", "summation_method": "minoring"}, "binary"),
    ("AUC", {"thresholds": [0.1, 0.4, 0.45, 0.9, 0.95]}, "binary"),
    (
        "AUC",
        {"num_thresholds": 7, "multi_label": True, "label_weights": [1.0, 2.0, 0.5, 1.0]},
        "multilabel",
    ),
    ("AUC", {"from_logits": True, "num_thresholds": 7}, "regression"),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 7}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6, "num_thresholds": 7}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.5, "num_thresholds": 7}, "binary"),
    ("RecallAtPrecision", {"precision": 0.4, "num_thresholds": 7}, "binary"),
    ("F1Score", {}, "onehot"),
    ("F1Score", {"average": "micro", "threshold": 0.3}, "multilabel"),
    ("FBetaScore", {"average": "macro", "beta": 2.0, "threshold": 0.5}, "multilabel"),
    ("FBetaScore", {"average": "weighted", "beta": 0.5}, "onehot"),
]


@pytest.mark.parametrize(
    "name,kwargs,kind", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_matches_keras(name, kwargs, kind):
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    data = batches(kind)
    for y, p, sw in data:
        ours.update_state(y, p, sample_weight=sw)
        theirs.update_state(y, p, sample_weight=sw)
        np.testing.assert_allclose(
            to_numpy(ours.result()), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6
        )
    assert to_numpy(ours.result()).dtype == np.float32
    ours.reset_state()
    theirs.reset_state()
    y, p, sw = data[0]
    ours.update_state(y, p, sample_weight=sw)
    theirs.update_state(y, p, sample_weight=sw)
    np.testing.assert_allclose(
        to_numpy(ours.result()), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("name", ["Mean", "Sum"])
def test_reductions_match_keras(name):
    ours, theirs = getattr(metrics, name)(), getattr(keras.metrics, name)()
    for values, sw in [
        (rng.standard_normal((5,)), None),
        (rng.standard_normal((5, 3)), rng.uniform(0, 1, (5,))),
        (rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 3))),
        (rng.standard_normal((4,)), np.float32(0.5)),
        (np.float32(3.0), None),
    ]:
        ours.update_state(values, sample_weight=sw)
        theirs.update_state(values, sample_weight=sw)
        np.testing.assert_allclose(
            to_numpy(ours.result()), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6
        )


def test_mean_metric_wrapper_and_call():
    m = metrics.MeanMetricWrapper(lamina.losses.mean_absolute_error, name="mae_w")
    y, p = np.zeros((2, 2), "float32"), np.array([[1.0, 3.0], [2.0, 2.0]], "float32")
    np.testing.assert_allclose(to_numpy(m(y, p)), 2.0)
    m.update_state(y, p, sample_weight=np.array([0.0, 1.0], "float32"))
    np.testing.assert_allclose(to_numpy(m.result()), 2.0)
    again = metrics.deserialize(metrics.serialize(m))
    assert again.name == "mae_w" and again._fn is lamina.losses.mean_absolute_error
    assert len(m.variables) == 2


@pytest.mark.parametrize(
    "identifier,cls",
    [("binary_accuracy", "BinaryAccuracy"), ("categorical_accuracy", "CategoricalAccuracy"),
     ("sparse_categorical_accuracy", "SparseCategoricalAccuracy"), ("mse", "MeanSquaredError"),
     ("mae", "MeanAbsoluteError"), ("auc", "AUC"), ("precision", "Precision"),
     ("recall", "Recall"), ("top_k_categorical_accuracy", "TopKCategoricalAccuracy"),
     ("f1_score", "F1Score"), ("r2_score", "R2Score"), ("kl_divergence", "KLDivergence"),
     ("RootMeanSquaredError", "RootMeanSquaredError")],
)  # fmt: skip
def test_get(identifier, cls):
    m = metrics.get(identifier)
    assert type(m).__name__ == cls
    # Keras resolves the same name to the same class.
    assert type(keras.metrics.get(identifier)).__name__ == cls


def test_get_errors_and_passthrough():
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(None) is None
    with pytest.raises(ValueError, match="Valid names:.*'mse'"):
        metrics.get("not_a_metric")
    with pytest.raises(ValueError, match="Threshold values must be in"):
        metrics.Precision(thresholds=[1.5])
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="average"):
        metrics.F1Score(average="median")


@pytest.mark.parametrize(
    "name,kwargs", [(c[0], c[1]) for c in CASES[::3]], ids=[c[0] for c in CASES[::3]]
)
def test_config_round_trip(name, kwargs):
    m = getattr(metrics, name)(name="my_metric", **kwargs)
    again = metrics.deserialize(metrics.serialize(m))
    assert type(again) is type(m)
    assert again.get_config() == m.get_config()
    assert again.name == "my_metric"


@requires_training
@pytest.mark.parametrize("name,kwargs,kind", [
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("AUC", {"num_thresholds": 7}, "binary"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("RootMeanSquaredError", {}, "regression"),
    ("F1Score", {"average": "macro"}, "onehot"),
    ("R2Score", {}, "regression"),
])  # fmt: skip
def test_update_inside_compiled_step(name, kwargs, kind):
    """update_state traced by jax.jit / tf.function / torch gives the eager result."""
    trainer = lamina.backend.active.load("trainer")
    data = batches(kind)
    eager = getattr(metrics, name)(**kwargs)
    compiled = getattr(metrics, name)(**kwargs)
    y0, p0, _ = data[0]
    # Metrics that size their state from the data build it before the step is compiled.
    if hasattr(compiled, "build") and not getattr(compiled, "_built", True):
        compiled.build(y0.shape, p0.shape) if name != "AUC" else compiled.build(p0.shape)

    def step(batch):
        y, p, sw = batch
        compiled.update_state(y, p, sample_weight=sw)
        return compiled.result()

    run = trainer.compile_step(step, compiled.variables, jit_compile=trainer.default_jit_compile())
    for y, p, sw in data:
        sw = np.ones((N,), "float32") if sw is None else sw  # one signature for the trace
        eager.update_state(y, p, sample_weight=sw)
        out = run((y, p, sw))
        np.testing.assert_allclose(to_numpy(out), to_numpy(eager.result()), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        to_numpy(compiled.result()), to_numpy(eager.result()), rtol=1e-5, atol=1e-6
    )


def test_custom_metric_subclass():
    """A Keras-style custom metric: state from `add_weight`, updates with `assign_add`."""

    class CountPositives(metrics.Metric):
        def __init__(self, name="count_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_weight(name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            positive = lamina.ops.cast(lamina.ops.greater(y_pred, 0.5), self.dtype)
            self.count.assign_add(lamina.ops.sum(positive))

        def result(self):
            return self.count.value

    m = CountPositives()
    m.update_state(None, np.array([0.2, 0.7, 0.9], "float32"))
    m.update_state(None, np.array([0.6], "float32"))
    assert float(to_numpy(m.result())) == 3.0
    m.reset_state()
    assert float(to_numpy(m.result())) == 0.0
    assert [v.path for v in m.variables] == ["count_positives/count"]
