"""`lamina.metrics`: Keras 3's stateful metrics (``update_state`` / ``result`` /
``reset_state``), the per-sample metric functions, and `get`, `serialize`, `deserialize`.

Metric state lives in Variables updated with `lamina.ops` and ``assign``, so metrics run
inside compiled steps on every backend.
"""

from __future__ import annotations

import inspect

from lamina.losses.functions import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from lamina.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from lamina.metrics.f_score_metrics import F1Score, FBetaScore
from lamina.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from lamina.metrics.metric import Metric
from lamina.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from lamina.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from lamina.utils.naming import to_snake_case

ALL_OBJECTS = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score,
    FBetaScore,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)

# Per-sample functions a `MeanMetricWrapper` config may name.
_FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        accuracy,
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        top_k_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        binary_crossentropy,
        categorical_crossentropy,
        sparse_categorical_crossentropy,
        kl_divergence,
        poisson,
        hinge,
        squared_hinge,
        categorical_hinge,
        huber,
        log_cosh,
        mean_squared_error,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
    )
}


def _metric_function(name):
    fn = _FUNCTIONS.get(name)
    if fn is None:
        raise ValueError(f"Unknown metric function {name!r}. Valid names: {sorted(_FUNCTIONS)}.")
    return fn


def serialize(metric):
    """A metric's JSON-ready config: a dict for `Metric` objects and metric functions alike.

    Example:
        >>> config = keras.metrics.serialize(keras.metrics.AUC(num_thresholds=50))
        >>> config["class_name"], config["config"]["num_thresholds"]
        ('AUC', 50)
    """
    from lamina.saving.serialization import serialize_object

    if isinstance(metric, Metric):
        return serialize_object(metric)
    name = getattr(metric, "__name__", None)
    if callable(metric) and name:
        return {  # (Keras 3's form for functions)
            "module": "builtins",
            "class_name": "function",
            "config": name,
            "registered_name": "function",
        }
    raise TypeError(f"Cannot serialize {metric!r}: expected a `Metric` or a metric function.")


def deserialize(config, custom_objects=None):
    """The metric (object or function) a `serialize` config describes.

    Example:
        >>> m = keras.metrics.deserialize({"class_name": "AUC", "config": {"num_thresholds": 50}})
        >>> type(m).__name__, m.num_thresholds
        ('AUC', 50)
    """
    from lamina.saving.serialization import deserialize_object

    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("config")
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        return _metric_function(name)
    return deserialize_object(config, _own_classes(config, custom_objects))


def _own_classes(config, custom_objects):
    # Metric and loss classes share names (MeanSquaredError, ...): resolve ours first.
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = ALL_OBJECTS_DICT.get(name)
    if cls is None or (custom_objects and name in custom_objects):
        return custom_objects
    return {**(custom_objects or {}), name: cls}


def get(identifier):
    """A metric from a name, a config dict, a `Metric` or a function (None gives None).

    Names give new `Metric` instances, as in Keras: ``"mse"``, ``"binary_accuracy"``,
    ``"auc"``, ``"precision"``, ``"MeanSquaredError"``, ...

    Example:
        >>> type(lamina.metrics.get("binary_accuracy")).__name__
        'BinaryAccuracy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            raise ValueError(
                f"Unknown metric {identifier!r}. Valid names: {sorted(ALL_OBJECTS_DICT)}."
            )
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
    return obj


__all__ = sorted(
    {cls.__name__ for cls in ALL_OBJECTS} | set(_FUNCTIONS) | {"deserialize", "get", "serialize"}
)
