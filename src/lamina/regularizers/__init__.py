"""`lamina.regularizers`: penalties on weights or activations, added to the training loss.

Names follow Keras 3: classes (``L1L2``) and snake-case names (``"l1"``, ``"l2"``, ``"l1_l2"``,
``"orthogonal_regularizer"``).
"""

from __future__ import annotations

import inspect

from lamina.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
)

ALL_OBJECTS = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "regularizer": Regularizer,
        "l1": L1,
        "l2": L2,
        "l1_l2": L1L2,
        "l1l2": L1L2,  # Keras 3's snake case of `L1L2`
        "orthogonal_regularizer": OrthogonalRegularizer,
    }
)

# Keras 3's lower-case aliases: `lamina.regularizers.l2(0.01)`.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_MODULE = "keras.regularizers"  # the module name Keras 3 writes, so configs load in either


def serialize(regularizer) -> dict | None:
    """The regularizer as a config dict: ``{"module", "class_name", "config", "registered_name"}``.

    Example:
        >>> print(lamina.regularizers.serialize(lamina.regularizers.L2(0.1))["config"])
        {'l2': 0.1}
    """
    if regularizer is None:
        return None
    if not hasattr(regularizer, "get_config"):
        raise ValueError(
            "`regularizers.serialize` needs a `Regularizer` (an object with `get_config`). "
            f"Received: {regularizer!r}"
        )
    cls = type(regularizer)
    if ALL_OBJECTS_DICT.get(cls.__name__) is not cls:
        from lamina.saving import serialize_object

        return serialize_object(regularizer)
    return {
        "module": _MODULE,
        "class_name": cls.__name__,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects: dict | None = None):
    """Rebuilds a regularizer from `serialize`'s output, a Keras 3 config or a name.

    Args:
        config: a dict with ``class_name`` and ``config``, or a name such as ``"l2"``.
        custom_objects: extra classes by name, for regularizers defined by the user.

    Example:
        >>> config = lamina.regularizers.serialize(lamina.regularizers.L2(0.1))
        >>> lamina.regularizers.deserialize(config)
        L2(l2=0.1)
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`regularizers.deserialize` needs a dict with 'class_name' and 'config', or a name. "
            f"Received: {config!r}"
        )
    name, registered = config["class_name"], config.get("registered_name")
    cls = next((custom_objects[k] for k in (registered, name) if k in (custom_objects or {})), None)
    if cls is None and registered in (None, name):
        cls = ALL_OBJECTS_DICT.get(name)
    if cls is None:
        cls = _resolve_registered(name, registered)
    if cls is None:
        raise ValueError(
            f"Unknown regularizer: {name!r}. Valid names are {_snake_names()} and their CamelCase "
            "class names. Pass user classes with `custom_objects` or register them with "
            "`lamina.saving.register_serializable`."
        )
    return cls.from_config(config.get("config") or {})


def _snake_names() -> str:
    return ", ".join(sorted(n for n in ALL_OBJECTS_DICT if n.islower()))


def _resolve_registered(name, registered):
    """A class registered with `lamina.saving` (or in its custom object scope), else None."""
    from lamina.saving import serialization

    try:
        return serialization.resolve_class(name, registered)
    except ValueError:
        return None


def get(identifier):
    """A regularizer from a name, a config dict, an instance, a class or a callable.

    Example:
        >>> print(lamina.regularizers.get("l2").get_config())
        {'l2': 0.01}
    """
    if identifier is None:
        return None
    if isinstance(identifier, (dict, str)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        "Could not interpret regularizer identifier: expected a name, a config dict, a "
        f"`Regularizer`, a class or a callable. Received: {identifier!r}"
    )


__all__ = [
    "ALL_OBJECTS",
    "ALL_OBJECTS_DICT",
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
