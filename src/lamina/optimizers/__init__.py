"""`lamina.optimizers`: optimizers with Keras 3's names, arguments and update rules.

`get` accepts a name (``"adam"``), an optimizer instance or a serialized config.
"""

from __future__ import annotations

from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.base_optimizer import Optimizer
from lamina.optimizers.lion import Lion
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.schedules import LearningRateSchedule
from lamina.optimizers.sgd import SGD

ALL_OBJECTS = (Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS if cls is not Optimizer}


def serialize(optimizer) -> dict:
    """An optimizer's JSON-ready config: ``{"class_name": ..., "config": {...}, ...}``.

    Example:
        >>> config = lamina.optimizers.serialize(lamina.optimizers.SGD(learning_rate=0.5))
        >>> config["class_name"], config["config"]["learning_rate"]
        ('SGD', 0.5)
    """
    from lamina.saving.serialization import serialize_object

    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"`serialize` expects a `lamina.optimizers.Optimizer`. Received: {optimizer!r}"
        )
    return serialize_object(optimizer)


def deserialize(config, custom_objects=None) -> Optimizer:
    """The optimizer a `serialize` config describes (class names are case-insensitive).

    Example:
        >>> opt = lamina.optimizers.deserialize({"class_name": "adam", "config": {"learning_rate": 0.5}})
        >>> opt, float(opt.learning_rate)
        (<Adam name=...>, 0.5)
    """
    from lamina.saving.serialization import deserialize_object

    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        cls = ALL_OBJECTS_DICT.get(config["class_name"].lower())
        if cls is not None and not (custom_objects and config["class_name"] in custom_objects):
            config = {**config, "class_name": cls.__name__}
    return deserialize_object(config, custom_objects)


def get(identifier) -> Optimizer:
    """An optimizer from a name (``"adam"``), an instance or a config dict.

    Example:
        >>> type(lamina.optimizers.get("rmsprop")).__name__
        'RMSprop'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Unknown optimizer {identifier!r}. Valid names: {sorted(ALL_OBJECTS_DICT)}."
            )
        return cls()
    raise ValueError(
        "Could not interpret optimizer identifier: expected a name such as 'adam', an "
        f"Optimizer instance or a config dict. Received: {identifier!r}"
    )


__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LearningRateSchedule",
    "Lion",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
