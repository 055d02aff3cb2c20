"""`lamina.losses`: Keras 3's losses, as classes (``MeanSquaredError()``) and functions
(``mean_squared_error``), with `get`, `serialize` and `deserialize`."""

from __future__ import annotations

import inspect

from lamina.losses.functions import (
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    kld,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from lamina.losses.loss import Loss, reduce_weighted_values
from lamina.losses.losses import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)

ALL_OBJECTS = (
    Loss,
    LossFunctionWrapper,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
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
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
        "logcosh": log_cosh,
    }
)
_FUNCTIONS = {obj.__name__: obj for obj in ALL_OBJECTS if not inspect.isclass(obj)}


def serialize(loss):
    """A loss's JSON-ready config: a dict for `Loss` objects and functions alike.

    Example:
        >>> config = keras.losses.serialize(keras.losses.BinaryCrossentropy(from_logits=True))
        >>> config["class_name"], config["config"]["from_logits"]
        ('BinaryCrossentropy', True)
        >>> keras.losses.serialize(keras.losses.mean_squared_error)["config"]
        'mean_squared_error'
    """
    from lamina.saving.serialization import serialize_object

    if isinstance(loss, Loss):
        return serialize_object(loss)
    name = getattr(loss, "__name__", None)
    if callable(loss) and name:
        return {  # (Keras 3's form for functions)
            "module": "builtins",
            "class_name": "function",
            "config": name,
            "registered_name": "function",
        }
    raise TypeError(f"Cannot serialize {loss!r}: expected a `Loss` or a loss function.")


def deserialize(config, custom_objects=None):
    """The loss (object or function) a `serialize` config or a name describes.

    Example:
        >>> keras.losses.deserialize("mean_squared_error").__name__
        'mean_squared_error'
        >>> loss = keras.losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}})
        >>> round(float(loss([[0.0, 0.0]], [[1.0, 3.0]])), 4)
        2.25
    """
    from lamina.saving.serialization import deserialize_object

    if isinstance(config, str):
        return _lookup(config, custom_objects)
    if isinstance(config, dict) and config.get("class_name") == "function":
        return _lookup(config.get("config"), custom_objects)
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = ALL_OBJECTS_DICT.get(name)
    if inspect.isclass(cls) and not (custom_objects and name in custom_objects):
        # Loss and metric classes share names (MeanSquaredError, ...): resolve ours first.
        custom_objects = {**(custom_objects or {}), name: cls}
    return deserialize_object(config, custom_objects)


def _lookup(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    obj = ALL_OBJECTS_DICT.get(name)
    if obj is None:
        raise ValueError(f"Unknown loss {name!r}. Valid names: {sorted(ALL_OBJECTS_DICT)}.")
    return obj


def get(identifier):
    """A loss from a name, a config dict, a `Loss` or a function (None gives None).

    Snake-case names give functions (``"mse"``, ``"categorical_crossentropy"``); class names
    give new instances (``"CategoricalCrossentropy"``), as in Keras.

    Example:
        >>> lamina.losses.get("mse").__name__
        'mean_squared_error'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _lookup(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
    return obj


__all__ = [
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]
