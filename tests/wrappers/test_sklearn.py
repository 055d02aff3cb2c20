"""scikit-learn wrappers in Pipeline, GridSearchCV and cross_val_score (training backends)."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from tests.conftest import requires_training

sklearn = pytest.importorskip("sklearn")
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from lamina.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402

pytestmark = requires_training


def _blobs(n=90, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[0, 0], [4, 4], [0, 4]], "float32")
    labels = np.repeat(np.array(["a", "b", "c"]), n // 3)
    x = centers[np.repeat(np.arange(3), n // 3)] + rng.standard_normal((n, 2)).astype("float32")
    return x * 10 + 50, labels  # unscaled on purpose (the pipeline scales)


def make_classifier(X, y, hidden=8):
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            lamina.Input((X.shape[1],)),
            lamina.layers.Dense(hidden, activation="relu"),
            lamina.layers.Dense(y.shape[1], activation="softmax"),
        ]
    )
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="categorical_crossentropy")
    return model


def test_classifier_in_pipeline_and_cross_val_score():
    x, y = _blobs()
    clf = make_pipeline(
        StandardScaler(), SKLearnClassifier(make_classifier, fit_kwargs={"epochs": 30})
    )
    clf.fit(x, y)
    assert set(clf.predict(x)) <= {"a", "b", "c"}
    assert clf.score(x, y) > 0.9
    proba = clf.predict_proba(x[:5])
    assert proba.shape == (5, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    scores = cross_val_score(clf, x, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8


def test_grid_search_over_model_kwargs():
    x, y = _blobs(60)
    x = StandardScaler().fit_transform(x)
    search = GridSearchCV(
        SKLearnClassifier(make_classifier, fit_kwargs={"epochs": 10}),
        {"model_kwargs": [{"hidden": 2}, {"hidden": 8}]},
        cv=2,
    )
    search.fit(x, y)
    assert search.best_params_["model_kwargs"]["hidden"] in (2, 8)
    assert len(search.cv_results_["mean_test_score"]) == 2


def test_regressor_with_model_instance_and_warm_start():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5], "float32") + 0.3
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.Adam(0.1), loss="mse")
    reg = SKLearnRegressor(model, fit_kwargs={"epochs": 40, "batch_size": 16})
    reg.fit(x, y)
    assert reg.model_ is not model  # a copy was trained
    pred = reg.predict(x)
    assert pred.shape == (64,)
    assert reg.score(x, y) > 0.9
    assert cross_val_score(reg, x, y, cv=2).mean() > 0.8
    warm = SKLearnRegressor(model, warm_start=True, fit_kwargs={"epochs": 1})
    warm.fit(x, y)
    first = warm.model_
    warm.fit(x, y)
    assert warm.model_ is first


def test_transformer_and_errors():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((32, 4)).astype("float32")

    def autoencoder(X, y):
        inputs = lamina.Input((4,))
        code = lamina.layers.Dense(2, name="code")(inputs)
        model = lamina.Model(inputs, lamina.layers.Dense(4)(code))
        model.compile(optimizer="adam", loss="mse")
        return model

    out = SKLearnTransformer(autoencoder, fit_kwargs={"epochs": 1}).fit_transform(x)
    assert out.shape == (32, 4)

    def uncompiled(X, y):
        return lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(1)])

    with pytest.raises(ValueError, match="compiled"):
        SKLearnRegressor(uncompiled).fit(x, x[:, 0])
