"""Keras 3's names for the serialization registry (``keras.saving.register_keras_serializable``,
``serialize_keras_object``, ``get_custom_objects``, ...), on top of `serialization`.

Programs written for Keras 3 use these names; they share one registry with Lamina's own
`register_serializable` / `serialize_object`.
"""

from __future__ import annotations

import importlib

from lamina.saving import serialization
from lamina.saving.serialization import (
    custom_object_scope,
    custom_objects_in_scope,
    deserialize_object,
    register_serializable,
    safe_mode_scope,
    serialize_object,
)

CustomObjectScope = custom_object_scope

# Namespaces whose functions a ``{"class_name": "function"}`` config may name.
_FUNCTION_NAMESPACES = ("lamina.activations", "lamina.losses", "lamina.metrics")


def register_keras_serializable(package="Custom", name=None):
    """Keras 3's name for `register_serializable`: registers a class (or function) under
    ``"package>name"`` so that saved configs find it.

    Example:
        >>> @keras.saving.register_keras_serializable(package="Demo")
        ... class Triple(keras.layers.Layer):
        ...     def call(self, x):
        ...         return x * 3
        >>> keras.saving.get_registered_name(Triple)
        'Demo>Triple'
    """
    return register_serializable(package=package, name=name)


def get_custom_objects():
    """The registry of custom objects (the dict itself): ``"package>Name"`` (or any name you
    add) to class or function. Clearing it unregisters everything.

    Example:
        >>> def halve(x):
        ...     return x / 2
        >>> keras.saving.get_custom_objects()["halve"] = halve
        >>> keras.saving.get_registered_object("halve") is halve
        True
        >>> del keras.saving.get_custom_objects()["halve"]
    """
    return serialization._REGISTRY


def get_registered_name(obj):
    """The name ``obj`` (a class or function) is registered under, else its ``__name__``.

    Example:
        >>> keras.saving.get_registered_name(keras.layers.Dense)
        'Dense'
    """
    registered = getattr(obj, "_registered_name", None)
    if registered is None:
        for key, value in serialization._REGISTRY.items():
            if value is obj:
                return key
    return registered or obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function registered (or in scope) under ``name``, else None.

    Looks in the enclosing `custom_object_scope`s, the registry, ``custom_objects`` and then
    ``module_objects``, as Keras does.

    Example:
        >>> keras.saving.get_registered_object("nothing_by_this_name") is None
        True
        >>> keras.saving.get_registered_object("f", module_objects={"f": abs}) is abs
        True
    """
    for table in (
        custom_objects_in_scope(),
        serialization._REGISTRY,
        custom_objects or {},
        module_objects or {},
    ):
        if name in table:
            return table[name]
    return None


def serialize_keras_object(obj):
    """``obj`` as a JSON-ready value: a config dict for objects with ``get_config`` and for
    functions; plain values, lists and dicts element by element; None as None.

    Example:
        >>> config = keras.saving.serialize_keras_object(keras.layers.Dense(2))
        >>> config["module"], config["class_name"], config["config"]["units"]
        ('keras.layers', 'Dense', 2)
        >>> keras.saving.serialize_keras_object([1, "two", None])
        [1, 'two', None]
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if hasattr(obj, "get_config"):
        return serialize_object(obj)
    if callable(obj) and hasattr(obj, "__name__"):
        return {  # Keras 3's form for functions
            "module": "builtins",
            "class_name": "function",
            "config": get_registered_name(obj),
            "registered_name": "function",
        }
    raise TypeError(
        f"Cannot serialize {obj!r}: expected an object with `get_config`, a function, or "
        "plain values (numbers, strings, lists, dicts)."
    )


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The value `serialize_keras_object` turned into ``config`` (objects, functions, plain
    values, lists and dicts).

    Example:
        >>> layer = keras.saving.deserialize_keras_object(
        ...     {"module": "keras.layers", "class_name": "Dense", "config": {"units": 3}}
        ... )
        >>> type(layer).__name__, layer.units
        ('Dense', 3)
        >>> keras.saving.deserialize_keras_object(
        ...     {"class_name": "function", "config": "relu", "module": "builtins"}
        ... ).__name__
        'relu'
    """
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    if isinstance(config, dict) and "class_name" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()
        }
    if config.get("class_name") == "function":
        name = config.get("config")
        found = _function(name, custom_objects)
        if found is None:
            raise ValueError(
                f"Unknown function {name!r} in a saved config. If it is a custom function, pass "
                "it in `custom_objects={...}` or register it with "
                "`@keras.saving.register_keras_serializable()`."
            )
        return found
    with safe_mode_scope(safe_mode):
        return deserialize_object(config, custom_objects)


def _function(name, custom_objects):
    found = get_registered_object(name, custom_objects)
    if found is not None:
        return found
    for namespace in _FUNCTION_NAMESPACES:
        candidate = getattr(importlib.import_module(namespace), name, None)
        if callable(candidate) and not isinstance(candidate, type):
            return candidate
    return None
