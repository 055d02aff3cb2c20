"""scikit-learn estimators around Lamina models: `SKLearnClassifier`, `SKLearnRegressor`,
`SKLearnTransformer` (Keras 3's names and arguments). They work in `Pipeline`,
`GridSearchCV` and `cross_val_score`.

``model`` is either a callable ``model(X, y, **model_kwargs)`` returning a compiled model (a
fresh model per fit, as scikit-learn expects), or a compiled model instance, which is copied
(architecture and compile arguments, new weights) at each fit unless ``warm_start``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted


class _Wrapper(BaseEstimator):
    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_clone__(self):
        # A model instance is shared, not deep-copied: `fit` copies it anyway.
        return type(self)(**self.get_params(deep=False))

    def _new_model(self, X, y):
        from lamina.layers.base import Layer

        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Layer):
            return _copy_model(self.model)
        if not callable(self.model):
            raise ValueError(
                f"`{type(self).__name__}`: `model` must be a compiled Lamina model or a callable "
                f"returning one. Received: {self.model!r}"
            )
        model = self.model(X, y, **(self.model_kwargs or {}))
        if not getattr(model, "compiled", False):
            raise ValueError(
                f"`{type(self).__name__}`: the `model` callable must return a compiled model "
                "(call `model.compile(...)` before returning it)."
            )
        return model

    def _fit(self, X, y):
        X = np.asarray(X, dtype="float32")
        self.n_features_in_ = X.shape[1] if X.ndim > 1 else 1
        self.model_ = self._new_model(X, y)
        kwargs = {"verbose": 0, **(self.fit_kwargs or {})}
        self.history_ = self.model_.fit(X, y, **kwargs).history
        return self

    def _predict_raw(self, X):
        from lamina import ops

        check_is_fitted(self, "model_")
        out = self.model_.predict(np.asarray(X, dtype="float32"), verbose=0)
        return np.asarray(ops.convert_to_numpy(out))


class SKLearnClassifier(ClassifierMixin, _Wrapper):
    """A scikit-learn classifier around a Lamina model whose outputs are class
    probabilities. Targets are one-hot encoded for training (compile with
    ``categorical_crossentropy``); `predict` returns the original labels.

    Args:
        model: a compiled model, or ``model(X, y, **model_kwargs)`` returning one.
        warm_start: keep training the same model on later `fit` calls.
        model_kwargs: keyword arguments for the ``model`` callable.
        fit_kwargs: keyword arguments for `Model.fit` (``epochs``, ``batch_size``, ...).

    Example:
        >>> from sklearn.model_selection import cross_val_score
        >>> def make_model(X, y):  # y: the one-hot targets
        ...     model = keras.Sequential([keras.Input((X.shape[1],)),
        ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
        ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(30, 4)).astype("float32")
        >>> y = np.where(X[:, 0] > 0, "yes", "no")
        >>> clf = lamina.wrappers.SKLearnClassifier(make_model, fit_kwargs={"epochs": 2})
        >>> cross_val_score(clf, X, y, cv=3).shape
        (3,)
        >>> clf.fit(X, y).classes_
        array(['no', 'yes'], dtype='<U3')
        >>> clf.predict(X[:4]).shape
        (4,)
    """

    def fit(self, X, y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        self._encoder = LabelEncoder().fit(y)
        self.classes_ = self._encoder.classes_
        codes = self._encoder.transform(y)
        onehot = np.eye(len(self.classes_), dtype="float32")[codes]
        return self._fit(X, onehot)

    def predict_proba(self, X):
        return self._predict_raw(X)

    def predict(self, X):
        proba = self.predict_proba(X)
        if proba.ndim == 2 and proba.shape[1] == 1:
            codes = (proba[:, 0] > 0.5).astype(int)
        else:
            codes = np.argmax(proba, axis=-1)
        return self._encoder.inverse_transform(codes)


class SKLearnRegressor(RegressorMixin, _Wrapper):
    """A scikit-learn regressor around a Lamina model; 1-D targets give 1-D predictions.

    Args: as `SKLearnClassifier`.

    Example:
        >>> def make_model(X, y):
        ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(30, 4)).astype("float32")
        >>> reg = lamina.wrappers.SKLearnRegressor(make_model, fit_kwargs={"epochs": 2})
        >>> reg.fit(X, X.sum(axis=1)).predict(X[:5]).shape  # 1-D targets: 1-D predictions
        (5,)
    """

    def fit(self, X, y):
        y = np.asarray(y, dtype="float32")
        self._target_ndim = y.ndim
        return self._fit(X, y.reshape(-1, 1) if y.ndim == 1 else y)

    def predict(self, X):
        out = self._predict_raw(X)
        if self._target_ndim == 1 and out.ndim == 2 and out.shape[1] == 1:
            return out[:, 0]
        return out


class SKLearnTransformer(TransformerMixin, _Wrapper):
    """A scikit-learn transformer: `fit` trains the model on ``(X, y)``; `transform` returns
    its outputs (e.g. an encoder's features).

    Args: as `SKLearnClassifier`.

    Example:
        >>> def make_encoder(X, y):
        ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(2)])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(30, 4)).astype("float32")
        >>> encoder = lamina.wrappers.SKLearnTransformer(make_encoder, fit_kwargs={"epochs": 1})
        >>> encoder.fit(X, X[:, :2]).transform(X).shape  # 4 features in, 2 out
        (30, 2)
    """

    def fit(self, X, y=None):
        return self._fit(X, X if y is None else y)

    def transform(self, X):
        return self._predict_raw(X)


def _copy_model(model):
    """The same architecture and compile arguments, with fresh weights."""
    from lamina.saving.model_file import _deserialize_compile
    from lamina.saving.serialization import deserialize_object, serialize_object

    if not getattr(model, "compiled", False):
        raise ValueError(
            "An estimator's `model` instance must be compiled (call `model.compile(...)`)."
        )
    copy = deserialize_object(serialize_object(model))
    copy.compile(**_deserialize_compile(model._compile_config, None))
    return copy
