"""Turning objects into JSON-ready configs and back, from a registry of known classes only.

A config is ``{"class_name": ..., "module": ..., "config": {...}, "registered_name": ...}``.
Classes resolve from Lamina's own public namespaces and from classes registered with
`register_serializable` or passed as ``custom_objects``; nothing is imported by name from a
config, so a config cannot make Lamina run code from an arbitrary module.
"""

from __future__ import annotations

import threading

_REGISTRY: dict[str, type] = {}
_SCOPE = threading.local()

# Public namespaces whose classes and functions a config may name.
_NAMESPACES = (
    "lamina.layers",
    "lamina.models",
    "lamina.optimizers",
    "lamina.optimizers.schedules",
    "lamina.losses",
    "lamina.metrics",
    "lamina.initializers",
    "lamina.regularizers",
    "lamina.constraints",
    "lamina.activations",
)


def register_serializable(package: str = "Custom", name: str | None = None):
    """Class decorator: makes a custom class loadable by name (``"package>Name"``).

    Example:
        >>> @lamina.saving.register_serializable(package="MyLayers")
        ... class Double(lamina.layers.Layer):
        ...     def call(self, x):
        ...         return x * 2
        >>> config = lamina.saving.serialize_object(Double())
        >>> config["registered_name"]
        'MyLayers>Double'
        >>> type(lamina.saving.deserialize_object(config)).__name__
        'Double'
    """

    def decorator(cls):
        registered = f"{package}>{name or cls.__name__}"
        if registered in _REGISTRY and _REGISTRY[registered] is not cls:
            raise ValueError(f"{registered!r} is already registered to {_REGISTRY[registered]}.")
        _REGISTRY[registered] = cls
        cls._registered_name = registered
        return cls

    return decorator


class custom_object_scope:
    """Inside this scope, ``custom_objects`` resolve by name when deserializing.

    Example:
        >>> class Double(lamina.layers.Layer):
        ...     def call(self, x):
        ...         return x * 2
        >>> config = lamina.saving.serialize_object(Double())
        >>> with lamina.saving.custom_object_scope({"Double": Double}):
        ...     layer = lamina.saving.deserialize_object(config)
        >>> type(layer).__name__
        'Double'
    """

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        self._previous = getattr(_SCOPE, "objects", {})
        _SCOPE.objects = {**self._previous, **self.custom_objects}
        return self

    def __exit__(self, *exc):
        _SCOPE.objects = self._previous


class safe_mode_scope:
    """Inside it, deserialization refuses anything that could run code (Lambda bytecode)
    unless ``safe_mode`` is False."""

    def __init__(self, safe_mode=True):
        self.safe_mode = bool(safe_mode)

    def __enter__(self):
        self._previous = getattr(_SCOPE, "safe_mode", True)
        _SCOPE.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _SCOPE.safe_mode = self._previous


def in_safe_mode() -> bool:
    return getattr(_SCOPE, "safe_mode", True)


def custom_objects_in_scope() -> dict:
    """The custom objects of the enclosing `custom_object_scope`s."""
    return dict(getattr(_SCOPE, "objects", {}))


def registered_name(obj) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return getattr(cls, "_registered_name", None) or cls.__name__


def serialize_object(obj) -> dict:
    """``obj``'s JSON-ready config: ``{"module", "class_name", "config", "registered_name"}``
    (and ``"build_config"`` for a built layer or model that needs it).

    Example:
        >>> config = lamina.saving.serialize_object(lamina.layers.Dense(2))
        >>> config["class_name"], config["config"]["units"]
        ('Dense', 2)
    """
    cls = type(obj)
    public = _public_module(cls)
    config = {
        "module": public or cls.__module__,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        # Built-in classes resolve by name (as in Keras, which writes None for its own).
        "registered_name": None if public else registered_name(obj),
    }
    build_config = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build_config is not None:
        config["build_config"] = build_config
    return config


serialize_layer = serialize_object


def _public_module(cls) -> str | None:
    """The module Keras 3 writes for the built-in class ``cls`` ("keras.layers", "keras" for
    models), or None when ``cls`` is not one of Lamina's public classes (a custom class).

    Keras's names, so that configs load in either library; Lamina reads only the namespace
    from them (``resolve_class``), never the file a class is defined in.
    """
    import importlib

    for namespace in sorted(_NAMESPACES, key=len, reverse=True):
        if cls.__module__ == namespace or cls.__module__.startswith(namespace + "."):
            try:
                found = getattr(importlib.import_module(namespace), cls.__name__, None)
            except ImportError:
                return None
            if found is not cls:
                return None
            return "keras" if namespace == "lamina.models" else "keras" + namespace[6:]
    return None


def resolve_class(
    class_name: str, registered: str | None = None, custom_objects=None, module: str | None = None
):
    """Find a class by name in custom objects, the registry, then Lamina's public namespaces
    (the namespace that ``module`` names first: a metric and a loss may share a class name)."""
    import importlib

    custom = {**getattr(_SCOPE, "objects", {}), **(custom_objects or {})}
    for key in (registered, class_name):
        if key and key in custom:
            return custom[key]
        if key and key in _REGISTRY:
            return _REGISTRY[key]
    namespaces = list(_NAMESPACES)
    if module:
        parts = module.split(".")
        preferred = [n for n in namespaces if n.split(".")[1] in parts[1:2]]
        namespaces = preferred + [n for n in namespaces if n not in preferred]
    for namespace in namespaces:
        try:
            module = importlib.import_module(namespace)
        except ImportError:
            continue
        found = getattr(module, class_name, None)
        if isinstance(found, type):
            return found
    raise ValueError(
        f"Unknown class {class_name!r} in a saved config. If it is a custom class, pass it in "
        "`custom_objects={...}` or decorate it with `@lamina.saving.register_serializable()`."
    )


def deserialize_object(config: dict, custom_objects=None):
    """The object a `serialize_object` config describes.

    Classes resolve from ``custom_objects``, the enclosing `custom_object_scope`s, the classes
    registered with `register_serializable`, then Lamina's public namespaces.

    Example:
        >>> layer = lamina.saving.deserialize_object({"class_name": "Dense", "config": {"units": 2}})
        >>> type(layer).__name__, layer.units
        ('Dense', 2)
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"A serialized object must be a dict with 'class_name' and 'config'. Received: {config!r}"
        )
    cls = resolve_class(
        config["class_name"],
        config.get("registered_name"),
        custom_objects,
        module=config.get("module"),
    )
    inner = config.get("config", {})
    from_config = cls.from_config
    try:
        obj = from_config(inner, custom_objects=custom_objects)
    except TypeError as e:
        if "custom_objects" not in str(e):
            raise
        with custom_object_scope(custom_objects):
            obj = from_config(inner)
    build_config = config.get("build_config")
    if build_config and not getattr(obj, "built", True):
        # A subclassed model (or custom layer) gets its weights from the shape it was built for.
        with custom_object_scope(custom_objects):
            obj.build_from_config(build_config)
    return obj


deserialize_layer = deserialize_object
