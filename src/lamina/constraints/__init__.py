"""`lamina.constraints`: projections applied to weights after each optimizer update.

Names follow Keras 3: classes (``MaxNorm``) and snake-case names (``"max_norm"``, ``"min_max_norm"``,
``"non_neg"``, ``"unit_norm"``).
"""

from __future__ import annotations

import inspect

from lamina.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

ALL_OBJECTS = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "constraint": Constraint,
        "max_norm": MaxNorm,
        "min_max_norm": MinMaxNorm,
        "non_neg": NonNeg,
        "unit_norm": UnitNorm,
    }
)

# Keras 3's lower-case aliases: `lamina.constraints.max_norm(2.0)`.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_MODULE = "keras.constraints"  # the module name Keras 3 writes, so configs load in either


def serialize(constraint) -> dict | None:
    """The constraint as a config dict: ``{"module", "class_name", "config", "registered_name"}``.

    Example:
        >>> print(lamina.constraints.serialize(lamina.constraints.NonNeg())["class_name"])
        NonNeg
    """
    if constraint is None:
        return None
    if not hasattr(constraint, "get_config"):
        raise ValueError(
            "`constraints.serialize` needs a `Constraint` (an object with `get_config`). "
            f"Received: {constraint!r}"
        )
    cls = type(constraint)
    if ALL_OBJECTS_DICT.get(cls.__name__) is not cls:
        from lamina.saving import serialize_object

        return serialize_object(constraint)
    return {
        "module": _MODULE,
        "class_name": cls.__name__,
        "config": constraint.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects: dict | None = None):
    """Rebuilds a constraint from `serialize`'s output, a Keras 3 config or a name.

    Args:
        config: a dict with ``class_name`` and ``config``, or a name such as ``"max_norm"``.
        custom_objects: extra classes by name, for constraints defined by the user.

    Example:
        >>> config = lamina.constraints.serialize(lamina.constraints.MaxNorm(3.0))
        >>> lamina.constraints.deserialize(config)
        MaxNorm(max_value=3.0, axis=0)
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`constraints.deserialize` needs a dict with 'class_name' and 'config', or a name. "
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
            f"Unknown constraint: {name!r}. Valid names are {_snake_names()} and their CamelCase "
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
    """A constraint from a name, a config dict, an instance, a class or a callable.

    Example:
        >>> print(lamina.constraints.get("max_norm").get_config())
        {'max_value': 2, 'axis': 0}
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
        "Could not interpret constraint identifier: expected a name, a config dict, a "
        f"`Constraint`, a class or a callable. Received: {identifier!r}"
    )


__all__ = [
    "ALL_OBJECTS",
    "ALL_OBJECTS_DICT",
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
